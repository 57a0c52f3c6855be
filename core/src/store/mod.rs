//! Persistence: [`PriceStore`] for bars, [`SentimentStore`] for analyses,
//! and the backends, chosen by URL through [`StoreUrl`]:
//!
//! - `memory://` — [`MemoryStore`]: in-process, gone at exit.
//! - `sqlite://PATH` — [`SqliteStore`]: one file, the embedded default.
//! - `postgres://USER@HOST/DB` — [`PostgresStore`].
//!
//! Schemas are sqlx migrations compiled into the library and applied when the
//! store connects.

mod memory;
mod postgres;
mod sqlite;

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::{split_scheme, unknown_scheme};
use crate::error::{redact_url, Error, Result};
use crate::model::{Bar, DailySentiment, Interval, SentimentRecord, Symbol};

pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The stretch of time already fetched for one symbol and interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// First instant fetched; `None` when fetched from the very beginning.
    pub from: Option<DateTime<Utc>>,
    /// The instant the last fetch reached.
    pub to: DateTime<Utc>,
}

impl Coverage {
    /// The union of two overlapping or touching stretches.
    pub fn union(self, other: Coverage) -> Coverage {
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
        Coverage {
            from,
            to: self.to.max(other.to),
        }
    }
}

/// Bars keyed by (symbol, interval, timestamp).
#[async_trait]
pub trait PriceStore: Send + Sync {
    /// Inserts `bars`, replacing any with the same key; returns how many were
    /// written. Idempotent: writing the same bars twice leaves one copy.
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64>;

    /// Bars with `start <= timestamp < end`, oldest first (`None`: from the first).
    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>>;

    /// The newest bar, if any.
    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>>;

    /// What has been fetched for (symbol, interval), if anything.
    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>>;

    /// Records that `fetched` was fetched, merged with what was before.
    async fn extend_coverage(
        &self,
        symbol: &Symbol,
        interval: Interval,
        fetched: Coverage,
    ) -> Result<()>;
}

/// Every analysis the sentiment service makes, one record per platform.
#[async_trait]
pub trait SentimentStore: Send + Sync {
    /// Appends `records`.
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()>;

    /// Records of `symbol` made at or after `since`, oldest first.
    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>>;

    /// Records of `symbol` made at or after `since`, summed up per UTC day,
    /// oldest first. Reads the records and sums them here: a symbol stores a
    /// few dozen analyses a day, so no backend needs its own query for it.
    async fn sentiment_daily(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<DailySentiment>> {
        let records = self.sentiment_since(symbol, since).await?;
        Ok(DailySentiment::from_records(&records))
    }
}

/// A backend that keeps both prices and sentiment.
pub trait Store: PriceStore + SentimentStore {
    /// One line saying what the store is (backend, location without secrets).
    fn describe(&self) -> String;
}

const ACCEPTED: &str = "memory://, sqlite://PATH, postgres://USER@HOST/DB";

/// A parsed store URL.
#[derive(Debug, Clone)]
pub enum StoreUrl {
    /// `memory://`
    Memory,
    /// `sqlite://PATH` (`sqlite://:memory:` for a private in-memory database).
    Sqlite(String),
    /// `postgres://...` or `postgresql://...`, validated, kept whole.
    Postgres(String),
}

impl StoreUrl {
    /// Parses a store URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let (scheme, rest) = split_scheme(url, "store", ACCEPTED)?;
        match scheme {
            "memory" => Ok(StoreUrl::Memory),
            "sqlite" => {
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(Error::invalid_input(
                        "sqlite store URL needs a file path, e.g. sqlite://tickersense.db",
                    ));
                }
                Ok(StoreUrl::Sqlite(path.to_owned()))
            }
            "postgres" | "postgresql" => {
                sqlx::postgres::PgConnectOptions::from_str(url).map_err(|_| {
                    Error::invalid_input(format!("invalid postgres URL {}", redact_url(url)))
                })?;
                Ok(StoreUrl::Postgres(url.to_owned()))
            }
            other => Err(unknown_scheme("store", other, ACCEPTED)),
        }
    }

    /// Connects and applies the migrations.
    pub async fn connect(&self) -> Result<Arc<dyn Store>> {
        Ok(match self {
            StoreUrl::Memory => Arc::new(MemoryStore::new()),
            StoreUrl::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
            StoreUrl::Postgres(url) => Arc::new(PostgresStore::connect(url).await?),
        })
    }
}
