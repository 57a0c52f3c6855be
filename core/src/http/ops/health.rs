//! `/health` (liveness) and `/ready` (readiness).
//!
//! `/ready` is 503 when a backend that every native route needs is down.
//! That is the market data alone: every stocks route reads it, and a
//! sentiment analysis without prices still works but a server without
//! quotes serves nothing its clients came for. The others degrade rather
//! than stop the server, so they leave it ready and are listed under
//! `degraded`: with the store down quotes, history and search are served
//! (bars not kept) and analyses come back unstored; a cache down reads as
//! misses; a social source or the analyzer down fails only the sentiment
//! group; the legacy upstream down or its breaker open fails only the
//! groups routed to it (503 with `Retry-After` from the strangler). A
//! closed client reports every backend down, so a server shutting down
//! answers 503 here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::resilience::BreakerState;
use crate::{BackendHealth, BackendRole, BackendStatus};

use super::super::AppState;

/// The backends without which the server is not ready.
pub(crate) const REQUIRED: [BackendRole; 1] = [BackendRole::MarketData];

/// `GET /health`: the process answers. No I/O.
pub(crate) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// An upstream the server calls, and its breaker.
#[derive(Debug, Serialize)]
pub(crate) struct UpstreamHealth {
    name: &'static str,
    /// `closed`, `half-open` or `open`.
    state: &'static str,
    /// How long an open breaker refuses calls still, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_in_ms: Option<u64>,
}

/// The `/ready` answer.
#[derive(Debug, Serialize)]
pub(crate) struct Readiness {
    /// `ready`, `degraded` or `unavailable`.
    status: &'static str,
    backends: Vec<BackendHealth>,
    upstreams: Vec<UpstreamHealth>,
    /// The backends and upstreams not answering (`role` or upstream name).
    degraded: Vec<String>,
}

/// The readiness of a server whose backends and upstreams are as given,
/// with its status code.
pub(crate) fn readiness(
    backends: Vec<BackendHealth>,
    upstreams: Vec<(&'static str, BreakerState)>,
) -> (StatusCode, Readiness) {
    let mut degraded = Vec::new();
    let mut required_down = false;
    for backend in &backends {
        if matches!(backend.status, BackendStatus::Down { .. }) {
            required_down |= REQUIRED.contains(&backend.role);
            let name = backend.role.as_str();
            if !degraded.iter().any(|d| d == name) {
                degraded.push(name.to_owned());
            }
        }
    }
    let upstreams: Vec<UpstreamHealth> = upstreams
        .into_iter()
        .map(|(name, state)| {
            if !matches!(state, BreakerState::Closed { .. }) {
                degraded.push(name.to_owned());
            }
            let retry_in_ms = match state {
                BreakerState::Open { remaining } => {
                    Some(u64::try_from(remaining.as_millis()).unwrap_or(u64::MAX))
                }
                _ => None,
            };
            UpstreamHealth {
                name,
                state: state.as_str(),
                retry_in_ms,
            }
        })
        .collect();
    let (code, status) = if required_down {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    } else if degraded.is_empty() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::OK, "degraded")
    };
    let body = Readiness {
        status,
        backends,
        upstreams,
        degraded,
    };
    (code, body)
}

/// `GET /ready`: each backend probed ([`Tickersense::health`](crate::Tickersense::health):
/// a store `SELECT 1` and a Redis `PING` at most, each within its timeout)
/// and each upstream's breaker.
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    let backends = state.client().health().await;
    let (code, body) = readiness(backends, super::upstream_breakers(&state));
    (code, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn backend(role: BackendRole, up: bool) -> BackendHealth {
        BackendHealth {
            role,
            name: "x://".into(),
            status: if up {
                BackendStatus::Up
            } else {
                BackendStatus::Down {
                    reason: "refused".into(),
                    retry_in_ms: None,
                }
            },
            failures: 0,
        }
    }

    #[test]
    fn only_the_market_data_down_makes_the_server_unready() {
        let (code, body) = readiness(vec![backend(BackendRole::MarketData, true)], vec![]);
        assert_eq!((code, body.status), (StatusCode::OK, "ready"));

        let (code, body) = readiness(
            vec![
                backend(BackendRole::MarketData, true),
                backend(BackendRole::PriceStore, false),
                backend(BackendRole::UserStore, false),
            ],
            vec![(
                "legacy",
                BreakerState::Open {
                    remaining: Duration::from_millis(1500),
                },
            )],
        );
        assert_eq!((code, body.status), (StatusCode::OK, "degraded"));
        assert_eq!(body.degraded, ["price_store", "user_store", "legacy"]);
        let json = serde_json::to_value(&body.upstreams).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"name": "legacy", "state": "open", "retry_in_ms": 1500}])
        );

        let (code, body) = readiness(vec![backend(BackendRole::MarketData, false)], vec![]);
        assert_eq!(
            (code, body.status),
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        );
    }
}
