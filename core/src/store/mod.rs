//! Persistence: [`PriceStore`] for bars, [`SentimentStore`] for analyses,
//! [`UserStore`] for users and their watchlists, [`BackfillStore`] for the
//! progress of backfills, and the backends, chosen by URL through
//! [`StoreUrl`]:
//!
//! - `memory://` — [`MemoryStore`]: in-process, gone at exit. Takes no options.
//! - `sqlite://PATH` — `SqliteStore` (feature `sqlite`): one file, the
//!   embedded default. Options (`SqliteOptions`):
//!   `?migrations=apply|check` (default `apply`).
//! - `postgres://USER@HOST/DB` — `PostgresStore` (feature `postgres`).
//!   Options (`PostgresOptions`): `?pool=N` (default 8, 1 to 1000),
//!   `?connect_timeout=DURATION` (default `5s`; also the longest wait for a
//!   pooled connection), `?migrations=apply|check`, and the connection
//!   parameters the driver reads (`sslmode`, `sslrootcert`, `sslcert`,
//!   `sslkey`, `application_name`, `options`, `options[NAME]`, `host`,
//!   `hostaddr`, `port`, `user`, `password`, `dbname`,
//!   `statement-cache-capacity`), handed on as given.
//!
//! An option a backend does not read is `InvalidInput` naming the ones it
//! does. A backend whose feature is off is `InvalidInput` naming the feature.
//!
//! Schemas are sqlx migrations compiled into the library and applied when the
//! store connects, or only checked with `?migrations=check` ([`MigrationMode`]).

mod claim;
mod memory;
mod migrations;
#[cfg(feature = "postgres")]
mod postgres;
pub(crate) mod posts;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_error;
#[cfg(feature = "sqlite")]
mod sqlite;
mod url;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{BackfillStatus, Bar, Interval, PostQuery, SentimentRecord, StoredPost, Symbol};
use crate::model::{Credentials, NewUser, User, UserId, WatchlistItem};

pub use claim::{claim_in_process, BackfillClaim};
pub use memory::MemoryStore;
pub use migrations::MigrationMode;
#[cfg(feature = "postgres")]
pub use postgres::{
    PostgresOptions, PostgresStore, DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_SIZE, DRIVER_PARAMETERS,
    MAX_POOL_SIZE,
};
pub use posts::{
    post_problem, MAX_ANALYZER_NAME_BYTES, MAX_POST_AUTHOR_BYTES, MAX_POST_ID_BYTES,
    MAX_POST_PLATFORM_BYTES, MAX_POST_TEXT_BYTES, MAX_POST_URL_BYTES, MAX_SCORES_PER_POST,
};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use sql_error::on_violation;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, SqliteStore};
pub use url::{StoreBackend, StoreUrl};

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
#[cfg(any(feature = "sqlite", feature = "postgres"))]
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
    /// copy, on every backend. The built-in stores write a batch in one
    /// transaction, O(bars).
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64>;

    /// Bars with `start <= timestamp < end`, oldest first (`None`: from the first).
    /// One range read of the key's index on the built-in stores, O(bars returned).
    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>>;

    /// The newest bar, if any. One indexed lookup on the built-in stores.
    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>>;

    /// What has been fetched for (symbol, interval), if anything. One
    /// lookup by key.
    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>>;

    /// Records that `fetched` was fetched, merged with what was before.
    /// One read and one write of the key's row.
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
    /// One upsert by key.
    async fn put_backfill_status(&self, status: &BackfillStatus) -> Result<()>;

    /// The status of (symbol, interval), if a backfill ever touched it.
    /// One lookup by key.
    async fn backfill_status(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillStatus>>;

    /// Every status of `interval` (all intervals when `None`), by symbol.
    /// One query, O(statuses).
    async fn backfill_statuses(&self, interval: Option<Interval>) -> Result<Vec<BackfillStatus>>;

    /// Claims (symbol, interval) for one backfill run before it fetches:
    /// `Some(claim)` when no other run holds it, `None` while one does
    /// (that run is fetching it: this one leaves it alone). The claim lasts
    /// until released or dropped, and goes with its holder: a process that
    /// dies holding one never leaves it held.
    ///
    /// The default claims among the runs of this process on this store
    /// value ([`claim_in_process`]: O(1), no I/O), which is all a store of
    /// one process (memory, SQLite) needs. A store shared by many processes
    /// claims in its database: PostgreSQL takes a session advisory lock on
    /// a connection of its own, which the server lets go when that
    /// connection drops.
    async fn claim_backfill(
        &self,
        symbol: &Symbol,
        interval: Interval,
    ) -> Result<Option<BackfillClaim>> {
        let store = self as *const Self as *const () as usize;
        Ok(claim_in_process(store, symbol, interval))
    }
}

/// What the sentiment service keeps: every analysis (one record per
/// platform) and every post it scored, once per platform, id and symbol
/// (the `sentiment_posts` table). History, trend and agreement are read
/// from the posts, so analysing the same posts again changes none of them.
#[async_trait]
pub trait SentimentStore: Send + Sync {
    /// Appends `records`: one transaction on the built-in stores, O(records).
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()>;

    /// Records of `symbol` made at or after `since`, oldest first. One
    /// range read, O(records returned).
    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>>;

    /// Keeps `posts`, each once per (platform, id, symbol). A post already
    /// stored keeps its row (and its time) and takes from the new one every
    /// analyzer score it carries (a score by the same analyzer replaces the
    /// old one), and a label, URL, author or text where the row has none. A
    /// batch naming one post twice is folded the same way, in order.
    /// Returns how many posts were new. One transaction on the built-in
    /// stores, O(posts), in statements of a bounded size.
    ///
    /// The built-in stores refuse the batch (`InvalidInput`, nothing
    /// written) when a post has an empty or oversized platform or id, or a
    /// score that is not finite or is named oversized ([`post_problem`]),
    /// and cut URLs, authors and texts to [`MAX_POST_URL_BYTES`],
    /// [`MAX_POST_AUTHOR_BYTES`] and [`MAX_POST_TEXT_BYTES`]. Times are kept
    /// to the millisecond on SQLite, the microsecond on PostgreSQL.
    async fn upsert_posts(&self, posts: &[StoredPost]) -> Result<u64>;

    /// The stored posts `query` asks for, newest first, at most
    /// `query.limit` (and [`MAX_POSTS_READ`](crate::model::MAX_POSTS_READ)).
    /// The built-in stores break ties of time by platform, id and symbol,
    /// each descending, so they all give the same list. One range read of
    /// the (symbol, created_at) index, O(posts returned); with no symbol, a
    /// read by time over every symbol's posts.
    async fn posts(&self, query: &PostQuery) -> Result<Vec<StoredPost>>;
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
