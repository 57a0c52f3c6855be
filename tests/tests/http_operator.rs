//! The operator groups over HTTP, through the whole router in process: the
//! token (404 with none configured, 401 without the right one), the seed's
//! cache service and migration service with their exact statuses and JSON,
//! on memory and on the real Redis and PostgreSQL, and a batch that goes on
//! after its request is dropped.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tickersense::http::{app, AppState, RateLimitSetting, ServerSettings};
use tickersense::Tickersense;
use tickersense_tests::{redis_with_own_prefix, service_url};
use tower::ServiceExt;

const TOKEN: &str = "op-s3cret-token";

fn settings(token: Option<&str>) -> ServerSettings {
    ServerSettings {
        admin_token: token.map(str::to_owned),
        rate_limits: RateLimitSetting::Off,
        ..ServerSettings::default()
    }
}

fn client(store: &str, cache: &str) -> Arc<Tickersense> {
    Arc::new(
        Tickersense::builder()
            .store(store)
            .cache(cache)
            .build()
            .unwrap(),
    )
}

fn server(client: Arc<Tickersense>, token: Option<&str>) -> axum::Router {
    app(AppState::new(client, settings(token)).unwrap())
}

fn request(method: Method, uri: &str, token: Option<&str>, body: Option<&[u8]>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_vec())))
        .unwrap()
}

/// The status, headers and JSON body (`Null` when empty) of one request.
async fn send(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
    send_raw(app, method, uri, token, bytes.as_deref()).await
}

async fn send_raw(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app
        .clone()
        .oneshot(request(method, uri, token, body))
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    };
    (parts.status, parts.headers, json)
}

/// Every operator endpoint, with a body where it takes one.
fn endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    let item = json!({"key": "k", "value": 1});
    vec![
        (Method::POST, "/api/v1/cache/stock_quote", Some(item)),
        (Method::GET, "/api/v1/cache/stock_quote/k", None),
        (Method::DELETE, "/api/v1/cache/stock_quote/k", None),
        (Method::DELETE, "/api/v1/cache/stock_quote", None),
        (Method::GET, "/api/v1/cache/stats", None),
        (Method::POST, "/api/v1/migrate/stock/AAPL?days=5", None),
        (Method::GET, "/api/v1/migrate/stock/AAPL/status", None),
        (Method::POST, "/api/v1/migrate/batch", Some(json!(["AAPL"]))),
    ]
}

#[tokio::test]
async fn without_a_token_configured_the_groups_are_not_found() {
    let app = server(client("memory://", "memory://"), None);
    for (method, uri, body) in endpoints() {
        for token in [None, Some(TOKEN)] {
            let (status, _, json) = send(&app, method.clone(), uri, token, body.clone()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
            assert_eq!(json, json!({"detail": "Not Found", "code": "NotFound"}));
        }
    }
    // An empty token is no token.
    let app = server(client("memory://", "memory://"), Some(""));
    let (status, _, _) = send(&app, Method::GET, "/api/v1/cache/stats", Some(""), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorized() {
    let app = server(client("memory://", "memory://"), Some(TOKEN));
    for (method, uri, body) in endpoints() {
        for token in [
            None,
            Some("wrong"),
            Some("op-s3cret-tokeN"),
            Some("op-s3cret-token2"),
        ] {
            let (status, headers, json) =
                send(&app, method.clone(), uri, token, body.clone()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} {token:?}");
            assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
            assert_eq!(
                json,
                json!({"detail": "a valid operator token is required", "code": "Unauthorized"})
            );
        }
    }
    // Another scheme is no token, even with the right secret.
    let basic = Request::builder()
        .uri("/api/v1/cache/stats")
        .header(header::AUTHORIZATION, format!("Basic {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(basic).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The scheme is read in any case.
    let lower = Request::builder()
        .uri("/api/v1/cache/stats")
        .header(header::AUTHORIZATION, format!("bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.clone().oneshot(lower).await.unwrap().status(),
        StatusCode::OK
    );
}

/// The cache service on `client`.
async fn cache_service(client: Arc<Tickersense>) {
    let app = server(client.clone(), Some(TOKEN));
    let call = |method: Method, uri: &'static str, body: Option<Value>| {
        let app = app.clone();
        async move { send(&app, method, uri, Some(TOKEN), body).await }
    };
    let set_ok = json!({"message": "Cache set successfully"});

    let value = json!({"price": 189.5, "tags": ["a", "b"], "nested": {"n": null}});
    let (status, _, json) = call(
        Method::POST,
        "/api/v1/cache/stock_quote",
        Some(json!({"key": "k1", "value": value, "ttl": 30})),
    )
    .await;
    assert_eq!((status, json), (StatusCode::OK, set_ok.clone()));
    let (status, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/k1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({"key": "k1", "value": value, "exists": true, "ttl": 30})
    );

    // No ttl, or one past the namespace's (60 s for quotes): the namespace's.
    for (key, ttl) in [
        ("k2", json!(null)),
        ("k3", json!(100_000)),
        ("k4", json!(0)),
    ] {
        let body = json!({"key": key, "value": "text", "ttl": ttl});
        let (status, _, _) = call(Method::POST, "/api/v1/cache/stock_quote", Some(body)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/k3", None).await;
    assert_eq!(json["ttl"], 60);
    let (_, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/k2", None).await;
    assert_eq!(
        json,
        json!({"key": "k2", "value": "text", "exists": true, "ttl": 60})
    );

    // A value's own ttl holds, inside the namespace's.
    let body = json!({"key": "brief", "value": [1], "ttl": 1});
    call(Method::POST, "/api/v1/cache/watchlist", Some(body)).await;
    let (_, _, json) = call(Method::GET, "/api/v1/cache/watchlist/brief", None).await;
    assert_eq!(json["exists"], true);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, json) = call(Method::GET, "/api/v1/cache/watchlist/brief", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({"key": "brief", "value": null, "exists": false, "ttl": null})
    );

    let absent = json!({"key": "nope", "value": null, "exists": false, "ttl": null});
    let (status, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/nope", None).await;
    assert_eq!((status, json), (StatusCode::OK, absent));

    // The operator's values and the services' never meet.
    let body = json!({"key": "AAPL", "value": "operator's", "ttl": 30});
    call(Method::POST, "/api/v1/cache/stock_quote", Some(body)).await;
    let quote = client.quote("AAPL").await.unwrap();
    assert_eq!(client.quote("AAPL").await.unwrap().price, quote.price);
    let (_, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/AAPL", None).await;
    assert_eq!(json["value"], "operator's");

    let (status, _, json) = call(Method::DELETE, "/api/v1/cache/stock_quote/k1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json, json!({"message": "Cache deleted successfully"}));
    let (status, _, json) = call(Method::DELETE, "/api/v1/cache/stock_quote/k1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        json,
        json!({"detail": "Cache key not found", "code": "NotFound"})
    );

    let (status, _, json) = call(Method::GET, "/api/v1/cache/stats", None).await;
    assert_eq!(status, StatusCode::OK);
    let stats = json["stats"].as_object().unwrap();
    let names: Vec<&str> = stats.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = tickersense::cache::namespace::ALL.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for counts in stats.values() {
        let fields: Vec<&str> = counts
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, ["bytes", "count", "errors", "hits", "misses"]);
    }
    let quotes = &stats["stock_quote"];
    // k2, k3, k4 and the operator's AAPL, and the service's quote of AAPL.
    assert_eq!(quotes["count"], 5, "{quotes}");
    assert!(quotes["hits"].as_u64().unwrap() >= 4, "{quotes}");
    assert!(quotes["misses"].as_u64().unwrap() >= 2, "{quotes}");

    let (status, _, json) = call(Method::DELETE, "/api/v1/cache/stock_quote", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({"message": "Cache type stock_quote cleared successfully"})
    );
    let (_, _, json) = call(Method::GET, "/api/v1/cache/stock_quote/k2", None).await;
    assert_eq!(json["exists"], false);
    let (_, _, json) = call(Method::GET, "/api/v1/cache/stats", None).await;
    assert_eq!(json["stats"]["stock_quote"]["count"], 0);
}

/// What the cache service refuses, and how.
async fn cache_service_refusals(client: Arc<Tickersense>) {
    let app = server(client, Some(TOKEN));
    let item = json!({"key": "k", "value": 1});
    for (method, uri, body) in [
        (Method::POST, "/api/v1/cache/nope", Some(item)),
        (Method::GET, "/api/v1/cache/nope/k", None),
        (Method::DELETE, "/api/v1/cache/nope/k", None),
        (Method::DELETE, "/api/v1/cache/nope", None),
    ] {
        let (status, _, json) = send(&app, method.clone(), uri, Some(TOKEN), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}");
        assert_eq!(json["code"], "InvalidInput");
        let detail = json["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("Invalid cache type \"nope\"; expected one of stock_quote"),
            "{detail}"
        );
    }
    let problem = |loc: Value, kind: &str, msg: &str, input: Value| json!({"detail": [{"type": kind, "loc": loc, "msg": msg, "input": input}], "code": "InvalidInput"});
    let uri = "/api/v1/cache/stock_quote";
    let cases: Vec<(&[u8], Value)> = vec![
        (
            b"{not json",
            problem(
                json!(["body"]),
                "json_invalid",
                "JSON decode error",
                Value::Null,
            ),
        ),
        (
            b"[1]",
            problem(
                json!(["body"]),
                "model_attributes_type",
                "Input should be a valid dictionary or object to extract fields from",
                Value::Null,
            ),
        ),
        (
            br#"{"value": 1}"#,
            problem(
                json!(["body", "key"]),
                "missing",
                "Field required",
                Value::Null,
            ),
        ),
        (
            br#"{"key": 5, "value": 1}"#,
            problem(
                json!(["body", "key"]),
                "string_type",
                "Input should be a valid string",
                Value::Null,
            ),
        ),
        (
            br#"{"key": "k"}"#,
            problem(
                json!(["body", "value"]),
                "missing",
                "Field required",
                Value::Null,
            ),
        ),
        (
            br#"{"key": "k", "value": 1, "ttl": -5}"#,
            problem(
                json!(["body", "ttl"]),
                "int_type",
                "Input should be a whole number of seconds, 0 or more",
                json!("-5"),
            ),
        ),
    ];
    for (body, expected) in cases {
        let (status, _, json) = send_raw(&app, Method::POST, uri, Some(TOKEN), Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(json, expected);
    }
    let long = "k".repeat(257);
    let body = json!({"key": long, "value": 1});
    let (status, _, json) = send(&app, Method::POST, uri, Some(TOKEN), Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["code"], "InvalidInput");
}

#[tokio::test]
async fn the_cache_service_on_memory() {
    cache_service(client("memory://", "memory://")).await;
    cache_service_refusals(client("memory://", "memory://")).await;
}

#[tokio::test]
async fn the_cache_service_on_redis() {
    let Some(redis) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let ts = client("memory://", &redis_with_own_prefix(&redis));
    cache_service(ts.clone()).await;
    cache_service_refusals(ts.clone()).await;
    ts.close().await;
}

#[path = "http_operator/migrate.rs"]
mod migrate;
