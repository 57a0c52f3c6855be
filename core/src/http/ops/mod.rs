//! Operations: `/health`, `/ready`, `/metrics`, request ids, traces and logs.
//!
//! - [`observe`] wraps the whole application: every request gets an
//!   `X-Request-Id` (the client's when usable, else a UUID v4) set on the
//!   request before the inner layers run and on the answer, a `request`
//!   span carrying it (with method, path and route group) around every log
//!   line of its handling, and its count and latency in the metrics.
//! - `/metrics` answers the Prometheus text format from the server's own
//!   registry ([`Metrics`]).
//! - [`init_telemetry`] installs the log lines (text or JSON) and the OTLP
//!   span exporter of the `tickersense serve` process.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::resilience::BreakerState;

use super::AppState;

mod health;
mod metrics;
mod observe;
mod scraped;
mod telemetry;

// The gateway and strangler parts count their rejections and comparisons here.
#[allow(unused_imports)]
pub(crate) use metrics::{Metrics, ShadowOutcome};
pub(crate) use observe::ObserveLayer;
#[allow(unused_imports)]
pub(crate) use observe::REQUEST_ID;
pub use telemetry::{init_telemetry, Telemetry, OTLP_ENDPOINT_VAR};

/// The content type of the Prometheus text exposition format.
const PROMETHEUS_TEXT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `/health`, `/ready` and `/metrics`.
pub(crate) fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(scrape))
        .with_state(state.clone())
}

/// `router` with request ids, spans and request metrics around every
/// request, and a panic in a handler answered as a JSON 500, as the
/// server's pipeline has them ([`ObserveLayer`]).
#[cfg(test)]
pub(crate) fn observe(router: Router, state: &AppState) -> Router {
    router.layer(ObserveLayer::new(state))
}

/// The breaker of each upstream the server calls, by name.
///
/// The legacy upstream's is read from the strangler here, and only here:
/// `/metrics` and `/ready` both call this.
pub(crate) fn upstream_breakers(state: &AppState) -> Vec<(&'static str, BreakerState)> {
    state.inner.routes.legacy_state().into_iter().collect()
}

/// `GET /metrics`: the registry with the cache counters (read from the
/// client's cache counters, no scan) and the breakers as they are now.
async fn scrape(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let cache = state.client().cache_counters().await.unwrap_or_default();
    let breakers = upstream_breakers(&state);
    match state.inner.metrics.encode(cache, breakers) {
        Ok(text) => ([(CONTENT_TYPE, PROMETHEUS_TEXT)], text).into_response(),
        Err(_) => crate::Error::internal("the metrics could not be encoded").into_response(),
    }
}
