use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Interval, Symbol};
use crate::error::{Error, Result};

/// Where one symbol stands in a backfill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackfillState {
    /// Waiting its turn.
    Pending,
    /// Being fetched and written. Found in the store after the run ended,
    /// it means the run was interrupted; the next run redoes the symbol.
    Running,
    /// Every bar of the range asked for is in the store.
    Done,
    /// The last attempt failed; `reason` says why.
    Failed,
}

impl BackfillState {
    /// The lowercase name, as stored and as the bindings show it.
    pub const fn as_str(self) -> &'static str {
        match self {
            BackfillState::Pending => "pending",
            BackfillState::Running => "running",
            BackfillState::Done => "done",
            BackfillState::Failed => "failed",
        }
    }

    /// True once the symbol will not change again in this run.
    pub const fn is_finished(self) -> bool {
        matches!(self, BackfillState::Done | BackfillState::Failed)
    }
}

impl FromStr for BackfillState {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(BackfillState::Pending),
            "running" => Ok(BackfillState::Running),
            "done" => Ok(BackfillState::Done),
            "failed" => Ok(BackfillState::Failed),
            other => Err(Error::internal(format!(
                "unknown backfill state {}",
                crate::error::echo(other)
            ))),
        }
    }
}

impl fmt::Display for BackfillState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One symbol's part in the latest backfill of its interval, kept in the
/// store so that a later run can resume and anyone can see how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackfillStatus {
    /// The symbol.
    pub symbol: Symbol,
    /// The bar interval backfilled.
    pub interval: Interval,
    /// Where it stands.
    pub state: BackfillState,
    /// Bars the latest run wrote for this symbol (0 when nothing was missing).
    pub rows_written: u64,
    /// Start of the stored series once done (`None` before, or when empty).
    pub first_bar: Option<DateTime<Utc>>,
    /// Start of the newest stored bar once done.
    pub last_bar: Option<DateTime<Utc>>,
    /// Why the last attempt failed (kind and message, no secret).
    pub reason: Option<String>,
    /// When this status was written.
    pub updated_at: DateTime<Utc>,
}

impl BackfillStatus {
    /// A status of `state` with nothing written yet, stamped now.
    pub fn new(symbol: Symbol, interval: Interval, state: BackfillState) -> Self {
        BackfillStatus {
            symbol,
            interval,
            state,
            rows_written: 0,
            first_bar: None,
            last_bar: None,
            reason: None,
            updated_at: Utc::now(),
        }
    }
}
