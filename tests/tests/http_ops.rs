//! The operations endpoints through the router in process: `/metrics`
//! counts requests by group, method and status in valid Prometheus text,
//! each server keeping its own counts; `/ready` is 200 with degraded
//! backends listed and 503 when the market data is down; `X-Request-Id` on
//! every answer.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tickersense::http::{app, AppState, ServerSettings};
use tickersense::Tickersense;
use tower::ServiceExt;

fn state_for(client: Tickersense) -> AppState {
    AppState::new(Arc::new(client), ServerSettings::default()).expect("valid settings")
}

fn memory_client() -> Tickersense {
    Tickersense::builder()
        .store("memory://")
        .build()
        .expect("valid config")
}

async fn call(state: &AppState, method: &str, path: &str) -> (StatusCode, String, Option<String>) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .expect("test setup");
    let answer = app(state.clone())
        .oneshot(request)
        .await
        .expect("test setup");
    let status = answer.status();
    let id = answer
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().expect("test setup").to_owned());
    let body = answer
        .into_body()
        .collect()
        .await
        .expect("test setup")
        .to_bytes();
    (
        status,
        String::from_utf8(body.to_vec()).expect("test setup"),
        id,
    )
}

/// Checks the exposition format's shape: every sample belongs to a family
/// announced by a `# TYPE` line before it, each family announced once, and
/// each sample is `name{labels} value` with a number for the value.
fn assert_valid_exposition(text: &str) {
    let mut families: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    assert!(text.ends_with("# EOF\n"), "no # EOF at the end");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let (name, kind) = (
                parts.next().expect("test setup"),
                parts.next().expect("test setup"),
            );
            assert!(
                ["counter", "gauge", "histogram", "info", "unknown"].contains(&kind),
                "{line}"
            );
            assert!(seen.insert(name.to_owned()), "{name} announced twice");
            families.push((name.to_owned(), kind.to_owned()));
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("name and value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().expect("test setup");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        if series.contains('{') {
            assert!(series.ends_with('}'), "{line}");
        }
        let (family, kind) = families.last().expect("a sample before any # TYPE");
        assert!(
            name.starts_with(family.as_str()),
            "{name} outside family {family} ({kind})"
        );
    }
}

#[tokio::test]
async fn metrics_count_requests_by_group_method_and_status() {
    let state = state_for(memory_client());
    let other = state_for(memory_client());
    for _ in 0..2 {
        assert_eq!(call(&state, "GET", "/health").await.0, StatusCode::OK);
    }
    assert_eq!(
        call(&state, "GET", "/nowhere").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&state, "POST", "/health").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let (stocks_status, _, _) = call(&state, "GET", "/api/v1/stocks/AAPL/no-such-thing").await;
    // Two quotes through the client: a cache miss, then a hit.
    state.client().quote("AAPL").await.unwrap();
    state.client().quote("AAPL").await.unwrap();

    let (status, text, _) = call(&state, "GET", "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_valid_exposition(&text);
    for line in [
        r#"tickersense_http_requests_total{group="other",method="GET",status="200"} 2"#,
        r#"tickersense_http_requests_total{group="other",method="GET",status="404"} 1"#,
        r#"tickersense_http_requests_total{group="other",method="POST",status="405"} 1"#,
        &format!(
            r#"tickersense_http_requests_total{{group="stocks",method="GET",status="{}"}} 1"#,
            stocks_status.as_u16()
        ),
        r#"tickersense_http_request_duration_seconds_count{group="other"} 4"#,
        r#"tickersense_cache_hits_total{namespace="stock_quote"} 1"#,
        r#"tickersense_cache_misses_total{namespace="stock_quote"} 1"#,
        &format!(
            r#"tickersense_build_info{{version="{}"}} 1"#,
            env!("CARGO_PKG_VERSION")
        ),
        "# TYPE tickersense_http_requests counter",
        "# TYPE tickersense_http_request_duration_seconds histogram",
        "# TYPE tickersense_cache_hits counter",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }

    // Families with no series yet (no rate limit hit, no shadow route, no
    // legacy upstream) are left out.
    assert!(!text.contains("tickersense_rate_limited_total"), "{text}");

    // The other server counted nothing of these.
    let (_, text, _) = call(&other, "GET", "/metrics").await;
    assert!(!text.contains(r#"status="405""#), "{text}");
    assert!(!text.contains("tickersense_http_requests_total{"), "{text}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let state = state_for(memory_client());
    let (_, _, id) = call(&state, "GET", "/health").await;
    let id = id.expect("an id is set");
    assert_eq!(uuid_version(&id), Some(4), "{id}");

    let request = Request::builder()
        .uri("/nowhere")
        .header("x-request-id", "client-chosen-1")
        .body(Body::empty())
        .unwrap();
    let answer = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    assert_eq!(answer.headers()["x-request-id"], "client-chosen-1");

    let request = Request::builder()
        .uri("/health")
        .header("x-request-id", "x".repeat(200))
        .body(Body::empty())
        .unwrap();
    let answer = app(state).oneshot(request).await.unwrap();
    let id = answer.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(uuid_version(id), Some(4), "a too long id is replaced: {id}");
}

fn uuid_version(text: &str) -> Option<u32> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if text.len() != 36 || hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    hex[12..13].parse().ok()
}

#[tokio::test]
async fn health_does_no_io_and_ready_lists_each_backend() {
    let state = state_for(memory_client());
    assert_eq!(call(&state, "GET", "/health").await.1, r#"{"status":"ok"}"#);
    let (status, body, _) = call(&state, "GET", "/ready").await;
    assert_eq!(status, StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["degraded"], serde_json::json!([]));
    assert_eq!(body["upstreams"], serde_json::json!([]));
    let roles: Vec<&str> = body["backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "market_data",
            "social",
            "analyzer",
            "cache",
            "price_store",
            "sentiment_store",
            "backfill_store",
            "user_store"
        ]
    );
    assert_eq!(
        body["backends"][0]["status"],
        serde_json::json!({"status": "up"})
    );
}

#[tokio::test]
async fn ready_is_200_degraded_with_the_store_down() {
    // Nothing listens on port 1: the store is down, quotes are still served.
    let client = Tickersense::builder()
        .store("postgres://postgres@127.0.0.1:1/test?connect_timeout=1s")
        .build()
        .unwrap();
    let state = state_for(client);
    let (status, body, _) = call(&state, "GET", "/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "degraded");
    assert_eq!(
        body["degraded"],
        serde_json::json!([
            "price_store",
            "sentiment_store",
            "backfill_store",
            "user_store"
        ])
    );
    assert_eq!(body["backends"][4]["status"]["status"], "down");
}

#[tokio::test]
async fn ready_is_200_with_the_real_postgres_store_up() {
    let Some(url) = tickersense_tests::service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = tickersense_tests::PgSchema::create(&url).await;
    let client = Tickersense::builder().store(schema.url()).build().unwrap();
    let state = state_for(client);
    let (status, body, _) = call(&state, "GET", "/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(
        body["backends"][4]["status"],
        serde_json::json!({"status": "up"})
    );
    state.client().close().await;
    schema.drop_now().await;
}

#[tokio::test]
async fn ready_is_503_when_the_market_data_is_down() {
    // A closed client reports every backend down, the market data too: what
    // a server shutting down answers.
    let state = state_for(memory_client());
    state.client().close().await;
    let (status, body, _) = call(&state, "GET", "/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "unavailable");
    assert!(body["degraded"]
        .as_array()
        .unwrap()
        .contains(&"market_data".into()));
    assert_eq!(body["backends"][0]["status"]["status"], "down");
}

#[tokio::test]
async fn ready_is_503_when_the_market_data_stops_answering() {
    let client = Tickersense::builder()
        .store("memory://")
        .with_market_data(Arc::new(tickersense_tests::HeldSample::hung("hung")))
        .resilience(tickersense::resilience::ResiliencePolicy {
            timeout: std::time::Duration::from_millis(100),
            ..tickersense::resilience::ResiliencePolicy::default()
        })
        .build()
        .unwrap();
    let state = state_for(client);
    assert_eq!(call(&state, "GET", "/ready").await.0, StatusCode::OK);
    let err = state.client().quote("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), tickersense::ErrorKind::Timeout);
    let (status, body, _) = call(&state, "GET", "/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["degraded"], serde_json::json!(["market_data"]));
    assert_eq!(body["backends"][0]["name"], "user:hung");
}

#[tokio::test]
async fn metrics_read_the_redis_cache_counters_without_scanning() {
    let Some(url) = tickersense_tests::service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let client = Tickersense::builder()
        .store("memory://")
        .cache(tickersense_tests::redis_with_own_prefix(&url))
        .build()
        .unwrap();
    let state = state_for(client);
    state.client().quote("MSFT").await.unwrap();
    state.client().quote("MSFT").await.unwrap();
    let (status, text, _) = call(&state, "GET", "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_valid_exposition(&text);
    assert!(
        text.contains(r#"tickersense_cache_hits_total{namespace="stock_quote"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"tickersense_cache_misses_total{namespace="stock_quote"} 1"#),
        "{text}"
    );
    let counters = state.client().cache_counters().await.unwrap();
    let quote = counters
        .iter()
        .find(|s| s.namespace == "stock_quote")
        .unwrap();
    assert_eq!((quote.hits, quote.misses, quote.entries), (1, 1, 0));
    state.client().close().await;
}
