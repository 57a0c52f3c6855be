//! The native API through the whole application router, in process: every
//! endpoint's status and exact JSON shape, the 400/404/422 answers, the
//! group timeout, compression and `/openapi.json`; and the seed's own
//! routing tests (section 6.1) against this server.

mod assembly;
mod history;
mod seed;
mod sentiment;
mod stocks;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tickersense::http::{app, AppState, RateLimitSetting, ServerSettings};
use tickersense::Tickersense;
use tower::ServiceExt;

/// Settings of a test server: no rate limits, so many requests pass.
pub(crate) fn settings() -> ServerSettings {
    ServerSettings {
        rate_limits: RateLimitSetting::Off,
        ..ServerSettings::default()
    }
}

pub(crate) fn sample_client() -> Tickersense {
    Tickersense::builder()
        .store("memory://")
        .cache("memory://")
        .market_data("sample://")
        .social("sample://")
        .build()
        .expect("valid config")
}

pub(crate) fn router_of(client: Tickersense, settings: ServerSettings) -> axum::Router {
    app(AppState::new(Arc::new(client), settings).expect("state"))
}

pub(crate) fn sample_app() -> axum::Router {
    router_of(sample_client(), settings())
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: bytes::Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }
}

pub(crate) async fn send(router: &axum::Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) async fn get(router: &axum::Router, uri: &str) -> Answer {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub(crate) async fn post_json(router: &axum::Router, uri: &str, body: Value) -> Answer {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(router, request).await
}

pub(crate) fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

pub(crate) fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

/// Asserts `answer` is an error `{"detail", "code"}` of `status` and `code`.
pub(crate) fn assert_error(answer: &Answer, status: StatusCode, code: &str) -> Value {
    let body = answer.json();
    assert_eq!(answer.status, status, "{body}");
    assert_eq!(keys(&body), set(&["detail", "code"]), "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["detail"].is_string());
    body
}

/// Asserts `answer` is a 422 naming `loc` with problem `kind`.
pub(crate) fn assert_unprocessable(answer: &Answer, loc: &[&str], kind: &str) {
    let body = answer.json();
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(keys(&body), set(&["detail", "code"]));
    assert_eq!(body["code"], "InvalidInput");
    let problem = &body["detail"][0];
    assert_eq!(
        keys(problem),
        set(&["type", "loc", "msg", "input"]),
        "{body}"
    );
    assert_eq!(problem["type"], kind, "{body}");
    assert_eq!(problem["loc"], json!(loc), "{body}");
}
