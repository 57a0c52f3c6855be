//! The native handlers of the seed's services, one file per service.

use axum::Router;

use super::AppState;

mod params;

pub use params::{Problem, Unprocessable};

/// Batch migrations running in this process (the migration service).
#[derive(Default)]
pub(crate) struct Jobs {}

/// Every native `/api/v1/...` route and `/openapi.json`, each route group
/// under its own timeout.
pub(crate) fn routes(state: &AppState) -> Router {
    Router::new().with_state(state.clone())
}
