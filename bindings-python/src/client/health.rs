//! What `health()` reports, as Python values: core's
//! [`BackendHealth`](tickersense::BackendHealth) per backend.

use pyo3::prelude::*;
use serde::{Deserialize, Serialize};
use tickersense::{BackendRole, BackendStatus};

/// Core's report of one backend, with the serde shape core gives it, read
/// back too (core only writes it): pickling needs both ways. The
/// definitions below are checked against core's by serde's `remote`
/// derive, so a field or variant core adds fails the build here.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health(#[serde(with = "HealthDef")] pub tickersense::BackendHealth);

#[derive(Serialize, Deserialize)]
#[serde(remote = "tickersense::BackendHealth")]
struct HealthDef {
    #[serde(with = "RoleDef")]
    role: BackendRole,
    name: String,
    #[serde(with = "StatusDef")]
    status: BackendStatus,
    failures: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "BackendRole", rename_all = "snake_case")]
enum RoleDef {
    MarketData,
    Social,
    Analyzer,
    Cache,
    PriceStore,
    SentimentStore,
    BackfillStore,
    UserStore,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "BackendStatus", tag = "status", rename_all = "snake_case")]
enum StatusDef {
    Up,
    Down {
        reason: String,
        retry_in_ms: Option<u64>,
    },
    NotConfigured,
}

/// One backend's health, as `health()` reports it: the part it plays
/// (`role`), what it is (`name`, its URL without secrets, or `user:NAME`
/// for an object of yours), whether it answers (`status`), why not
/// (`reason`), when it is tried again (`retry_in`) and how many calls to
/// it failed (`failures`).
#[pyclass(module = "tickersense._native", frozen)]
pub struct BackendHealth {
    pub inner: Health,
}

impl BackendHealth {
    /// The Python value of core's report. Costs a move.
    pub fn of(health: tickersense::BackendHealth) -> Self {
        BackendHealth {
            inner: Health(health),
        }
    }

    fn down(&self) -> Option<(&str, Option<u64>)> {
        match &self.inner.0.status {
            BackendStatus::Down {
                reason,
                retry_in_ms,
            } => Some((reason, *retry_in_ms)),
            _ => None,
        }
    }

    /// Seconds until a backend sitting out its back-off window is tried
    /// again, as `retry_after` and `timeout` count time.
    fn retry_in_seconds(&self) -> Option<f64> {
        self.down()
            .and_then(|(_, ms)| ms)
            .map(|ms| ms as f64 / 1000.0)
    }
}

#[pymethods]
impl BackendHealth {
    /// `"market_data"`, `"social"`, `"analyzer"`, `"cache"`,
    /// `"price_store"`, `"sentiment_store"`, `"backfill_store"` or
    /// `"user_store"`.
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.0.role.as_str()
    }
    /// What the backend is: its URL without secrets, the analyzer's name,
    /// `user:NAME` for an object of yours with a name, or `user-defined`
    /// for a cache or store of yours.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.0.name
    }
    /// `"up"`, `"down"` or `"not_configured"` (the `none://` cache).
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.0.status.as_str()
    }
    /// Why it is down (no secrets), or None when it is not.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.down().map(|(reason, _)| reason)
    }
    /// Seconds until it is tried again while it sits out a back-off
    /// window; None when the next call tries it (or it is not down).
    #[getter]
    fn retry_in(&self) -> Option<f64> {
        self.retry_in_seconds()
    }
    /// Calls to it that failed since the client was made (counted for the
    /// store and Redis cache the client opened from URLs; 0 for the rest).
    #[getter]
    fn failures(&self) -> u64 {
        self.inner.0.failures
    }
    fn __repr__(&self) -> String {
        let h = &self.inner.0;
        format!(
            "BackendHealth(role={:?}, name={:?}, status={:?}, reason={}, retry_in={}, failures={})",
            h.role.as_str(),
            h.name,
            h.status.as_str(),
            crate::model::opt_str_repr(self.reason()),
            crate::model::opt_repr(self.retry_in_seconds()),
            h.failures
        )
    }
}
