//! [`SentimentService::current`]: every source asked at once under one
//! deadline, each listed with how it answered; the posts scored, stored
//! once each, and the analysis stored and cached.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;

use chrono::{DateTime, Duration, Utc};
use futures::FutureExt;

use super::scoring::Scored;
use super::{weighted_mean, SentimentService, MENTION_WINDOW_DAYS, POSTS_PER_SOURCE};
use crate::cache::{get_value, namespace, set_value};
use crate::error::{echo, Error, ErrorKind, Result};
use crate::model::{
    PlatformSentiment, Post, SentimentAnalysis, SentimentRecord, SourceState, SourceStatus,
    StoredPost, Symbol, Trend,
};
use crate::store::{post_problem, MAX_POST_TEXT_BYTES};

/// What the sources said in one analysis: one status per source in the
/// order configured, the posts of those that answered, and the first
/// error (in that order) of those that did not.
struct Answers {
    statuses: Vec<SourceStatus>,
    posts: Vec<Post>,
    answered: usize,
    first_error: Option<Error>,
}

impl SentimentService {
    /// The current sentiment of `symbol`: served from the cache while fresh
    /// (`sentiment_current` policy); otherwise every source is asked at
    /// once for posts of the last [`MENTION_WINDOW_DAYS`] days (at most
    /// [`POSTS_PER_SOURCE`] each), each on a task of its own, and waited for
    /// until the source deadline ([`with_source_deadline`](Self::with_source_deadline),
    /// 5 s by default).
    ///
    /// `sources` lists every source in the order configured: `ok` with its
    /// posts; `not_configured` (never asked) when it lacks credentials;
    /// `rate_limited` (with `retry_after`), `timed_out` (its own timeout or
    /// the deadline) or `failed`, with a short reason, when it did not
    /// answer. Such a source does not fail the call: it fails only when no
    /// source answered (with the first source's error, in that order; with
    /// `Unavailable` when every source is unconfigured), and is `NotFound`
    /// when those that answered had no post.
    ///
    /// Posts are de-duplicated by (platform, id), texts cut to
    /// [`MAX_POST_TEXT_BYTES`], and scored in one batch, on a blocking
    /// thread for one over [`OFF_WORKERS_TEXTS`](super::OFF_WORKERS_TEXTS)
    /// texts or [`OFF_WORKERS_BYTES`](super::OFF_WORKERS_BYTES) bytes (or
    /// whatever its size, for a blocking analyzer): an analyzer's error, or
    /// one score too many or too few, fails the call. Each platform is
    /// reported with its mean score, the seed's confidence (`abs(mean)`),
    /// its mention count, its top ten keywords but the symbol's own ticker
    /// and cashtag, and up to ten links; the overall figure is the mean of
    /// the platforms' weighted by mentions. Every post is kept once in the
    /// post store with this analyzer's score (its text too when
    /// [`with_store_texts`](Self::with_store_texts)), the per-platform
    /// analysis is appended, and the trend is then read from the stored
    /// posts ([`trend`](Self::trend)). A sentiment store that is down never
    /// fails the call: the trend is then `insufficient_data` and the
    /// analysis comes back with `stored: false`.
    ///
    /// Costs one request per configured source, O(posts + text) of CPU,
    /// one post upsert, one append and one post read (8 days of the
    /// symbol's posts) in the store, and a cache write.
    pub async fn current(&self, symbol: &Symbol) -> Result<SentimentAnalysis> {
        let key = self.scope.key(symbol.as_str());
        if let Some(analysis) =
            get_value(self.cache.as_ref(), namespace::SENTIMENT_CURRENT, &key).await
        {
            return Ok(analysis);
        }
        let since = Utc::now() - Duration::days(MENTION_WINDOW_DAYS);
        let answers = self.ask_sources(symbol, since).await;
        if answers.answered == 0 {
            return Err(answers.first_error.unwrap_or_else(|| {
                Error::unavailable(format!(
                    "no social source can be asked for {symbol}: {}",
                    unconfigured(&answers.statuses)
                ))
            }));
        }
        let posts = distinct(answers.posts);
        if posts.is_empty() {
            return Err(Error::not_found(format!(
                "no recent posts mention {symbol}"
            )));
        }
        let exclude = vec![symbol.as_str().to_ascii_lowercase(), format!("${symbol}")];
        let Scored {
            posts,
            scores,
            platforms,
        } = self.score_and_report(posts, exclude).await?;

        let now = Utc::now();
        let mention_volume: u32 = platforms.iter().map(|p| p.mention_count).sum();
        let current = weighted_mean(
            platforms
                .iter()
                .map(|p| (p.sentiment_score, p.mention_count)),
        );
        let stored = self.keep(symbol, &posts, &scores, &platforms, now).await;
        let sentiment_trend = match self.trend(symbol).await {
            Ok(report) => report.trend,
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "sentiment store unreadable; trend unknown: {}", err.message());
                Trend::InsufficientData
            }
        };
        let analysis = SentimentAnalysis {
            symbol: symbol.clone(),
            current_sentiment: current,
            sentiment_trend,
            mention_volume,
            analysis_timestamp: now,
            platforms,
            sources: answers.statuses,
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

    /// Asks every configured source at once, each on a task of its own (a
    /// source busy on its thread cannot hold up the deadline or the others),
    /// and waits until all have answered or the deadline has passed; the
    /// tasks still running then are aborted (the `JoinSet` is dropped).
    async fn ask_sources(&self, symbol: &Symbol, since: DateTime<Utc>) -> Answers {
        let deadline = tokio::time::Instant::now() + self.source_deadline;
        let mut answers: Vec<Option<Result<Vec<Post>>>> = Vec::new();
        answers.resize_with(self.sources.len(), || None);
        let mut tasks = tokio::task::JoinSet::new();
        for (at, source) in self.sources.iter().enumerate() {
            if source.not_configured().is_some() {
                continue;
            }
            let (source, symbol) = (source.clone(), symbol.clone());
            tasks.spawn(async move {
                let asked = source.mentions(&symbol, since, POSTS_PER_SOURCE);
                let answer = AssertUnwindSafe(asked)
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|panic| Err(Error::from_panic(&*panic)));
                (at, answer)
            });
        }
        while let Ok(Some(joined)) = tokio::time::timeout_at(deadline, tasks.join_next()).await {
            // A task only fails to join when its runtime is going away:
            // its source is then listed as failed below.
            if let Ok((at, answer)) = joined {
                answers[at] = Some(answer);
            }
        }
        let past_deadline = !tasks.is_empty();
        drop(tasks);

        let mut out = Answers {
            statuses: Vec::with_capacity(self.sources.len()),
            posts: Vec::new(),
            answered: 0,
            first_error: None,
        };
        for (source, answer) in self.sources.iter().zip(answers) {
            let platform = source.platform().to_owned();
            if let Some(reason) = source.not_configured() {
                out.statuses.push(SourceStatus {
                    platform,
                    state: SourceState::NotConfigured,
                    posts: 0,
                    reason: Some(echo(reason)),
                    retry_after: None,
                });
                continue;
            }
            let answer = answer.unwrap_or_else(|| {
                Err(if past_deadline {
                    Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "the {platform} source gave no answer within {:?}",
                            self.source_deadline
                        ),
                    )
                } else {
                    Error::unavailable(format!(
                        "the {platform} source was cancelled with its runtime"
                    ))
                })
            });
            match answer {
                Ok(mut posts) => {
                    posts.truncate(POSTS_PER_SOURCE);
                    out.statuses.push(SourceStatus {
                        platform,
                        state: SourceState::Ok,
                        posts: u32::try_from(posts.len()).unwrap_or(u32::MAX),
                        reason: None,
                        retry_after: None,
                    });
                    out.posts.extend(posts);
                    out.answered += 1;
                }
                Err(err) => {
                    tracing::warn!(%symbol, %platform, kind = %err.kind(), "social source failed: {}", err.message());
                    let state = match err.kind() {
                        ErrorKind::RateLimited => SourceState::RateLimited,
                        ErrorKind::Timeout => SourceState::TimedOut,
                        _ => SourceState::Failed,
                    };
                    out.statuses.push(SourceStatus {
                        platform,
                        state,
                        posts: 0,
                        reason: Some(echo(err.message())),
                        retry_after: err.retry_after().map(|after| after.as_secs_f64()),
                    });
                    out.first_error.get_or_insert(err);
                }
            }
        }
        out
    }

    /// Keeps `posts` (with `scores`, this analyzer's) in the post store and
    /// the per-platform analysis beside them; false when either write
    /// failed (logged). A post the store could not take (an empty or
    /// oversized id, a non-finite score) is left out of it and counted in
    /// one log line.
    async fn keep(
        &self,
        symbol: &Symbol,
        posts: &[Post],
        scores: &[f64],
        platforms: &[PlatformSentiment],
        now: DateTime<Utc>,
    ) -> bool {
        let analyzer = self.analyzer_name();
        let mut unfit = 0usize;
        let stored: Vec<StoredPost> = posts
            .iter()
            .zip(scores)
            .map(|(post, score)| StoredPost {
                platform: post.platform.clone(),
                id: post.id.clone(),
                symbol: symbol.clone(),
                created_at: post.created_at,
                url: post.url.clone(),
                author: post.author.clone(),
                label: post.label,
                scores: [(analyzer.to_owned(), *score)].into(),
                text: self.store_texts.then(|| post.text.clone()),
            })
            .filter(|post| {
                let fit = post_problem(post).is_none();
                unfit += usize::from(!fit);
                fit
            })
            .collect();
        if unfit > 0 {
            tracing::warn!(%symbol, posts = unfit, "posts the store cannot keep (empty or oversized ids, non-finite scores) were left out of it");
        }
        let posts_kept = match self.store.upsert_posts(&stored).await {
            Ok(_) => true,
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "post store write failed; history and trend will miss these posts: {}", err.message());
                false
            }
        };
        let records: Vec<SentimentRecord> = platforms
            .iter()
            .map(|p| SentimentRecord {
                symbol: symbol.clone(),
                timestamp: now,
                detail: p.clone(),
            })
            .collect();
        let records_kept = match self.store.insert_sentiment(&records).await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "sentiment store write failed; the analysis is returned unstored: {}", err.message());
                false
            }
        };
        posts_kept && records_kept
    }
}

/// `posts` once per (platform, id), the first copy kept (sources answer
/// newest first), each text cut to [`MAX_POST_TEXT_BYTES`]. O(posts).
fn distinct(posts: Vec<Post>) -> Vec<Post> {
    let mut seen: HashSet<(String, String)> = HashSet::with_capacity(posts.len());
    posts
        .into_iter()
        .filter(|post| seen.insert((post.platform.clone(), post.id.clone())))
        .map(|mut post| {
            crate::store::posts::cut(&mut post.text, MAX_POST_TEXT_BYTES);
            post
        })
        .collect()
}

/// The unconfigured sources among `statuses`, with their reasons, for the
/// error of an analysis that could ask none.
fn unconfigured(statuses: &[SourceStatus]) -> String {
    if statuses.is_empty() {
        return "none is configured".to_owned();
    }
    let listed: Vec<String> = statuses
        .iter()
        .map(|s| match &s.reason {
            Some(reason) => format!("{} is not configured ({reason})", s.platform),
            None => format!("{} is not configured", s.platform),
        })
        .collect();
    listed.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_kept_once_per_platform_and_id() {
        let at = Utc::now();
        let posts = vec![
            Post::new("x", "1", "first", "", at),
            Post::new("reddit", "1", "other platform", "", at),
            Post::new("x", "1", "again", "", at),
            Post::new("x", "2", "é".repeat(MAX_POST_TEXT_BYTES), "", at),
        ];
        let kept = distinct(posts);
        let texts: Vec<usize> = kept.iter().map(|p| p.text.len()).collect();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[0].text, "first");
        assert_eq!(texts[2], MAX_POST_TEXT_BYTES);
    }
}
