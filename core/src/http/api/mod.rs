//! The native handlers of the seed's services, one file per service, and
//! their assembly.
//!
//! Each route group's router (`stocks::routes`, `sentiment::routes`...) is
//! merged in [`routes`]; the server's pipeline runs each handler under its
//! group's timeout ([`within_timeout`]): a handler that runs longer is
//! dropped and the answer is 504 `{"detail", "code": "Timeout"}`. Native
//! answers are compressed (gzip or br) when the client accepts it
//! ([`compression`]). A path no native route serves answers JSON 404, a
//! known path with another method JSON 405.
//!
//! Adding a group is one line in the `groups` list of [`routes`],
//! `(RouteGroup::Cache, cache::routes(state)),` (its router with its state
//! applied), and one line per path in `openapi.rs`'s `paths(...)` list. A
//! router outside every group (`/openapi.json`) is merged after the list.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
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

/// Every native `/api/v1/...` route and `/openapi.json`; any other path
/// answers [`not_found`], another method on a known path 405.
///
/// The fallback is the router's last step, so a layer that sends unknown
/// paths elsewhere replaces it with `.fallback(...)` (a later fallback
/// replaces an earlier one in axum).
pub(crate) fn routes(state: &AppState) -> Router {
    let groups: Vec<(RouteGroup, Router)> = vec![
        (RouteGroup::Stocks, stocks::routes(state)),
        (RouteGroup::Sentiment, sentiment::routes(state)),
        (RouteGroup::Cache, cache::routes(state)),
        (RouteGroup::Migrate, migrate::routes(state)),
    ];
    let mut native = Router::new();
    for (_, router) in groups {
        native = native.merge(router);
    }
    native
        .merge(openapi::routes(state))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

/// The answers compressed (gzip or br) when the client accepts it, but
/// not those relayed from the legacy upstream: those are its own, and may
/// be compressed already or streamed.
pub(crate) fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotRelayed))
}

/// Set on an answer relayed from the legacy upstream; see [`compression`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relayed;

#[derive(Debug, Clone, Copy)]
struct NotRelayed;

impl Predicate for NotRelayed {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<Relayed>().is_none()
    }
}

/// `answer` within the timeout of `group`'s handlers
/// ([`ServerSettings::timeout`](super::ServerSettings::timeout)): past it
/// the handler is dropped and the answer is 504. One timer.
pub(crate) async fn within_timeout(
    state: &AppState,
    group: RouteGroup,
    answer: impl std::future::Future<Output = Response>,
) -> Response {
    let limit = state.settings().timeout(group);
    match tokio::time::timeout(limit, answer).await {
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
