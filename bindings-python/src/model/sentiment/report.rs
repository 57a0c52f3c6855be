//! Figures read from the stored posts: the trend, and how often each
//! analyzer agrees with the authors' own labels.

use pyo3::prelude::*;

use crate::model::{opt_repr, opt_str_repr};

/// The trend of a symbol and the figures it was read from.
#[pyclass(module = "tickersense._native", frozen)]
pub struct TrendReport {
    pub inner: tickersense::TrendReport,
}

#[pymethods]
impl TrendReport {
    /// `"rising"`, `"stable"`, `"falling"` or `"insufficient_data"`.
    #[getter]
    fn trend(&self) -> &'static str {
        self.inner.trend.as_str()
    }
    /// Mean score of the stored posts of the last 24 hours (None without any).
    #[getter]
    fn recent_score(&self) -> Option<f64> {
        self.inner.recent_score
    }
    /// Stored posts of the last 24 hours.
    #[getter]
    fn recent_posts(&self) -> u64 {
        self.inner.recent_posts
    }
    /// Mean score of the stored posts of the 7 days before.
    #[getter]
    fn baseline_score(&self) -> Option<f64> {
        self.inner.baseline_score
    }
    /// Stored posts of the 7 days before.
    #[getter]
    fn baseline_posts(&self) -> u64 {
        self.inner.baseline_posts
    }
    fn __repr__(&self) -> String {
        let t = &self.inner;
        format!(
            "TrendReport(trend={:?}, recent_score={}, recent_posts={}, baseline_score={}, baseline_posts={})",
            t.trend.as_str(),
            opt_repr(t.recent_score),
            t.recent_posts,
            opt_repr(t.baseline_score),
            t.baseline_posts
        )
    }
}

/// How often one analyzer's sign agrees with one label.
#[pyclass(module = "tickersense._native", frozen)]
pub struct LabelAgreement {
    pub inner: tickersense::LabelAgreement,
}

#[pymethods]
impl LabelAgreement {
    /// `"bullish"` or `"bearish"`.
    #[getter]
    fn label(&self) -> &'static str {
        self.inner.label.as_str()
    }
    /// Stored posts carrying the label that the analyzer scored.
    #[getter]
    fn posts(&self) -> u64 {
        self.inner.posts
    }
    /// Of those, posts whose score has the label's sign.
    #[getter]
    fn agreed(&self) -> u64 {
        self.inner.agreed
    }
    /// Of those, posts scored exactly 0 (counted as not agreeing).
    #[getter]
    fn neutral(&self) -> u64 {
        self.inner.neutral
    }
    /// `agreed / posts`; None without posts.
    #[getter]
    fn accuracy(&self) -> Option<f64> {
        self.inner.accuracy
    }
    fn __repr__(&self) -> String {
        let l = &self.inner;
        format!(
            "LabelAgreement(label={:?}, posts={}, agreed={}, neutral={}, accuracy={})",
            l.label.as_str(),
            l.posts,
            l.agreed,
            l.neutral,
            opt_repr(l.accuracy)
        )
    }
}

/// One analyzer's agreement with the authors' labels.
#[pyclass(module = "tickersense._native", frozen)]
pub struct AnalyzerAgreement {
    pub inner: tickersense::AnalyzerAgreement,
}

#[pymethods]
impl AnalyzerAgreement {
    /// The analyzer's name (`"vader"`, `"textblob"`, ...).
    #[getter]
    fn analyzer(&self) -> &str {
        &self.inner.analyzer
    }
    /// Labelled posts it scored.
    #[getter]
    fn posts(&self) -> u64 {
        self.inner.posts
    }
    /// Of those, posts whose score has the label's sign.
    #[getter]
    fn agreed(&self) -> u64 {
        self.inner.agreed
    }
    /// `agreed / posts`; None without posts.
    #[getter]
    fn accuracy(&self) -> Option<f64> {
        self.inner.accuracy
    }
    /// The same per label, bullish first.
    #[getter]
    fn labels(&self) -> Vec<LabelAgreement> {
        self.inner
            .labels
            .iter()
            .map(|l| LabelAgreement { inner: l.clone() })
            .collect()
    }
    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "AnalyzerAgreement(analyzer={:?}, posts={}, agreed={}, accuracy={})",
            a.analyzer,
            a.posts,
            a.agreed,
            opt_repr(a.accuracy)
        )
    }
}

/// Agreement of every analyzer that scored labelled posts, over a window.
#[pyclass(module = "tickersense._native", frozen)]
pub struct SentimentAgreement {
    pub inner: tickersense::SentimentAgreement,
}

#[pymethods]
impl SentimentAgreement {
    /// The symbol asked for; None for all symbols.
    #[getter]
    fn symbol(&self) -> Option<&str> {
        self.inner.symbol.as_ref().map(|s| s.as_str())
    }
    /// The look-back in days.
    #[getter]
    fn days(&self) -> u32 {
        self.inner.days
    }
    /// Labelled posts in the window.
    #[getter]
    fn labelled_posts(&self) -> u64 {
        self.inner.labelled_posts
    }
    /// One entry per analyzer, by name.
    #[getter]
    fn analyzers(&self) -> Vec<AnalyzerAgreement> {
        self.inner
            .analyzers
            .iter()
            .map(|a| AnalyzerAgreement { inner: a.clone() })
            .collect()
    }
    fn __repr__(&self) -> String {
        let a = &self.inner;
        let names: Vec<&str> = a.analyzers.iter().map(|x| x.analyzer.as_str()).collect();
        format!(
            "SentimentAgreement(symbol={}, days={}, labelled_posts={}, analyzers={:?})",
            opt_str_repr(a.symbol.as_ref().map(|s| s.as_str())),
            a.days,
            a.labelled_posts,
            names
        )
    }
}
