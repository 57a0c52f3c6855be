//! The request-body limit: a body declared or streamed past
//! [`ServerSettings::body_limit`](super::ServerSettings::body_limit) is
//! refused with 413 and the JSON error body.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::Limited;

use crate::error::Error;

/// Bounds the body of `request` to `limit` bytes: a `Content-Length` past
/// it is `Err` with the 413 to answer, before any byte is read; any other
/// body is wrapped so that reading past the limit fails at the limit,
/// wherever it is read (an extractor, or the legacy proxy streaming it
/// on). A body known to be empty is left as it is. Axum's own extractor
/// limit is set to the same figure where the router is built, so the two
/// never disagree; either 413 answers as JSON ([`as_json`]).
// The error is the answer itself, made only for a refused request: boxing
// it would not save the accepted ones anything.
#[allow(clippy::result_large_err)]
pub(super) fn bound(request: &mut Request, limit: usize) -> Result<(), Response> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(limit));
    }
    if request.body().size_hint().exact() == Some(0) {
        return Ok(());
    }
    let body = std::mem::replace(request.body_mut(), Body::empty());
    *request.body_mut() = Body::new(Limited::new(body, limit));
    Ok(())
}

fn too_large(limit: usize) -> Response {
    let mut answer = Error::invalid_input(format!(
        "the request body is larger than the limit of {limit} bytes"
    ))
    .into_response();
    *answer.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    answer
}

/// A 413 answered in another form (tower-http's plain text, axum's
/// extractor rejection) becomes the JSON error body.
pub(super) fn as_json(response: Response, limit: usize) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || is_json(&response) {
        return response;
    }
    too_large(limit)
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
    use axum::body::Bytes;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use axum::Router;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    fn chunked(bytes: usize) -> Body {
        let chunks =
            (0..bytes / 256).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 256])));
        Body::from_stream(futures::stream::iter(chunks))
    }

    async fn send(router: &Router, mut request: Request, limit: usize) -> Response {
        if let Err(refusal) = bound(&mut request, limit) {
            return refusal;
        }
        as_json(router.clone().oneshot(request).await.unwrap(), limit)
    }

    #[tokio::test]
    async fn a_streamed_or_declared_body_past_the_limit_is_answered_as_json() {
        let echo = Router::new()
            .route(
                "/echo",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .layer(DefaultBodyLimit::max(1024));
        let streamed = |bytes| Request::post("/echo").body(chunked(bytes)).unwrap();
        let small = send(&echo, streamed(1024), 1024).await;
        assert_eq!(small.status(), StatusCode::OK);
        let declared = Request::post("/echo")
            .header(header::CONTENT_LENGTH, "2048")
            .body(Body::from(vec![b'x'; 2048]))
            .unwrap();
        for request in [streamed(2048), declared] {
            let large = send(&echo, request, 1024).await;
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
}
