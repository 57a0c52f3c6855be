use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::migrate::MigrateError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, SqlitePool};

use super::migrations::{check_applied, MigrationMode};
use super::{bars_to_store, detached, Coverage, PriceStore, SentimentStore, Store, StoredSeries};
use crate::error::{Error, Result};
use crate::model::{
    Bar, Interval, PlatformSentiment, PostQuery, SentimentRecord, StoredPost, Symbol,
};
use crate::store::posts::posts_to_store;

/// Embedded store in one SQLite file (`sqlite://PATH`), created when missing,
/// in WAL mode so readers do not block the writer. Bulk upserts run as
/// multi-row statements inside one transaction.
pub struct SqliteStore {
    pool: SqlitePool,
    path: String,
}

mod backfill;
mod options;
mod posts;
mod users;

pub use options::SqliteOptions;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

// SQLite allows 32766 bound parameters per statement; 9 per bar.
const BARS_PER_STATEMENT: usize = 3000;

pub(super) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(super) fn from_ms(ms: i64) -> Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| Error::internal(format!("stored time {ms} is out of range")))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    /// `:memory:` gives a private in-memory database. Costs opening the
    /// file and reading (or applying) the migrations.
    pub async fn open(path: &str) -> Result<Self> {
        Self::open_with(path, MigrationMode::Apply).await
    }

    /// Opens the database at `path`, applying or only checking the schema.
    /// Costs opening the file and reading (or applying) the migrations.
    pub async fn open_with(path: &str, migrations: MigrationMode) -> Result<Self> {
        let in_memory = path == ":memory:";
        let options = if in_memory {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else {
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(migrations == MigrationMode::Apply)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        }
        .busy_timeout(Duration::from_secs(5))
        // SQLite enforces REFERENCES (and so ON DELETE CASCADE of
        // watchlists) only on connections that ask; sqlx asks by default
        // today, but the users schema must not rest on a driver default.
        .foreign_keys(true);
        let pool = while_busy(
            || {
                SqlitePoolOptions::new()
                    // Every connection to ":memory:" is a separate database: keep one.
                    .max_connections(if in_memory { 1 } else { 4 })
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options.clone())
            },
            |err| is_busy(sqlite_code(err)),
        )
        .await
        .map_err(|err| {
            let why = why_not_opened(path, migrations, &err);
            Error::unavailable(format!(
                "cannot open sqlite database {}: {why}",
                crate::error::echo(path)
            ))
            .with_source(err)
        })?;
        match migrations {
            MigrationMode::Apply => {
                while_busy(
                    || migrate_exclusively(&pool),
                    |err| match err {
                        MigrateError::Execute(err) | MigrateError::ExecuteMigration(err, _) => {
                            is_busy(sqlite_code(err))
                        }
                        _ => false,
                    },
                )
                .await?
            }
            MigrationMode::Check => check_applied(&MIGRATOR, &applied(&pool).await?, "sqlite")?,
        }
        Ok(SqliteStore {
            pool,
            path: path.to_owned(),
        })
    }
}

/// Applies the migrations inside one `BEGIN IMMEDIATE` transaction, which
/// takes the file's write lock first: openers of a fresh file racing each
/// other (processes, or pools in one process) wait in turn (up to the busy
/// timeout), and each finds what the one before applied instead of applying
/// it again ("table price_bars already exists"). The migrator's own
/// per-migration transactions become savepoints inside it.
async fn migrate_exclusively(pool: &SqlitePool) -> std::result::Result<(), MigrateError> {
    let mut conn = pool.acquire().await?;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    MIGRATOR.run_direct(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// True for `SQLITE_BUSY` and `SQLITE_LOCKED`.
fn is_busy(code: Option<i32>) -> bool {
    matches!(code, Some(5 | 6))
}

/// How many times opening a file is tried while SQLite answers busy.
const OPEN_ATTEMPTS: u32 = 50;

/// `attempt()`, tried again (up to [`OPEN_ATTEMPTS`] times, 10 to 100 ms
/// apart) while its error is `busy`. Openers of a fresh file race for the
/// locks that switching it to WAL takes, and SQLite answers the loser busy
/// at once rather than through the busy timeout (waiting could deadlock);
/// the winner is done within milliseconds.
async fn while_busy<T, E, F, Fut>(
    mut attempt: F,
    busy: impl Fn(&E) -> bool,
) -> std::result::Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::result::Result<T, E>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(err) if busy(&err) && tries < OPEN_ATTEMPTS => {
                let pause = Duration::from_millis(10 * u64::from(tries.min(10)));
                tokio::time::sleep(pause).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// SQLite's primary result code in `err`, when the driver gave one.
fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    let code = err.as_database_error()?.code()?;
    code.parse::<i32>().ok().map(|code| code & 0xff)
}

/// Why the database at `path` did not open, as far as SQLite's answer and
/// the file system tell: a missing folder, a folder where the file should
/// be, a file that is not a database, missing permission, or a missing file
/// that check-only migrations do not create.
fn why_not_opened(path: &str, migrations: MigrationMode, err: &sqlx::Error) -> String {
    use std::io::ErrorKind as Io;
    const SQLITE_NOTADB: i32 = 26;
    let file = std::path::Path::new(path);
    if sqlite_code(err) == Some(SQLITE_NOTADB) {
        return "the file is not a SQLite database".to_owned();
    }
    match std::fs::metadata(file) {
        Ok(meta) if meta.is_dir() => "it is a directory, not a file".to_owned(),
        Ok(_) => match std::fs::File::open(file) {
            Err(e) if e.kind() == Io::PermissionDenied => "permission denied".to_owned(),
            _ => format!("SQLite could not open it ({})", sqlite_reason(err)),
        },
        Err(e) if e.kind() == Io::PermissionDenied => "permission denied".to_owned(),
        Err(_) if migrations == MigrationMode::Check => {
            "the file does not exist, and migrations=check does not create it".to_owned()
        }
        Err(_) => {
            let folder = match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            let shown = crate::error::echo(&folder.to_string_lossy());
            match std::fs::metadata(folder) {
                Err(e) if e.kind() == Io::NotFound => format!("the folder {shown} does not exist"),
                Ok(meta) if !meta.is_dir() => format!("{shown} is not a folder"),
                Err(e) if e.kind() == Io::PermissionDenied => "permission denied".to_owned(),
                _ if folder_is_read_only(folder) => {
                    format!("permission denied: cannot create a file in {shown}")
                }
                _ => format!("SQLite could not create it ({})", sqlite_reason(err)),
            }
        }
    }
}

/// True when a file cannot be created in `folder` for lack of permission
/// (probed by creating and removing a uniquely named empty file).
fn folder_is_read_only(folder: &std::path::Path) -> bool {
    let probe = folder.join(format!(".tickersense-probe-{}", std::process::id()));
    // create_new: never truncates a file that happens to have the name.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(e) => e.kind() == std::io::ErrorKind::PermissionDenied,
    }
}

/// The driver's short reason for `err`, without any path.
fn sqlite_reason(err: &sqlx::Error) -> String {
    match err.as_database_error() {
        Some(db) => crate::error::echo(db.message()),
        None => "no reason given".to_owned(),
    }
}

/// Upserts `bars` (one per timestamp) in one transaction.
async fn upsert(
    pool: &SqlitePool,
    symbol: &Symbol,
    interval: Interval,
    bars: &[Bar],
) -> Result<u64> {
    let mut tx = pool.begin().await?;
    for chunk in bars.chunks(BARS_PER_STATEMENT) {
        let mut q = QueryBuilder::new(
            "INSERT INTO price_bars (symbol, interval, ts_ms, open, high, low, close, adj_close, volume) ",
        );
        q.push_values(chunk, |mut row, bar| {
            row.push_bind(symbol.as_str())
                .push_bind(interval.as_str())
                .push_bind(to_ms(bar.timestamp))
                .push_bind(bar.open)
                .push_bind(bar.high)
                .push_bind(bar.low)
                .push_bind(bar.close)
                .push_bind(bar.adj_close)
                .push_bind(i64::try_from(bar.volume).unwrap_or(i64::MAX));
        });
        q.push(
            " ON CONFLICT (symbol, interval, ts_ms) DO UPDATE SET open = excluded.open, high = excluded.high, \
             low = excluded.low, close = excluded.close, adj_close = excluded.adj_close, volume = excluded.volume",
        );
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(bars.len() as u64)
}

/// Appends `records` in one transaction.
async fn insert_sentiment(pool: &SqlitePool, records: &[SentimentRecord]) -> Result<()> {
    let mut tx = pool.begin().await?;
    for r in records {
        sqlx::query(
            "INSERT INTO sentiment_data (symbol, ts_ms, platform, sentiment_score, confidence, mention_count, keywords, source_urls) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(r.symbol.as_str())
        .bind(to_ms(r.timestamp))
        .bind(&r.detail.platform)
        .bind(r.detail.sentiment_score)
        .bind(r.detail.confidence)
        .bind(i64::from(r.detail.mention_count))
        .bind(serde_json::to_string(&r.detail.keywords)?)
        .bind(serde_json::to_string(&r.detail.source_urls)?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Versions and checksums of the migrations recorded as applied.
async fn applied(pool: &SqlitePool) -> Result<Vec<(i64, Vec<u8>)>> {
    let bookkept: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    if bookkept.is_none() {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?,
    )
}

fn bar_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Bar> {
    Ok(Bar {
        timestamp: from_ms(row.try_get("ts_ms")?)?,
        open: row.try_get("open")?,
        high: row.try_get("high")?,
        low: row.try_get("low")?,
        close: row.try_get("close")?,
        adj_close: row.try_get("adj_close")?,
        volume: u64::try_from(row.try_get::<i64, _>("volume")?).unwrap_or(0),
    })
}

#[async_trait]
impl PriceStore for SqliteStore {
    /// Multi-row upserts in one transaction, run on a task of its own
    /// (`detached`): it commits even while the caller is cancelled or
    /// blocked, so it never keeps the file locked against other writers.
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64> {
        if bars.is_empty() {
            return Ok(0);
        }
        let pool = self.pool.clone();
        let (symbol, bars) = (symbol.clone(), bars_to_store(bars)?.into_owned());
        detached(async move { upsert(&pool, &symbol, interval, &bars).await }).await
    }

    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>> {
        let rows = sqlx::query(
            "SELECT ts_ms, open, high, low, close, adj_close, volume FROM price_bars \
             WHERE symbol = ? AND interval = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .bind(start.map_or(i64::MIN, to_ms))
        .bind(to_ms(end))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(bar_from_row).collect()
    }

    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>> {
        let row = sqlx::query(
            "SELECT ts_ms, open, high, low, close, adj_close, volume FROM price_bars \
             WHERE symbol = ? AND interval = ? ORDER BY ts_ms DESC LIMIT 1",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(bar_from_row).transpose()
    }

    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>> {
        let row = sqlx::query(
            "SELECT from_ms, to_ms FROM price_coverage WHERE symbol = ? AND interval = ?",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Coverage {
                from: r
                    .try_get::<Option<i64>, _>("from_ms")?
                    .map(from_ms)
                    .transpose()?,
                to: from_ms(r.try_get("to_ms")?)?,
            })
        })
        .transpose()
    }

    async fn extend_coverage(
        &self,
        symbol: &Symbol,
        interval: Interval,
        fetched: Coverage,
    ) -> Result<()> {
        // NULL from means "since the beginning" and must win over any date:
        // MIN() in SQLite ignores NULLs, so spell the rule out.
        sqlx::query(
            "INSERT INTO price_coverage (symbol, interval, from_ms, to_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (symbol, interval) DO UPDATE SET \
               from_ms = CASE WHEN price_coverage.from_ms IS NULL OR excluded.from_ms IS NULL THEN NULL \
                              ELSE MIN(price_coverage.from_ms, excluded.from_ms) END, \
               to_ms = MAX(price_coverage.to_ms, excluded.to_ms), \
               updated_at_ms = excluded.updated_at_ms",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .bind(fetched.from.map(to_ms))
        .bind(to_ms(fetched.to))
        .bind(to_ms(Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
    async fn stored_series(&self) -> Result<Vec<StoredSeries>> {
        // SQLite has no FULL JOIN before 3.39: union the keys, then join both sides.
        let rows = sqlx::query(
            "WITH counted AS (SELECT symbol, interval, COUNT(*) AS bars, MIN(ts_ms) AS first_ms, MAX(ts_ms) AS last_ms \
                              FROM price_bars GROUP BY symbol, interval), \
                  series AS (SELECT symbol, interval FROM counted UNION SELECT symbol, interval FROM price_coverage) \
             SELECT s.symbol, s.interval, COALESCE(b.bars, 0) AS bars, b.first_ms, b.last_ms, c.from_ms, c.to_ms \
             FROM series s LEFT JOIN counted b USING (symbol, interval) LEFT JOIN price_coverage c USING (symbol, interval) \
             ORDER BY s.symbol, s.interval",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let coverage = match row.try_get::<Option<i64>, _>("to_ms")? {
                    Some(to) => Some(Coverage {
                        from: row
                            .try_get::<Option<i64>, _>("from_ms")?
                            .map(from_ms)
                            .transpose()?,
                        to: from_ms(to)?,
                    }),
                    None => None,
                };
                Ok(StoredSeries {
                    symbol: Symbol::parse(row.try_get("symbol")?)?,
                    interval: row.try_get::<&str, _>("interval")?.parse()?,
                    bars: u64::try_from(row.try_get::<i64, _>("bars")?).unwrap_or(0),
                    first_bar: row
                        .try_get::<Option<i64>, _>("first_ms")?
                        .map(from_ms)
                        .transpose()?,
                    last_bar: row
                        .try_get::<Option<i64>, _>("last_ms")?
                        .map(from_ms)
                        .transpose()?,
                    coverage,
                })
            })
            .collect()
    }
}

#[async_trait]
impl SentimentStore for SqliteStore {
    /// One transaction, on a task of its own as bar upserts are.
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()> {
        let pool = self.pool.clone();
        let records = records.to_vec();
        detached(async move { insert_sentiment(&pool, &records).await }).await
    }

    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>> {
        let rows = sqlx::query(
            "SELECT ts_ms, platform, sentiment_score, confidence, mention_count, keywords, source_urls \
             FROM sentiment_data WHERE symbol = ? AND ts_ms >= ? ORDER BY ts_ms, id",
        )
        .bind(symbol.as_str())
        .bind(to_ms(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SentimentRecord {
                    symbol: symbol.clone(),
                    timestamp: from_ms(row.try_get("ts_ms")?)?,
                    detail: PlatformSentiment {
                        platform: row.try_get("platform")?,
                        sentiment_score: row.try_get("sentiment_score")?,
                        confidence: row.try_get("confidence")?,
                        mention_count: u32::try_from(row.try_get::<i64, _>("mention_count")?)
                            .unwrap_or(0),
                        keywords: serde_json::from_str(row.try_get("keywords")?)?,
                        source_urls: serde_json::from_str(row.try_get("source_urls")?)?,
                    },
                })
            })
            .collect()
    }

    /// One `BEGIN IMMEDIATE` transaction of statements of at most 500
    /// posts, on a task of its own as bar upserts are.
    async fn upsert_posts(&self, posts: &[StoredPost]) -> Result<u64> {
        let posts = posts_to_store(posts)?;
        if posts.is_empty() {
            return Ok(0);
        }
        let pool = self.pool.clone();
        detached(async move { posts::upsert(&pool, &posts).await }).await
    }

    async fn posts(&self, query: &PostQuery) -> Result<Vec<StoredPost>> {
        posts::read(&self.pool, query).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    /// Closes the pool: idle connections at once, the ones in use when
    /// they are returned.
    async fn close(&self) {
        self.pool.close().await;
    }

    /// `SELECT 1` on a pooled connection.
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("sqlite ({})", self.path)
    }
}
