//! The SQLite store's `sentiment_posts`: upserts in one `BEGIN IMMEDIATE`
//! transaction of multi-row statements, scores merged by `json_patch`.

use std::collections::BTreeMap;

use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::{from_ms, to_ms};
use crate::error::Result;
use crate::model::{AuthorLabel, PostQuery, StoredPost, Symbol};
use crate::store::posts::{read_limit, runs};

/// Posts per statement: 9 bound parameters each, far under SQLite's 32766.
const POSTS_PER_STATEMENT: usize = 500;
/// Bytes of text and URLs per statement, about.
const BYTES_PER_STATEMENT: usize = 4 << 20;

/// Writes `posts` (checked and one per key already) in one transaction;
/// returns how many were new. `BEGIN IMMEDIATE` takes the write lock
/// before the count of known keys, so no other writer slips in between the
/// count and the write (and a deferred transaction would fail to upgrade
/// its read lock instead of waiting for it).
pub(super) async fn upsert(pool: &SqlitePool, posts: &[StoredPost]) -> Result<u64> {
    let mut conn = pool.acquire().await?;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    let mut new = 0u64;
    for run in runs(posts, POSTS_PER_STATEMENT, BYTES_PER_STATEMENT) {
        let mut known = QueryBuilder::<Sqlite>::new(
            "SELECT count(*) FROM sentiment_posts WHERE (platform, post_id, symbol) IN (",
        );
        known.push_values(run, |mut row, post| {
            row.push_bind(&post.platform)
                .push_bind(&post.id)
                .push_bind(post.symbol.as_str());
        });
        known.push(")");
        let known: i64 = known.build_query_scalar().fetch_one(&mut *tx).await?;
        new += (run.len() as u64).saturating_sub(u64::try_from(known).unwrap_or(0));

        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO sentiment_posts (platform, post_id, symbol, created_at_ms, url, author, label, scores, text) ",
        );
        let scores: Vec<String> = run
            .iter()
            .map(|p| serde_json::to_string(&p.scores))
            .collect::<std::result::Result<_, _>>()?;
        q.push_values(run.iter().zip(&scores), |mut row, (post, scores)| {
            row.push_bind(&post.platform)
                .push_bind(&post.id)
                .push_bind(post.symbol.as_str())
                .push_bind(to_ms(post.created_at))
                .push_bind(&post.url)
                .push_bind(&post.author)
                .push_bind(post.label.map(AuthorLabel::as_str))
                .push_bind(scores)
                .push_bind(&post.text);
        });
        q.push(
            " ON CONFLICT (platform, post_id, symbol) DO UPDATE SET \
               scores = json_patch(sentiment_posts.scores, excluded.scores), \
               label = COALESCE(sentiment_posts.label, excluded.label), \
               url = CASE WHEN sentiment_posts.url = '' THEN excluded.url ELSE sentiment_posts.url END, \
               author = COALESCE(sentiment_posts.author, excluded.author), \
               text = COALESCE(sentiment_posts.text, excluded.text)",
        );
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(new)
}

/// The posts `query` asks for, newest first: one indexed range read.
pub(super) async fn read(pool: &SqlitePool, query: &PostQuery) -> Result<Vec<StoredPost>> {
    let limit = read_limit(query);
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT platform, post_id, symbol, created_at_ms, url, author, label, scores, text \
         FROM sentiment_posts WHERE created_at_ms >= ",
    );
    q.push_bind(to_ms(query.since));
    if let Some(symbol) = &query.symbol {
        q.push(" AND symbol = ").push_bind(symbol.as_str());
    }
    if let Some(until) = query.until {
        q.push(" AND created_at_ms < ").push_bind(to_ms(until));
    }
    if let Some(platform) = &query.platform {
        q.push(" AND platform = ").push_bind(platform);
    }
    if query.labelled_only {
        q.push(" AND label IS NOT NULL");
    }
    q.push(" ORDER BY created_at_ms DESC, platform DESC, post_id DESC, symbol DESC LIMIT ")
        .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = q.build().fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let scores: BTreeMap<String, f64> = serde_json::from_str(row.try_get("scores")?)?;
            Ok(StoredPost {
                platform: row.try_get("platform")?,
                id: row.try_get("post_id")?,
                symbol: Symbol::parse(row.try_get("symbol")?)?,
                created_at: from_ms(row.try_get("created_at_ms")?)?,
                url: row.try_get("url")?,
                author: row.try_get("author")?,
                label: row
                    .try_get::<Option<&str>, _>("label")?
                    .and_then(AuthorLabel::parse),
                scores,
                text: row.try_get("text")?,
            })
        })
        .collect()
}
