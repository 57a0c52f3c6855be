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
        .layer(middleware::map_response(
            move |response: Response| async move { as_json(response, limit) },
        ))
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

#[cfg(test)]
mod tests {
    use axum::body::{Body, Bytes};
    use axum::http::Request;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    fn chunked(bytes: usize) -> Body {
        let chunks =
            (0..bytes / 256).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 256])));
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_streamed_body_is_cut_at_the_limit_and_answered_as_json() {
        let echo = Router::new().route(
            "/echo",
            post(|body: Bytes| async move { body.len().to_string() }),
        );
        let router = limit(echo, 1024);
        let send = |bytes| {
            let request = Request::post("/echo").body(chunked(bytes)).unwrap();
            router.clone().oneshot(request)
        };
        let small = send(1024).await.unwrap();
        assert_eq!(small.status(), StatusCode::OK);
        let large = send(2048).await.unwrap();
        assert_eq!(large.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = large.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["code"], "InvalidInput");
        assert_eq!(
            json["detail"],
            "the request body is larger than the limit of 1024 bytes"
        );
    }
}
