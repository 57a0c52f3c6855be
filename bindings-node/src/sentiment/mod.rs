//! Sentiment, as core's `sentiment` module and `model::sentiment` give it:
//! the analyses a client resolves to ([`SentimentAnalysis`],
//! [`DailySentiment`], plain objects with camelCase fields and `Date`s),
//! and the analyzers as JS classes: `Vader` gives vaderSentiment's four
//! scores as a plain object, `TextBlobAnalyzer` TextBlob's polarity and
//! subjectivity; their batch calls give columns of typed arrays, built
//! without holding the event loop ([`batch`]).

use chrono::{DateTime, NaiveTime, Utc};
use napi_derive::napi;

mod batch;
mod textblob;
mod vader;

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

/// The current social sentiment of a symbol, with its per-platform detail.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SentimentAnalysis {
    /// The symbol analysed.
    pub symbol: String,
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    pub current_sentiment: f64,
    /// Direction against stored analyses of the last days:
    /// `"improving"`, `"stable"`, `"declining"` or `"unknown"`.
    #[napi(ts_type = "Trend")]
    pub sentiment_trend: String,
    /// Posts scored over all platforms.
    pub mention_volume: u32,
    /// When the analysis was made.
    pub analysis_timestamp: DateTime<Utc>,
    /// One entry per platform that had posts.
    pub platforms: Vec<PlatformSentiment>,
    /// False when the store was down and the analysis was not kept: the
    /// analysis is still right, but `sentimentDaily` and the next trend
    /// will not include it (and with a store that cannot be read either,
    /// `sentimentTrend` is `"unknown"`). True once kept.
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
            stored: s.stored,
        }
    }
}

/// Stored sentiment analyses of one symbol summed up over one UTC day.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DailySentiment {
    /// Midnight UTC starting the day.
    pub date: DateTime<Utc>,
    /// Per-platform analyses stored that day.
    pub analyses: u32,
    /// Posts those analyses scored.
    pub mentions: f64,
    /// Mention-weighted mean score, -1 to 1.
    pub score: f64,
    /// Mean confidence of the analyses.
    pub confidence: f64,
}

impl From<tickersense::DailySentiment> for DailySentiment {
    fn from(d: tickersense::DailySentiment) -> Self {
        DailySentiment {
            date: d.date.and_time(NaiveTime::MIN).and_utc(),
            analyses: d.analyses,
            mentions: d.mentions as f64,
            score: d.score,
            confidence: d.confidence,
        }
    }
}
