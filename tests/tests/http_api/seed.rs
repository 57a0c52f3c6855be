//! The seed's tests/integration/test_api_gateway.py (section 6.1), routing part,
//! against this server.

use super::*;

#[tokio::test]
async fn seed_stock_service_routing() {
    let router = sample_app();
    let response = get(&router, "/api/v1/stocks/AAPL/quote").await;
    assert_eq!(response.status, StatusCode::OK);
    let data = response.json();
    for field in ["symbol", "price", "change"] {
        assert!(data.get(field).is_some(), "{field}");
    }
    assert_eq!(data["symbol"], "AAPL");
}

#[tokio::test]
async fn seed_sentiment_service_routing() {
    let router = sample_app();
    let response = get(&router, "/api/v1/sentiment/AAPL/current").await;
    assert_eq!(response.status, StatusCode::OK);
    let data = response.json();
    for field in ["symbol", "current_sentiment", "mention_volume"] {
        assert!(data.get(field).is_some(), "{field}");
    }
}

#[tokio::test]
async fn seed_invalid_symbol_is_not_found() {
    // The seed accepted 404 or 503; INVALID is a well-formed symbol no
    // provider knows, so ours is 404 (a malformed one would be 400).
    let router = sample_app();
    let response = get(&router, "/api/v1/stocks/INVALID/quote").await;
    assert_error(&response, StatusCode::NOT_FOUND, "NotFound");
}
