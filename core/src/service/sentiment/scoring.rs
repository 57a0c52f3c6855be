//! Scoring a batch of posts and the per-platform report an analysis gives
//! for it, off the async workers when the batch is large or the analyzer
//! may block; and [`SentimentService::score_posts`] for the caller's own.

use std::collections::BTreeMap;

use super::{weighted_mean, SentimentService};
use crate::error::{echo, Error, Result};
use crate::model::{PlatformSentiment, Post, PostScores};
use crate::sentiment::{top_keywords_excluding, Analyzer};
use crate::store::{MAX_POST_PLATFORM_BYTES, MAX_POST_TEXT_BYTES};

/// A batch of more texts than this is scored on a blocking thread
/// ([`tokio::task::spawn_blocking`]) rather than on the async worker that
/// asked. The built-in analyzers score this many short posts in about a
/// millisecond: below it the hand-off costs more than it saves, above it
/// (10,000 posts take some tens of milliseconds, more in a debug build) a
/// worker would stall every other task on it meanwhile.
pub const OFF_WORKERS_TEXTS: usize = 256;
/// A batch of more bytes of text than this goes to a blocking thread too,
/// however few its texts (the analyzers' cost grows with the text).
pub const OFF_WORKERS_BYTES: usize = 64 * 1024;
/// The most posts [`SentimentService::score_posts`] takes in one call.
pub const MAX_SCORED_POSTS: usize = 100_000;
/// Keywords per platform in a report.
const KEYWORDS: usize = 10;
/// Source URLs per platform in a report.
const SOURCE_URLS: usize = 10;

/// A batch scored: the posts (handed back), one polarity per post in
/// their order, and one report per platform, by name.
pub(super) struct Scored {
    pub(super) posts: Vec<Post>,
    pub(super) scores: Vec<f64>,
    pub(super) platforms: Vec<PlatformSentiment>,
}

impl SentimentService {
    /// Scores `posts` with [`Analyzer::try_score_many`] (one batch) and
    /// reports them per platform, keywords without `exclude` (compared
    /// ignoring ASCII case). Runs on a blocking thread when the analyzer
    /// may block (bounded by its deadline, when it has one) or the batch is
    /// over [`OFF_WORKERS_TEXTS`] texts or [`OFF_WORKERS_BYTES`] bytes, in
    /// place otherwise. The analyzer's error fails the call, as does an
    /// analyzer giving other than one score per text (`Internal`).
    /// O(posts + text).
    pub(super) async fn score_and_report(
        &self,
        posts: Vec<Post>,
        exclude: Vec<String>,
    ) -> Result<Scored> {
        let bytes: usize = posts.iter().map(|p| p.text.len()).sum();
        let big = posts.len() > OFF_WORKERS_TEXTS || bytes > OFF_WORKERS_BYTES;
        let analyzer = self.analyzer.clone();
        let work = move || score_batch(analyzer.as_ref(), posts, &exclude);
        if !self.analyzer_blocks {
            return if big {
                off_workers(work).await?
            } else {
                work()
            };
        }
        let Some((timeout, outage)) = &self.analyzer_deadline else {
            return off_workers(work).await?;
        };
        outage.check()?;
        match tokio::time::timeout(*timeout, off_workers(work)).await {
            Ok(scored) => {
                outage.succeeded();
                if matches!(&scored, Ok(Err(err)) if err.kind().is_upstream_fault()) {
                    outage.counted();
                }
                scored?
            }
            Err(_) => Err(outage.timed_out("score", *timeout)),
        }
    }

    /// `posts` the caller brought, scored by this service's analyzer and
    /// reported per platform as an analysis would (keywords excluding
    /// nothing: the posts name no symbol); nothing stored or cached. At
    /// most [`MAX_SCORED_POSTS`] posts, each text at most
    /// [`MAX_POST_TEXT_BYTES`] bytes and each platform name not blank and
    /// at most [`MAX_POST_PLATFORM_BYTES`] bytes, else `InvalidInput`
    /// before any scoring. Off the async workers for a batch over
    /// [`OFF_WORKERS_TEXTS`] texts. O(posts + text).
    pub async fn score_posts(&self, posts: Vec<Post>) -> Result<PostScores> {
        if posts.len() > MAX_SCORED_POSTS {
            return Err(Error::invalid_input(format!(
                "{} posts given; at most {MAX_SCORED_POSTS} are scored in one call",
                posts.len()
            )));
        }
        for (at, post) in posts.iter().enumerate() {
            if post.text.len() > MAX_POST_TEXT_BYTES {
                return Err(Error::invalid_input(format!(
                    "post {at} has {} bytes of text, over the {MAX_POST_TEXT_BYTES} a post may have",
                    post.text.len()
                )));
            }
            if SentimentService::is_blank_platform(&post.platform)
                || post.platform.len() > MAX_POST_PLATFORM_BYTES
            {
                return Err(Error::invalid_input(format!(
                    "post {at} has the platform {}; a platform name is 1 to \
                     {MAX_POST_PLATFORM_BYTES} bytes, not all blank",
                    echo(&post.platform)
                )));
            }
        }
        let scored = self.score_and_report(posts, Vec::new()).await?;
        let overall = weighted_mean(
            scored
                .platforms
                .iter()
                .map(|p| (p.sentiment_score, p.mention_count)),
        );
        Ok(PostScores {
            analyzer: self.analyzer_name().to_owned(),
            scores: scored.scores,
            overall,
            platforms: scored.platforms,
        })
    }
}

/// Runs `work` on a blocking thread and waits for it; a panic in it comes
/// back as the `Internal` error it stands for.
async fn off_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => Ok(done),
        Err(err) if err.is_panic() => Err(Error::from_panic(&*err.into_panic())),
        Err(_) => Err(Error::unavailable("scoring was cancelled with its runtime")),
    }
}

/// [`SentimentService::score_and_report`]'s work, wherever it runs.
fn score_batch(analyzer: &dyn Analyzer, posts: Vec<Post>, exclude: &[String]) -> Result<Scored> {
    let texts: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
    let scores = analyzer.try_score_many(&texts)?;
    if scores.len() != texts.len() {
        return Err(Error::internal(format!(
            "the analyzer {} gave {} scores for {} texts",
            echo(analyzer.name()),
            scores.len(),
            texts.len()
        )));
    }
    drop(texts);
    let scores: Vec<f64> = scores.into_iter().map(|s| s.polarity).collect();
    let platforms = reports(&posts, &scores, exclude);
    Ok(Scored {
        posts,
        scores,
        platforms,
    })
}

/// One report per platform among `posts` (by name), each as the seed's
/// `SentimentData`: the mean score, the confidence the seed defines as
/// `abs(mean)` (how far from neutral, not a statistical confidence), the
/// posts counted, the [`KEYWORDS`] most frequent terms but `exclude`, and
/// the first [`SOURCE_URLS`] links. O(posts + text).
fn reports(posts: &[Post], scores: &[f64], exclude: &[String]) -> Vec<PlatformSentiment> {
    let mut by_platform: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (at, post) in posts.iter().enumerate() {
        by_platform
            .entry(post.platform.as_str())
            .or_default()
            .push(at);
    }
    let exclude: Vec<&str> = exclude.iter().map(String::as_str).collect();
    by_platform
        .into_iter()
        .map(|(platform, at)| {
            let mean = at.iter().map(|&i| scores[i]).sum::<f64>() / at.len() as f64;
            let texts: Vec<&str> = at.iter().map(|&i| posts[i].text.as_str()).collect();
            PlatformSentiment {
                platform: platform.to_owned(),
                sentiment_score: mean,
                confidence: mean.abs(),
                mention_count: u32::try_from(at.len()).unwrap_or(u32::MAX),
                keywords: top_keywords_excluding(&texts, KEYWORDS, &exclude),
                source_urls: at
                    .iter()
                    .map(|&i| &posts[i].url)
                    .filter(|url| !url.is_empty())
                    .take(SOURCE_URLS)
                    .cloned()
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn reports_group_by_platform_and_leave_the_symbol_out_of_the_keywords() {
        let post = |platform: &str, text: &str, url: &str| {
            Post::new(platform, text.len().to_string(), text, url, Utc::now())
        };
        let posts = [
            post("x", "$TSLA tsla deliveries beat", "https://x.invalid/1"),
            post("reddit", "TSLA deliveries strong", ""),
            post("x", "$tsla deliveries", "https://x.invalid/2"),
        ];
        let exclude = ["tsla".to_owned(), "$TSLA".to_owned()];
        let reports = reports(&posts, &[0.5, -0.25, 0.0], &exclude);
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].platform, "reddit");
        assert_eq!(
            reports[0].source_urls,
            Vec::<String>::new(),
            "empty links are left out"
        );
        let x = &reports[1];
        assert_eq!(
            (x.sentiment_score, x.confidence, x.mention_count),
            (0.25, 0.25, 2)
        );
        assert_eq!(x.keywords, ["deliveries", "beat"]);
        assert_eq!(
            x.source_urls,
            ["https://x.invalid/1", "https://x.invalid/2"]
        );
    }

    #[tokio::test]
    async fn a_blank_or_long_platform_is_refused_before_scoring() {
        let client = crate::Tickersense::builder()
            .store("memory://")
            .cache("memory://")
            .social("sample://")
            .build()
            .expect("an embedded client");
        for bad in ["", "  ", "\t", &"p".repeat(MAX_POST_PLATFORM_BYTES + 1)] {
            let mut post = SentimentService::caller_post(0, "fine text", Utc::now());
            post.platform = bad.to_owned();
            let err = client.score_posts(vec![post]).await.expect_err(bad);
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
            assert!(
                err.message().starts_with("post 0 has the platform"),
                "{err}"
            );
        }
        let post = SentimentService::caller_post(0, "fine text", Utc::now());
        assert_eq!(
            client
                .score_posts(vec![post])
                .await
                .unwrap()
                .platforms
                .len(),
            1
        );
    }
}
