//! A backfill's statuses, progress and report as plain objects, one per
//! type of core's `model::backfill` and `service::backfill`. Times are JS
//! `Date`s; row counts, `u64` in core, are JS numbers (exact up to 2^53).

use chrono::{DateTime, Utc};
use napi_derive::napi;

/// One symbol's part in the latest backfill of its interval, as kept in the
/// store.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillStatus {
    /// The symbol, upper-case.
    pub symbol: String,
    /// The bar interval backfilled, e.g. `"1d"`.
    #[napi(ts_type = "Interval")]
    pub interval: String,
    /// `"pending"`, `"running"`, `"done"` or `"failed"`. `"running"` found
    /// after a run ended means the run was cut short; the next run redoes it.
    #[napi(ts_type = "BackfillState")]
    pub state: String,
    /// Bars the latest run wrote for this symbol (0 when nothing was missing).
    pub rows_written: f64,
    /// Start of the stored series once done.
    pub first_bar: Option<DateTime<Utc>>,
    /// Start of the newest stored bar once done.
    pub last_bar: Option<DateTime<Utc>>,
    /// Why the last attempt failed (error kind and message), when it did.
    pub reason: Option<String>,
    /// When this status was written.
    pub updated_at: DateTime<Utc>,
}

impl From<tickersense::BackfillStatus> for BackfillStatus {
    fn from(s: tickersense::BackfillStatus) -> Self {
        BackfillStatus {
            symbol: s.symbol.into(),
            interval: s.interval.as_str().to_owned(),
            state: s.state.as_str().to_owned(),
            rows_written: s.rows_written as f64,
            first_bar: s.first_bar,
            last_bar: s.last_bar,
            reason: s.reason,
            updated_at: s.updated_at,
        }
    }
}

/// What a backfill's `onProgress` callback is given each time a symbol
/// changes state.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillProgress {
    /// The symbol that changed (`status.symbol`).
    pub symbol: String,
    /// Its new state (`status.state`).
    #[napi(ts_type = "BackfillState")]
    pub state: String,
    /// Symbols finished (done, failed, or found done already) so far.
    pub finished: u32,
    /// Symbols in the run.
    pub total: u32,
    /// Bars written so far by the whole run.
    pub rows_written: f64,
    /// The symbol's full new status.
    pub status: BackfillStatus,
}

impl From<tickersense::service::BackfillProgress> for BackfillProgress {
    fn from(p: tickersense::service::BackfillProgress) -> Self {
        BackfillProgress {
            symbol: p.status.symbol.as_str().to_owned(),
            state: p.status.state.as_str().to_owned(),
            finished: count(p.finished),
            total: count(p.total),
            rows_written: p.rows_written as f64,
            status: BackfillStatus::from(p.status),
        }
    }
}

/// How a backfill ended.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillReport {
    /// The last status of every symbol, in the order asked (repeats dropped).
    pub statuses: Vec<BackfillStatus>,
    /// Bars written by this run.
    pub rows_written: f64,
    /// True when the run was stopped before every symbol finished.
    pub stopped: bool,
    /// The statuses of the symbols that failed, each with its `reason`.
    pub failed: Vec<BackfillStatus>,
    /// The entries asked for that are no symbol at all (`"not a symbol"`),
    /// in the order asked, each text once: never fetched, and the rest of
    /// the run went on.
    pub rejected: Vec<RejectedSymbol>,
    /// The symbols another run (in this process or another instance on the
    /// same database) was backfilling when this one reached them, in the
    /// order asked: nothing was fetched or written for them here, and their
    /// entry in `statuses` is the one that run last wrote.
    pub claimed_elsewhere: Vec<String>,
}

/// An entry of a backfill's symbol list that is no valid symbol.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RejectedSymbol {
    /// Where it first was in the list asked for (0-based, repeats counted).
    pub position: u32,
    /// The text as given.
    pub symbol: String,
    /// Why it was refused: kind and message, as a failed status gives it.
    pub reason: String,
}

impl From<tickersense::service::RejectedSymbol> for RejectedSymbol {
    fn from(r: tickersense::service::RejectedSymbol) -> Self {
        RejectedSymbol {
            position: count(r.position),
            symbol: r.symbol,
            reason: r.reason,
        }
    }
}

impl From<tickersense::service::BackfillReport> for BackfillReport {
    fn from(r: tickersense::service::BackfillReport) -> Self {
        let failed = r.failed().cloned().map(BackfillStatus::from).collect();
        BackfillReport {
            statuses: r.statuses.into_iter().map(BackfillStatus::from).collect(),
            rows_written: r.rows_written as f64,
            stopped: r.stopped,
            failed,
            rejected: r.rejected.into_iter().map(RejectedSymbol::from).collect(),
            claimed_elsewhere: r.claimed_elsewhere.into_iter().map(String::from).collect(),
        }
    }
}

/// A count of symbols as a JS number; no run comes near 2^32 of them.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
