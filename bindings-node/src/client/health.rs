//! What `client.health()` resolves to: one plain object per
//! [`tickersense::BackendHealth`], core's `Down { reason, retry_in_ms }`
//! flattened into optional fields so a JS caller reads `entry.status` and
//! `entry.reason` without unwrapping a nested object.

use napi_derive::napi;
use tickersense::{BackendRole, BackendStatus};

/// One backend's health: the part it plays, what it is and whether it
/// answers.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackendHealth {
    /// The part it plays: `"market_data"`, `"social"` (one entry per
    /// source), `"analyzer"`, `"cache"`, `"price_store"`,
    /// `"sentiment_store"`, `"backfill_store"` or `"user_store"`.
    #[napi(ts_type = "BackendRole")]
    pub role: String,
    /// What it is: its URL with the password redacted, the analyzer's name,
    /// `user:NAME` for a market-data source, mention source or analyzer of
    /// your own (its `name` or `platform`), `user-defined` for a cache or
    /// store of your own.
    pub name: String,
    /// `"up"` (connected and answering, or an object of your own, reported
    /// as given), `"down"` (see `reason`) or `"not_configured"` (the
    /// `none://` cache).
    #[napi(ts_type = "BackendStatus")]
    pub status: String,
    /// Why it is down, without secrets (e.g. the connection error, or
    /// "this client is closed"); only when `status` is `"down"`.
    pub reason: Option<String>,
    /// Milliseconds until the backend is tried again while it sits out a
    /// back-off window; left out when the next call tries it.
    pub retry_in_ms: Option<f64>,
    /// Calls to it that failed since the client was made (connects and
    /// operations guarded by the client: a store built from the store URL
    /// and a Redis cache; always 0 for the others, whose failures their
    /// calls report). A `u64` in Rust; exact as a JS number up to 2^53.
    pub failures: f64,
}

impl From<tickersense::BackendHealth> for BackendHealth {
    fn from(h: tickersense::BackendHealth) -> Self {
        let status = h.status.as_str().to_owned();
        let (reason, retry_in_ms) = match h.status {
            BackendStatus::Down {
                reason,
                retry_in_ms,
            } => (Some(reason), retry_in_ms.map(|ms| ms as f64)),
            BackendStatus::Up | BackendStatus::NotConfigured => (None, None),
        };
        BackendHealth {
            role: h.role.as_str().to_owned(),
            name: h.name,
            status,
            reason,
            retry_in_ms,
            failures: h.failures as f64,
        }
    }
}

/// Core's role names, in core's order: what the `BackendRole` union of
/// `index.d.ts` must list.
pub fn role_names() -> Vec<&'static str> {
    BackendRole::ALL.iter().map(|r| r.as_str()).collect()
}

/// Core's status names: what the `BackendStatus` union of `index.d.ts`
/// must list.
pub fn status_names() -> Vec<&'static str> {
    // An exhaustive match: a status added in core breaks the build here
    // until it is listed.
    let name = |s: BackendStatus| match s {
        BackendStatus::Up | BackendStatus::Down { .. } | BackendStatus::NotConfigured => s.as_str(),
    };
    [
        BackendStatus::Up,
        BackendStatus::Down {
            reason: String::new(),
            retry_in_ms: None,
        },
        BackendStatus::NotConfigured,
    ]
    .map(name)
    .to_vec()
}
