//! Sentiment of a symbol (core `model::sentiment`): per platform, with
//! each source's status, now; the stored analyses, the daily figures from
//! stored posts, the trend and the agreement with authors' labels; posts.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use super::{opt_repr, opt_str_repr};

mod history;
mod post;
mod report;

pub use history::{DailyHistory, DailySentiment, SentimentHistory, SentimentRecord};
pub use post::{posts_argument, Post, PostScores};
pub use report::{AnalyzerAgreement, LabelAgreement, SentimentAgreement, TrendReport};

/// Sentiment of one platform's posts.
#[pyclass(module = "tickersense._native", frozen)]
pub struct PlatformSentiment {
    pub inner: tickersense::PlatformSentiment,
}

#[pymethods]
impl PlatformSentiment {
    #[getter]
    fn platform(&self) -> &str {
        &self.inner.platform
    }
    /// Mean polarity of the platform's posts, -1 to 1.
    #[getter]
    fn sentiment_score(&self) -> f64 {
        self.inner.sentiment_score
    }
    /// `abs(sentiment_score)`, as the seed defines it.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    #[getter]
    fn mention_count(&self) -> u32 {
        self.inner.mention_count
    }
    #[getter]
    fn keywords(&self) -> Vec<String> {
        self.inner.keywords.clone()
    }
    #[getter]
    fn source_urls(&self) -> Vec<String> {
        self.inner.source_urls.clone()
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "PlatformSentiment(platform={:?}, sentiment_score={:.4}, mention_count={}, keywords={:?})",
            p.platform, p.sentiment_score, p.mention_count, p.keywords
        )
    }
}

/// How one source answered during an analysis.
#[pyclass(module = "tickersense._native", frozen)]
pub struct SourceStatus {
    pub inner: tickersense::SourceStatus,
}

#[pymethods]
impl SourceStatus {
    /// The platform its posts carry (`"reddit"`, `"x"`, ...).
    #[getter]
    fn platform(&self) -> &str {
        &self.inner.platform
    }
    /// `"ok"`, `"failed"`, `"rate_limited"`, `"timed_out"` or `"not_configured"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// Posts it gave, before de-duplication.
    #[getter]
    fn posts(&self) -> u32 {
        self.inner.posts
    }
    /// Why it did not answer (never a credential); None when it did.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.inner.reason.as_deref()
    }
    /// Seconds to wait before asking again, for `"rate_limited"`.
    #[getter]
    fn retry_after(&self) -> Option<f64> {
        self.inner.retry_after
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "SourceStatus(platform={:?}, state={:?}, posts={}, reason={}, retry_after={})",
            s.platform,
            s.state.as_str(),
            s.posts,
            opt_str_repr(s.reason.as_deref()),
            opt_repr(s.retry_after)
        )
    }
}

/// The current sentiment of a symbol (the seed's `SentimentAnalysis`).
#[pyclass(module = "tickersense._native", frozen)]
pub struct SentimentAnalysis {
    pub inner: tickersense::SentimentAnalysis,
}

#[pymethods]
impl SentimentAnalysis {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    #[getter]
    fn current_sentiment(&self) -> f64 {
        self.inner.current_sentiment
    }
    /// `"rising"`, `"stable"`, `"falling"` or `"insufficient_data"`: the
    /// stored posts of the last 24 hours against the 7 days before.
    #[getter]
    fn sentiment_trend(&self) -> &'static str {
        self.inner.sentiment_trend.as_str()
    }
    #[getter]
    fn mention_volume(&self) -> u32 {
        self.inner.mention_volume
    }
    #[getter]
    fn analysis_timestamp(&self) -> DateTime<Utc> {
        self.inner.analysis_timestamp
    }
    /// One entry per platform that had posts.
    #[getter]
    fn platforms(&self) -> Vec<PlatformSentiment> {
        self.inner
            .platforms
            .iter()
            .map(|p| PlatformSentiment { inner: p.clone() })
            .collect()
    }
    /// One entry per configured source, in their order: how each answered.
    #[getter]
    fn sources(&self) -> Vec<SourceStatus> {
        self.inner
            .sources
            .iter()
            .map(|s| SourceStatus { inner: s.clone() })
            .collect()
    }
    /// False when the store was down and the analysis was not kept.
    #[getter]
    fn stored(&self) -> bool {
        self.inner.stored
    }
    fn __repr__(&self) -> String {
        let a = &self.inner;
        let sources: Vec<String> = a
            .sources
            .iter()
            .map(|s| format!("{}:{}", s.platform, s.state.as_str()))
            .collect();
        format!(
            "SentimentAnalysis(symbol={:?}, current_sentiment={:.4}, sentiment_trend={:?}, mention_volume={}, sources={:?}, analysis_timestamp={:?})",
            a.symbol.as_str(), a.current_sentiment, a.sentiment_trend.as_str(), a.mention_volume, sources, a.analysis_timestamp.to_rfc3339()
        )
    }
}
