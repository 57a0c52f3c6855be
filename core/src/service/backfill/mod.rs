use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::Utc;
use futures::FutureExt;

use crate::error::{Error, Result};
use crate::model::{BackfillState, BackfillStatus, HistoryRange, Interval, Period, Symbol};
use crate::provider::MarketData;
use crate::store::{BackfillStore, PriceStore};

mod symbol;
mod window;

use symbol::Ended;
use window::Window;

/// The stretch of history backfilled when the caller does not say.
pub const DEFAULT_BACKFILL_PERIOD: Period = Period::Y1;
/// Symbols fetched at once when the caller does not say.
pub const DEFAULT_BACKFILL_CONCURRENCY: usize = 4;
/// Most symbols fetched at once: [`MAX_CONCURRENCY`].
pub const MAX_BACKFILL_CONCURRENCY: usize = MAX_CONCURRENCY;
/// Most symbols a many-symbol call (`history_many`, backfill) fetches at once.
pub const MAX_CONCURRENCY: usize = 64;

/// Checks the `concurrency` of a many-symbol call, given as a signed number
/// (as Python and JS pass it): 1 to [`MAX_CONCURRENCY`], else
/// `InvalidInput` naming the argument and the range. Core's
/// `history_many` and backfill both apply it, whatever a binding checked
/// before.
pub fn checked_concurrency(requested: i64) -> Result<usize> {
    match usize::try_from(requested) {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(Error::invalid_input(format!(
            "concurrency must be 1 to {MAX_CONCURRENCY}, not {requested}"
        ))),
    }
}
/// Bars written per store call: one transaction each.
const UPSERT_BATCH: usize = 10_000;

/// What to backfill.
#[derive(Debug, Clone)]
pub struct BackfillRequest {
    /// The symbols, in the order their results are reported; repeats are dropped.
    pub symbols: Vec<Symbol>,
    /// The stretch of history wanted (a period counts back from the start of the run).
    pub range: HistoryRange,
    /// The bar interval.
    pub interval: Interval,
    /// Symbols fetched at once, 1 to [`MAX_BACKFILL_CONCURRENCY`].
    pub concurrency: usize,
}

/// Told to the progress callback each time a symbol changes state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BackfillProgress {
    /// The symbol's new status.
    pub status: BackfillStatus,
    /// Symbols finished (done, failed, found done already, or left to
    /// another run that holds them) so far.
    pub finished: usize,
    /// Symbols in the run.
    pub total: usize,
    /// Bars written so far by the whole run.
    pub rows_written: u64,
}

/// The progress callback. Returning `ControlFlow::Break` stops the run: no
/// new symbol starts, the symbols under way are abandoned and put back to
/// pending (bars they wrote stay: rewriting them is harmless), and
/// [`BackfillReport::stopped`] is set. It runs on the task awaiting the
/// backfill, one call at a time, while the symbols go on on tasks of their
/// own: a slow callback delays only the progress it is told and the start
/// of new symbols, and it may call into the same store.
pub type ProgressFn<'a> = dyn Fn(&BackfillProgress) -> ControlFlow<()> + Send + Sync + 'a;

/// How a backfill ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BackfillReport {
    /// The last status of every symbol the run reached, in the order asked
    /// (a run stopped while checking what is stored reaches only some).
    pub statuses: Vec<BackfillStatus>,
    /// Bars written by this run.
    pub rows_written: u64,
    /// True when the progress callback stopped the run early.
    pub stopped: bool,
    /// The entries asked for that are no symbol at all, in the order
    /// asked (each text once): never fetched, the rest of the run went on.
    #[serde(default)]
    pub rejected: Vec<RejectedSymbol>,
    /// The symbols another run was backfilling when this one reached them
    /// (in this process, or in another instance on the same database), in
    /// the order asked: this run fetched and wrote nothing for them, and
    /// their entry in `statuses` is the one that run last wrote (usually
    /// running). See [`BackfillStore::claim_backfill`].
    #[serde(default)]
    pub claimed_elsewhere: Vec<Symbol>,
}

/// An entry of a backfill's symbol list that is no valid symbol: reported
/// in [`BackfillReport::rejected`], where a valid symbol that fails gets a
/// failed [`BackfillStatus`] (which only a valid symbol can have).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RejectedSymbol {
    /// Where it first was in the list asked for (0-based, repeats counted).
    pub position: usize,
    /// The text as given.
    pub symbol: String,
    /// Why it was refused: kind and message, as a failed status gives it.
    pub reason: String,
}

impl BackfillReport {
    /// The symbols whose backfill failed, with their reasons.
    pub fn failed(&self) -> impl Iterator<Item = &BackfillStatus> {
        self.statuses
            .iter()
            .filter(|s| s.state == BackfillState::Failed)
    }
}

/// The seed's migration service: fetches history for many symbols from the
/// provider and upserts it into the store, a bounded number at a time.
///
/// Each symbol's progress is kept in the store ([`BackfillStore`]) and what
/// has been fetched in the price coverage ([`PriceStore::coverage`]), so:
/// - a symbol whose stored series already covers the range is not fetched
///   again (a rerun of a finished backfill writes nothing);
/// - a symbol covered in part has only the missing tail fetched;
/// - a run interrupted at any point (process killed, callback said stop)
///   resumes where it stopped when run again: finished symbols are skipped,
///   the others redone, and upserts by (symbol, interval, time) make the
///   redone writes replace rather than duplicate;
/// - a symbol is fetched by one run at a time: each claims it first
///   ([`BackfillStore::claim_backfill`]; on PostgreSQL the claim holds
///   across instances), and a run finding it claimed leaves it to the
///   holder and lists it in [`BackfillReport::claimed_elsewhere`].
#[derive(Clone)]
pub struct Backfill {
    provider: Arc<dyn MarketData>,
    prices: Arc<dyn PriceStore>,
    statuses: Arc<dyn BackfillStore>,
}

/// What the task driving a run shares with the symbols' tasks.
struct Shared {
    rows_written: AtomicU64,
    /// Set once the callback asks to stop; tasks under way watch it.
    stop: tokio::sync::watch::Sender<bool>,
}

impl Shared {
    fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves once the run is asked to stop.
    async fn stop_asked(&self) {
        let mut asked = self.stop.subscribe();
        // Err only when the sender is gone, and `self` holds it.
        let _ = asked.wait_for(|stop| *stop).await;
    }
}

/// What a symbol's task tells the task driving the run, in order.
enum Event {
    /// The symbol (at this index of the run) has started: tell the callback.
    Running(BackfillStatus),
    /// The symbol's task is over, with its last status.
    Ended(usize, Ended),
}

/// The driving task's view of a run: the callback and its counters.
struct RunState<'a> {
    total: usize,
    finished: AtomicUsize,
    on_progress: &'a ProgressFn<'a>,
    shared: Arc<Shared>,
}

impl RunState<'_> {
    fn tell(&self, status: &BackfillStatus) {
        let progress = BackfillProgress {
            status: status.clone(),
            finished: self.finished.load(Ordering::Relaxed),
            total: self.total,
            rows_written: self.shared.rows_written.load(Ordering::Relaxed),
        };
        if (self.on_progress)(&progress).is_break() {
            self.shared.stop.send_replace(true);
        }
    }

    fn stopped(&self) -> bool {
        self.shared.stopped()
    }
}

impl Backfill {
    /// A backfill from `provider` into `prices`, keeping statuses in `statuses`.
    pub fn new(
        provider: Arc<dyn MarketData>,
        prices: Arc<dyn PriceStore>,
        statuses: Arc<dyn BackfillStore>,
    ) -> Self {
        Backfill {
            provider,
            prices,
            statuses,
        }
    }

    /// Runs `request`, calling `on_progress` on every change. Fails only
    /// when the request is invalid or the store cannot be read at the start;
    /// a symbol that fails is reported as failed and the others go on.
    ///
    /// Each symbol runs on a task of its own (at most `concurrency` at a
    /// time) and the callback on the task awaiting this call: while the
    /// callback runs (and blocks, say, on a call into the same store) the
    /// symbols go on and hand their store connections back, so a callback
    /// never waits on the run's own writes or connections. Dropping the
    /// call aborts the symbols' tasks (their writes under way still finish).
    pub async fn run(
        &self,
        request: &BackfillRequest,
        on_progress: &ProgressFn<'_>,
    ) -> Result<BackfillReport> {
        checked_concurrency(i64::try_from(request.concurrency).unwrap_or(i64::MAX))?;
        let now = Utc::now();
        request.range.check_lookback(request.interval, now)?;
        let window = Window::new(request.range, request.interval, now);
        if window.is_empty() {
            return Err(Error::invalid_input(
                "backfill range is empty: start is not before end",
            ));
        }
        let mut seen = HashSet::new();
        let symbols: Vec<Symbol> = request
            .symbols
            .iter()
            .filter(|s| seen.insert(*s))
            .cloned()
            .collect();
        let run = RunState {
            total: symbols.len(),
            finished: AtomicUsize::new(0),
            on_progress,
            shared: Arc::new(Shared {
                rows_written: AtomicU64::new(0),
                stop: tokio::sync::watch::Sender::new(false),
            }),
        };

        // Symbols covered already are done without a fetch; the rest wait.
        let mut last: Vec<Option<BackfillStatus>> = vec![None; symbols.len()];
        let mut todo = Vec::new();
        for (i, symbol) in symbols.iter().enumerate() {
            let coverage = self.prices.coverage(symbol, request.interval).await?;
            let previous = self
                .statuses
                .backfill_status(symbol, request.interval)
                .await?;
            if coverage.is_some_and(|c| window.is_covered_by(c)) {
                let status = BackfillStatus {
                    state: BackfillState::Done,
                    rows_written: 0,
                    reason: None,
                    updated_at: Utc::now(),
                    ..previous.unwrap_or_else(|| {
                        BackfillStatus::new(symbol.clone(), request.interval, BackfillState::Done)
                    })
                };
                self.statuses.put_backfill_status(&status).await?;
                run.finished.fetch_add(1, Ordering::Relaxed);
                run.tell(&status);
                last[i] = Some(status);
            } else {
                let pending =
                    BackfillStatus::new(symbol.clone(), request.interval, BackfillState::Pending);
                // A symbol shown running may be another run's, whose status
                // stays; this run's task writes its own once it claims it.
                if previous.is_none_or(|p| p.state != BackfillState::Running) {
                    self.statuses.put_backfill_status(&pending).await?;
                }
                last[i] = Some(pending);
                todo.push((i, symbol.clone()));
            }
            if run.stopped() {
                break;
            }
        }

        // Once stopped, no new symbol is taken, and those under way are let
        // finish (abandoning their fetch) so that each writes its own last
        // status: a status write cut off by aborting its task could still
        // land after a later one.
        let window = Arc::new(window);
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let mut tasks = tokio::task::JoinSet::new();
        let mut todo = todo.into_iter();
        let mut under_way = 0;
        let mut elsewhere_at = Vec::new();
        loop {
            while under_way < request.concurrency && !run.stopped() {
                let Some((i, symbol)) = todo.next() else {
                    break;
                };
                under_way += 1;
                let (backfill, window, shared) = (self.clone(), window.clone(), run.shared.clone());
                let events = events_tx.clone();
                tasks.spawn(async move {
                    let one = backfill.one(&symbol, &window, &shared, &events);
                    let ended = match std::panic::AssertUnwindSafe(one).catch_unwind().await {
                        Ok(ended) => ended,
                        Err(panic) => {
                            let err = Error::from_panic(&*panic);
                            let status = BackfillStatus {
                                reason: Some(err.to_string()),
                                ..BackfillStatus::new(
                                    symbol,
                                    window.interval,
                                    BackfillState::Failed,
                                )
                            };
                            Ended {
                                status,
                                elsewhere: false,
                            }
                        }
                    };
                    let _ = events.send(Event::Ended(i, ended));
                });
            }
            if under_way == 0 {
                break;
            }
            // Never `None`: this task holds a sender.
            let Some(event) = events.recv().await else {
                break;
            };
            match event {
                Event::Running(status) => run.tell(&status),
                Event::Ended(i, Ended { status, elsewhere }) => {
                    under_way -= 1;
                    if elsewhere {
                        elsewhere_at.push(i);
                    }
                    if elsewhere || status.state.is_finished() {
                        run.finished.fetch_add(1, Ordering::Relaxed);
                        run.tell(&status);
                    }
                    last[i] = Some(status);
                }
            }
        }
        drop(tasks);
        elsewhere_at.sort_unstable();
        Ok(BackfillReport {
            statuses: last.into_iter().flatten().collect(),
            rows_written: run.shared.rows_written.load(Ordering::Relaxed),
            stopped: run.stopped(),
            rejected: Vec::new(),
            claimed_elsewhere: elsewhere_at
                .into_iter()
                .map(|i| symbols[i].clone())
                .collect(),
        })
    }

    /// Every kept status of `interval` (of all intervals when `None`), by
    /// symbol: one store query, O(symbols) rows.
    pub async fn statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>> {
        self.statuses.backfill_statuses(interval).await
    }
}
