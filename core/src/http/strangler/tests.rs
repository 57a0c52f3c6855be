//! The routing, breaker and shadow paths against a legacy server started
//! here and a native router of the test's own (the real native handlers
//! are tested with the whole app in the tests crate).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};

use super::*;
use crate::http::RateLimitSetting;
use crate::Tickersense;

/// A legacy server answering `quote` at the quote path and counting hits.
struct LegacyServer {
    url: url::Url,
    hits: Arc<AtomicUsize>,
    quote: Arc<Mutex<(StatusCode, Value)>>,
}

async fn legacy_server() -> LegacyServer {
    let hits = Arc::new(AtomicUsize::new(0));
    let quote = Arc::new(Mutex::new((StatusCode::OK, json!({}))));
    let (h, q) = (hits.clone(), quote.clone());
    let app = Router::new().route(
        "/api/v1/stocks/{symbol}/quote",
        get(move || {
            h.fetch_add(1, Ordering::SeqCst);
            let (status, body) = q.lock().expect("lock").clone();
            async move { (status, axum::Json(body)) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    LegacyServer {
        url: url::Url::parse(&format!("http://{addr}/")).expect("a URL"),
        hits,
        quote,
    }
}

fn native_quote() -> Value {
    json!({"symbol": "AAPL", "price": 150.25, "change": 1.5, "change_percent": 1.01,
           "volume": 1000, "market_cap": null, "pe_ratio": 28.1})
}

fn native_router() -> Router {
    Router::new().route(
        "/api/v1/stocks/{symbol}/quote",
        get(|| async { axum::Json(native_quote()) }),
    )
}

fn state(settings: ServerSettings) -> AppState {
    let client = Tickersense::builder()
        .store("memory://")
        .cache("memory://")
        .build()
        .expect("a client");
    let settings = ServerSettings {
        rate_limits: RateLimitSetting::Off,
        ..settings
    };
    AppState::new(Arc::new(client), settings).expect("a state")
}

fn with_table(legacy: &url::Url, table: &str) -> (ServerSettings, tempfile::TempPath) {
    let path = tempfile::NamedTempFile::new()
        .expect("a file")
        .into_temp_path();
    std::fs::write(&path, table).expect("written");
    let settings = ServerSettings {
        legacy_url: Some(legacy.clone()),
        routes_file: Some(path.to_path_buf()),
        ..ServerSettings::default()
    };
    (settings, path)
}

async fn get_json(
    app: &Router,
    path: &str,
    id: &str,
) -> (StatusCode, Value, axum::http::HeaderMap) {
    let request = Request::get(path)
        .header("x-request-id", id)
        .body(Body::empty())
        .expect("a request");
    let answer = tower::ServiceExt::oneshot(app.clone(), request)
        .await
        .expect("an answer");
    let status = answer.status();
    let headers = answer.headers().clone();
    let body = answer
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
        headers,
    )
}

// The comparison's outcome is read from its log line, with the capture of
// the `testkit` feature.
#[cfg(feature = "testkit")]
#[tokio::test]
async fn shadow_serves_legacy_and_counts_a_match_and_a_mismatch_with_its_path() {
    let (capture, _guard) = crate::testkit::LogCapture::start();
    let legacy = legacy_server().await;
    let (settings, _file) = with_table(&legacy.url, "[groups]\nstocks = \"shadow\"\n");
    let app = routed(native_router(), &state(settings));

    *legacy.quote.lock().expect("lock") = (StatusCode::OK, native_quote());
    let (status, body, _) = get_json(&app, "/api/v1/stocks/AAPL/quote", "req-1").await;
    assert_eq!((status, body), (StatusCode::OK, native_quote()));
    capture.wait_for("outcome=match", 1).await;

    let mut differing = native_quote();
    differing["price"] = json!(151.0);
    *legacy.quote.lock().expect("lock") = (StatusCode::OK, differing.clone());
    let (status, body, _) = get_json(&app, "/api/v1/stocks/AAPL/quote", "req-2").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, differing),
        "the legacy answer is served"
    );
    let lines = capture.wait_for("outcome=mismatch", 1).await;
    assert!(lines[0].contains("request_id=req-2"), "{lines:?}");
    assert!(
        lines[0].contains("path=$.price legacy=151.0 native=150.25"),
        "{lines:?}"
    );
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn five_failed_answers_open_the_breaker_and_then_legacy_is_not_called() {
    let legacy = legacy_server().await;
    *legacy.quote.lock().expect("lock") =
        (StatusCode::INTERNAL_SERVER_ERROR, json!({"detail": "boom"}));
    let (settings, _file) = with_table(&legacy.url, "default = \"legacy\"\n");
    let state = state(settings);
    let app = routed(native_router(), &state);
    for _ in 0..5 {
        let (status, body, _) = get_json(&app, "/api/v1/stocks/AAPL/quote", "r").await;
        assert_eq!(
            (status, body),
            (StatusCode::INTERNAL_SERVER_ERROR, json!({"detail": "boom"}))
        );
    }
    let (status, body, headers) = get_json(&app, "/api/v1/stocks/AAPL/quote", "r").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "Unavailable");
    assert!(headers.contains_key("retry-after"));
    assert_eq!(
        legacy.hits.load(Ordering::SeqCst),
        5,
        "the open breaker keeps calls away"
    );
    let (name, breaker) = state
        .inner
        .routes
        .legacy_state()
        .expect("a legacy upstream");
    assert_eq!((name, breaker.as_str()), ("legacy", "open"));
}

#[tokio::test]
async fn a_refused_connection_opens_a_window_shown_as_open() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("an address").port()
    };
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).expect("a URL");
    let (settings, _file) = with_table(&url, "default = \"legacy\"\n");
    let state = state(settings);
    let app = routed(native_router(), &state);
    let (status, body, headers) = get_json(&app, "/api/v1/stocks/AAPL/quote", "r").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "Unavailable");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("connection refused")),
        "{body}"
    );
    assert_eq!(headers["retry-after"], "2");
    let (name, breaker) = state
        .inner
        .routes
        .legacy_state()
        .expect("a legacy upstream");
    assert_eq!((name, breaker.as_str()), ("legacy", "open"));
    let (status, body, _) = get_json(&app, "/api/v1/stocks/AAPL/quote", "r").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("is down since")),
        "{body}"
    );
}

#[test]
fn a_table_needing_legacy_without_a_legacy_url_fails_at_start() {
    let path = tempfile::NamedTempFile::new()
        .expect("a file")
        .into_temp_path();
    std::fs::write(&path, "[groups]\nstocks = \"shadow\"\n").expect("written");
    let settings = ServerSettings {
        routes_file: Some(path.to_path_buf()),
        ..ServerSettings::default()
    };
    let Err(err) = Strangler::new(&settings) else {
        panic!("a table needing legacy without a URL is an error");
    };
    assert!(
        err.message().contains("no legacy URL is configured"),
        "{}",
        err.message()
    );
}

/// `native` as the server routes it: the legacy fallback and the pipeline.
fn routed(native: Router, state: &AppState) -> Router {
    crate::http::pipeline::around(with_fallback(native, state), state)
}
