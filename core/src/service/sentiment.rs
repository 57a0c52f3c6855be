use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, Utc};

use crate::cache::{get_value, namespace, set_value, Cache, KeyScope};
use crate::error::{Error, Result};
use crate::model::{
    DailySentiment, PlatformSentiment, Post, SentimentAnalysis, SentimentRecord, Symbol, Trend,
};
use crate::resilience::Outage;
use crate::sentiment::{top_keywords, Analyzer};
use crate::social::MentionSource;
use crate::store::SentimentStore;

mod posts;

/// Posts asked of each source per analysis.
pub const POSTS_PER_SOURCE: usize = 100;
/// How far back the posts an analysis scores may go, in days: the
/// `since` every [`MentionSource::mentions`] call is given is this many
/// days before the analysis. A week, as a "what is being said lately"
/// window (the sample source's posts all lie in the last day).
pub const MENTION_WINDOW_DAYS: i64 = 7;
/// The look-back of the sentiment history calls when the caller does not
/// say, in days.
pub const DEFAULT_SENTIMENT_DAYS: u32 = 30;
/// How far back stored analyses count for the trend.
pub const TREND_WINDOW_DAYS: i64 = 7;
/// How far the current sentiment must move from the recent average to count
/// as improving or declining.
pub const TREND_BAND: f64 = 0.05;

/// Scores posts from every social source, reports per platform and overall,
/// and keeps every analysis in the store so trends have history to use.
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
    analyzer_deadline: Option<(std::time::Duration, Arc<Outage>)>,
}

impl SentimentService {
    /// A service over these backends.
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
        }
    }

    /// The same service scoring on a blocking thread
    /// ([`tokio::task::spawn_blocking`]) when `blocks`: for an analyzer of
    /// the user's, which may call into Python or JS (taking their locks) and
    /// must never hold a runtime worker meanwhile. Costs a thread hand-off
    /// and a copy of the texts per platform; the built-in analyzers are
    /// pure CPU over a batch of at most [`POSTS_PER_SOURCE`] posts per
    /// source, quicker to score in place.
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
    pub fn with_analyzer_deadline(
        mut self,
        timeout: std::time::Duration,
        outage: Arc<Outage>,
    ) -> Self {
        self.analyzer_deadline = Some((timeout, outage));
        self
    }

    /// One score per text of `texts`, from [`Analyzer::try_score_many`],
    /// on a blocking thread when the analyzer may block.
    async fn score(&self, texts: &[&str]) -> Result<Vec<crate::model::Score>> {
        let scores = if self.analyzer_blocks {
            if let Some((_, outage)) = &self.analyzer_deadline {
                outage.check()?;
            }
            let analyzer = self.analyzer.clone();
            let owned: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
            let scoring = tokio::task::spawn_blocking(move || {
                let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
                analyzer.try_score_many(&texts)
            });
            let scored = match &self.analyzer_deadline {
                Some((timeout, outage)) => match tokio::time::timeout(*timeout, scoring).await {
                    Ok(scored) => {
                        outage.succeeded();
                        if matches!(&scored, Ok(Err(err)) if err.kind().is_upstream_fault()) {
                            outage.counted();
                        }
                        scored
                    }
                    Err(_) => return Err(outage.timed_out("score", *timeout)),
                },
                None => scoring.await,
            };
            match scored {
                Ok(scores) => scores?,
                Err(err) if err.is_panic() => return Err(Error::from_panic(&*err.into_panic())),
                Err(_) => return Err(Error::unavailable("scoring was cancelled with its runtime")),
            }
        } else {
            self.analyzer.try_score_many(texts)?
        };
        if scores.len() != texts.len() {
            return Err(Error::internal(format!(
                "the analyzer {} gave {} scores for {} texts",
                crate::error::echo(self.analyzer.name()),
                scores.len(),
                texts.len()
            )));
        }
        Ok(scores)
    }

    /// The same service with cache keys scoped by `identity` (its sources'
    /// redacted URLs and the analyzer, say): clients reading other sources
    /// or scoring otherwise, sharing one cache, never read these values.
    pub fn with_cache_scope(mut self, identity: &str) -> Self {
        self.scope = KeyScope::of(identity);
        self
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

    /// The current sentiment of `symbol`: served from the cache while fresh
    /// (`sentiment_current` policy); otherwise every source is asked at once,
    /// each post scored, the result stored and cached. A failing source is
    /// logged and left out; if all fail the first error is returned, and if
    /// none has a post the answer is `NotFound`. Sources are asked for posts
    /// of the last [`MENTION_WINDOW_DAYS`] days. The posts are scored with
    /// [`Analyzer::try_score_many`]: an analyzer's error fails the call with
    /// it, as does an analyzer giving other than one score per text
    /// (`Internal`). A sentiment store that is down never fails the call:
    /// the trend is then `Unknown` (when the store cannot be read) and the
    /// analysis comes back with `stored: false` (when it cannot be written).
    pub async fn current(&self, symbol: &Symbol) -> Result<SentimentAnalysis> {
        let key = self.scope.key(symbol.as_str());
        if let Some(analysis) =
            get_value(self.cache.as_ref(), namespace::SENTIMENT_CURRENT, &key).await
        {
            return Ok(analysis);
        }
        let since = Utc::now() - Duration::days(MENTION_WINDOW_DAYS);
        let answers = futures::future::join_all(
            self.sources
                .iter()
                .map(|s| s.mentions(symbol, since, POSTS_PER_SOURCE)),
        )
        .await;
        let mut posts: Vec<Post> = Vec::new();
        let mut first_error = None;
        let any_ok = answers.iter().any(Result::is_ok);
        for (source, answer) in self.sources.iter().zip(answers) {
            match answer {
                Ok(found) => posts.extend(found),
                Err(err) => {
                    tracing::warn!(%symbol, platform = source.platform(), kind = %err.kind(), "social source failed: {}", err.message());
                    first_error.get_or_insert(err);
                }
            }
        }
        if !any_ok {
            return Err(
                first_error.unwrap_or_else(|| Error::unavailable("no social source is configured"))
            );
        }
        if posts.is_empty() {
            return Err(Error::not_found(format!(
                "no recent posts mention {symbol}"
            )));
        }

        let mut by_platform: BTreeMap<&str, Vec<&Post>> = BTreeMap::new();
        for post in &posts {
            by_platform
                .entry(post.platform.as_str())
                .or_default()
                .push(post);
        }
        let mut platforms = Vec::with_capacity(by_platform.len());
        for (platform, posts) in by_platform {
            let texts: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
            let scores = self.score(&texts).await?;
            let mean = scores.iter().map(|s| s.polarity).sum::<f64>() / scores.len() as f64;
            platforms.push(PlatformSentiment {
                platform: platform.to_owned(),
                sentiment_score: mean,
                confidence: mean.abs(),
                mention_count: u32::try_from(posts.len()).unwrap_or(u32::MAX),
                keywords: top_keywords(&texts, 10),
                source_urls: posts.iter().take(10).map(|p| p.url.clone()).collect(),
            });
        }

        let now = Utc::now();
        let mention_volume: u32 = platforms.iter().map(|p| p.mention_count).sum();
        let current = weighted_mean(
            platforms
                .iter()
                .map(|p| (p.sentiment_score, p.mention_count)),
        );
        let earlier = self.store.sentiment_since(symbol, now - Duration::days(TREND_WINDOW_DAYS)).await.unwrap_or_else(|err| {
            tracing::warn!(%symbol, kind = %err.kind(), "sentiment store unreadable; trend unknown: {}", err.message());
            Vec::new()
        });
        let sentiment_trend = trend(current, &earlier);
        let records: Vec<SentimentRecord> = platforms
            .iter()
            .map(|p| SentimentRecord {
                symbol: symbol.clone(),
                timestamp: now,
                detail: p.clone(),
            })
            .collect();
        let stored = match self.store.insert_sentiment(&records).await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "sentiment store write failed; the analysis is returned unstored: {}", err.message());
                false
            }
        };
        let analysis = SentimentAnalysis {
            symbol: symbol.clone(),
            current_sentiment: current,
            sentiment_trend,
            mention_volume,
            analysis_timestamp: now,
            platforms,
            sources: Vec::new(),
            stored,
        };
        set_value(
            self.cache.as_ref(),
            namespace::SENTIMENT_CURRENT,
            &key,
            &analysis,
        )
        .await;
        Ok(analysis)
    }

    /// Stored analyses of the last `days` days (1 to 3650), oldest first:
    /// one store query, O(analyses).
    pub async fn analyses(&self, symbol: &Symbol, days: u32) -> Result<Vec<SentimentRecord>> {
        self.store.sentiment_since(symbol, days_back(days)?).await
    }

    /// The stored posts of the last `days` days (1 to 3650) summed up per
    /// UTC day of posting, oldest first, scored by this service's analyzer;
    /// only `platform`'s posts when given. The seed's
    /// `/sentiment/{symbol}/history`. One store read, O(posts).
    pub async fn daily(
        &self,
        symbol: &Symbol,
        days: u32,
        platform: Option<&str>,
    ) -> Result<Vec<DailySentiment>> {
        let _ = (symbol, days_back(days)?, platform);
        Err(Error::internal("daily from posts is not built yet"))
    }

    /// The trend of `symbol`: its stored posts of the last 24 hours against
    /// those of the 7 days before. One store read, O(posts).
    pub async fn trend(&self, symbol: &Symbol) -> Result<crate::model::TrendReport> {
        let _ = symbol;
        Err(Error::internal("the trend from posts is not built yet"))
    }

    /// How often each analyzer's sign agrees with the authors' own labels
    /// on the stored labelled posts of the last `days` days (1 to 3650), of
    /// `symbol` or of every symbol. One store read, O(labelled posts).
    pub async fn agreement(
        &self,
        symbol: Option<&Symbol>,
        days: u32,
    ) -> Result<crate::model::SentimentAgreement> {
        let _ = (symbol, days_back(days)?);
        Err(Error::internal("agreement is not built yet"))
    }

    /// `posts` the caller brought, scored by this service's analyzer (off
    /// the async workers for a large batch) and reported per platform as an
    /// analysis would; nothing stored or cached. O(posts).
    pub async fn score_posts(&self, posts: Vec<Post>) -> Result<crate::model::PostScores> {
        let _ = posts;
        Err(Error::internal("score_posts is not built yet"))
    }
}

/// The longest look-back of the sentiment history calls, in days.
pub const MAX_SENTIMENT_DAYS: u32 = 3650;

/// The instant `days` days ago, for a look-back of 1 to [`MAX_SENTIMENT_DAYS`] days.
fn days_back(days: u32) -> Result<chrono::DateTime<Utc>> {
    if !(1..=MAX_SENTIMENT_DAYS).contains(&days) {
        return Err(Error::invalid_input(format!(
            "days must be 1 to {MAX_SENTIMENT_DAYS}, not {days}"
        )));
    }
    Ok(Utc::now() - Duration::days(i64::from(days)))
}

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

/// Compares `current` with the mention-weighted mean of `earlier`.
fn trend(current: f64, earlier: &[SentimentRecord]) -> Trend {
    if earlier.is_empty() {
        return Trend::InsufficientData;
    }
    let baseline = weighted_mean(
        earlier
            .iter()
            .map(|r| (r.detail.sentiment_score, r.detail.mention_count)),
    );
    match current - baseline {
        d if d > TREND_BAND => Trend::Rising,
        d if d < -TREND_BAND => Trend::Falling,
        _ => Trend::Stable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PlatformSentiment;

    fn record(score: f64, count: u32) -> SentimentRecord {
        SentimentRecord {
            symbol: Symbol::parse("X").unwrap(),
            timestamp: Utc::now(),
            detail: PlatformSentiment {
                platform: "p".into(),
                sentiment_score: score,
                confidence: score.abs(),
                mention_count: count,
                keywords: vec![],
                source_urls: vec![],
            },
        }
    }

    #[test]
    fn trend_compares_with_weighted_history() {
        assert_eq!(trend(0.3, &[]), Trend::InsufficientData);
        let earlier = [record(0.0, 30), record(0.4, 10)];
        assert_eq!(trend(0.2, &earlier), Trend::Rising, "baseline is 0.1");
        assert_eq!(trend(0.12, &earlier), Trend::Stable);
        assert_eq!(trend(-0.1, &earlier), Trend::Falling);
    }
}
