use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Connection, PgConnection, PgPool, Row};

use super::migrations::{check_applied, MigrationMode};
use super::{bars_to_store, detached, Coverage, PriceStore, SentimentStore, Store, StoredSeries};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Bar, Interval, PlatformSentiment, PostQuery, SentimentRecord, StoredPost, Symbol,
};
use crate::store::posts::posts_to_store;
use crate::url::redact_url;

mod backfill;
mod claims;
mod layout;
mod options;
mod posts;
mod users;

pub use options::{
    PostgresOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_SIZE, DRIVER_PARAMETERS, MAX_POOL_SIZE,
};

use layout::TimeLayout;

/// PostgreSQL store (`postgres://USER@HOST/DB`). Small bulk upserts send each
/// column as one array and unnest them server-side, large ones go through
/// `COPY`. Prices and sentiment live in TimescaleDB hypertables when the
/// server can give them, else in plain tables with BRIN indexes on time.
pub struct PostgresStore {
    pool: PgPool,
    display_url: String,
    layout: TimeLayout,
    claims: std::sync::Arc<claims::Claims>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl PostgresStore {
    /// Connects to `url` and applies the migrations (unless the URL says
    /// `?migrations=check`). See [`PostgresOptions`] for what the URL takes.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(&PostgresOptions::parse(url)?).await
    }

    /// Connects to `url`, applying or only checking the schema as
    /// `migrations` says (whatever the URL's own `?migrations=`).
    pub async fn connect_with(url: &str, migrations: MigrationMode) -> Result<Self> {
        let mut options = PostgresOptions::parse(url)?;
        options.migrations = migrations;
        Self::open(&options).await
    }

    /// Connects as `options` say (one probing connection, then the pool),
    /// applies or checks the schema, and finds (with `Apply`: makes, when it
    /// can) the time layout of the tables.
    pub async fn open(options: &PostgresOptions) -> Result<Self> {
        let display_url = redact_url(options.driver_url());
        let migrations = options.migrations;
        let connect_timeout = options.connect_timeout;
        let driver_options = PgConnectOptions::from_str(options.driver_url()).map_err(|_| {
            Error::invalid_input(format!(
                "invalid postgres URL {}",
                crate::error::echo(&display_url)
            ))
        })?;
        let unreachable = |err: sqlx::Error| {
            let e = Error::from(err);
            let kind = if e.kind() == ErrorKind::InvalidInput {
                e.kind()
            } else {
                ErrorKind::Unavailable
            };
            Error::new(
                kind,
                format!(
                    "cannot connect to postgres at {display_url}: {}",
                    e.message()
                ),
            )
        };
        // One direct connection first: a refused or unauthenticated connect
        // fails at once, where the pool would retry until its timeout.
        let silent = || {
            let message = format!(
                "cannot connect to postgres at {display_url}: no answer within {connect_timeout:?}"
            );
            Error::new(ErrorKind::Unavailable, message)
        };
        let probe =
            tokio::time::timeout(connect_timeout, PgConnection::connect_with(&driver_options))
                .await
                .map_err(|_| silent())?;
        probe
            .map_err(unreachable)?
            .close()
            .await
            .map_err(unreachable)?;
        let claims = claims::Claims::new(driver_options.clone(), connect_timeout);
        let pool = PgPoolOptions::new()
            .max_connections(options.pool)
            .acquire_timeout(connect_timeout)
            .connect_with(driver_options)
            .await
            .map_err(unreachable)?;
        match migrations {
            MigrationMode::Apply => MIGRATOR.run(&pool).await?,
            MigrationMode::Check => {
                check_applied(&MIGRATOR, &applied(&pool).await?, "postgres")?;
            }
        }
        let layout = TimeLayout::settle(&pool, migrations).await?;
        tracing::info!(store = %display_url, layout = %layout, "postgres store ready");
        Ok(PostgresStore {
            pool,
            display_url,
            layout,
            claims,
        })
    }
}

/// Versions and checksums of the migrations recorded as applied, in the
/// schema the connection's `search_path` names.
async fn applied(pool: &PgPool) -> Result<Vec<(i64, Vec<u8>)>> {
    let bookkept: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !bookkept {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?,
    )
}

/// Batches of at least this many bars are written with `COPY`.
pub const COPY_FROM: usize = 500;

/// A batch of bars to upsert, owned so it can be written on its own task.
/// One batch of bars to write, each timestamp once (see [`bars_to_store`]).
struct Upsert {
    pool: PgPool,
    symbol: Symbol,
    interval: Interval,
    bars: Vec<Bar>,
}

impl Upsert {
    async fn run(self) -> Result<u64> {
        if self.bars.len() >= COPY_FROM {
            self.copy().await
        } else {
            self.unnest().await
        }
    }

    /// `COPY` into a staging table dropped at commit, then one upsert from it.
    async fn copy(self) -> Result<u64> {
        let Upsert {
            pool,
            symbol,
            interval,
            bars,
        } = self;
        let (symbol, bars) = (&symbol, &bars[..]);
        let mut tx = pool.begin().await?;
        sqlx::query(
            "CREATE TEMP TABLE price_bars_staging (LIKE price_bars INCLUDING DEFAULTS) ON COMMIT DROP",
        )
        .execute(&mut *tx)
        .await?;
        let mut copy = tx
            .copy_in_raw(
                "COPY price_bars_staging (symbol, interval, ts, open, high, low, close, adj_close, volume) \
                 FROM STDIN (FORMAT text)",
            )
            .await?;
        copy.send(copy_text(symbol, interval, bars)).await?;
        copy.finish().await?;
        // The batch names each bar once (`bars_to_store` kept its last
        // copy), as ON CONFLICT needs: it touches a row once per statement.
        let written = sqlx::query(
            "INSERT INTO price_bars (symbol, interval, ts, open, high, low, close, adj_close, volume) \
             SELECT symbol, interval, ts, open, high, low, close, adj_close, volume FROM price_bars_staging \
             ON CONFLICT (symbol, interval, ts) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, \
               low = EXCLUDED.low, close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(written)
    }

    /// One `INSERT ... SELECT FROM UNNEST(...)` of column arrays.
    async fn unnest(self) -> Result<u64> {
        let bars = &self.bars;
        let column = |f: fn(&Bar) -> f64| bars.iter().map(f).collect::<Vec<f64>>();
        let result = sqlx::query(
            "INSERT INTO price_bars (symbol, interval, ts, open, high, low, close, adj_close, volume) \
             SELECT $1, $2, * FROM UNNEST($3::timestamptz[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::int8[]) \
             ON CONFLICT (symbol, interval, ts) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, \
               low = EXCLUDED.low, close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume",
        )
        .bind(self.symbol.as_str())
        .bind(self.interval.as_str())
        .bind(bars.iter().map(|b| b.timestamp).collect::<Vec<_>>())
        .bind(column(|b| b.open))
        .bind(column(|b| b.high))
        .bind(column(|b| b.low))
        .bind(column(|b| b.close))
        .bind(bars.iter().map(|b| b.adj_close).collect::<Vec<_>>())
        .bind(bars.iter().map(|b| i64::try_from(b.volume).unwrap_or(i64::MAX)).collect::<Vec<_>>())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }
}

/// Bars as `COPY ... (FORMAT text)` rows. Symbols and intervals hold no tab,
/// newline or backslash (both are validated); floats print in Rust's
/// shortest round-trip form, which PostgreSQL reads back to the same `f64`.
fn copy_text(symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(bars.len() * 96);
    for b in bars {
        let _ = write!(
            out,
            "{symbol}\t{interval}\t{}\t{}\t{}\t{}\t{}\t",
            b.timestamp.format("%Y-%m-%d %H:%M:%S%.f+00"),
            b.open,
            b.high,
            b.low,
            b.close
        );
        match b.adj_close {
            Some(adj) => {
                let _ = write!(out, "{adj}");
            }
            None => out.extend_from_slice(b"\\N"),
        }
        let _ = writeln!(out, "\t{}", i64::try_from(b.volume).unwrap_or(i64::MAX));
    }
    out
}

fn bar_from_row(row: &PgRow) -> Result<Bar> {
    Ok(Bar {
        timestamp: row.try_get("ts")?,
        open: row.try_get("open")?,
        high: row.try_get("high")?,
        low: row.try_get("low")?,
        close: row.try_get("close")?,
        adj_close: row.try_get("adj_close")?,
        volume: u64::try_from(row.try_get::<i64, _>("volume")?).unwrap_or(0),
    })
}

#[async_trait]
impl PriceStore for PostgresStore {
    /// Small batches (under 500 bars) go as one `INSERT ... SELECT
    /// FROM UNNEST(...)` of column arrays; larger ones are `COPY`'d into a
    /// temporary staging table and upserted from it by one `INSERT ... ON
    /// CONFLICT`, all in one transaction (see `benches/RESULTS.md`). The
    /// write runs on a task of its own, finishing even when the caller is
    /// cancelled, so the connection goes back to the pool clean.
    async fn upsert_bars(&self, symbol: &Symbol, interval: Interval, bars: &[Bar]) -> Result<u64> {
        if bars.is_empty() {
            return Ok(0);
        }
        // ON CONFLICT may touch a row only once per statement: a batch
        // naming a bar twice keeps its later copy (on both paths).
        let upsert = Upsert {
            pool: self.pool.clone(),
            symbol: symbol.clone(),
            interval,
            bars: bars_to_store(bars)?.into_owned(),
        };
        detached(upsert.run()).await
    }

    async fn bars(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Bar>> {
        let rows = sqlx::query(
            "SELECT ts, open, high, low, close, adj_close, volume FROM price_bars \
             WHERE symbol = $1 AND interval = $2 AND ($3::timestamptz IS NULL OR ts >= $3) AND ts < $4 ORDER BY ts",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(bar_from_row).collect()
    }

    async fn latest_bar(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Bar>> {
        let row = sqlx::query(
            "SELECT ts, open, high, low, close, adj_close, volume FROM price_bars \
             WHERE symbol = $1 AND interval = $2 ORDER BY ts DESC LIMIT 1",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(bar_from_row).transpose()
    }

    async fn coverage(&self, symbol: &Symbol, interval: Interval) -> Result<Option<Coverage>> {
        let row = sqlx::query(
            "SELECT from_ts, to_ts FROM price_coverage WHERE symbol = $1 AND interval = $2",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Coverage {
                from: r.try_get("from_ts")?,
                to: r.try_get("to_ts")?,
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
        sqlx::query(
            "INSERT INTO price_coverage (symbol, interval, from_ts, to_ts) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (symbol, interval) DO UPDATE SET \
               from_ts = CASE WHEN price_coverage.from_ts IS NULL OR EXCLUDED.from_ts IS NULL THEN NULL \
                              ELSE LEAST(price_coverage.from_ts, EXCLUDED.from_ts) END, \
               to_ts = GREATEST(price_coverage.to_ts, EXCLUDED.to_ts), updated_at = now()",
        )
        .bind(symbol.as_str())
        .bind(interval.as_str())
        .bind(fetched.from)
        .bind(fetched.to)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
    async fn stored_series(&self) -> Result<Vec<StoredSeries>> {
        let rows = sqlx::query(
            "SELECT symbol, interval, COALESCE(b.bars, 0) AS bars, b.first_ts, b.last_ts, c.from_ts, c.to_ts \
             FROM (SELECT symbol, interval, count(*) AS bars, min(ts) AS first_ts, max(ts) AS last_ts \
                   FROM price_bars GROUP BY symbol, interval) b \
             FULL JOIN price_coverage c USING (symbol, interval) \
             ORDER BY symbol COLLATE \"C\", interval COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let coverage = match row.try_get::<Option<DateTime<Utc>>, _>("to_ts")? {
                    Some(to) => Some(Coverage {
                        from: row.try_get("from_ts")?,
                        to,
                    }),
                    None => None,
                };
                Ok(StoredSeries {
                    symbol: Symbol::parse(row.try_get("symbol")?)?,
                    interval: row.try_get::<&str, _>("interval")?.parse()?,
                    bars: u64::try_from(row.try_get::<i64, _>("bars")?).unwrap_or(0),
                    first_bar: row.try_get("first_ts")?,
                    last_bar: row.try_get("last_ts")?,
                    coverage,
                })
            })
            .collect()
    }
}

#[async_trait]
impl SentimentStore for PostgresStore {
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> Result<()> {
        // On a task of its own, as the bar upserts: a caller cancelled
        // mid-transaction must not leave its connection half-written.
        let (pool, records) = (self.pool.clone(), records.to_vec());
        detached(async move { insert_sentiment(&pool, &records).await }).await
    }

    async fn sentiment_since(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
    ) -> Result<Vec<SentimentRecord>> {
        let rows = sqlx::query(
            "SELECT ts, platform, sentiment_score, confidence, mention_count, keywords, source_urls \
             FROM sentiment_data WHERE symbol = $1 AND ts >= $2 ORDER BY ts, id",
        )
        .bind(symbol.as_str())
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let sqlx::types::Json(keywords) = row.try_get("keywords")?;
                let sqlx::types::Json(source_urls) = row.try_get("source_urls")?;
                Ok(SentimentRecord {
                    symbol: symbol.clone(),
                    timestamp: row.try_get("ts")?,
                    detail: PlatformSentiment {
                        platform: row.try_get("platform")?,
                        sentiment_score: row.try_get("sentiment_score")?,
                        confidence: row.try_get("confidence")?,
                        mention_count: u32::try_from(row.try_get::<i32, _>("mention_count")?)
                            .unwrap_or(0),
                        keywords,
                        source_urls,
                    },
                })
            })
            .collect()
    }

    /// One transaction of `UNNEST` statements of at most 1000 posts, after
    /// a lock per symbol (see the `posts` module), on a task of its own as
    /// bar upserts are.
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
impl Store for PostgresStore {
    /// Closes the claims' connection (letting every backfill claim go)
    /// and the pool: idle connections at once, the ones in use when they
    /// are returned.
    async fn close(&self) {
        self.claims.close().await;
        self.pool.close().await;
    }

    /// `SELECT 1` on a pooled connection.
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("postgres ({}); {}", self.display_url, self.layout)
    }
}

/// [`PostgresStore::insert_sentiment`] on `pool`, in one transaction.
async fn insert_sentiment(pool: &PgPool, records: &[SentimentRecord]) -> Result<()> {
    let mut tx = pool.begin().await?;
    for r in records {
        sqlx::query(
            "INSERT INTO sentiment_data (symbol, ts, platform, sentiment_score, confidence, mention_count, keywords, source_urls) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.symbol.as_str())
        .bind(r.timestamp)
        .bind(&r.detail.platform)
        .bind(r.detail.sentiment_score)
        .bind(r.detail.confidence)
        .bind(i32::try_from(r.detail.mention_count).unwrap_or(i32::MAX))
        .bind(sqlx::types::Json(&r.detail.keywords))
        .bind(sqlx::types::Json(&r.detail.source_urls))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
