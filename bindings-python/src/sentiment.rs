//! The analyzers as Python classes: `Vader` gives vaderSentiment's dicts,
//! `TextBlobAnalyzer` TextBlob's `(polarity, subjectivity)`.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyDict;
use tickersense::sentiment::{TextBlobSentiment, VaderScores};

fn scores_dict<'py>(py: Python<'py>, s: &VaderScores) -> PyResult<Bound<'py, PyDict>> {
    // Key order as vaderSentiment builds its dict.
    let d = PyDict::new(py);
    d.set_item("neg", s.neg)?;
    d.set_item("neu", s.neu)?;
    d.set_item("pos", s.pos)?;
    d.set_item("compound", s.compound)?;
    Ok(d)
}

/// VADER, score for score as vaderSentiment 3.3.2.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Vader {
    inner: tickersense::sentiment::Vader,
}

#[pymethods]
impl Vader {
    #[new]
    fn new() -> Self {
        Vader {
            inner: tickersense::sentiment::Vader::new(),
        }
    }

    /// `{"neg", "neu", "pos", "compound"}` for one text.
    fn polarity_scores<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
        scores_dict(py, &self.inner.polarity_scores(text))
    }

    /// `polarity_scores` of every text, on all cores with the GIL released.
    fn polarity_scores_many<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let scores = py.allow_threads(|| self.inner.polarity_scores_many(&texts));
        scores.iter().map(|s| scores_dict(py, s)).collect()
    }

    fn __repr__(&self) -> &'static str {
        "Vader()"
    }
}

/// TextBlob's default analyzer, score for score as TextBlob 0.20.1.
#[pyclass(module = "tickersense._native", frozen)]
pub struct TextBlobAnalyzer {
    inner: tickersense::sentiment::TextBlob,
}

fn pair(s: TextBlobSentiment) -> (f64, f64) {
    (s.polarity, s.subjectivity)
}

#[pymethods]
impl TextBlobAnalyzer {
    #[new]
    fn new() -> Self {
        TextBlobAnalyzer {
            inner: tickersense::sentiment::TextBlob::new(),
        }
    }

    /// `(polarity, subjectivity)` for one text.
    fn sentiment(&self, text: &str) -> (f64, f64) {
        pair(self.inner.sentiment(text))
    }

    /// `sentiment` of every text, on all cores with the GIL released.
    fn sentiment_many(&self, py: Python<'_>, texts: Vec<PyBackedStr>) -> Vec<(f64, f64)> {
        let scores = py.allow_threads(|| self.inner.sentiment_many(&texts));
        scores.into_iter().map(pair).collect()
    }

    fn __repr__(&self) -> &'static str {
        "TextBlobAnalyzer()"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Vader>()?;
    m.add_class::<TextBlobAnalyzer>()
}
