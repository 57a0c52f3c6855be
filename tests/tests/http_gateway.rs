//! The gateway through the whole router, in process: per-group rate limits
//! per client (429 past the budget, with `Retry-After` and the
//! `RateLimit-*` headers), `X-Forwarded-For` trusted only from configured
//! proxies, budgets shared through a real Redis by two instances, the
//! in-process fallback when Redis is down, CORS and the body limit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use tickersense::http::{app, AppState, RateLimitSetting, RouteGroup, ServerSettings};
use tickersense::{ErrorKind, Tickersense};
use tickersense_tests::{redis_with_own_prefix, service_url};
use tower::ServiceExt;

const QUOTE: &str = "/api/v1/stocks/AAPL/quote";

fn client(cache: &str) -> Arc<Tickersense> {
    Arc::new(
        Tickersense::builder()
            .store("memory://")
            .cache(cache)
            .build()
            .expect("valid config"),
    )
}

fn state_with(settings: ServerSettings) -> AppState {
    AppState::new(client("memory://"), settings).expect("valid settings")
}

fn memory_limits() -> ServerSettings {
    ServerSettings {
        rate_limits: RateLimitSetting::Memory,
        ..ServerSettings::default()
    }
}

fn get(path: &str, peer: &str) -> Request<Body> {
    let mut request = Request::get(path).body(Body::empty()).expect("request");
    let addr: SocketAddr = peer.parse().expect("socket address");
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

fn forwarded(path: &str, peer: &str, xff: &str) -> Request<Body> {
    let mut request = get(path, peer);
    request
        .headers_mut()
        .insert("x-forwarded-for", xff.parse().expect("header value"));
    request
}

async fn send(router: &Router, request: Request<Body>) -> Response {
    router.clone().oneshot(request).await.expect("infallible")
}

fn header_of<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn json_of(response: Response) -> serde_json::Value {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&bytes).expect("a JSON body")
}

#[tokio::test]
async fn a_client_is_refused_with_429_after_the_seeds_100_quotes_a_minute() {
    let router = app(state_with(memory_limits()));
    let peer = "203.0.113.1:40000";
    let mut refused = Vec::new();
    for n in 0..150u32 {
        let response = send(&router, get(QUOTE, peer)).await;
        assert_eq!(
            header_of(&response, "ratelimit-limit"),
            Some("100"),
            "request {n}"
        );
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused.push((n, response));
        } else if n < 100 {
            let remaining = (99 - n).to_string();
            assert_eq!(
                header_of(&response, "ratelimit-remaining"),
                Some(remaining.as_str())
            );
            assert!(header_of(&response, "ratelimit-reset").is_some());
            assert!(header_of(&response, header::RETRY_AFTER.as_str()).is_none());
        }
    }
    assert_eq!(
        refused.first().map(|(n, _)| *n),
        Some(100),
        "the 101st is the first refused"
    );
    // One request's share of the minute is 0.6 s, so a slow run may see one more let in.
    assert!(refused.len() >= 48, "{} refused", refused.len());
    let (_, response) = refused.remove(0);
    assert_eq!(
        header_of(&response, header::RETRY_AFTER.as_str()),
        Some("1")
    );
    assert_eq!(header_of(&response, "ratelimit-remaining"), Some("0"));
    assert_eq!(header_of(&response, "ratelimit-reset"), Some("60"));
    let body = json_of(response).await;
    assert_eq!(body["code"], "RateLimited");
    let detail = body["detail"].as_str().expect("detail");
    assert!(detail.starts_with("Rate limit exceeded"), "{detail}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");

    // Another group's budget is its own, and paths outside the groups are not limited.
    let sentiment = send(&router, get("/api/v1/sentiment/AAPL/current", peer)).await;
    assert_eq!(header_of(&sentiment, "ratelimit-limit"), Some("50"));
    assert_ne!(sentiment.status(), StatusCode::TOO_MANY_REQUESTS);
    let health = send(&router, get("/health", peer)).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(header_of(&health, "ratelimit-limit").is_none());
}

#[tokio::test]
async fn limits_off_limit_nothing() {
    let settings = ServerSettings {
        rate_limits: RateLimitSetting::Off,
        ..ServerSettings::default()
    };
    let router = app(state_with(settings));
    for _ in 0..150 {
        let response = send(&router, get(QUOTE, "203.0.113.1:1")).await;
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(header_of(&response, "ratelimit-limit").is_none());
    }
}

fn tight(per_minute: u32) -> ServerSettings {
    let mut settings = memory_limits();
    settings.per_minute.insert(RouteGroup::Stocks, per_minute);
    settings
}

#[tokio::test]
async fn separate_clients_have_separate_budgets() {
    let router = app(state_with(tight(3)));
    for _ in 0..3 {
        let response = send(&router, get(QUOTE, "203.0.113.1:1")).await;
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let spent = send(&router, get(QUOTE, "203.0.113.1:2")).await;
    assert_eq!(
        spent.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the port is not the client"
    );
    let other = send(&router, get(QUOTE, "203.0.113.2:1")).await;
    assert_ne!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_of(&other, "ratelimit-remaining"), Some("2"));
    // Without a known address every caller is one client.
    let unknown = || Request::get(QUOTE).body(Body::empty()).expect("request");
    for _ in 0..3 {
        assert_ne!(
            send(&router, unknown()).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert_eq!(
        send(&router, unknown()).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let mut settings = tight(1);
    settings.trusted_proxies = vec!["10.0.0.1".parse().expect("ip")];
    let router = app(state_with(settings));

    // An untrusted peer's header is ignored: both requests are the peer's.
    let first = send(&router, forwarded(QUOTE, "203.0.113.5:1", "198.51.100.1")).await;
    assert_ne!(first.status(), StatusCode::TOO_MANY_REQUESTS);
    let second = send(&router, forwarded(QUOTE, "203.0.113.5:1", "198.51.100.2")).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);

    // Through the trusted proxy each forwarded client has its own budget,
    // and a spoofed left part does not buy a new one.
    let proxy = "10.0.0.1:5000";
    let a = send(&router, forwarded(QUOTE, proxy, "198.51.100.1")).await;
    assert_ne!(a.status(), StatusCode::TOO_MANY_REQUESTS);
    let b = send(&router, forwarded(QUOTE, proxy, "198.51.100.2")).await;
    assert_ne!(b.status(), StatusCode::TOO_MANY_REQUESTS);
    let a_again = send(&router, forwarded(QUOTE, proxy, "9.9.9.9, 198.51.100.1")).await;
    assert_eq!(a_again.status(), StatusCode::TOO_MANY_REQUESTS);
    // The proxy itself, forwarding for nobody, is one more client.
    let bare = send(&router, get(QUOTE, proxy)).await;
    assert_ne!(bare.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn two_instances_on_one_redis_share_one_budget() {
    let Some(redis) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let url = redis_with_own_prefix(&redis);
    // One instance told the limiter's Redis, the other finding it in its cache URL.
    let mut told = tight(10);
    told.rate_limits = RateLimitSetting::Redis(url.clone());
    let mut auto = tight(10);
    auto.rate_limits = RateLimitSetting::Auto;
    let first = AppState::new(client("memory://"), told).expect("valid settings");
    let second = AppState::new(client(&url), auto).expect("valid settings");
    assert!(first.rate_limiter().is_shared() && second.rate_limiter().is_shared());
    let (first, second) = (app(first), app(second));

    let peer = "203.0.113.7:1";
    for n in 0..10u32 {
        let router = if n % 2 == 0 { &first } else { &second };
        let response = send(router, get(QUOTE, peer)).await;
        assert_ne!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "request {n}"
        );
        let remaining = (9 - n).to_string();
        assert_eq!(
            header_of(&response, "ratelimit-remaining"),
            Some(remaining.as_str())
        );
    }
    for router in [&first, &second] {
        let response = send(router, get(QUOTE, peer)).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            header_of(&response, header::RETRY_AFTER.as_str()),
            Some("6")
        );
        assert_eq!(json_of(response).await["code"], "RateLimited");
    }
    let other = send(&second, get(QUOTE, "203.0.113.8:1")).await;
    assert_eq!(header_of(&other, "ratelimit-remaining"), Some("9"));
}

/// The limit still holds with the limiter's Redis gone, and Redis is
/// skipped after one failure instead of costing every request a wait.
async fn limits_hold_without(redis_url: String) -> (Duration, u64) {
    let mut settings = tight(5);
    settings.rate_limits = RateLimitSetting::Redis(redis_url);
    let state = state_with(settings);
    let router = app(state.clone());
    let started = Instant::now();
    for n in 0..5 {
        let response = send(&router, get(QUOTE, "203.0.113.9:1")).await;
        assert_ne!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "request {n}"
        );
        assert_eq!(header_of(&response, "ratelimit-limit"), Some("5"));
    }
    for _ in 0..15 {
        let response = send(&router, get(QUOTE, "203.0.113.9:1")).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    (started.elapsed(), state.rate_limiter().redis_failures())
}

#[tokio::test]
async fn a_refused_redis_leaves_the_in_process_limits_in_force() {
    // Port 1 on loopback refuses at once.
    let (elapsed, failures) = limits_hold_without("redis://127.0.0.1:1/0".to_owned()).await;
    assert_eq!(failures, 1, "one connect tried in the back-off window");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}

#[tokio::test]
async fn a_frozen_redis_costs_one_timeout() {
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let (elapsed, failures) = limits_hold_without(format!("redis://127.0.0.1:{port}/0")).await;
    assert_eq!(failures, 1, "one wait in the back-off window");
    let one_wait =
        tickersense::http::REDIS_CONNECT_TIMEOUT + tickersense::http::REDIS_DECISION_TIMEOUT;
    assert!(
        elapsed < one_wait + Duration::from_millis(300),
        "{elapsed:?}"
    );
    drop(silent);
}

fn cors(origins: &[&str]) -> ServerSettings {
    ServerSettings {
        cors_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
        ..memory_limits()
    }
}

fn preflight(origin: &str) -> Request<Body> {
    let mut request = get(QUOTE, "203.0.113.1:1");
    *request.method_mut() = Method::OPTIONS;
    let headers = request.headers_mut();
    headers.insert(header::ORIGIN, origin.parse().expect("origin"));
    headers.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        "GET".parse().expect("method"),
    );
    request
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins_and_never_a_wildcard() {
    let router = app(state_with(cors(&["https://app.example.com"])));
    let allowed = send(&router, preflight("https://app.example.com")).await;
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(
        header_of(&allowed, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        header_of(&allowed, "access-control-allow-credentials"),
        Some("true")
    );
    let methods = header_of(&allowed, "access-control-allow-methods").unwrap_or_default();
    for method in ["GET", "POST", "PUT", "DELETE", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    assert!(
        header_of(&allowed, "ratelimit-limit").is_none(),
        "a preflight spends no budget"
    );

    let refused = send(&router, preflight("https://evil.example.com")).await;
    // Without the allow-origin header a browser refuses the read (the
    // credentials flag tower-http still sends means nothing alone).
    assert!(header_of(&refused, "access-control-allow-origin").is_none());

    let mut simple = get(QUOTE, "203.0.113.1:1");
    simple.headers_mut().insert(
        header::ORIGIN,
        "https://app.example.com".parse().expect("origin"),
    );
    let simple = send(&router, simple).await;
    assert_eq!(
        header_of(&simple, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    let exposed = header_of(&simple, "access-control-expose-headers").unwrap_or_default();
    for name in [
        "x-request-id",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }

    // No origins configured: no CORS headers at all.
    let closed = app(state_with(cors(&[])));
    let response = send(&closed, preflight("https://app.example.com")).await;
    assert!(header_of(&response, "access-control-allow-origin").is_none());

    for bad in ["*", "https://app.example.com/path"] {
        let err = AppState::new(client("memory://"), cors(&[bad]))
            .err()
            .expect("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_json() {
    let settings = ServerSettings {
        body_limit: 1024,
        ..memory_limits()
    };
    let router = app(state_with(settings));
    let mut request = get("/api/v1/stocks/search?query=apple", "203.0.113.1:1");
    *request.method_mut() = Method::POST;
    *request.body_mut() = Body::from(vec![b' '; 2048]);
    request
        .headers_mut()
        .insert(header::CONTENT_LENGTH, "2048".parse().expect("length"));
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("type"),
    );
    let response = send(&router, request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        header_of(&response, "content-type"),
        Some("application/json")
    );
    assert_eq!(
        json_of(response).await,
        serde_json::json!({
            "detail": "the request body is larger than the limit of 1024 bytes",
            "code": "InvalidInput"
        })
    );
}
