use super::*;

#[test]
fn statuses_are_classified() {
    let ok = classify(200, None, b"{}".to_vec(), "chart").unwrap();
    assert_eq!(ok, b"{}");
    let err = classify(
        429,
        Some(Duration::from_secs(2)),
        b"Too Many Requests".to_vec(),
        "chart",
    )
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.retry_after()),
        (ErrorKind::RateLimited, Some(Duration::from_secs(2)))
    );
    for status in [500, 502, 503, 504] {
        assert_eq!(
            classify(status, None, b"<html>".to_vec(), "chart")
                .unwrap_err()
                .kind(),
            ErrorKind::Unavailable
        );
    }
    let not_found = br#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
    assert_eq!(
        classify(404, None, not_found.to_vec(), "chart")
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        classify(401, None, Vec::new(), "crumb").unwrap_err().kind(),
        ErrorKind::Unauthorized
    );
    let err = classify(404, None, b"<html>gone</html>".to_vec(), "chart").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.message().contains("gone"), "{}", err.message());
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
    let later = std::time::SystemTime::now() + Duration::from_secs(120);
    let wait = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
    assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon"), None);
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

#[test]
fn loopback_bases_are_recognised() {
    for (base, local) in [
        ("http://127.0.0.1:9", true),
        ("http://localhost:9", true),
        ("http://[::1]:9", true),
        ("https://query2.finance.yahoo.com", false),
    ] {
        assert_eq!(is_loopback(&Url::parse(base).unwrap()), local, "{base}");
    }
}
