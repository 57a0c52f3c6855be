//! Quote and search: shapes, 400/404 and 422 answers.

use super::*;

const QUOTE_FIELDS: [&str; 7] = [
    "symbol",
    "price",
    "change",
    "change_percent",
    "volume",
    "market_cap",
    "pe_ratio",
];

#[tokio::test]
async fn quote_has_the_seed_fields_then_ours() {
    let router = sample_app();
    let answer = get(&router, "/api/v1/stocks/aapl/quote").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/json",
        "JSON answer"
    );
    let body = answer.json();
    let mut expected = set(&QUOTE_FIELDS);
    expected.extend(["currency", "exchange", "market_time", "stale"]);
    assert_eq!(keys(&body), expected);
    assert_eq!(body["symbol"], "AAPL");
    assert!(body["price"].as_f64().is_some_and(|p| p > 0.0));
    assert!(body["volume"].is_u64());
    assert!(body["market_cap"].is_null() || body["market_cap"].is_i64());
    assert_eq!(body["stale"], false);
    let change = body["change"].as_f64().unwrap();
    let percent = body["change_percent"].as_f64().unwrap();
    assert_eq!(change == 0.0, percent == 0.0);
}

#[tokio::test]
async fn a_bad_symbol_is_400_and_an_unknown_one_404() {
    let router = sample_app();
    let bad = get(&router, "/api/v1/stocks/AA%20PL!/quote").await;
    let body = assert_error(&bad, StatusCode::BAD_REQUEST, "InvalidInput");
    assert!(body["detail"].as_str().unwrap().contains("symbol"));
    let long = format!("/api/v1/stocks/{}/quote", "A".repeat(5000));
    let body = assert_error(
        &get(&router, &long).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
    );
    assert!(body["detail"].as_str().unwrap().len() < 200, "{body}");
    let unknown = get(&router, "/api/v1/stocks/ZZZZQ/quote").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "NotFound");
    let unknown = get(&router, "/api/v1/stocks/ZZZZQ/history").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "NotFound");
    let bad = get(&router, "/api/v1/sentiment/A$B/current").await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "InvalidInput");
    let bad = get(&router, "/api/v1/sentiment/A$B/history").await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "InvalidInput");
}

#[tokio::test]
async fn search_takes_query_parameters_or_a_json_body() {
    let router = sample_app();
    let by_params = send(
        &router,
        Request::post("/api/v1/stocks/search?query=apple&limit=3")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(by_params.status, StatusCode::OK);
    let hits = by_params.json();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    for hit in hits {
        assert_eq!(keys(hit), set(&["symbol", "name", "type", "exchange"]));
    }
    assert_eq!(hits[0]["symbol"], "AAPL");

    let by_body = post_json(
        &router,
        "/api/v1/stocks/search",
        json!({"query": "apple", "limit": 3}),
    )
    .await;
    assert_eq!(by_body.status, StatusCode::OK);
    assert_eq!(by_body.json(), by_params.json());

    // The default limit is the seed's 10.
    let many = post_json(&router, "/api/v1/stocks/search", json!({"query": "a"})).await;
    assert_eq!(many.json().as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn search_problems_are_422_naming_the_parameter() {
    let router = sample_app();
    let missing = send(
        &router,
        Request::post("/api/v1/stocks/search")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_unprocessable(&missing, &["query", "query"], "missing");
    let answer = send(
        &router,
        Request::post("/api/v1/stocks/search?query=a&limit=ten")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_unprocessable(&answer, &["query", "limit"], "int_parsing");
    let answer = send(
        &router,
        Request::post("/api/v1/stocks/search?query=a&limit=0")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_unprocessable(&answer, &["query", "limit"], "greater_than_equal");
    let answer = send(
        &router,
        Request::post("/api/v1/stocks/search?query=a&limit=101")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_unprocessable(&answer, &["query", "limit"], "less_than_equal");
    let long = format!("/api/v1/stocks/search?query={}", "x".repeat(101));
    let answer = send(
        &router,
        Request::post(long.as_str()).body(Body::empty()).unwrap(),
    )
    .await;
    assert_unprocessable(&answer, &["query", "query"], "string_too_long");
    let input = answer.json()["detail"][0]["input"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(input.len() < 80, "echoed truncated: {input}");

    let answer = post_json(&router, "/api/v1/stocks/search", json!({"query": 7})).await;
    assert_unprocessable(&answer, &["body", "query"], "string_type");
    let answer = post_json(
        &router,
        "/api/v1/stocks/search",
        json!({"query": "a", "limit": "x"}),
    )
    .await;
    assert_unprocessable(&answer, &["body", "limit"], "int_type");
    let answer = post_json(
        &router,
        "/api/v1/stocks/search",
        json!({"query": "a", "limit": 500}),
    )
    .await;
    assert_unprocessable(&answer, &["body", "limit"], "less_than_equal");
    let answer = post_json(&router, "/api/v1/stocks/search", json!({"query": "  "})).await;
    assert_unprocessable(&answer, &["body", "query"], "string_too_short");
    let not_json = send(
        &router,
        Request::post("/api/v1/stocks/search")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{query"))
            .unwrap(),
    )
    .await;
    assert_unprocessable(&not_json, &["body"], "json_invalid");
}
