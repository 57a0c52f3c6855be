//! The request-body limit: a body declared or streamed past
//! [`ServerSettings::body_limit`](super::ServerSettings::body_limit) is
//! refused with 413 and the JSON error body.

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::Error;

/// `router` with bodies bounded to `limit` bytes. A `Content-Length` past
/// it is refused before any byte is read; a body streamed past it fails
/// the read at the limit wherever it is read (an extractor, or a layer
/// that streams it on, such as the legacy proxy), since the body itself
/// is wrapped. Axum's own extractor limit is set to the same figure so
/// the two never disagree. Either 413 answers as JSON.
pub(super) fn limit(router: Router, limit: usize) -> Router {
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::map_response(move |response: Response| async move {
            as_json(response, limit)
        }))
}

/// A 413 answered in another form (tower-http's plain text, axum's
/// extractor rejection) becomes the JSON error body.
fn as_json(response: Response, limit: usize) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || is_json(&response) {
        return response;
    }
    let mut answer = Error::invalid_input(format!(
        "the request body is larger than the limit of {limit} bytes"
    ))
    .into_response();
    *answer.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    answer
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}
