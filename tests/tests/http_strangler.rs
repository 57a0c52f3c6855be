//! Strangler routing through the whole app against a small legacy server
//! started here: legacy mode proxies (headers, streaming both ways),
//! native mode keeps legacy out, unserved paths go legacy, a down legacy
//! answers 503 and opens the breaker, shadow counts a match and a
//! mismatch, and a reloaded route file takes effect.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tickersense::http::{app, AppState, RateLimitSetting, ServerSettings};
use tickersense::resilience::http::Url;
use tickersense::testkit::LogCapture;

/// What the legacy server saw and what it answers.
#[derive(Clone, Default)]
struct Legacy {
    hits: Arc<AtomicUsize>,
    headers: Arc<Mutex<Vec<HeaderMap>>>,
    quote: Arc<Mutex<Value>>,
}

const BIG: usize = 8 << 20;

async fn start_legacy() -> (Url, Legacy) {
    let legacy = Legacy::default();
    async fn seen(State(l): State<Legacy>, headers: HeaderMap) {
        l.hits.fetch_add(1, Ordering::SeqCst);
        l.headers.lock().expect("lock").push(headers);
    }
    let router = Router::new()
        .route(
            "/api/v1/stocks/{symbol}/quote",
            get(|State(l): State<Legacy>, headers: HeaderMap| async move {
                seen(State(l.clone()), headers).await;
                let quote = l.quote.lock().expect("lock").clone();
                (
                    [
                        ("x-legacy", "yes"),
                        ("connection", "x-legacy-hop"),
                        ("x-legacy-hop", "1"),
                        ("keep-alive", "timeout=5"),
                    ],
                    axum::Json(quote),
                )
            }),
        )
        .route(
            "/api/v1/users/{id}",
            get(|State(l): State<Legacy>, headers: HeaderMap| async move {
                seen(State(l), headers).await;
                axum::Json(json!({"id": 42, "username": "legacy"}))
            }),
        )
        .route(
            "/api/v1/users/upload",
            post(|State(l): State<Legacy>, request: Request| async move {
                seen(State(l), request.headers().clone()).await;
                let mut body = request.into_body().into_data_stream();
                let (mut bytes, mut sum) = (0usize, 0u64);
                while let Some(Ok(chunk)) = futures::StreamExt::next(&mut body).await {
                    bytes += chunk.len();
                    sum = chunk.iter().fold(sum, |s, b| s.wrapping_add(u64::from(*b)));
                }
                axum::Json(json!({"bytes": bytes, "sum": sum}))
            }),
        )
        .route(
            "/api/v1/users/big/file",
            get(|State(l): State<Legacy>, headers: HeaderMap| async move {
                seen(State(l), headers).await;
                let chunks = (0..BIG / 65536).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 65536]));
                Body::from_stream(futures::stream::iter(chunks)).into_response()
            }),
        )
        .route(
            "/api/v1/users/fail/now",
            get(|State(l): State<Legacy>, headers: HeaderMap| async move {
                seen(State(l), headers).await;
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(json!({"detail": "boom"})),
                )
            }),
        )
        .route(
            "/api/v1/users/slow/now",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                axum::Json(json!({"late": true}))
            }),
        )
        .with_state(legacy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (
        Url::parse(&format!("http://{addr}/")).expect("a URL"),
        legacy,
    )
}

fn client() -> Arc<tickersense::Tickersense> {
    Arc::new(
        tickersense::Tickersense::builder()
            .store("memory://")
            .cache("memory://")
            .market_data("sample://")
            .build()
            .expect("a client"),
    )
}

/// A route file holding `table`, kept for the test's life.
fn route_file(table: &str) -> tempfile::TempPath {
    let path = tempfile::NamedTempFile::new()
        .expect("a file")
        .into_temp_path();
    std::fs::write(&path, table).expect("written");
    path
}

fn state(legacy: Option<&Url>, file: Option<&tempfile::TempPath>) -> AppState {
    let settings = ServerSettings {
        legacy_url: legacy.cloned(),
        routes_file: file.map(|f| f.to_path_buf()),
        rate_limits: RateLimitSetting::Off,
        body_limit: 64 << 20,
        ..ServerSettings::default()
    };
    AppState::new(client(), settings).expect("a state")
}

async fn call(app: &Router, path: &str) -> (StatusCode, HeaderMap, Value) {
    let request = axum::http::Request::get(path)
        .header("x-request-id", "test-request")
        .body(Body::empty())
        .expect("a request");
    let answer = tower::ServiceExt::oneshot(app.clone(), request)
        .await
        .expect("an answer");
    let (status, headers) = (answer.status(), answer.headers().clone());
    let body = answer
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

/// The quote the native router gives for AAPL (sample data).
async fn native_quote() -> Value {
    let (status, _, body) = call(&app(state(None, None)), "/api/v1/stocks/AAPL/quote").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["symbol"], "AAPL");
    body
}

#[tokio::test]
async fn legacy_mode_proxies_with_clean_headers_and_streams_both_ways() {
    let (url, legacy) = start_legacy().await;
    *legacy.quote.lock().expect("lock") = json!({"symbol": "AAPL", "price": 1.5});
    let file = route_file("[groups]\nstocks = \"legacy\"\n");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tickersense::http::serve(
        state(Some(&url), Some(&file)),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("http://{addr}/api/v1/stocks/AAPL/quote"))
        .header("x-request-id", "abc-123")
        .header("x-forwarded-for", "10.0.0.1")
        .header("connection", "keep-alive, x-client-hop")
        .header("x-client-hop", "1")
        .header("proxy-authorization", "Basic c2VjcmV0")
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["x-legacy"], "yes");
    assert!(answer.headers().get("x-legacy-hop").is_none());
    assert!(answer.headers().get("keep-alive").is_none());
    let body: Value = serde_json::from_slice(&answer.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body, json!({"symbol": "AAPL", "price": 1.5}));
    let seen = legacy
        .headers
        .lock()
        .expect("lock")
        .pop()
        .expect("a request");
    assert_eq!(seen["x-request-id"], "abc-123");
    assert_eq!(seen["x-forwarded-for"], "10.0.0.1, 127.0.0.1");
    assert_eq!(seen["x-forwarded-proto"], "http");
    assert_eq!(seen["x-forwarded-host"], addr.to_string());
    assert!(seen.get("x-client-hop").is_none());
    assert!(seen.get("proxy-authorization").is_none());

    // 8 MiB up in chunks, and 8 MiB down, through the proxy.
    let chunks = (0..BIG / 65536).map(|_| Ok::<_, std::io::Error>(vec![7u8; 65536]));
    let answer = http
        .post(format!("http://{addr}/api/v1/users/upload"))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(&answer.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body, json!({"bytes": BIG, "sum": 7 * BIG as u64}));
    let answer = http
        .get(format!("http://{addr}/api/v1/users/big/file"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.bytes().await.expect("the body").len(), BIG);
    let _ = stop.send(());
    server.await.expect("joined").expect("served");
}

#[tokio::test]
async fn native_groups_keep_legacy_out_and_unserved_paths_go_legacy() {
    let (url, legacy) = start_legacy().await;
    let app = app(state(Some(&url), None));
    let (status, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["symbol"], "AAPL");
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 0, "native served it");
    let (status, _, body) = call(&app, "/api/v1/users/42").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"id": 42, "username": "legacy"}))
    );
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 1);
    let (status, _, body) = call(&app, "/not/api").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"detail": "Not Found", "code": "NotFound"})
        )
    );
    assert_eq!(
        legacy.hits.load(Ordering::SeqCst),
        1,
        "only /api/v1/ paths go legacy"
    );
}

#[tokio::test]
async fn a_down_legacy_answers_503_and_is_tried_once_a_window() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("an address").port()
    };
    let url = Url::parse(&format!("http://127.0.0.1:{port}/")).expect("a URL");
    let app = app(state(Some(&url), None));
    let (status, headers, body) = call(&app, "/api/v1/users/1").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "Unavailable");
    assert_eq!(headers["retry-after"], "2");
    let detail = body["detail"].as_str().expect("a detail");
    assert!(
        detail.contains("the legacy upstream could not be reached (connection refused)"),
        "{detail}"
    );
    // Inside the window no connection is tried: the answer says so.
    let (status, headers, body) = call(&app, "/api/v1/users/1").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.contains_key("retry-after"));
    let detail = body["detail"].as_str().expect("a detail");
    assert!(
        detail.contains("the legacy upstream is down since"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_storm_of_legacy_5xx_opens_the_breaker() {
    let (url, legacy) = start_legacy().await;
    let app = app(state(Some(&url), None));
    for _ in 0..5 {
        let (status, _, body) = call(&app, "/api/v1/users/fail/now").await;
        assert_eq!(
            (status, body),
            (StatusCode::INTERNAL_SERVER_ERROR, json!({"detail": "boom"}))
        );
    }
    let (status, headers, body) = call(&app, "/api/v1/users/fail/now").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "Unavailable");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("circuit breaker is open")),
        "{body}"
    );
    assert!(headers.contains_key("retry-after"));
    assert_eq!(
        legacy.hits.load(Ordering::SeqCst),
        5,
        "the open breaker keeps calls away"
    );
}

#[tokio::test]
async fn a_legacy_answer_slower_than_the_first_byte_timeout_is_504() {
    let (url, _legacy) = start_legacy().await;
    let settings = ServerSettings {
        legacy_url: Some(url),
        legacy_timeout: Duration::from_millis(200),
        rate_limits: RateLimitSetting::Off,
        ..ServerSettings::default()
    };
    let app = app(AppState::new(client(), settings).expect("a state"));
    let started = std::time::Instant::now();
    let (status, _, body) = call(&app, "/api/v1/users/slow/now").await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(body["code"], "Timeout");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "cut off at the timeout"
    );
}

#[tokio::test]
async fn shadow_serves_legacy_and_counts_one_match_and_one_mismatch() {
    let (capture, _guard) = LogCapture::start();
    let (url, legacy) = start_legacy().await;
    let native = native_quote().await;
    *legacy.quote.lock().expect("lock") = native.clone();
    // A live quote's market time is the clock's: not compared.
    let file = route_file("[groups]\nstocks = \"shadow\"\n[shadow]\nignore = [\"market_time\"]\n");
    let app = app(state(Some(&url), Some(&file)));

    let (status, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_eq!((status, &body), (StatusCode::OK, &native));
    let matched = capture.wait_for("outcome=match", 1).await;
    assert!(matched[0].contains("group=stocks"), "{matched:?}");

    let mut differing = native.clone();
    let price = native["price"].as_f64().expect("a price");
    differing["price"] = json!(price + 1.0);
    *legacy.quote.lock().expect("lock") = differing.clone();
    let (status, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, differing),
        "the legacy answer is served"
    );
    let mismatched = capture.wait_for("outcome=mismatch", 1).await;
    assert!(
        mismatched[0].contains("request_id=test-request"),
        "{mismatched:?}"
    );
    assert!(mismatched[0].contains("path=$.price "), "{mismatched:?}");
    assert_eq!(
        capture.wait_for("outcome=match", 1).await.len(),
        1,
        "one match only"
    );
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 2);

    // The same counts in /metrics of the same app.
    let request = axum::http::Request::get("/metrics")
        .body(Body::empty())
        .expect("a request");
    let answer = tower::ServiceExt::oneshot(app.clone(), request)
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::OK);
    let body = answer
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let metrics = String::from_utf8(body.to_vec()).expect("text");
    for line in [
        r#"tickersense_shadow_comparisons_total{group="stocks",outcome="match"} 1"#,
        r#"tickersense_shadow_comparisons_total{group="stocks",outcome="mismatch"} 1"#,
    ] {
        assert!(metrics.lines().any(|l| l == line), "no {line} in {metrics}");
    }
    assert!(
        !metrics.contains(r#"outcome="incomparable"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_reloaded_route_file_routes_the_next_request_and_a_bad_one_is_refused() {
    let (url, legacy) = start_legacy().await;
    *legacy.quote.lock().expect("lock") = json!({"symbol": "AAPL", "price": 1.5});
    let file = route_file("[groups]\nstocks = \"legacy\"\n");
    let state = state(Some(&url), Some(&file));
    let app = app(state.clone());
    let (_, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_eq!(body["price"], 1.5, "legacy answered");

    std::fs::write(&file, "[groups]\nstocks = \"native\"\n").expect("written");
    state.reload_routes().expect("a valid table");
    let (_, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_ne!(body["price"], 1.5, "native answered");
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 1);

    for (bad, named) in [
        (
            "[groups]\nstokcs = \"legacy\"\n",
            "unknown route group \"stokcs\"",
        ),
        ("[groups]\nstocks = \"legasy\"\n", "unknown mode \"legasy\""),
        ("[groups\n", "line 1"),
    ] {
        std::fs::write(&file, bad).expect("written");
        let err = state.reload_routes().expect_err("a bad table");
        assert!(err.message().contains(named), "{}", err.message());
    }
    let (_, _, body) = call(&app, "/api/v1/stocks/AAPL/quote").await;
    assert_ne!(body["price"], 1.5, "the table in force stayed");
    assert_eq!(legacy.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_on_a_legacy_route_is_413() {
    let (url, _legacy) = start_legacy().await;
    let settings = ServerSettings {
        legacy_url: Some(url),
        rate_limits: RateLimitSetting::Off,
        body_limit: 64 << 10,
        ..ServerSettings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tickersense::http::serve(
        AppState::new(client(), settings).expect("a state"),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    // 1 MiB in chunks, no Content-Length: cut at 64 KiB while streaming up.
    let chunks = (0..16).map(|_| Ok::<_, std::io::Error>(vec![7u8; 65536]));
    let answer = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/users/upload"))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = serde_json::from_slice(&answer.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body["code"], "InvalidInput", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("larger than")),
        "{body}"
    );
    let _ = stop.send(());
    server.await.expect("joined").expect("served");
}
