use super::*;
use crate::error::ErrorKind;

fn answer(status: u16, body: &[u8], what: &str) -> Answer {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::RETRY_AFTER,
        reqwest::header::HeaderValue::from_static("2"),
    );
    let url = Url::parse("http://127.0.0.1:9/v8/finance/chart/AAPL").unwrap();
    Answer::from_parts(status, headers, url, body.to_vec(), "Yahoo", what)
}

#[test]
fn statuses_are_classified() {
    let ok = classify(answer(200, b"{}", "chart")).unwrap();
    assert_eq!(ok, b"{}");
    let err = classify(answer(429, b"Too Many Requests", "chart")).unwrap_err();
    assert_eq!(
        (err.kind(), err.retry_after()),
        (
            ErrorKind::RateLimited,
            Some(std::time::Duration::from_secs(2))
        )
    );
    for status in [500, 502, 503, 504] {
        assert_eq!(
            classify(answer(status, b"<html>", "chart"))
                .unwrap_err()
                .kind(),
            ErrorKind::Unavailable
        );
    }
    let not_found = br#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
    assert_eq!(
        classify(answer(404, not_found, "chart"))
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    // Yahoo's error object wins over the status's own kind, for any 4xx but 429.
    let bad_interval = br#"{"chart":{"result":null,"error":{"code":"Bad Request","description":"Invalid input - interval=7m is not supported."}}}"#;
    let err = classify(answer(403, bad_interval, "chart")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.message().starts_with("Yahoo chart: "),
        "{}",
        err.message()
    );
    // ... and never over a 5xx, which stays transient.
    assert_eq!(
        classify(answer(503, not_found, "chart"))
            .unwrap_err()
            .kind(),
        ErrorKind::Unavailable
    );
    assert_eq!(
        classify(answer(401, b"", "crumb")).unwrap_err().kind(),
        ErrorKind::Unauthorized
    );
    let err = classify(answer(404, b"<html>gone</html>", "chart")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("gone"), "{}", err.message());
    assert!(
        err.message().starts_with("Yahoo chart answered HTTP 404"),
        "{}",
        err.message()
    );
}

#[test]
fn urls_encode_symbols_and_carry_the_range() {
    let y = Yahoo::at("http://127.0.0.1:9", ResiliencePolicy::default()).unwrap();
    let q = query_for(HistoryRange::Period(crate::Period::Mo1), Interval::D1);
    let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let url = y.url(&["v8", "finance", "chart", "^GSPC"], &pairs).unwrap();
    assert_eq!(
        url.as_str(),
        "http://127.0.0.1:9/v8/finance/chart/^GSPC?interval=1d&includePrePost=false&events=div%2Csplits%2CcapitalGains&range=1mo"
    );
}

#[test]
fn the_upstream_is_named_for_the_host() {
    let y = Yahoo::at("http://127.0.0.1:9", ResiliencePolicy::default()).unwrap();
    assert_eq!(
        y.inner.http.upstream().name(),
        "Yahoo Finance (127.0.0.1:9)"
    );
    assert_eq!(y.inner.http.label(), "Yahoo");
}

#[tokio::test]
async fn limits_are_checked_before_any_request() {
    // Port 9 (discard) on loopback: had a request been sent, it would fail as Unavailable.
    let y = Yahoo::at("http://127.0.0.1:9", ResiliencePolicy::default()).unwrap();
    let symbol = Symbol::parse("AAPL").unwrap();
    for (period, interval) in [
        (crate::Period::Mo1, Interval::M1),
        (crate::Period::Y1, Interval::M5),
        (crate::Period::Y5, Interval::H1),
        (crate::Period::Max, Interval::M30),
    ] {
        let err = y
            .history(&symbol, HistoryRange::Period(period), interval)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{period} {interval}");
        assert!(err.message().contains("days"), "{}", err.message());
    }
}
