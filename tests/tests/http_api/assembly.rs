//! The assembly: unknown paths and methods, compression, group timeouts, `/openapi.json`.

use std::time::Duration;

use axum::http::Method;
use tickersense::http::RouteGroup;
use tickersense::model::{Interval, Period};
use tickersense_tests::HeldSample;

use super::*;

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let router = sample_app();
    let answer = get(&router, "/api/v1/stocks/AAPL/nothing").await;
    let body = assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(body, json!({"detail": "Not Found", "code": "NotFound"}));
    let answer = get(&router, "/nowhere").await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
    let answer = send(
        &router,
        Request::delete("/api/v1/stocks/AAPL/quote")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&answer, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    assert_eq!(answer.headers[header::ALLOW], "GET,HEAD");
    let answer = get(&router, "/api/v1/stocks/search").await;
    assert_error(&answer, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
}

#[tokio::test]
async fn answers_are_compressed_when_the_client_accepts_it() {
    let router = sample_app();
    for (accepted, expected) in [("gzip", "gzip"), ("br", "br")] {
        let request = Request::get("/api/v1/stocks/AAPL/history?period=1y")
            .header(header::ACCEPT_ENCODING, accepted)
            .body(Body::empty())
            .unwrap();
        let answer = send(&router, request).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.headers[header::CONTENT_ENCODING], expected);
        assert!(
            serde_json::from_slice::<Value>(&answer.body).is_err(),
            "compressed"
        );
    }
    let plain = get(&router, "/api/v1/stocks/AAPL/history?period=1y").await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    plain.json();
}

#[tokio::test]
async fn a_slow_group_answers_504_within_its_timeout() {
    let client = Tickersense::builder()
        .store("memory://")
        .with_market_data(Arc::new(HeldSample::delayed(
            "slow",
            Duration::from_secs(5),
        )))
        .build()
        .unwrap();
    let mut settings = settings();
    settings
        .group_timeouts
        .insert(RouteGroup::Stocks, Duration::from_millis(150));
    let router = router_of(client, settings);
    let started = std::time::Instant::now();
    let answer = get(&router, "/api/v1/stocks/AAPL/quote").await;
    let took = started.elapsed();
    let body = assert_error(&answer, StatusCode::GATEWAY_TIMEOUT, "Timeout");
    assert!(
        body["detail"].as_str().unwrap().contains("stocks"),
        "{body}"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    // Another group keeps the default timeout and its own answers.
    let answer = get(&router, "/api/v1/sentiment/AAPL/history").await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn openapi_lists_every_path_served() {
    let router = sample_app();
    let answer = get(&router, "/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
    let doc = answer.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = &doc["paths"];
    let expected = [
        ("/api/v1/stocks/{symbol}/quote", "get"),
        ("/api/v1/stocks/{symbol}/history", "get"),
        ("/api/v1/stocks/search", "post"),
        ("/api/v1/sentiment/{symbol}/current", "get"),
        ("/api/v1/sentiment/{symbol}/history", "get"),
        ("/api/v1/sentiment/score", "post"),
        ("/openapi.json", "get"),
    ];
    for (path, method) in expected {
        assert!(paths[path][method].is_object(), "{path} {method} missing");
    }
    let schemas = keys(&doc["components"]["schemas"]);
    for name in [
        "ErrorBody",
        "Unprocessable",
        "Problem",
        "QuoteBody",
        "HistoryBody",
        "SearchHitBody",
        "SentimentBody",
        "SourceBody",
        "SentimentHistoryBody",
        "ScoreRequest",
        "ScoreBody",
    ] {
        assert!(schemas.contains(name), "schema {name} missing: {schemas:?}");
    }
    let quote = &paths["/api/v1/stocks/{symbol}/quote"]["get"]["responses"];
    for status in ["200", "400", "404", "503", "504"] {
        assert!(quote[status].is_object(), "quote {status} undocumented");
    }
    let search = &paths["/api/v1/stocks/search"]["post"];
    let names: BTreeSet<&str> = search["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, set(&["query", "limit"]));
    assert!(search["responses"]["422"].is_object());
    let history = &paths["/api/v1/sentiment/{symbol}/history"]["get"];
    let names: BTreeSet<&str> = history["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, set(&["symbol", "days", "platform"]));
    let score = &paths["/api/v1/sentiment/score"]["post"];
    assert!(score["requestBody"]["content"]["application/json"].is_object());
    for status in ["200", "413", "422", "503", "504"] {
        assert!(
            score["responses"][status].is_object(),
            "score {status} undocumented"
        );
    }
}

/// The bounds a handler enforces are in the document too, so a client
/// generated from it (or schemathesis) sends only what is served.
#[tokio::test]
async fn openapi_states_the_bounds_of_the_parameters() {
    let doc = get(&sample_app(), "/openapi.json").await.json();
    let expected = [
        ("/api/v1/stocks/search", "post", "limit", "minimum", 1),
        ("/api/v1/stocks/search", "post", "limit", "maximum", 100),
        ("/api/v1/stocks/search", "post", "query", "minLength", 1),
        ("/api/v1/stocks/search", "post", "query", "maxLength", 100),
        (
            "/api/v1/sentiment/{symbol}/history",
            "get",
            "days",
            "minimum",
            1,
        ),
        (
            "/api/v1/sentiment/{symbol}/history",
            "get",
            "days",
            "maximum",
            3650,
        ),
        (
            "/api/v1/sentiment/{symbol}/history",
            "get",
            "platform",
            "minLength",
            1,
        ),
        (
            "/api/v1/sentiment/{symbol}/history",
            "get",
            "platform",
            "maxLength",
            64,
        ),
    ];
    for (path, method, name, bound, value) in expected {
        let parameters = doc["paths"][path][method]["parameters"].as_array().unwrap();
        let parameter = parameters.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(
            parameter["schema"][bound], value,
            "{path} {name} {bound}: {parameter}"
        );
    }
    // Every cache path names the namespaces the cache knows, no more.
    let namespaces = format!("^({})$", tickersense::cache::namespace::ALL.join("|"));
    let mut cache_paths = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for operation in operations.as_object().unwrap().values() {
            let Some(parameters) = operation["parameters"].as_array() else {
                continue;
            };
            for parameter in parameters.iter().filter(|p| p["name"] == "cache_type") {
                assert_eq!(
                    parameter["schema"]["pattern"],
                    namespaces.as_str(),
                    "{path}"
                );
                cache_paths += 1;
            }
        }
    }
    assert_eq!(cache_paths, 4);
    // The history's period and interval name the values the library takes.
    let history = doc["paths"]["/api/v1/stocks/{symbol}/history"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let pattern_of = |name: &str| {
        let parameter = history.iter().find(|p| p["name"] == name).unwrap();
        parameter["schema"]["pattern"].as_str().unwrap().to_owned()
    };
    let periods: Vec<&str> = Period::ALL.iter().map(|p| p.as_str()).collect();
    let intervals: Vec<&str> = Interval::ALL.iter().map(|i| i.as_str()).collect();
    assert_eq!(pattern_of("period"), format!("^({})$", periods.join("|")));
    assert_eq!(
        pattern_of("interval"),
        format!("^({})$", intervals.join("|"))
    );
}

#[tokio::test]
async fn method_on_unknown_group_is_plain_404() {
    let router = sample_app();
    let answer = send(
        &router,
        Request::builder()
            .method(Method::PUT)
            .uri("/api/v1/unknown/x")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NotFound");
}
