//! The outermost layer: a request id for every request, a tracing span
//! around its handling, a panic answered as a JSON 500, and the request's
//! count and latency in the metrics.
//!
//! Written as a tower service of its own rather than with
//! `axum::middleware::from_fn`: `from_fn` boxes the inner service again for
//! every request, and this layer meets every request the server gets.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use rand::RngCore;
use tracing::Instrument;

use super::super::{AppState, RouteGroup};
use super::metrics::{GroupLabel, MethodLabel};

/// The request id header, read from the request and set on the request
/// (for the inner layers and the legacy upstream) and on every answer.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client; a longer one is replaced.
pub(crate) const MAX_REQUEST_ID_LEN: usize = 128;

/// The longest path written into a log line, in bytes; the rest is cut.
const MAX_LOGGED_PATH: usize = 256;

/// `path` cut to at most [`MAX_LOGGED_PATH`] bytes, on a character boundary.
fn logged_path(path: &str) -> &str {
    let mut end = path.len().min(MAX_LOGGED_PATH);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

/// The client's request id when it is usable (1 to [`MAX_REQUEST_ID_LEN`]
/// visible ASCII characters), else a new UUID v4. The UUID's bits come from
/// the thread's own generator (`rand::rng`, a ChaCha stream seeded once
/// from the OS), not from a system call per request.
pub(crate) fn request_id(given: Option<&HeaderValue>) -> HeaderValue {
    if let Some(value) = given {
        let bytes = value.as_bytes();
        if !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID_LEN
            && bytes.iter().all(|b| b.is_ascii_graphic())
        {
            return value.clone();
        }
    }
    let mut random = [0u8; 16];
    rand::rng().fill_bytes(&mut random);
    let id = uuid::Builder::from_random_bytes(random).into_uuid();
    let mut buf = uuid::Uuid::encode_buffer();
    let text = id.hyphenated().encode_lower(&mut buf);
    // A hyphenated UUID is always a valid header value.
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("invalid"))
}

/// The layer making [`Observe`] services.
#[derive(Clone)]
pub(crate) struct ObserveLayer {
    state: AppState,
}

impl ObserveLayer {
    pub(crate) fn new(state: &AppState) -> Self {
        ObserveLayer {
            state: state.clone(),
        }
    }
}

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            state: self.state.clone(),
            inner,
        }
    }
}

/// Sets the request id on the request before the inner service runs, runs
/// it inside a `request` span carrying the id (so every log line of the
/// request has it), answers a panic as a JSON 500, then sets the id on the
/// answer and counts the answer. Costs one boxed future, one span and a
/// `catch_unwind` frame per request.
#[derive(Clone)]
pub(crate) struct Observe<S> {
    state: AppState,
    inner: S,
}

impl<S> tower::Service<Request> for Observe<S>
where
    S: tower::Service<Request, Response = Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let started = Instant::now();
        let id = request_id(request.headers().get(&REQUEST_ID));
        request.headers_mut().insert(REQUEST_ID, id.clone());
        let group = GroupLabel(RouteGroup::of_path(request.uri().path()));
        let method = MethodLabel::of(request.method());
        // Only the id goes into the span: the span's fields are formatted
        // when it is made, for every request, and the id is what ties a
        // log line to its request. Method and path go into the lines that
        // are written.
        let span = tracing::info_span!("request", request_id = %id.to_str().unwrap_or_default());
        let described = Described::of(&request);
        // The service called is the one made ready; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Box::pin(async move {
            let handled = AssertUnwindSafe(inner.call(request).instrument(span.clone()))
                .catch_unwind()
                .await;
            let mut response = match handled {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(panic) => span.in_scope(|| answer_panic(panic)),
            };
            let elapsed = started.elapsed();
            let status = response.status();
            // One line per request only at debug (`RUST_LOG=tickersense=debug`):
            // at tens of thousands of requests a second an access log at info
            // would cost more than the answers. Server errors are always logged.
            span.in_scope(|| {
                let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
                if status.is_server_error() {
                    tracing::warn!(
                        method = described.method.as_str(),
                        path = logged_path(described.uri.path()),
                        group = group.as_str(),
                        status = status.as_u16(),
                        elapsed_ms,
                        "answered with a server error"
                    );
                } else if tracing::enabled!(tracing::Level::DEBUG) {
                    tracing::debug!(
                        method = described.method.as_str(),
                        path = logged_path(described.uri.path()),
                        group = group.as_str(),
                        status = status.as_u16(),
                        elapsed_ms,
                        "answered"
                    );
                }
            });
            response.headers_mut().insert(REQUEST_ID, id);
            state
                .inner
                .metrics
                .request_answered(group, method, status, elapsed);
            Ok(response)
        })
    }
}

/// What the lines about a request say of it, kept before the inner
/// service takes the request: its method and URI (shared bytes, so the
/// copy is a reference count).
struct Described {
    method: axum::http::Method,
    uri: axum::http::Uri,
}

impl Described {
    fn of(request: &Request) -> Self {
        Described {
            method: request.method().clone(),
            uri: request.uri().clone(),
        }
    }
}

/// The answer to a handler that panicked: the JSON 500 of an internal
/// error. The panic's message is logged cut short (see
/// [`crate::error::echo`]): it may quote a value the handler held.
pub(crate) fn answer_panic(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = if let Some(text) = payload.downcast_ref::<&str>() {
        crate::error::echo(text)
    } else if let Some(text) = payload.downcast_ref::<String>() {
        crate::error::echo(text)
    } else {
        "(no message)".to_owned()
    };
    tracing::error!(panic = %message, "a handler panicked");
    let body = crate::http::ErrorBody {
        detail: "internal error".to_owned(),
        code: "Internal".to_owned(),
    };
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usable_id_is_kept_and_any_other_replaced() {
        let given = HeaderValue::from_static("abc-123_X.y");
        assert_eq!(request_id(Some(&given)), given);
        let long = HeaderValue::from_str(&"a".repeat(MAX_REQUEST_ID_LEN + 1)).unwrap();
        let spaced = HeaderValue::from_static("a b");
        let empty = HeaderValue::from_static("");
        let non_ascii = HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap();
        for bad in [
            Some(&long),
            Some(&spaced),
            Some(&empty),
            Some(&non_ascii),
            None,
        ] {
            let id = request_id(bad);
            let text = id.to_str().unwrap();
            assert_eq!(text.len(), 36, "{text}");
            assert_eq!(uuid::Uuid::parse_str(text).unwrap().get_version_num(), 4);
        }
        let exact = HeaderValue::from_str(&"z".repeat(MAX_REQUEST_ID_LEN)).unwrap();
        assert_eq!(request_id(Some(&exact)), exact);
    }

    #[test]
    fn logged_paths_are_cut_on_a_character_boundary() {
        assert_eq!(logged_path("/health"), "/health");
        let long = format!("/{}", "é".repeat(300));
        let cut = logged_path(&long);
        assert!(cut.len() <= MAX_LOGGED_PATH && cut.len() >= MAX_LOGGED_PATH - 1);
    }

    #[tokio::test]
    async fn inner_layers_read_the_id_from_the_request() {
        use tower::ServiceExt;
        let client = crate::Tickersense::builder()
            .store("memory://")
            .build()
            .unwrap();
        let state = AppState::new(std::sync::Arc::new(client), Default::default()).unwrap();
        let echo = axum::Router::new().route(
            "/echo",
            axum::routing::get(|headers: axum::http::HeaderMap| async move {
                headers
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned()
            }),
        );
        let app = super::super::observe(echo, &state);
        let answer = app
            .oneshot(
                axum::http::Request::get("/echo")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let header = answer.headers()[REQUEST_ID].to_str().unwrap().to_owned();
        let body = http_body_util::BodyExt::collect(answer.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(
            body,
            header.as_bytes(),
            "the handler saw the id the answer carries"
        );
        assert!(uuid::Uuid::parse_str(&header).is_ok());
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500_with_its_request_id() {
        use tower::ServiceExt;
        let client = crate::Tickersense::builder()
            .store("memory://")
            .build()
            .unwrap();
        let state = AppState::new(std::sync::Arc::new(client), Default::default()).unwrap();
        let boom = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    let secret = "x".repeat(10_000);
                    if !secret.is_empty() {
                        panic!("the handler broke on {secret}");
                    }
                    "unreached"
                }),
            )
            .route(
                "/boom/any",
                axum::routing::get(|| async {
                    std::panic::panic_any::<u8>(7);
                    #[allow(unreachable_code)]
                    "unreached"
                }),
            );
        let app = super::super::observe(boom, &state);
        for path in ["/boom", "/boom/any"] {
            let answer = app
                .clone()
                .oneshot(
                    axum::http::Request::get(path)
                        .header(REQUEST_ID, "panic-1")
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(answer.status(), 500);
            assert_eq!(answer.headers()[REQUEST_ID], "panic-1");
            assert_eq!(answer.headers()["content-type"], "application/json");
            let body = http_body_util::BodyExt::collect(answer.into_body())
                .await
                .unwrap()
                .to_bytes();
            assert_eq!(
                &body[..],
                br#"{"detail":"internal error","code":"Internal"}"#
            );
        }
        assert_eq!(
            state
                .inner
                .metrics
                .encode(Default::default(), Vec::new())
                .unwrap()
                .lines()
                .find(|l| l.starts_with("tickersense_http_requests_total{")
                    && l.contains(r#"status="500""#))
                .map(|l| l.rsplit(' ').next().unwrap_or("").to_owned()),
            Some("2".to_owned()),
            "both panics counted as 500s"
        );
    }
}
