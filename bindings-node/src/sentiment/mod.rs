//! Sentiment, as core's `sentiment` module and `model::sentiment` give it:
//! the analyses a client resolves to ([`SentimentAnalysis`] with each
//! source's [`SourceStatus`]; the stored figures of [`stored`]; the posts
//! of [`posts`]), plain objects with camelCase fields and `Date`s, and the
//! analyzers as JS classes: `Vader` gives vaderSentiment's four scores as a
//! plain object, `TextBlobAnalyzer` TextBlob's polarity and subjectivity;
//! their batch calls give columns of typed arrays, built without holding
//! the event loop ([`batch`]).

use chrono::{DateTime, Utc};
use napi_derive::napi;

mod batch;
mod posts;
mod stored;
mod textblob;
mod vader;

pub use posts::{Post, PostScores, PostToScore, POST_KEYS};
pub use stored::{
    AnalyzerAgreement, DailySentiment, LabelAgreement, SentimentAgreement, SentimentRecord,
    TrendReport,
};
pub use textblob::{TextBlobAnalyzer, TextBlobSentiment, TextBlobSentimentColumns};
pub use vader::{Vader, VaderScores, VaderScoresColumns};

/// Sentiment of one platform's posts about a symbol.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PlatformSentiment {
    /// Platform name, e.g. `reddit`, `x`, `stocktwits`, `sample`.
    pub platform: String,
    /// Mean polarity of the platform's posts, -1 (negative) to 1 (positive).
    pub sentiment_score: f64,
    /// `Math.abs(sentimentScore)`.
    pub confidence: f64,
    /// Number of posts scored.
    pub mention_count: u32,
    /// Up to ten most frequent informative terms.
    pub keywords: Vec<String>,
    /// Up to ten links to the posts scored.
    pub source_urls: Vec<String>,
}

impl From<tickersense::PlatformSentiment> for PlatformSentiment {
    fn from(p: tickersense::PlatformSentiment) -> Self {
        PlatformSentiment {
            platform: p.platform,
            sentiment_score: p.sentiment_score,
            confidence: p.confidence,
            mention_count: p.mention_count,
            keywords: p.keywords,
            source_urls: p.source_urls,
        }
    }
}

/// How one source answered during an analysis.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SourceStatus {
    /// The platform its posts carry (`reddit`, `x`, `stocktwits`, ...).
    pub platform: String,
    /// How it answered.
    #[napi(ts_type = "SourceState")]
    pub state: String,
    /// Posts it gave, before de-duplication.
    pub posts: u32,
    /// Why it did not answer (never a credential); left out when it did.
    pub reason: Option<String>,
    /// Seconds to wait before asking again, for `"rate_limited"`.
    pub retry_after: Option<f64>,
}

impl From<tickersense::SourceStatus> for SourceStatus {
    fn from(s: tickersense::SourceStatus) -> Self {
        SourceStatus {
            platform: s.platform,
            state: s.state.as_str().to_owned(),
            posts: s.posts,
            reason: s.reason,
            retry_after: s.retry_after,
        }
    }
}

/// The current social sentiment of a symbol, with its per-platform detail.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SentimentAnalysis {
    /// The symbol analysed.
    pub symbol: String,
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    pub current_sentiment: f64,
    /// The stored posts of the last 24 hours against the 7 days before:
    /// `"rising"`, `"stable"`, `"falling"`, or `"insufficient_data"` with
    /// too few posts in either window.
    #[napi(ts_type = "Trend")]
    pub sentiment_trend: String,
    /// Posts scored over all platforms.
    pub mention_volume: u32,
    /// When the analysis was made.
    pub analysis_timestamp: DateTime<Utc>,
    /// One entry per platform that had posts.
    pub platforms: Vec<PlatformSentiment>,
    /// One entry per configured source, in their order: how it answered.
    /// A source that failed, timed out, was rate-limited or has no
    /// credentials does not fail the analysis; it is listed here.
    pub sources: Vec<SourceStatus>,
    /// False when the store was down and the analysis was not kept: the
    /// analysis is still right, but `sentimentHistory` and the next trend
    /// will not include its posts (and with a store that cannot be read
    /// either, `sentimentTrend` is `"insufficient_data"`). True once kept.
    pub stored: bool,
}

impl From<tickersense::SentimentAnalysis> for SentimentAnalysis {
    fn from(s: tickersense::SentimentAnalysis) -> Self {
        SentimentAnalysis {
            symbol: s.symbol.into(),
            current_sentiment: s.current_sentiment,
            sentiment_trend: s.sentiment_trend.as_str().to_owned(),
            mention_volume: s.mention_volume,
            analysis_timestamp: s.analysis_timestamp,
            platforms: s
                .platforms
                .into_iter()
                .map(PlatformSentiment::from)
                .collect(),
            sources: s.sources.into_iter().map(SourceStatus::from).collect(),
            stored: s.stored,
        }
    }
}
