//! The analyzers as Python classes: `Vader` gives vaderSentiment's dicts,
//! `TextBlobAnalyzer` TextBlob's `(polarity, subjectivity)`.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyFloat};
use pyo3::{intern, IntoPyObjectExt};
use tickersense::sentiment::{TextBlobSentiment, VaderScores};

fn scores_dict<'py>(py: Python<'py>, s: &VaderScores) -> PyResult<Bound<'py, PyDict>> {
    // Key order as vaderSentiment builds its dict; interned keys and shared
    // floats keep a batch of 100,000 dicts from allocating 800,000 objects.
    let d = PyDict::new(py);
    d.set_item(intern!(py, "neg"), rounded(py, s.neg, 3)?)?;
    d.set_item(intern!(py, "neu"), rounded(py, s.neu, 3)?)?;
    d.set_item(intern!(py, "pos"), rounded(py, s.pos, 3)?)?;
    d.set_item(intern!(py, "compound"), rounded(py, s.compound, 4)?)?;
    Ok(d)
}

/// `x`, which VADER rounded to `decimals` (3 or 4) places within [-1, 1],
/// as a float object shared with every other score of the same value.
/// Python floats are immutable, so sharing them is invisible to callers.
fn rounded(py: Python<'_>, x: f64, decimals: i32) -> PyResult<Bound<'_, PyAny>> {
    static THOUSANDTHS: GILOnceCell<Vec<Py<PyFloat>>> = GILOnceCell::new();
    static TEN_THOUSANDTHS: GILOnceCell<Vec<Py<PyFloat>>> = GILOnceCell::new();
    let (cell, scale) = match decimals {
        3 => (&THOUSANDTHS, 1e3),
        _ => (&TEN_THOUSANDTHS, 1e4),
    };
    let table = cell.get_or_init(py, || {
        // k / scale for k in -scale..=scale: the same division as below.
        let n = scale as i64;
        (-n..=n)
            .map(|k| PyFloat::new(py, k as f64 / scale).unbind())
            .collect()
    });
    // Compared with the table's own value, bit for bit: -0.0 rounds to the
    // slot of 0.0 but must stay -0.0.
    let k = (x * scale).round() as i64;
    let n = scale as i64;
    if (-n..=n).contains(&k) && (k as f64 / scale).to_bits() == x.to_bits() {
        return Ok(table[(k + n) as usize].bind(py).clone().into_any());
    }
    x.into_bound_py_any(py)
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
