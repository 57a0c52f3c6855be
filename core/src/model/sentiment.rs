use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Symbol;

/// A social-media post that mentions a symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// The platform's id for the post.
    pub id: String,
    /// Platform name, e.g. `reddit`, `x`, `stocktwits`, `sample`.
    pub platform: String,
    /// The post's text (title and body joined for Reddit).
    pub text: String,
    /// Link to the post.
    pub url: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

/// The sentiment of one text: `polarity` in `[-1, 1]`, negative to positive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Negative (-1) to positive (+1).
    pub polarity: f64,
}

/// Sentiment of one platform's posts about a symbol (the seed's `SentimentData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformSentiment {
    /// Platform name.
    pub platform: String,
    /// Mean polarity of the platform's posts.
    pub sentiment_score: f64,
    /// `|sentiment_score|`, as the seed defines it.
    pub confidence: f64,
    /// Number of posts scored.
    pub mention_count: u32,
    /// Up to ten most frequent informative terms.
    pub keywords: Vec<String>,
    /// Up to ten links to the posts scored.
    pub source_urls: Vec<String>,
}

/// Direction of sentiment against the stored analyses of the last days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Clearly above the recent average.
    Improving,
    /// Within the band around the recent average.
    Stable,
    /// Clearly below the recent average.
    Declining,
    /// No earlier analysis to compare with.
    Unknown,
}

impl Trend {
    /// Lower-case name, e.g. `"improving"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Stable => "stable",
            Trend::Declining => "declining",
            Trend::Unknown => "unknown",
        }
    }
}

/// The seed's `SentimentAnalysis`, with the per-platform detail it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentAnalysis {
    /// The symbol analysed.
    pub symbol: Symbol,
    /// Mention-weighted mean polarity over all platforms.
    pub current_sentiment: f64,
    /// Direction against stored analyses of the last days.
    pub sentiment_trend: Trend,
    /// Posts scored over all platforms.
    pub mention_volume: u32,
    /// When the analysis was made.
    pub analysis_timestamp: DateTime<Utc>,
    /// One entry per platform that had posts.
    pub platforms: Vec<PlatformSentiment>,
    /// False when the sentiment store could not keep the analysis (it was
    /// down): the analysis is still right, but the sentiment history and
    /// the next trend will not include it. Values cached before this field
    /// existed read as `true`.
    #[serde(default = "stored_by_default")]
    pub stored: bool,
}

/// What `stored` reads as when absent (values from before the field).
fn stored_by_default() -> bool {
    true
}

/// One stored per-platform analysis (a row of the seed's `sentiment_data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentRecord {
    /// The symbol analysed.
    pub symbol: Symbol,
    /// When the analysis was made.
    pub timestamp: DateTime<Utc>,
    /// The platform's figures.
    pub detail: PlatformSentiment,
}

/// Stored analyses of one symbol summed up over one UTC day (the seed's
/// sentiment history, one point a day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailySentiment {
    /// The UTC date.
    pub date: NaiveDate,
    /// Per-platform analyses stored that day.
    pub analyses: u32,
    /// Posts those analyses scored.
    pub mentions: u64,
    /// Mention-weighted mean score (the plain mean when no analysis had a mention).
    pub score: f64,
    /// Mean confidence of the analyses.
    pub confidence: f64,
}

impl DailySentiment {
    /// One entry per UTC day that has records, oldest first; `records` in any order.
    pub fn from_records(records: &[SentimentRecord]) -> Vec<DailySentiment> {
        let mut days: std::collections::BTreeMap<NaiveDate, Vec<&SentimentRecord>> =
            std::collections::BTreeMap::new();
        for r in records {
            days.entry(r.timestamp.date_naive()).or_default().push(r);
        }
        days.into_iter()
            .map(|(date, day)| {
                let n = day.len() as f64;
                let mentions: u64 = day.iter().map(|r| u64::from(r.detail.mention_count)).sum();
                let score = if mentions > 0 {
                    day.iter()
                        .map(|r| r.detail.sentiment_score * f64::from(r.detail.mention_count))
                        .sum::<f64>()
                        / mentions as f64
                } else {
                    day.iter().map(|r| r.detail.sentiment_score).sum::<f64>() / n
                };
                DailySentiment {
                    date,
                    analyses: u32::try_from(day.len()).unwrap_or(u32::MAX),
                    mentions,
                    score,
                    confidence: day.iter().map(|r| r.detail.confidence).sum::<f64>() / n,
                }
            })
            .collect()
    }
}
