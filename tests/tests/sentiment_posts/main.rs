//! Posts stored once: a week of posts shows history and trend computed from
//! them, repeated analyses count no post twice, the cache serves a second
//! call, agreement with authors' labels is exact (memory, SQLite and the
//! running PostgreSQL); a slow, failing, rate-limited or unconfigured source
//! is listed without failing the call; and 10,000 posts are scored without
//! stalling the runtime.

mod batches;
mod sources;
mod week;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use tickersense::cache::{Cache, NoCache};
use tickersense::model::{AuthorLabel, PostQuery, SourceState};
use tickersense::sentiment::analyzer_by_name;
use tickersense::service::SentimentService;
use tickersense::social::{MentionSource, NotConfigured};
use tickersense::store::{MemoryStore, SentimentStore};
use tickersense::{Error, ErrorKind, Post, Result, Symbol, Tickersense, Trend};
use tickersense_tests::{service_url, PgSchema};

const POSITIVE: &str = "$TSLA great quarter, great guidance";
const NEGATIVE: &str = "$TSLA terrible quarter, terrible guidance";
const NEUTRAL: &str = "$TSLA quarter report tonight";

/// The week of posts: hours before now, text, and the author's label. Six
/// in the last 24 hours (five positive, one neutral), ten in the 7 days
/// before (three positive, six negative, one neutral); nine labelled:
/// bullish on four positive texts, one negative and one neutral, bearish on
/// two negative texts and one positive.
const WEEK: [(i64, &str, Option<AuthorLabel>); 16] = {
    use AuthorLabel::{Bearish as Bear, Bullish as Bull};
    [
        (1, POSITIVE, Some(Bull)),
        (3, POSITIVE, Some(Bull)),
        (5, POSITIVE, None),
        (8, POSITIVE, Some(Bull)),
        (12, NEUTRAL, Some(Bull)),
        (20, POSITIVE, None),
        (30, NEGATIVE, Some(Bear)),
        (50, NEGATIVE, Some(Bear)),
        (70, POSITIVE, Some(Bear)),
        (75, NEGATIVE, None),
        (95, NEGATIVE, Some(Bull)),
        (110, POSITIVE, Some(Bull)),
        (125, NEGATIVE, None),
        (140, NEGATIVE, None),
        (150, NEUTRAL, None),
        (166, POSITIVE, None),
    ]
};

/// A StockTwits-like source answering with [`WEEK`] as of `now`, counting
/// the times it is asked.
struct Week {
    posts: Vec<Post>,
    calls: AtomicUsize,
}

impl Week {
    fn new(now: DateTime<Utc>) -> Self {
        let posts = WEEK
            .iter()
            .enumerate()
            .map(|(n, (hours, text, label))| {
                let id = format!("st-{n}");
                let mut post = Post::new(
                    "stocktwits",
                    id.clone(),
                    *text,
                    format!("https://stocktwits.invalid/{id}"),
                    now - chrono::Duration::hours(*hours),
                );
                post.author = Some(format!("trader{n}"));
                post.label = *label;
                post
            })
            .collect();
        Week {
            posts,
            calls: AtomicUsize::new(0),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }
}

#[async_trait]
impl MentionSource for Week {
    fn platform(&self) -> &str {
        "stocktwits"
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut posts = self.posts.clone();
        tickersense::social::keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

/// The texts score as their names say, by both analyzers.
fn check_signs() {
    for name in ["textblob", "vader"] {
        let analyzer = analyzer_by_name(name).unwrap();
        assert!(analyzer.score(POSITIVE).polarity > 0.0, "{name}");
        assert!(analyzer.score(NEGATIVE).polarity < 0.0, "{name}");
        assert_eq!(analyzer.score(NEUTRAL).polarity, 0.0, "{name}");
    }
}

/// A service scoring with VADER over `sources`, `store` and no cache,
/// waiting 300 ms for its sources.
fn vader_service(
    sources: Vec<Arc<dyn MentionSource>>,
    store: Arc<MemoryStore>,
) -> SentimentService {
    let cache: Arc<dyn Cache> = Arc::new(NoCache);
    SentimentService::new(sources, analyzer_by_name("vader").unwrap(), cache, store)
        .with_source_deadline(Duration::from_millis(300))
}
