//! Sentiment of a symbol: per platform, now, and per day.

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;

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
    #[getter]
    fn sentiment_score(&self) -> f64 {
        self.inner.sentiment_score
    }
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
    #[getter]
    fn current_sentiment(&self) -> f64 {
        self.inner.current_sentiment
    }
    /// `"improving"`, `"stable"`, `"declining"` or `"unknown"`.
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
    #[getter]
    fn platforms(&self) -> Vec<PlatformSentiment> {
        self.inner
            .platforms
            .iter()
            .map(|p| PlatformSentiment { inner: p.clone() })
            .collect()
    }
    /// False when the store was down and the analysis was not kept.
    #[getter]
    fn stored(&self) -> bool {
        self.inner.stored
    }
    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "SentimentAnalysis(symbol={:?}, current_sentiment={:.4}, sentiment_trend={:?}, mention_volume={}, analysis_timestamp={:?})",
            a.symbol.as_str(), a.current_sentiment, a.sentiment_trend.as_str(), a.mention_volume, a.analysis_timestamp.to_rfc3339()
        )
    }
}

/// Stored sentiment analyses of one symbol summed up over one UTC day.
#[pyclass(module = "tickersense._native", frozen)]
pub struct DailySentiment {
    pub inner: tickersense::DailySentiment,
}

#[pymethods]
impl DailySentiment {
    /// The UTC date.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }
    /// Per-platform analyses stored that day.
    #[getter]
    fn analyses(&self) -> u32 {
        self.inner.analyses
    }
    /// Posts those analyses scored.
    #[getter]
    fn mentions(&self) -> u64 {
        self.inner.mentions
    }
    /// Mention-weighted mean score, -1 to 1.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }
    /// Mean confidence of the analyses.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    fn __repr__(&self) -> String {
        let d = &self.inner;
        format!(
            "DailySentiment(date={:?}, analyses={}, mentions={}, score={:.4}, confidence={:.4})",
            d.date.to_string(),
            d.analyses,
            d.mentions,
            d.score,
            d.confidence
        )
    }
}
