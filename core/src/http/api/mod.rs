//! The native handlers of the seed's services, one file per service.

use axum::Router;

use super::AppState;

mod cache;
mod jobs;
mod migrate;
mod operator;
mod params;

pub(crate) use jobs::Jobs;
pub use params::{Problem, Unprocessable};

/// Every native `/api/v1/...` route and `/openapi.json`, each route group
/// under its own timeout.
pub(crate) fn routes(state: &AppState) -> Router {
    Router::new()
        .merge(cache::routes(state))
        .merge(migrate::routes(state))
}
