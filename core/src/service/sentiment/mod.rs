//! [`SentimentService`]: the current sentiment of a symbol from every social
//! source, the posts kept once each, and what is read back from them:
//! history, trend and agreement with authors' labels.
//!
//! - `current.rs`: asking the sources under one deadline, storing, caching.
//! - `scoring.rs`: scoring off the async workers, the per-platform report,
//!   the caller's own posts.
//! - `history.rs`: the daily figures and the trend.
//! - `agreement.rs`: analyzers against authors' labels.
//! - `posts.rs`: the sources' posts unscored, and the defaults of callers' posts.

mod agreement;
mod current;
mod history;
mod posts;
mod scoring;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};

use crate::cache::{namespace, Cache, KeyScope};
use crate::error::{Error, Result};
use crate::model::{SentimentRecord, Symbol};
use crate::resilience::Outage;
use crate::sentiment::Analyzer;
use crate::social::MentionSource;
use crate::store::SentimentStore;

pub use history::{MIN_TREND_POSTS, TREND_BAND};
pub use scoring::{MAX_SCORED_POSTS, OFF_WORKERS_BYTES, OFF_WORKERS_TEXTS};

/// Posts asked of each source per analysis (a source's answer is cut to
/// this many).
pub const POSTS_PER_SOURCE: usize = 100;
/// How far back the posts an analysis scores may go, in days: the
/// `since` every [`MentionSource::mentions`] call is given is this many
/// days before the analysis. A week, as a "what is being said lately"
/// window (the sample source's posts all lie in the last day).
pub const MENTION_WINDOW_DAYS: i64 = 7;
/// The look-back of the sentiment history calls when the caller does not
/// say, in days.
pub const DEFAULT_SENTIMENT_DAYS: u32 = 30;
/// The longest look-back of the sentiment history calls, in days.
pub const MAX_SENTIMENT_DAYS: u32 = 3650;
/// How long an analysis waits for its sources, all asked at once, unless
/// [`SentimentService::with_source_deadline`] says otherwise.
pub const DEFAULT_SOURCE_DEADLINE: StdDuration = StdDuration::from_secs(5);

/// Scores posts from every social source, reports per platform and overall,
/// and keeps every post (once) and every analysis in the store, so history,
/// trend and agreement have something to read. Cheap to clone.
#[derive(Clone)]
pub struct SentimentService {
    sources: Vec<Arc<dyn MentionSource>>,
    analyzer: Arc<dyn Analyzer>,
    cache: Arc<dyn Cache>,
    store: Arc<dyn SentimentStore>,
    scope: KeyScope,
    /// Score on a blocking thread: the analyzer is the user's and may call
    /// into Python or JS, or do anything else that blocks.
    analyzer_blocks: bool,
    /// How long a blocking analyzer may take per batch, and its outage
    /// state (named as the analyzer is in messages).
    analyzer_deadline: Option<(StdDuration, Arc<Outage>)>,
    /// How long an analysis waits for its sources.
    source_deadline: StdDuration,
    /// Whether stored posts keep their text.
    store_texts: bool,
}

impl SentimentService {
    /// A service over these backends: sources waited for
    /// [`DEFAULT_SOURCE_DEADLINE`], texts not stored. No I/O.
    pub fn new(
        sources: Vec<Arc<dyn MentionSource>>,
        analyzer: Arc<dyn Analyzer>,
        cache: Arc<dyn Cache>,
        store: Arc<dyn SentimentStore>,
    ) -> Self {
        let scope = KeyScope::of(analyzer.name());
        SentimentService {
            sources,
            analyzer,
            cache,
            store,
            scope,
            analyzer_blocks: false,
            analyzer_deadline: None,
            source_deadline: DEFAULT_SOURCE_DEADLINE,
            store_texts: false,
        }
    }

    /// The same service scoring on a blocking thread
    /// ([`tokio::task::spawn_blocking`]) whatever the batch when `blocks`:
    /// for an analyzer of the user's, which may call into Python or JS
    /// (taking their locks) and must never hold a runtime worker meanwhile.
    /// Costs a thread hand-off per batch. The built-in analyzers are pure
    /// CPU and go to a blocking thread only for a batch over
    /// [`OFF_WORKERS_TEXTS`] texts or [`OFF_WORKERS_BYTES`] bytes.
    pub fn with_blocking_analyzer(mut self, blocks: bool) -> Self {
        self.analyzer_blocks = blocks;
        self
    }

    /// The same service giving a blocking analyzer (see
    /// [`with_blocking_analyzer`](Self::with_blocking_analyzer)) at most
    /// `timeout` per batch: past it the analysis fails with `Timeout`
    /// naming the analyzer as `outage` does, and `outage` keeps the analyzer
    /// skipped (`Unavailable`) for its back-off window. A thread cannot be
    /// stopped from outside: the one scoring is left to finish on its own,
    /// its scores dropped, and holds a blocking-pool thread until then.
    /// Costs a timer per batch.
    pub fn with_analyzer_deadline(mut self, timeout: StdDuration, outage: Arc<Outage>) -> Self {
        self.analyzer_deadline = Some((timeout, outage));
        self
    }

    /// The same service waiting at most `deadline` for its sources in each
    /// analysis (all are asked at once; default [`DEFAULT_SOURCE_DEADLINE`]):
    /// a source still busy then is listed `timed_out` and its request
    /// dropped. A zero deadline times every source out.
    pub fn with_source_deadline(mut self, deadline: StdDuration) -> Self {
        self.source_deadline = deadline;
        self
    }

    /// The same service keeping each post's text in the post store when
    /// `store_texts` (off by default: texts are the platforms' users'
    /// words, and history, trend and agreement need only the scores).
    pub fn with_store_texts(mut self, store_texts: bool) -> Self {
        self.store_texts = store_texts;
        self
    }

    /// The same service with cache keys scoped by `identity` (its sources'
    /// redacted URLs and the analyzer, say): clients reading other sources
    /// or scoring otherwise, sharing one cache, never read these values.
    pub fn with_cache_scope(mut self, identity: &str) -> Self {
        self.scope = KeyScope::of(identity);
        self
    }

    /// The name scores of this service's analyzer are stored under.
    fn analyzer_name(&self) -> &str {
        self.analyzer.name()
    }

    /// Drops the cached values of `namespace` (a sentiment namespace) for
    /// the symbol `key` (normalised as [`Symbol::parse`] does), in this
    /// service's scope. Other namespaces are `InvalidInput`. One cache
    /// delete for the current sentiment; for the history, a delete by key
    /// prefix, which scans the namespace's keys (O(keys)).
    pub async fn invalidate(&self, namespace: &str, key: &str) -> Result<()> {
        let symbol = Symbol::parse(key)?;
        match namespace {
            namespace::SENTIMENT_CURRENT => {
                let key = self.scope.key(symbol.as_str());
                self.cache.invalidate(namespace, Some(&key)).await;
            }
            namespace::SENTIMENT_HISTORY => {
                let prefix = self.scope.key(&format!("{symbol}:"));
                self.cache.invalidate_prefix(namespace, &prefix).await;
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "{} is not a sentiment cache namespace",
                    crate::error::echo(other)
                )))
            }
        }
        Ok(())
    }

    /// Stored analyses of the last `days` days (1 to 3650), oldest first:
    /// one store query, O(analyses).
    pub async fn analyses(&self, symbol: &Symbol, days: u32) -> Result<Vec<SentimentRecord>> {
        self.store.sentiment_since(symbol, days_back(days)?).await
    }
}

/// `days` checked as a look-back of 1 to [`MAX_SENTIMENT_DAYS`] days.
fn checked_days(days: u32) -> Result<u32> {
    if !(1..=MAX_SENTIMENT_DAYS).contains(&days) {
        return Err(Error::invalid_input(format!(
            "days must be 1 to {MAX_SENTIMENT_DAYS}, not {days}"
        )));
    }
    Ok(days)
}

/// The instant `days` days ago, for a look-back of 1 to [`MAX_SENTIMENT_DAYS`] days.
fn days_back(days: u32) -> Result<chrono::DateTime<Utc>> {
    Ok(Utc::now() - Duration::days(i64::from(checked_days(days)?)))
}

/// The mean of `values` weighted by their counts (0 without weight).
fn weighted_mean(values: impl Iterator<Item = (f64, u32)>) -> f64 {
    let (sum, weight) = values.fold((0.0, 0.0), |(s, w), (v, n)| {
        (s + v * f64::from(n), w + f64::from(n))
    });
    if weight > 0.0 {
        sum / weight
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_backs_are_bounded() {
        assert!(checked_days(0).is_err());
        assert_eq!(checked_days(1).unwrap(), 1);
        assert_eq!(
            checked_days(MAX_SENTIMENT_DAYS).unwrap(),
            MAX_SENTIMENT_DAYS
        );
        let err = checked_days(MAX_SENTIMENT_DAYS + 1).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn means_are_weighted_by_mentions() {
        assert_eq!(weighted_mean([(0.0, 30), (0.4, 10)].into_iter()), 0.1);
        assert_eq!(weighted_mean(std::iter::empty()), 0.0);
    }
}
