//! Operations: `/health`, `/ready`, `/metrics`, request ids, traces and logs.

use axum::routing::get;
use axum::Router;

use super::{AppState, RouteGroup};

/// The server's metrics registry.
pub(crate) struct Metrics {}

impl Metrics {
    pub(crate) fn new() -> Self {
        Metrics {}
    }

    /// Counts a request of `group` refused by its rate limit.
    pub(crate) fn rate_limited(&self, group: RouteGroup) {
        let _ = group;
    }

    /// Counts one shadow comparison of `group`.
    pub(crate) fn shadow_compared(&self, group: RouteGroup, outcome: ShadowOutcome) {
        let _ = (group, outcome);
    }
}

/// How one shadow comparison came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShadowOutcome {
    /// The native answer equals the legacy one (within the tolerance).
    Match,
    /// They differ.
    Mismatch,
    /// They could not be compared (not JSON, too large, native failed to run).
    Incomparable,
}

/// `/health`, `/ready` and `/metrics`.
pub(crate) fn routes(state: &AppState) -> Router {
    Router::new()
        .route(
            "/health",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .with_state(state.clone())
}

/// `router` with request ids, spans and request metrics around every request.
pub(crate) fn observe(router: Router, state: &AppState) -> Router {
    let _ = state;
    router
}
