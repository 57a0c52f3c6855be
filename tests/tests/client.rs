//! The vertical slice through `Tickersense`: quote, history, search and
//! sentiment over the embedded defaults, and typed errors for bad input.

use tickersense::{Config, ErrorKind, Interval, Origin, Period, Tickersense, Trend};

fn memory_client() -> Tickersense {
    Tickersense::builder().store("memory://").build().unwrap()
}

#[tokio::test]
async fn quote_history_search_sentiment() {
    let ts = memory_client();
    let q = ts.quote("aapl").await.unwrap();
    assert_eq!(q.symbol.as_str(), "AAPL");
    assert!((q.change - (q.price - q.previous_close)).abs() < 1e-9);

    let h = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert_eq!(h.origin, Origin::Provider);
    assert!((18..=23).contains(&h.bars.len()));
    assert_eq!(h.bars.last().unwrap().close, q.price);
    assert_eq!(
        ts.history("AAPL", Period::Mo1, Interval::D1)
            .await
            .unwrap()
            .origin,
        Origin::Cache
    );

    let hits = ts.search("micro", 5).await.unwrap();
    assert_eq!(hits[0].symbol.as_str(), "MSFT");

    let s = ts.sentiment("AAPL").await.unwrap();
    assert!(s.mention_volume > 0 && (-1.0..=1.0).contains(&s.current_sentiment));
    assert_eq!(s.sentiment_trend, Trend::Unknown);
    assert_eq!(
        ts.sentiment_history("AAPL", 1).await.unwrap().len(),
        s.platforms.len(),
        "every analysis is stored"
    );
}

#[tokio::test]
async fn a_second_client_on_the_same_sqlite_file_reads_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("ts.db").display());
    let build = || {
        Tickersense::builder()
            .store(&store)
            .cache("none://")
            .build()
            .unwrap()
    };
    let first = build()
        .history("MSFT", Period::Y1, Interval::D1)
        .await
        .unwrap();
    assert_eq!(first.origin, Origin::Provider);
    let second = build()
        .history("MSFT", Period::Mo3, Interval::D1)
        .await
        .unwrap();
    assert_eq!(
        second.origin,
        Origin::Store,
        "three months lie inside the year already stored"
    );
    assert_eq!(second.bars.last(), first.bars.last());
    assert!(second.bars.len() < first.bars.len());

    // Trends use the analyses stored by earlier clients.
    let ts = build();
    ts.sentiment("TSLA").await.unwrap();
    assert_ne!(
        build().sentiment("TSLA").await.unwrap().sentiment_trend,
        Trend::Unknown
    );
}

#[tokio::test]
async fn bad_input_gets_invalid_input_before_any_io() {
    // The store is unreachable: a validation error must come first.
    let ts = Tickersense::builder()
        .store("postgres://nobody@127.0.0.1:1/x")
        .build()
        .unwrap();
    for symbol in ["", "  ", "AA PL", "A$", "ABCDEFGHIJKLMNOP"] {
        assert_eq!(
            ts.quote(symbol).await.unwrap_err().kind(),
            ErrorKind::InvalidInput,
            "{symbol:?}"
        );
    }
    assert_eq!(
        "2w".parse::<Period>().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ts.quote("AAPL").await.unwrap_err().kind(),
        ErrorKind::Unavailable
    );
}

#[tokio::test]
async fn provider_and_search_errors_are_typed() {
    let ts = memory_client();
    assert_eq!(
        ts.quote("ZZZZ").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        ts.history("AAPL", Period::Max, Interval::M5)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ts.search("", 5).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ts.search("apple", 0).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let start = chrono::Utc::now();
    assert_eq!(
        ts.history_between("AAPL", start, start, Interval::D1)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn bad_urls_fail_at_construction() {
    for config in [
        Config {
            store: "mysql://x".into(),
            ..Config::default()
        },
        Config {
            cache: "redis://[bad".into(),
            ..Config::default()
        },
        Config {
            social: " , ".into(),
            ..Config::default()
        },
    ] {
        assert_eq!(
            Tickersense::new(config).err().unwrap().kind(),
            ErrorKind::InvalidInput
        );
    }
}
