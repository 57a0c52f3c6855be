//! The PostgreSQL store's `sentiment_posts`: upserts of column arrays
//! (`UNNEST`) in one transaction, scores merged by `jsonb ||`.
//!
//! The table's key holds `created_at` (a TimescaleDB hypertable's unique
//! keys must hold its time column; see the migration), so a post is looked
//! up by (platform, post_id, symbol), the key's prefix, and a known post is
//! written with its row's own time: it stays one row even when a source
//! reports its time differently. A transaction-scoped advisory lock per
//! symbol keeps two writers from both finding a post new and inserting it
//! at two times.

use sqlx::{PgPool, QueryBuilder, Row};

use crate::error::Result;
use crate::model::{AuthorLabel, PostQuery, StoredPost, Symbol};
use crate::store::posts::{read_limit, runs};

/// Posts per statement (each column one array parameter).
const POSTS_PER_STATEMENT: usize = 1000;
/// Bytes of text and URLs per statement, about.
const BYTES_PER_STATEMENT: usize = 8 << 20;

/// Takes the lock of `symbol`'s posts until the transaction ends. The key
/// is a hash of the schema and the symbol, in the one-`bigint` advisory key
/// space the backfill claims also hash into under another prefix.
const LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended(\
     'tickersense.posts:' || current_schema() || ':' || $1, 0))";

/// One run of posts: each known key written at its row's time, merged;
/// each new one inserted. Gives how many were new.
const UPSERT: &str = "\
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],
                         $6::text[], $7::text[], $8::text[], $9::text[])
        AS i(platform, post_id, symbol, created_at, url, author, label, scores, text)
), resolved AS (
    SELECT i.platform, i.post_id, i.symbol, COALESCE(known.created_at, i.created_at) AS created_at,
           i.url, i.author, i.label, i.scores::jsonb AS scores, i.text, known.created_at IS NULL AS new
    FROM input i
    LEFT JOIN LATERAL (
        SELECT s.created_at FROM sentiment_posts s
        WHERE s.platform = i.platform AND s.post_id = i.post_id AND s.symbol = i.symbol
        ORDER BY s.created_at LIMIT 1
    ) known ON TRUE
), written AS (
    INSERT INTO sentiment_posts AS s (platform, post_id, symbol, created_at, url, author, label, scores, text)
    SELECT platform, post_id, symbol, created_at, url, author, label, scores, text FROM resolved
    ON CONFLICT (platform, post_id, symbol, created_at) DO UPDATE SET
        scores = s.scores || EXCLUDED.scores,
        label = COALESCE(s.label, EXCLUDED.label),
        url = CASE WHEN s.url = '' THEN EXCLUDED.url ELSE s.url END,
        author = COALESCE(s.author, EXCLUDED.author),
        text = COALESCE(s.text, EXCLUDED.text)
    RETURNING 1
)
SELECT count(*) FILTER (WHERE new) AS new FROM resolved";

/// Writes `posts` (checked and one per key already) in one transaction,
/// the symbols' locks taken first in byte order (so two writers never wait
/// on each other in a cycle); returns how many were new.
pub(super) async fn upsert(pool: &PgPool, posts: &[StoredPost]) -> Result<u64> {
    let mut symbols: Vec<&str> = posts.iter().map(|p| p.symbol.as_str()).collect();
    symbols.sort_unstable();
    symbols.dedup();
    let mut tx = pool.begin().await?;
    for symbol in symbols {
        sqlx::query(LOCK).bind(symbol).execute(&mut *tx).await?;
    }
    let mut new = 0u64;
    for run in runs(posts, POSTS_PER_STATEMENT, BYTES_PER_STATEMENT) {
        let column = |f: fn(&StoredPost) -> String| run.iter().map(f).collect::<Vec<String>>();
        let scores = run
            .iter()
            .map(|p| serde_json::to_string(&p.scores))
            .collect::<std::result::Result<Vec<String>, _>>()?;
        let written: i64 = sqlx::query_scalar(UPSERT)
            .bind(column(|p| p.platform.clone()))
            .bind(column(|p| p.id.clone()))
            .bind(column(|p| p.symbol.as_str().to_owned()))
            .bind(run.iter().map(|p| p.created_at).collect::<Vec<_>>())
            .bind(column(|p| p.url.clone()))
            .bind(run.iter().map(|p| p.author.clone()).collect::<Vec<_>>())
            .bind(
                run.iter()
                    .map(|p| p.label.map(AuthorLabel::as_str))
                    .collect::<Vec<_>>(),
            )
            .bind(scores)
            .bind(run.iter().map(|p| p.text.clone()).collect::<Vec<_>>())
            .fetch_one(&mut *tx)
            .await?;
        new += u64::try_from(written).unwrap_or(0);
    }
    tx.commit().await?;
    Ok(new)
}

/// The posts `query` asks for, newest first: one indexed range read (by
/// time alone, over every symbol, when the query names none).
pub(super) async fn read(pool: &PgPool, query: &PostQuery) -> Result<Vec<StoredPost>> {
    let limit = read_limit(query);
    if limit == 0 {
        return Ok(Vec::new());
    }
    // Conditions are written only when asked for, so each shape of query
    // gets a plan of its own rather than one generic plan of
    // `$1 IS NULL OR ...` that cannot use the indexes.
    let mut q = QueryBuilder::new(
        "SELECT platform, post_id, symbol, created_at, url, author, label, scores::text AS scores, text \
         FROM sentiment_posts WHERE created_at >= ",
    );
    q.push_bind(query.since);
    if let Some(symbol) = &query.symbol {
        q.push(" AND symbol = ").push_bind(symbol.as_str());
    }
    if let Some(until) = query.until {
        q.push(" AND created_at < ").push_bind(until);
    }
    if let Some(platform) = &query.platform {
        q.push(" AND platform = ").push_bind(platform);
    }
    if query.labelled_only {
        q.push(" AND label IS NOT NULL");
    }
    q.push(
        " ORDER BY created_at DESC, platform COLLATE \"C\" DESC, post_id COLLATE \"C\" DESC, \
         symbol COLLATE \"C\" DESC LIMIT ",
    )
    .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = q.build().fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(StoredPost {
                platform: row.try_get("platform")?,
                id: row.try_get("post_id")?,
                symbol: Symbol::parse(row.try_get("symbol")?)?,
                created_at: row.try_get("created_at")?,
                url: row.try_get("url")?,
                author: row.try_get("author")?,
                label: row
                    .try_get::<Option<&str>, _>("label")?
                    .and_then(AuthorLabel::parse),
                scores: serde_json::from_str(row.try_get("scores")?)?,
                text: row.try_get("text")?,
            })
        })
        .collect()
}
