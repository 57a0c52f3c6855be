//! The native handlers of the seed's services, one file per service, and
//! their assembly.
//!
//! Each route group's router (`stocks::routes`, `sentiment::routes`...) is
//! merged in [`routes`] under its own timeout
//! ([`ServerSettings::timeout`](super::ServerSettings::timeout)): a handler
//! that runs longer is dropped and the answer is 504 `{"detail", "code":
//! "Timeout"}`. Every native answer is compressed (gzip or br) when the
//! client accepts it. A path no native route serves answers JSON 404, a
//! known path with another method JSON 405.
//!
//! Adding a group is one line in the `groups` list of [`routes`],
//! `(RouteGroup::Cache, cache::routes(state)),` (its router with its state
//! applied), and one line per path in `openapi.rs`'s `paths(...)` list. A
//! router outside every group (`/openapi.json`) is merged after the list.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::CompressionLayer;

use super::{AppState, ErrorBody, RouteGroup};
use crate::error::{Error, ErrorKind};

mod cache;
mod jobs;
mod migrate;
mod openapi;
mod operator;
mod params;
mod search;
mod sentiment;
mod stocks;

pub(crate) use jobs::Jobs;
pub use params::{Problem, Unprocessable};

/// Every native `/api/v1/...` route and `/openapi.json`, each route group
/// under its own timeout, compressed when the client accepts it; any other
/// path answers [`not_found`], another method on a known path 405.
///
/// The fallback is the router's last step, so a layer that sends unknown
/// paths elsewhere replaces it with `.fallback(...)` (a later fallback
/// replaces an earlier one in axum); such a fallback is not compressed.
pub(crate) fn routes(state: &AppState) -> Router {
    let groups: Vec<(RouteGroup, Router)> = vec![
        (RouteGroup::Stocks, stocks::routes(state)),
        (RouteGroup::Sentiment, sentiment::routes(state)),
        (RouteGroup::Cache, cache::routes(state)),
        (RouteGroup::Migrate, migrate::routes(state)),
    ];
    let mut native = Router::new();
    for (group, router) in groups {
        native = native.merge(within_timeout(router, group, state));
    }
    native
        .merge(openapi::routes(state))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CompressionLayer::new())
        .fallback(not_found)
}

/// `router` answering 504 when one of its handlers takes longer than the
/// group's timeout. One timer per request.
fn within_timeout(router: Router, group: RouteGroup, state: &AppState) -> Router {
    let limit = state.settings().timeout(group);
    router.route_layer(axum::middleware::from_fn_with_state(
        (group, limit),
        answer_within,
    ))
}

async fn answer_within(
    State((group, limit)): State<(RouteGroup, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%group, limit_ms = limit.as_millis(), "native handler timed out");
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "the {group} service did not answer within {} ms",
                    limit.as_millis()
                ),
            )
            .into_response()
        }
    }
}

/// The answer to a path nothing serves: 404 `{"detail": "Not Found",
/// "code": "NotFound"}`, FastAPI's words.
pub(crate) async fn not_found() -> Response {
    error_answer(StatusCode::NOT_FOUND, "Not Found", ErrorKind::NotFound)
}

/// The answer to a known path asked with another method: 405
/// `{"detail": "Method Not Allowed", "code": "MethodNotAllowed"}`.
async fn method_not_allowed() -> Response {
    let body = ErrorBody {
        detail: "Method Not Allowed".to_owned(),
        code: "MethodNotAllowed".to_owned(),
    };
    (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}

fn error_answer(status: StatusCode, detail: &str, kind: ErrorKind) -> Response {
    let body = ErrorBody {
        detail: detail.to_owned(),
        code: kind.as_str().to_owned(),
    };
    (status, axum::Json(body)).into_response()
}
