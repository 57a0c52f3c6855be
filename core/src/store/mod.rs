//! Persistence: [`PriceStore`] for bars, [`SentimentStore`] for analyses,
//! [`UserStore`] for users and their watchlists, [`BackfillStore`] for the
//! progress of backfills, and the backends, chosen by URL through
//! [`StoreUrl`]:
//!
//! - `memory://` — [`MemoryStore`]: in-process, gone at exit.
//! - `sqlite://PATH` — [`SqliteStore`]: one file, the embedded default.
//! - `postgres://USER@HOST/DB` — [`PostgresStore`].
//!
//! Schemas are sqlx migrations compiled into the library and applied when the
//! store connects, or only checked with `?migrations=check` ([`MigrationMode`]).

mod memory;
mod migrations;
mod postgres;
mod sqlite;

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::{nothing_after, split_scheme, unknown_scheme};
use crate::error::{redact_url, Error, Result};
use crate::model::{BackfillStatus, Bar, DailySentiment, Interval, SentimentRecord, Symbol};
use crate::model::{Credentials, NewUser, User, UserId, WatchlistItem};

pub use memory::MemoryStore;
pub use migrations::MigrationMode;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The stretch of time already fetched for one symbol and interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    /// First instant fetched; `None` when fetched from the very beginning.
    pub from: Option<DateTime<Utc>>,
    /// The instant the last fetch reached.
    pub to: DateTime<Utc>,
}

impl Coverage {
    /// True when this stretch begins at or before `start` (`None`: the
    /// very beginning, which only a stretch fetched from the beginning covers).
    pub fn starts_by(&self, start: Option<DateTime<Utc>>) -> bool {
        match (self.from, start) {
            (None, _) => true,
            (Some(from), Some(start)) => from <= start,
            (Some(_), None) => false,
        }
    }

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

/// Runs `write` on a task of its own and waits for it, so that a caller
/// cancelled mid-write (its future dropped: a timeout, Ctrl-C, an abandoned
/// backfill) never cuts the write off halfway, and a write goes on to its
/// commit even while the task that asked for it is blocked (in a progress
/// callback, say) instead of holding a transaction open meanwhile.
///
/// On PostgreSQL a `COPY` cut off mid-stream leaves its connection out of
/// step with the server (the next statement on it then reads the failed
/// copy's error), and a transaction dropped mid-statement is rolled back only
/// later; on SQLite an open write transaction locks out every other writer
/// of the file. Finishing on its own task, the write hands its connection
/// back clean. The write owns its input (one copy of it); closing the store
/// waits for it.
pub(crate) async fn detached<T: Send + 'static>(
    write: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    match tokio::spawn(write).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => Err(Error::from_panic(&*err.into_panic())),
        Err(_) => Err(Error::unavailable(
            "the database write was cancelled with its runtime",
        )),
    }
}

/// `bars` as a store writes them: one bar per timestamp, the last copy of
/// each winning (what an upsert of the batch one bar at a time would
/// leave), oldest first. Refuses a volume no store column holds (above
/// [`MAX_VOLUME`](crate::model::MAX_VOLUME)) rather than saturating it, so
/// a bar from a user's own provider is never stored other than it came.
/// Borrows when the timestamps already strictly increase, the usual case;
/// else costs a sort.
pub(crate) fn bars_to_store(bars: &[Bar]) -> Result<std::borrow::Cow<'_, [Bar]>> {
    if let Some(bar) = bars.iter().find(|b| b.volume > crate::model::MAX_VOLUME) {
        return Err(Error::invalid_input(format!(
            "the bar at {} has a volume of {}, above the {} a store holds",
            bar.timestamp,
            bar.volume,
            crate::model::MAX_VOLUME
        )));
    }
    if bars.windows(2).all(|w| w[0].timestamp < w[1].timestamp) {
        return Ok(std::borrow::Cow::Borrowed(bars));
    }
    let by_time: std::collections::BTreeMap<_, _> =
        bars.iter().map(|b| (b.timestamp, *b)).collect();
    Ok(std::borrow::Cow::Owned(by_time.into_values().collect()))
}

/// One stored series and how far it reaches.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredSeries {
    /// The symbol.
    pub symbol: Symbol,
    /// The bar interval.
    pub interval: Interval,
    /// Bars stored.
    pub bars: u64,
    /// Start of the oldest stored bar.
    pub first_bar: Option<DateTime<Utc>>,
    /// Start of the newest stored bar.
    pub last_bar: Option<DateTime<Utc>>,
    /// The stretch of time fetched so far, if recorded.
    pub coverage: Option<Coverage>,
}

/// Bars keyed by (symbol, interval, timestamp).
#[async_trait]
pub trait PriceStore: Send + Sync {
    /// Inserts `bars`, replacing any with the same key; returns how many
    /// distinct bars were written. Idempotent: writing the same bars twice
    /// leaves one copy. A batch naming one timestamp twice keeps the later
    /// copy, on every backend.
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

    /// Every series that has bars or a recorded coverage, with its bar
    /// count, first and last bar, sorted by symbol then interval. Costs one
    /// pass over the bars (a grouped count): meant for status pages and
    /// tools, not for every request.
    async fn stored_series(&self) -> Result<Vec<StoredSeries>>;
}

/// The per-symbol progress of backfills ([`crate::service::Backfill`]), one
/// status per (symbol, interval), replaced on each change.
#[async_trait]
pub trait BackfillStore: Send + Sync {
    /// Writes `status`, replacing the one of the same (symbol, interval).
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()>;

    /// The status of (symbol, interval), if a backfill ever touched it.
    async fn backfill_status(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillStatus>>;

    /// Every status of `interval` (all intervals when `None`), by symbol.
    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>>;
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

/// Users, their credentials and their watchlists (the seed's `users` and
/// `watchlists` tables).
///
/// Emails are kept and compared as [`normalize_email`](crate::model::normalize_email)
/// gives them, so lookups and uniqueness ignore case and surrounding space.
/// The password hash is an opaque string: stores keep and return it, never
/// read it, and never put it in an error. A watchlist holds each symbol once
/// and goes with its user when the user is deleted. Every method is one
/// statement (or one lock) on the backend: atomic, with no read-then-write
/// race between two callers.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Registers `new` under a fresh [`UserId`] after checking it with
    /// [`NewUser::normalized`] (bad fields are `InvalidInput`); `Conflict`
    /// "email already registered" when the normalised email is taken. Both
    /// timestamps are set to now. One insert.
    async fn create_user(&self, new: &NewUser) -> Result<User>;

    /// The user with `id`, if any. One lookup by primary key.
    async fn user(&self, id: &UserId) -> Result<Option<User>>;

    /// The user registered with `email` (compared normalised) and the stored
    /// password hash, for the login check; `None` when nobody has it. An
    /// `email` that is not an email at all is `InvalidInput`. One lookup by
    /// the unique email index.
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>>;

    /// Sets both names (trimmed; `None` or blank clears one) and bumps
    /// `updated_at`, returning the user as stored. `NotFound` when there is
    /// no user `id`; a name over [`User::NAME_MAX_CHARS`] characters is
    /// `InvalidInput`. One update.
    async fn update_profile(
        &self,
        id: &UserId,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<User>;

    /// Replaces the stored password hash, e.g. to rehash a legacy bcrypt
    /// hash as argon2id after a successful login. Leaves `updated_at` alone:
    /// a rehash is not a profile change. `NotFound` when there is no user
    /// `id`; an empty or oversized hash is `InvalidInput`. One update.
    async fn set_password_hash(&self, id: &UserId, password_hash: &str) -> Result<()>;

    /// Deletes the user and their whole watchlist; `true` when the user
    /// existed. Costs one delete plus one per watchlist entry (by index).
    async fn delete_user(&self, id: &UserId) -> Result<bool>;

    /// Puts `symbol` at the end of the user's watchlist, stamped now.
    /// `Conflict` "... is already in watchlist" when it is there; `NotFound` when
    /// there is no user `id`. One insert.
    async fn add_to_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<WatchlistItem>;

    /// Takes `symbol` off the user's watchlist; `NotFound` "... is not in
    /// watchlist" when it is not on it (or there is no user `id`). One delete.
    async fn remove_from_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<()>;

    /// The user's watchlist, oldest entry first (entries added in the same
    /// instant keep the order they were added in). An unknown user has an
    /// empty watchlist: telling the two apart is [`UserStore::user`]'s job,
    /// and this way the read is one index range scan.
    async fn watchlist(&self, id: &UserId) -> Result<Vec<WatchlistItem>>;
}

/// A backend that implements every store trait above.
#[async_trait]
pub trait Store: PriceStore + SentimentStore + BackfillStore + UserStore {
    /// One line saying what the store is (backend, location without secrets).
    fn describe(&self) -> String;

    /// Releases what the store holds open (connection pools): afterwards
    /// every call fails with `Unavailable`. Waits until connections in use
    /// are returned and closed. Idempotent; the default does nothing.
    async fn close(&self) {}

    /// Checks that the store answers, cheaply (a `SELECT 1` on a pooled
    /// connection, bounded by the pool's acquire timeout), for health
    /// reports. The default, for stores in the process, answers `Ok`.
    async fn ping(&self) -> Result<()> {
        Ok(())
    }
}

const ACCEPTED: &str = "memory://, sqlite://PATH, postgres://USER@HOST/DB";

/// `path` with a leading `~/` replaced by the `HOME` directory, as a shell
/// would (`~user/` is not expanded); `InvalidInput` when `HOME` is unset.
fn home_expanded(path: &str) -> Result<String> {
    let Some(rest) = path.strip_prefix("~/") else {
        return Ok(path.to_owned());
    };
    match std::env::var_os("HOME").filter(|home| !home.is_empty()) {
        Some(home) => Ok(std::path::Path::new(&home)
            .join(rest)
            .to_string_lossy()
            .into_owned()),
        None => Err(Error::invalid_input(
            "sqlite path starts with ~/ but HOME is not set",
        )),
    }
}

/// A parsed store URL. Its `Debug` form hides the password, as
/// [`redact_url`] does.
#[derive(Clone)]
pub enum StoreUrl {
    /// `memory://`
    Memory,
    /// `sqlite://PATH` (`sqlite://:memory:` for a private in-memory database).
    Sqlite {
        /// The database file.
        path: String,
        /// Apply or only check the schema.
        migrations: MigrationMode,
    },
    /// `postgres://...` or `postgresql://...`, validated.
    Postgres {
        /// The URL as the driver takes it (without `migrations=`).
        url: String,
        /// Apply or only check the schema.
        migrations: MigrationMode,
    },
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Memory => f.write_str("Memory"),
            StoreUrl::Sqlite { path, migrations } => f
                .debug_struct("Sqlite")
                .field("path", path)
                .field("migrations", migrations)
                .finish(),
            StoreUrl::Postgres { url, migrations } => f
                .debug_struct("Postgres")
                .field("url", &crate::error::RedactedUrl(url))
                .field("migrations", migrations)
                .finish(),
        }
    }
}

impl StoreUrl {
    /// Parses a store URL without any I/O. Every backend but `memory://`
    /// takes `?migrations=check` to verify the schema instead of migrating it.
    pub fn parse(url: &str) -> Result<Self> {
        let (url, migrations) = migrations::split_migration_mode(url.trim())?;
        let url = url.as_str();
        let (scheme, rest) = split_scheme(url, "store", ACCEPTED)?;
        match scheme {
            "memory" => nothing_after("store", scheme, rest).map(|()| StoreUrl::Memory),
            "sqlite" => {
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(Error::invalid_input(
                        "sqlite store URL needs a file path, e.g. sqlite://tickersense.db",
                    ));
                }
                Ok(StoreUrl::Sqlite {
                    path: home_expanded(path)?,
                    migrations,
                })
            }
            "postgres" | "postgresql" => {
                sqlx::postgres::PgConnectOptions::from_str(url).map_err(|_| {
                    Error::invalid_input(format!(
                        "invalid postgres URL {}",
                        crate::error::echo(&redact_url(url))
                    ))
                })?;
                Ok(StoreUrl::Postgres {
                    url: url.to_owned(),
                    migrations,
                })
            }
            other => Err(unknown_scheme("store", other, ACCEPTED)),
        }
    }

    /// Connects and applies (or checks) the migrations.
    pub async fn connect(&self) -> Result<Arc<dyn Store>> {
        Ok(match self {
            StoreUrl::Memory => Arc::new(MemoryStore::new()),
            StoreUrl::Sqlite { path, migrations } => {
                Arc::new(SqliteStore::open_with(path, *migrations).await?)
            }
            StoreUrl::Postgres { url, migrations } => {
                Arc::new(PostgresStore::connect_with(url, *migrations).await?)
            }
        })
    }
}
