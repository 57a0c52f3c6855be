//! The conformance kit's market-data suite on every built-in provider
//! (sample, CSV, Yahoo on the replay server), then the stock service over
//! them: stale-on-error from the memory cache and from the running Redis,
//! the Unavailable answer when nothing was kept, and many symbols at once.

use std::time::Duration;

use tickersense::cache::namespace;
use tickersense::provider::ProviderUrl;
use tickersense::resilience::ResiliencePolicy;
use tickersense::{testkit, ErrorKind, HistoryRange, Interval, Origin, Period, Tickersense};
use tickersense_replay::{Fault, ReplayServer};
use tickersense_tests::service_url;

fn client(server: &ReplayServer, cache: &str) -> Tickersense {
    Tickersense::builder()
        .store("memory://")
        .cache(cache)
        .market_data(server.market_data_url())
        .resilience(ResiliencePolicy {
            timeout: Duration::from_millis(500),
            max_retries: 1,
            backoff_base: Duration::from_millis(5),
            backoff_max: Duration::from_millis(10),
            // Off, so every call here reaches the replay server.
            breaker_failures: 0,
            ..ResiliencePolicy::default()
        })
        .build()
        .expect("valid config")
}

/// The provider at `url`, with the policy of [`client`].
fn provider(url: &str) -> std::sync::Arc<dyn tickersense::provider::MarketData> {
    let policy = ResiliencePolicy {
        timeout: Duration::from_millis(2000),
        max_retries: 0,
        breaker_failures: 0,
        ..ResiliencePolicy::default()
    };
    ProviderUrl::parse(url).unwrap().connect(policy).unwrap()
}

#[tokio::test]
async fn the_sample_provider_passes_the_kit() {
    let report = testkit::market_data(
        provider("sample://"),
        "AAPL".into(),
        "ZZZZ9".into(),
        "apple".into(),
    )
    .await;
    report.assert_passed();
    assert!(report.checks.len() >= 10, "{report}");
}

#[tokio::test]
async fn the_yahoo_provider_on_the_replay_server_passes_the_kit() {
    let server = ReplayServer::start().await.unwrap();
    let yahoo = provider(&server.market_data_url());
    for (known, query) in [
        ("AAPL", "Apple"),
        ("EURUSD=X", "bitcoin"),
        ("^GSPC", "apple"),
    ] {
        testkit::market_data(yahoo.clone(), known.into(), "NOPE".into(), query.into())
            .await
            .assert_passed();
    }
}

#[tokio::test]
async fn the_csv_provider_passes_the_kit() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("Date,Open,High,Low,Close,Adj Close,Volume\n");
    for day in 4..=15 {
        let close = 10.0 + f64::from(day) / 4.0;
        csv.push_str(&format!(
            "2024-11-{day:02},{},{},{},{close},{},{}\n",
            close - 0.5,
            close + 1.0,
            close - 1.0,
            close - 0.1,
            1000 * day
        ));
    }
    std::fs::write(dir.path().join("ACME.csv"), csv).unwrap();
    std::fs::write(
        dir.path().join("ACMX.csv"),
        "Date,Open,High,Low,Close,Volume\n",
    )
    .unwrap();
    let url = format!("csv://{}?tz=America/New_York", dir.path().display());
    testkit::market_data(provider(&url), "acme".into(), "NONE".into(), "acm".into())
        .await
        .assert_passed();
}

/// Serves a quote and a history, breaks the provider, and checks both come
/// back from the last-good copy, marked stale, with their age.
async fn stale_on_error(cache: &str) {
    let server = ReplayServer::start().await.unwrap();
    let ts = client(&server, cache);
    // Other tests share Redis: start with none of their AAPL values.
    for ns in [
        namespace::STOCK_QUOTE,
        namespace::STOCK_HISTORY,
        namespace::STOCK_QUOTE_LAST,
        namespace::STOCK_HISTORY_LAST,
    ] {
        ts.invalidate(ns, None).await.unwrap();
    }
    let fresh = ts.quote("AAPL").await.unwrap();
    assert!(!fresh.stale);
    let history = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert!(!history.stale);

    // The fresh copies expire (dropped here), and Yahoo goes down.
    ts.invalidate(namespace::STOCK_QUOTE, None).await.unwrap();
    ts.invalidate(namespace::STOCK_HISTORY, None).await.unwrap();
    server.inject("", Fault::Status(503), 1000);
    tokio::time::sleep(Duration::from_millis(20)).await;

    let stale = ts.quote("AAPL").await.unwrap();
    assert!(stale.stale);
    assert_eq!(stale.price, fresh.price);
    assert_eq!(stale.fetched_at, fresh.fetched_at);
    assert!(stale.age(chrono::Utc::now()) >= Duration::from_millis(20));

    let old = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert!(old.stale);
    assert_eq!(old.origin, Origin::Cache);
    assert_eq!(old.bars, history.bars);
    assert_eq!(old.dividends, history.dividends);

    // Nothing kept for NVDA: Unavailable, naming the cause.
    let err = ts.quote("NVDA").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.message().contains("no earlier copy"),
        "{}",
        err.message()
    );

    // An answer that the symbol does not exist is passed on, never covered
    // with the stale copy.
    server.clear_faults();
    let not_found = r#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
    let fault = Fault::body(404, "application/json", not_found);
    server.inject("/v8/", fault, 1);
    assert_eq!(
        ts.quote("AAPL").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn stale_on_error_from_memory() {
    stale_on_error("memory://").await;
}

#[tokio::test]
async fn stale_on_error_from_redis() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    stale_on_error(&url).await;
}

#[tokio::test]
async fn rate_limited_with_nothing_cached_is_rate_limited_with_the_wait() {
    let server = ReplayServer::start().await.unwrap();
    let ts = client(&server, "memory://");
    let fault = Fault::RateLimited {
        retry_after: Some("90".into()),
        html: false,
    };
    server.inject("/v8/", fault, 10);
    let err = ts.quote("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(90)));
    assert_eq!(err.cause_kind(), Some(ErrorKind::RateLimited));
    assert!(err.message().contains("no earlier copy"), "{err}");
    let err = ts
        .history("AAPL", Period::Mo1, Interval::D1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(90)));
}

#[tokio::test]
async fn history_many_gives_each_symbol_its_own_result() {
    let server = ReplayServer::start().await.unwrap();
    let ts = client(&server, "memory://");
    let symbols = ["AAPL", "nope", "NVDA", "bad symbol!", "aapl", "EURUSD=X"];
    let results = ts
        .history_many(&symbols, HistoryRange::Period(Period::Mo1), Interval::D1, 2)
        .await
        .unwrap();
    let summary: Vec<(&str, Result<usize, ErrorKind>)> = results
        .iter()
        .map(|(s, r)| {
            (
                s.as_str(),
                r.as_ref().map(|h| h.bars.len()).map_err(|e| e.kind()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("AAPL", Ok(23)),
            ("NOPE", Err(ErrorKind::NotFound)),
            (
                "NVDA",
                Ok(results[2].1.as_ref().map_or(0, |h| h.bars.len()))
            ),
            ("bad symbol!", Err(ErrorKind::InvalidInput)),
            (
                "EURUSD=X",
                Ok(results[4].1.as_ref().map_or(0, |h| h.bars.len()))
            ),
        ]
    );
    assert!(results[2].1.as_ref().unwrap().splits.len() == 1);
}

#[tokio::test]
async fn a_folder_of_yfinance_csv_files_serves_quotes_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "Date,Open,High,Low,Close,Adj Close,Volume\n\
               2024-11-04,10.0,11.0,9.5,10.5,10.4,1000\n\
               2024-11-05,10.5,12.0,10.0,11.5,11.4,2000\n";
    std::fs::write(dir.path().join("ACME.csv"), csv).unwrap();
    let ts = Tickersense::builder()
        .store("memory://")
        .market_data(format!(
            "csv://{}?tz=America/New_York",
            dir.path().display()
        ))
        .build()
        .unwrap();
    let q = ts.quote("acme").await.unwrap();
    assert_eq!((q.price, q.previous_close, q.volume), (11.5, 10.5, 2000));
    let h = ts
        .history_range(
            "ACME",
            HistoryRange::Between {
                start: "2024-11-01T00:00:00Z".parse().unwrap(),
                end: "2024-12-01T00:00:00Z".parse().unwrap(),
            },
            Interval::D1,
        )
        .await
        .unwrap();
    assert_eq!(h.bars.len(), 2);
    assert_eq!(
        h.bars[0].timestamp.to_rfc3339(),
        "2024-11-04T05:00:00+00:00"
    );
    assert_eq!(h.bars[1].adj_close, Some(11.4));
    assert_eq!(ts.search("ac", 5).await.unwrap()[0].symbol.as_str(), "ACME");
    assert_eq!(
        ts.quote("NONE").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_series_read_from_yfinance_csv_and_from_yahoo_lands_on_the_same_stamps() {
    // What yfinance's `Ticker.history().to_csv()` writes for a Yahoo series:
    // each day as midnight with the exchange's UTC offset of that date.
    let server = ReplayServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("prices.db").display());
    let range = HistoryRange::Between {
        start: "2024-10-01T00:00:00Z".parse().unwrap(),
        end: "2024-12-01T00:00:00Z".parse().unwrap(),
    };
    let yahoo = Tickersense::builder()
        .store(db.as_str())
        .market_data(server.market_data_url())
        .build()
        .unwrap();
    let from_yahoo = yahoo
        .history_range("AAPL", range, Interval::D1)
        .await
        .unwrap();
    assert!(from_yahoo.bars.len() >= 20, "{}", from_yahoo.bars.len());
    let ny = chrono_tz::America::New_York;
    let mut csv = String::from("Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n");
    for b in &from_yahoo.bars {
        let local = b
            .timestamp
            .with_timezone(&ny)
            .format("%Y-%m-%d %H:%M:%S%:z");
        csv.push_str(&format!(
            "{local},{},{},{},{},{},0.0,0.0\n",
            b.open, b.high, b.low, b.close, b.volume
        ));
    }
    std::fs::write(dir.path().join("AAPL.csv"), csv).unwrap();
    let files = Tickersense::builder()
        .store(db.as_str())
        .market_data(format!("csv://{}", dir.path().display()))
        .build()
        .unwrap();
    let from_csv = files
        .history_range("AAPL", range, Interval::D1)
        .await
        .unwrap();
    let stamps = |h: &tickersense::History| h.bars.iter().map(|b| b.timestamp).collect::<Vec<_>>();
    assert_eq!(stamps(&from_csv), stamps(&from_yahoo));
    // One store, one bar per session, whichever provider wrote it.
    let stored = files
        .stored_history("AAPL", HistoryRange::Period(Period::Max), Interval::D1)
        .await
        .unwrap();
    assert_eq!(stored.bars.len(), from_yahoo.bars.len());
}
