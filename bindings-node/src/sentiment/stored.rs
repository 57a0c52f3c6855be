//! What the store keeps of a symbol's sentiment, as plain JS objects: the
//! per-analysis records, the daily figures from its distinct stored posts,
//! the trend, and how often each analyzer agrees with authors' labels.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, Utc};
use napi_derive::napi;

use super::PlatformSentiment;

/// One stored per-platform analysis (a row of the seed's `sentiment_data`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SentimentRecord {
    /// The symbol analysed.
    pub symbol: String,
    /// When the analysis was made.
    pub timestamp: DateTime<Utc>,
    /// The platform's figures.
    pub detail: PlatformSentiment,
}

impl From<tickersense::SentimentRecord> for SentimentRecord {
    fn from(r: tickersense::SentimentRecord) -> Self {
        SentimentRecord {
            symbol: r.symbol.into(),
            timestamp: r.timestamp,
            detail: r.detail.into(),
        }
    }
}

/// The distinct stored posts of one symbol made on one UTC day.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DailySentiment {
    /// Midnight UTC starting the day.
    pub date: DateTime<Utc>,
    /// Distinct posts made that day.
    pub mentions: f64,
    /// Mean score of those posts, -1 to 1.
    pub score: f64,
    /// `Math.abs(score)`, the seed's confidence.
    pub confidence: f64,
    /// Posts by platform.
    #[napi(ts_type = "Record<string, number>")]
    pub platforms: BTreeMap<String, f64>,
}

impl From<tickersense::DailySentiment> for DailySentiment {
    fn from(d: tickersense::DailySentiment) -> Self {
        DailySentiment {
            date: d.date.and_time(NaiveTime::MIN).and_utc(),
            mentions: d.mentions as f64,
            score: d.score,
            confidence: d.confidence,
            platforms: d
                .platforms
                .into_iter()
                .map(|(platform, posts)| (platform, posts as f64))
                .collect(),
        }
    }
}

/// The trend of a symbol and the figures it was read from.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TrendReport {
    /// `"rising"`, `"stable"`, `"falling"` or `"insufficient_data"`.
    #[napi(ts_type = "Trend")]
    pub trend: String,
    /// Mean score of the stored posts of the last 24 hours; left out without any.
    pub recent_score: Option<f64>,
    /// Stored posts of the last 24 hours.
    pub recent_posts: f64,
    /// Mean score of the stored posts of the 7 days before; left out without any.
    pub baseline_score: Option<f64>,
    /// Stored posts of the 7 days before.
    pub baseline_posts: f64,
}

impl From<tickersense::TrendReport> for TrendReport {
    fn from(t: tickersense::TrendReport) -> Self {
        TrendReport {
            trend: t.trend.as_str().to_owned(),
            recent_score: t.recent_score,
            recent_posts: t.recent_posts as f64,
            baseline_score: t.baseline_score,
            baseline_posts: t.baseline_posts as f64,
        }
    }
}

/// How often one analyzer's sign agrees with one label.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct LabelAgreement {
    /// `"bullish"` or `"bearish"`.
    #[napi(ts_type = "AuthorLabel")]
    pub label: String,
    /// Stored posts carrying the label that the analyzer scored.
    pub posts: f64,
    /// Of those, posts whose score has the label's sign.
    pub agreed: f64,
    /// Of those, posts scored exactly 0 (counted as not agreeing).
    pub neutral: f64,
    /// `agreed / posts`; left out without posts.
    pub accuracy: Option<f64>,
}

impl From<tickersense::LabelAgreement> for LabelAgreement {
    fn from(l: tickersense::LabelAgreement) -> Self {
        LabelAgreement {
            label: l.label.as_str().to_owned(),
            posts: l.posts as f64,
            agreed: l.agreed as f64,
            neutral: l.neutral as f64,
            accuracy: l.accuracy,
        }
    }
}

/// One analyzer's agreement with the authors' labels.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AnalyzerAgreement {
    /// The analyzer's name (`textblob`, `vader`, ...).
    pub analyzer: String,
    /// Labelled posts it scored.
    pub posts: f64,
    /// Of those, posts whose score has the label's sign.
    pub agreed: f64,
    /// `agreed / posts`; left out without posts.
    pub accuracy: Option<f64>,
    /// The same per label, bullish first.
    pub labels: Vec<LabelAgreement>,
}

impl From<tickersense::AnalyzerAgreement> for AnalyzerAgreement {
    fn from(a: tickersense::AnalyzerAgreement) -> Self {
        AnalyzerAgreement {
            analyzer: a.analyzer,
            posts: a.posts as f64,
            agreed: a.agreed as f64,
            accuracy: a.accuracy,
            labels: a.labels.into_iter().map(LabelAgreement::from).collect(),
        }
    }
}

/// Agreement of every analyzer that scored labelled posts, over a window.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SentimentAgreement {
    /// The symbol asked for; left out for all symbols.
    pub symbol: Option<String>,
    /// The look-back in days.
    pub days: u32,
    /// Labelled posts in the window.
    pub labelled_posts: f64,
    /// One entry per analyzer, by name.
    pub analyzers: Vec<AnalyzerAgreement>,
}

impl From<tickersense::SentimentAgreement> for SentimentAgreement {
    fn from(a: tickersense::SentimentAgreement) -> Self {
        SentimentAgreement {
            symbol: a.symbol.map(String::from),
            days: a.days,
            labelled_posts: a.labelled_posts as f64,
            analyzers: a
                .analyzers
                .into_iter()
                .map(AnalyzerAgreement::from)
                .collect(),
        }
    }
}
