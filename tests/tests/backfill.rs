//! Backfill (the seed's migration service) on every store backend: it
//! writes exactly the provider's bars, keeps a status per symbol, skips what
//! is stored already, and a run interrupted in any way resumes to exactly
//! the expected rows with none written twice.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use tickersense::provider::{MarketData, Sample};
use tickersense::service::{Backfill, BackfillProgress, BackfillRequest};
use tickersense::store::{Store, StoreUrl};
use tickersense::{
    BackfillState, Bar, ErrorKind, History, HistoryRange, Interval, Quote, Result, SearchHit,
    Symbol,
};
use tickersense_tests::{service_url, PgSchema};

/// The sample provider, counting and recording the history calls, slowed
/// down so a run can be interrupted while fetches are in flight.
#[derive(Default)]
struct Recording {
    sample: Sample,
    delay: Duration,
    calls: Mutex<HashMap<String, Vec<HistoryRange>>>,
}

impl Recording {
    fn slowed(delay: Duration) -> Self {
        Recording {
            delay,
            ..Default::default()
        }
    }

    fn calls(&self, symbol: &str) -> Vec<HistoryRange> {
        self.calls
            .lock()
            .unwrap()
            .get(symbol)
            .cloned()
            .unwrap_or_default()
    }

    fn total_calls(&self) -> usize {
        self.calls.lock().unwrap().values().map(Vec::len).sum()
    }
}

#[async_trait]
impl MarketData for Recording {
    fn name(&self) -> &str {
        "recording sample"
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
        self.calls
            .lock()
            .unwrap()
            .entry(symbol.to_string())
            .or_default()
            .push(range);
        tokio::time::sleep(self.delay).await;
        self.sample.history(symbol, range, interval).await
    }
    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.sample.search(query, limit).await
    }
}

fn date(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().unwrap()
}

fn year_2024() -> HistoryRange {
    HistoryRange::Between {
        start: date(2024, 1, 1),
        end: date(2025, 1, 1),
    }
}

const SYMBOLS: [&str; 6] = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL"];

fn request(symbols: &[&str], range: HistoryRange, concurrency: usize) -> BackfillRequest {
    BackfillRequest {
        symbols: symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect(),
        range,
        interval: Interval::D1,
        concurrency,
    }
}

/// The bars the provider gives for `symbol` over `range`.
async fn expected(symbol: &str, range: HistoryRange) -> Vec<Bar> {
    let symbol = Symbol::parse(symbol).unwrap();
    Sample::new()
        .history(&symbol, range, Interval::D1)
        .await
        .unwrap()
        .bars
}

async fn stored(store: &Arc<dyn Store>, symbol: &str) -> Vec<Bar> {
    let symbol = Symbol::parse(symbol).unwrap();
    store
        .bars(&symbol, Interval::D1, None, date(2100, 1, 1))
        .await
        .unwrap()
}

fn keep_going(_: &BackfillProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// A full run, a rerun, a failing symbol, a partly stored symbol.
async fn suite(store: Arc<dyn Store>) {
    let provider = Arc::new(Recording::default());
    let backfill = Backfill::new(provider.clone(), store.clone(), store.clone());
    let mut symbols = SYMBOLS.to_vec();
    symbols.insert(2, "NOPE");

    // Every state change is told; `finished` only grows, up to the total.
    let events: Mutex<Vec<BackfillProgress>> = Mutex::default();
    let report = backfill
        .run(
            &request(&symbols, year_2024(), 3),
            &|p: &BackfillProgress| {
                events.lock().unwrap().push(p.clone());
                ControlFlow::Continue(())
            },
        )
        .await
        .unwrap();
    assert!(!report.stopped);
    assert_eq!(report.statuses.len(), 7);
    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].symbol.as_str(), "NOPE");
    assert!(failed[0].reason.as_deref().unwrap().starts_with("NotFound"));

    let mut total = 0;
    for symbol in SYMBOLS {
        let want = expected(symbol, year_2024()).await;
        assert!(want.len() > 200, "{symbol}: {} bars", want.len());
        assert_eq!(stored(&store, symbol).await, want, "{symbol}");
        let status = store
            .backfill_status(&Symbol::parse(symbol).unwrap(), Interval::D1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status.state, BackfillState::Done);
        assert_eq!(status.rows_written, want.len() as u64);
        assert_eq!(status.first_bar, Some(want[0].timestamp));
        assert_eq!(status.last_bar, Some(want[want.len() - 1].timestamp));
        total += want.len() as u64;
    }
    assert_eq!(report.rows_written, total);
    let events = events.into_inner().unwrap();
    assert!(events.windows(2).all(|w| w[0].finished <= w[1].finished));
    let last = events.last().unwrap();
    assert_eq!(
        (last.finished, last.total, last.rows_written),
        (7, 7, total)
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.status.state == BackfillState::Running)
            .count(),
        7
    );
    let kept = store.backfill_statuses(Some(Interval::D1)).await.unwrap();
    assert_eq!(kept.len(), 7);
    assert!(kept
        .windows(2)
        .all(|w| w[0].symbol.as_str() < w[1].symbol.as_str()));

    // A rerun fetches only the failed symbol and writes nothing.
    let calls_before = provider.total_calls();
    let rerun = backfill
        .run(&request(&symbols, year_2024(), 3), &keep_going)
        .await
        .unwrap();
    assert_eq!(rerun.rows_written, 0);
    assert_eq!(provider.total_calls(), calls_before + 1);
    assert_eq!(provider.calls("NOPE").len(), 2);
    for symbol in SYMBOLS {
        assert_eq!(provider.calls(symbol).len(), 1, "{symbol}");
        assert_eq!(
            stored(&store, symbol).await,
            expected(symbol, year_2024()).await
        );
    }
    // The statuses keep the extent and say nothing new was written.
    let aapl = &rerun.statuses[0];
    let want = expected("AAPL", year_2024()).await;
    assert_eq!((aapl.state, aapl.rows_written), (BackfillState::Done, 0));
    assert_eq!(
        (aapl.first_bar, aapl.last_bar),
        (
            Some(want[0].timestamp),
            Some(want[want.len() - 1].timestamp)
        )
    );

    // Partly stored: only the tail from the newest stored bar is fetched.
    let first_half = HistoryRange::Between {
        start: date(2024, 1, 1),
        end: date(2024, 7, 1),
    };
    backfill
        .run(&request(&["META"], first_half, 1), &keep_going)
        .await
        .unwrap();
    let half = stored(&store, "META").await;
    let tail = backfill
        .run(&request(&["META"], year_2024(), 1), &keep_going)
        .await
        .unwrap();
    let calls = provider.calls("META");
    assert_eq!(calls.len(), 2);
    let HistoryRange::Between { start, .. } = calls[1] else {
        panic!("the tail is asked by dates: {:?}", calls[1]);
    };
    assert_eq!(start, half.last().unwrap().timestamp);
    let want = expected("META", year_2024()).await;
    assert_eq!(stored(&store, "META").await, want);
    // The newest stored bar is fetched again (it may have been partial).
    assert_eq!(tail.rows_written as usize, want.len() - half.len() + 1);

    // Every stored series is listed with its extent.
    let series = store.stored_series().await.unwrap();
    let aapl = series.iter().find(|s| s.symbol.as_str() == "AAPL").unwrap();
    let want = expected("AAPL", year_2024()).await;
    assert_eq!(aapl.bars, want.len() as u64);
    assert_eq!(aapl.first_bar, Some(want[0].timestamp));
    assert_eq!(aapl.coverage.unwrap().from, Some(date(2024, 1, 1)));

    // Requests that cannot run fail before anything is fetched.
    let calls_before = provider.total_calls();
    let err = backfill
        .run(&request(&["AAPL"], year_2024(), 0), &keep_going)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let minutes = BackfillRequest {
        interval: Interval::M1,
        ..request(&["AAPL"], year_2024(), 2)
    };
    let err = backfill.run(&minutes, &keep_going).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(provider.total_calls(), calls_before);
}

/// Interrupts a run twice, once by the callback and once by dropping it
/// mid-fetch (as a killed process would), then resumes it.
async fn interrupted(store: Arc<dyn Store>) {
    let provider = Arc::new(Recording::slowed(Duration::from_millis(150)));
    let backfill = Backfill::new(provider.clone(), store.clone(), store.clone());

    // The callback stops the run after two symbols are done.
    let report = backfill
        .run(
            &request(&SYMBOLS, year_2024(), 2),
            &|p: &BackfillProgress| {
                if p.finished >= 2 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
        .await
        .unwrap();
    assert!(report.stopped);
    let states = |statuses: &[tickersense::BackfillStatus]| {
        statuses
            .iter()
            .map(|s| (s.symbol.to_string(), s.state))
            .collect::<HashMap<_, _>>()
    };
    let kept = store.backfill_statuses(None).await.unwrap();
    let after_stop = states(&kept);
    let done = after_stop
        .values()
        .filter(|s| **s == BackfillState::Done)
        .count();
    assert_eq!(done, 2, "{after_stop:?}");
    // Nothing is left looking alive.
    assert!(after_stop.values().all(|s| *s != BackfillState::Running));

    // Dropped while fetches are in flight, as a killed process would be:
    // their status stays "running". The drop comes once a symbol that was
    // pending has started (each fetch then takes 150 ms).
    let started = tokio::sync::Notify::new();
    let on_progress = |p: &BackfillProgress| {
        if p.status.state == BackfillState::Running {
            started.notify_one();
        }
        ControlFlow::Continue(())
    };
    let all = request(&SYMBOLS, year_2024(), 2);
    let run = backfill.run(&all, &on_progress);
    tokio::select! {
        _ = run => panic!("the run ended before it could be interrupted"),
        _ = started.notified() => {}
    }
    let after_drop = states(&store.backfill_statuses(None).await.unwrap());
    assert!(
        after_drop.values().any(|s| *s == BackfillState::Running),
        "{after_drop:?}"
    );
    assert!(
        after_drop
            .values()
            .filter(|s| **s == BackfillState::Done)
            .count()
            >= 2
    );

    // Resumed: every symbol done, each bar stored once, and symbols finished
    // before were not fetched again.
    let finished_before: Vec<String> = after_drop
        .iter()
        .filter(|(_, s)| **s == BackfillState::Done)
        .map(|(sym, _)| sym.clone())
        .collect();
    let calls_before: HashMap<String, usize> = SYMBOLS
        .iter()
        .map(|s| (s.to_string(), provider.calls(s).len()))
        .collect();
    let resumed = backfill
        .run(&request(&SYMBOLS, year_2024(), 2), &keep_going)
        .await
        .unwrap();
    assert!(!resumed.stopped);
    assert!(resumed
        .statuses
        .iter()
        .all(|s| s.state == BackfillState::Done));
    for symbol in SYMBOLS {
        let bars = stored(&store, symbol).await;
        assert_eq!(bars, expected(symbol, year_2024()).await, "{symbol}");
        assert!(bars.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
        let fetched_again = provider.calls(symbol).len() - calls_before[symbol];
        let expected_fetches = usize::from(!finished_before.iter().any(|s| s == symbol));
        assert_eq!(fetched_again, expected_fetches, "{symbol}");
    }
}

async fn sqlite() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = StoreUrl::parse(&url).unwrap().connect().await.unwrap();
    (dir, store)
}

async fn memory() -> Arc<dyn Store> {
    StoreUrl::parse("memory://")
        .unwrap()
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn memory_backfill() {
    suite(memory().await).await;
}

#[tokio::test]
async fn memory_backfill_resumes() {
    interrupted(memory().await).await;
}

#[tokio::test]
async fn sqlite_backfill() {
    let (_dir, store) = sqlite().await;
    suite(store).await;
}

#[tokio::test]
async fn sqlite_backfill_resumes() {
    let (_dir, store) = sqlite().await;
    interrupted(store).await;
}

#[tokio::test]
async fn postgres_backfill() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    suite(
        StoreUrl::parse(&schema.url())
            .unwrap()
            .connect()
            .await
            .unwrap(),
    )
    .await;
    schema.drop_now().await;
}

#[tokio::test]
async fn postgres_backfill_resumes_with_no_duplicate_rows() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let store = StoreUrl::parse(&schema.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    interrupted(store).await;
    // Counted by the server itself: one row per (symbol, time).
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&schema.url())
        .await
        .unwrap();
    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT (symbol, interval, ts)) FROM price_bars")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    let mut want = 0;
    for symbol in SYMBOLS {
        want += expected(symbol, year_2024()).await.len() as i64;
    }
    assert_eq!((rows, distinct), (want, want));
    schema.drop_now().await;
}

/// Backfills of long daily series (every batch large enough for `COPY`)
/// cancelled at 20 random points, as a timeout or Ctrl-C would drop them:
/// after each, a rerun succeeds for every symbol with exactly the expected
/// rows, counted by the server. A write cut off mid-`COPY` used to leave
/// its connection broken, failing the next run's symbols.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backfill_cancelled_anywhere_reruns_to_exact_rows() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let store = StoreUrl::parse(&schema.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&schema.url())
        .await
        .unwrap();
    let long = HistoryRange::Between {
        start: date(2005, 1, 1),
        end: date(2025, 1, 1),
    };
    let mut want = 0;
    for symbol in SYMBOLS {
        let n = expected(symbol, long).await.len();
        assert!(n >= 500, "{symbol}: {n} bars would not take the COPY path");
        want += n as i64;
    }
    let backfill = Backfill::new(Arc::new(Sample::new()), store.clone(), store.clone());
    let all = request(&SYMBOLS, long, 3);
    let started = std::time::Instant::now();
    backfill.run(&all, &keep_going).await.unwrap();
    let full = started.elapsed();
    // A pseudo-random sequence (xorshift), seeded from the clock and shown,
    // so a failing run can be told apart from others.
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let initial_seed = seed;
    for round in 0..20 {
        sqlx::query("TRUNCATE price_bars, price_coverage, backfill_status")
            .execute(&mut admin)
            .await
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let cut = full.mul_f64((seed % 1000) as f64 / 1000.0);
        let cancelled = tokio::time::timeout(cut, backfill.run(&all, &keep_going)).await;
        let rerun = backfill.run(&all, &keep_going).await.unwrap();
        let failed: Vec<_> = rerun.failed().collect();
        assert!(
            failed.is_empty(),
            "round {round} (seed {initial_seed}, cut at {cut:?}, first run finished: {}): {failed:?}",
            cancelled.is_ok()
        );
        let (rows, distinct): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(DISTINCT (symbol, interval, ts)) FROM price_bars",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(
            (rows, distinct),
            (want, want),
            "round {round}, cut at {cut:?}"
        );
    }
    drop(backfill);
    store.close().await;
    schema.drop_now().await;
}

/// A progress callback that reads and writes the same SQLite file (through
/// the backfill's own store, or another pool as a second client would)
/// never waits on a write transaction of the backfill: no call stalls, no
/// symbol fails, at any concurrency.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_progress_callback_writing_the_same_sqlite_store_does_not_stall() {
    for (own_store, concurrency) in [(false, 3), (true, 3), (true, 64)] {
        let (dir, store) = sqlite().await;
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let other = match own_store {
            true => store.clone(),
            false => StoreUrl::parse(&url).unwrap().connect().await.unwrap(),
        };
        let long = HistoryRange::Between {
            start: date(2005, 1, 1),
            end: date(2025, 1, 1),
        };
        let backfill = Backfill::new(Arc::new(Sample::new()), store.clone(), store.clone());
        let runtime = tokio::runtime::Handle::current();
        let slowest = Mutex::new(Duration::ZERO);
        let noted = Symbol::parse("NOTED").unwrap();
        let on_progress = |p: &BackfillProgress| {
            let started = std::time::Instant::now();
            // The callback blocks its thread until the writes are done, as a
            // binding's synchronous callback does; they run on a thread of
            // their own (blocking on the runtime here would take the wake-ups
            // meant for the backfill's own task).
            std::thread::scope(|scope| {
                scope
                    .spawn(|| {
                        runtime.block_on(async {
                            let note = tickersense::BackfillStatus::new(
                                noted.clone(),
                                Interval::Wk1,
                                p.status.state,
                            );
                            other.put_backfill_status(&note).await.unwrap();
                            other.stored_series().await.unwrap();
                        })
                    })
                    .join()
                    .unwrap()
            });
            let took = started.elapsed();
            let mut slowest = slowest.lock().unwrap();
            *slowest = (*slowest).max(took);
            ControlFlow::Continue(())
        };
        let started = std::time::Instant::now();
        let report = backfill
            .run(&request(&SYMBOLS, long, concurrency), &on_progress)
            .await
            .unwrap();
        let case = format!("own store {own_store}, concurrency {concurrency}");
        assert_eq!(report.failed().count(), 0, "{case}: {report:?}");
        let slowest = *slowest.lock().unwrap();
        assert!(
            slowest < Duration::from_secs(1),
            "{case}: a callback took {slowest:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{case}");
    }
}
