//! One symbol is backfilled by one run at a time: runs of one client claim
//! in process, and instances sharing one PostgreSQL database claim in it,
//! so a symbol one is fetching is never fetched again by another; a claim
//! goes with the connection of the instance that held it.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use tickersense::provider::{MarketData, Sample};
use tickersense::resilience::ResiliencePolicy;
use tickersense::service::{BackfillProgress, BackfillReport};
use tickersense::{
    BackfillState, History, HistoryRange, Interval, Quote, Result, SearchHit, Symbol, Tickersense,
};
use tickersense_tests::{service_url, unique, PgSchema};

/// The sample provider, counting history calls per symbol, each call held
/// until the gate lets one through (or slowed by `delay` when ungated).
struct Counting {
    sample: Sample,
    delay: Duration,
    gate: Option<tokio::sync::Semaphore>,
    calls: Mutex<HashMap<String, usize>>,
    started: tokio::sync::Notify,
}

impl Counting {
    fn new(delay: Duration, gate: Option<tokio::sync::Semaphore>) -> Arc<Self> {
        Arc::new(Counting {
            sample: Sample::new(),
            delay,
            gate,
            calls: Mutex::default(),
            started: tokio::sync::Notify::new(),
        })
    }

    fn slowed(delay: Duration) -> Arc<Self> {
        Counting::new(delay, None)
    }

    /// Every fetch held until the test ends.
    fn gated() -> Arc<Self> {
        Counting::new(Duration::ZERO, Some(tokio::sync::Semaphore::new(0)))
    }

    fn calls(&self) -> HashMap<String, usize> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait]
impl MarketData for Counting {
    fn name(&self) -> &str {
        "counting sample"
    }
    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        self.sample.quote(symbol).await
    }
    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        *self
            .calls
            .lock()
            .unwrap()
            .entry(symbol.to_string())
            .or_default() += 1;
        self.started.notify_waiters();
        match &self.gate {
            Some(gate) => gate.acquire().await.unwrap().forget(),
            None => tokio::time::sleep(self.delay).await,
        }
        self.sample.history(symbol, range, interval).await
    }
    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.sample.search(query, limit).await
    }
}

const SYMBOLS: [&str; 6] = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL"];

fn year_2024() -> HistoryRange {
    let date = |y, m, d| -> DateTime<Utc> { Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap() };
    HistoryRange::Between {
        start: date(2024, 1, 1),
        end: date(2025, 1, 1),
    }
}

fn keep_going(_: &BackfillProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// A client on `store` whose market data is `provider`, never timing out
/// a held call.
fn client(store: &str, provider: Arc<Counting>) -> Tickersense {
    Tickersense::builder()
        .store(store)
        .with_market_data(provider)
        .resilience(ResiliencePolicy {
            timeout: Duration::from_secs(120),
            ..ResiliencePolicy::default()
        })
        .build()
        .unwrap()
}

async fn backfill(client: &Tickersense, symbols: &[&str]) -> BackfillReport {
    client
        .backfill(symbols, year_2024(), Interval::D1, 3, &keep_going)
        .await
        .unwrap()
}

/// Each symbol written by exactly one of `reports`, and left to another
/// run (or found done) by the rest.
fn assert_each_done_once(reports: &[&BackfillReport]) {
    for symbol in SYMBOLS {
        let written: Vec<u64> = reports
            .iter()
            .filter(|r| !r.claimed_elsewhere.iter().any(|s| s.as_str() == symbol))
            .filter_map(|r| r.statuses.iter().find(|s| s.symbol.as_str() == symbol))
            .filter(|s| s.state == BackfillState::Done && s.rows_written > 0)
            .map(|s| s.rows_written)
            .collect();
        assert_eq!(written.len(), 1, "{symbol} written by {written:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_fetch_each_symbol_once() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let provider = Counting::slowed(Duration::from_millis(300));
    let a = client(&schema.url(), provider.clone());
    let b = client(&schema.url(), provider.clone());
    a.ready().await.unwrap();
    b.ready().await.unwrap();

    let (from_a, from_b) = tokio::join!(backfill(&a, &SYMBOLS), backfill(&b, &SYMBOLS));
    let calls = provider.calls();
    for symbol in SYMBOLS {
        assert_eq!(calls.get(symbol), Some(&1), "{symbol} fetched: {calls:?}");
    }
    assert_each_done_once(&[&from_a, &from_b]);
    // Started together on the same list, the two met on some symbol.
    let left = from_a.claimed_elsewhere.len() + from_b.claimed_elsewhere.len();
    assert!(left > 0, "neither run found a symbol claimed");
    for report in [&from_a, &from_b] {
        assert_eq!(report.statuses.len(), SYMBOLS.len());
        assert!(report.failed().next().is_none(), "{report:?}");
    }
    let rows = from_a.rows_written + from_b.rows_written;
    let series = a.stored_series().await.unwrap();
    assert_eq!(rows, series.iter().map(|s| s.bars).sum::<u64>());

    // Once both are over, a third run finds every symbol done, claims free.
    let again = backfill(&b, &SYMBOLS).await;
    assert!(again.claimed_elsewhere.is_empty(), "{again:?}");
    assert_eq!(again.rows_written, 0);
    assert_eq!(provider.calls(), calls);
    a.close().await;
    b.close().await;
    schema.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn runs_of_one_client_claim_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("claims.db").display());
    for store in ["memory://", sqlite.as_str()] {
        let provider = Counting::slowed(Duration::from_millis(200));
        let ts = client(store, provider.clone());
        let (one, two) = tokio::join!(backfill(&ts, &SYMBOLS), backfill(&ts, &SYMBOLS));
        let calls = provider.calls();
        for symbol in SYMBOLS {
            assert_eq!(
                calls.get(symbol),
                Some(&1),
                "{store}: {symbol} fetched: {calls:?}"
            );
        }
        assert_each_done_once(&[&one, &two]);
        assert!(!one.claimed_elsewhere.is_empty() || !two.claimed_elsewhere.is_empty());
        ts.close().await;
    }
}

/// Runs a backfill of `symbol` on `holder` in a task, returning once its
/// provider is holding the fetch (the claim taken).
async fn hold(
    holder: Arc<Tickersense>,
    provider: &Arc<Counting>,
    symbol: &'static str,
) -> tokio::task::JoinHandle<()> {
    let started = provider.started.notified();
    let task = tokio::spawn(async move {
        let _ = holder
            .backfill(&[symbol], year_2024(), Interval::D1, 1, &keep_going)
            .await;
    });
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("the holder's fetch started");
    task
}

/// Backfills `symbol` on `client` until its claim is free (the server lets
/// a dead session's locks go a moment after it ends), for up to 10 s.
async fn backfill_once_free(client: &Tickersense, symbol: &str) -> BackfillReport {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let report = backfill(client, &[symbol]).await;
        if report.claimed_elsewhere.is_empty() || tokio::time::Instant::now() > deadline {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_goes_with_the_connection_that_held_it() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let app_name = unique("claims_holder");
    let holder_url = format!("{}&application_name={app_name}", schema.url());
    let held = Counting::gated();
    let holder = Arc::new(client(&holder_url, held.clone()));
    let other = Counting::slowed(Duration::ZERO);
    let b = client(&schema.url(), other.clone());

    // While the holder fetches AAPL, the other instance leaves it alone.
    let task = hold(holder.clone(), &held, "AAPL").await;
    let report = backfill(&b, &["AAPL"]).await;
    assert_eq!(report.claimed_elsewhere, [Symbol::parse("AAPL").unwrap()]);
    assert_eq!(
        report.statuses[0].state,
        BackfillState::Running,
        "{report:?}"
    );
    assert_eq!(report.rows_written, 0);
    assert!(other.calls().is_empty());

    // The holder's sessions end as a dead instance's would: the claim goes.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(&app_name)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!ended.is_empty() && ended.iter().all(|e| *e), "{ended:?}");
    let report = backfill_once_free(&b, "AAPL").await;
    assert!(report.claimed_elsewhere.is_empty(), "{report:?}");
    assert_eq!(report.statuses[0].state, BackfillState::Done);
    assert!(report.rows_written > 0);
    assert_eq!(other.calls().get("AAPL"), Some(&1));
    task.abort();

    // A holder that closes lets its claims go as well.
    let held = Counting::gated();
    let holder = Arc::new(client(&schema.url(), held.clone()));
    let task = hold(holder.clone(), &held, "MSFT").await;
    assert_eq!(
        backfill(&b, &["MSFT"]).await.claimed_elsewhere,
        [Symbol::parse("MSFT").unwrap()]
    );
    holder.close().await;
    let report = backfill_once_free(&b, "MSFT").await;
    assert!(report.claimed_elsewhere.is_empty(), "{report:?}");
    assert_eq!(other.calls().get("MSFT"), Some(&1));
    task.abort();
    b.close().await;
    schema.drop_now().await;
}
