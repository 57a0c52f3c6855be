//! A Python callable or object as core's `Analyzer`: `text -> float`, or
//! an object with `score(text)` and optionally `score_many(texts)`, plain
//! or `async def`. A score is a number from -1 to 1, or a dict (or object)
//! with `polarity` or `compound` (what vaderSentiment's `polarity_scores`
//! gives).

use pyo3::exceptions::PyTypeError;
use pyo3::ffi::c_str;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyList};
use tickersense::sentiment::Analyzer;
use tickersense::{Error, ErrorKind, Result, Score};

use super::convert::{bad, items, shown};
use super::describe;
use crate::runtime::{call_python_blocking, Site};

/// How the user's analyzer is called.
enum Shape {
    /// `f(text)`.
    Callable,
    /// `obj.score(text)`, and `obj.score_many(texts)` when `many`.
    Object { many: bool },
}

/// A user's analyzer.
pub struct PyAnalyzer {
    object: Py<PyAny>,
    shape: Shape,
    /// Its `name` attribute, or its class's (a function's) name.
    name: String,
}

impl PyAnalyzer {
    /// `object` checked: an object with a callable `score`, or a callable
    /// (else `TypeError`). Calls nothing.
    pub fn new(object: &Bound<'_, PyAny>) -> PyResult<Self> {
        let callable = |name: &str| {
            object
                .getattr(name)
                .map(|m| m.is_callable())
                .unwrap_or(false)
        };
        let shape = if callable("score") {
            Shape::Object {
                many: callable("score_many"),
            }
        } else if object.is_callable() {
            Shape::Callable
        } else {
            return Err(PyTypeError::new_err(format!(
                "analyzer must be a name (\"textblob\", \"vader\"), a callable text -> float, \
                 or an object with score(text); not {}",
                shown(object)
            )));
        };
        Ok(PyAnalyzer {
            object: object.clone().unbind(),
            shape,
            name: describe(object),
        })
    }

    fn site(&self, method: &str) -> Site {
        Site {
            name: match self.shape {
                Shape::Callable => format!("{}()", self.name),
                Shape::Object { .. } => format!("{}.{method}()", self.name),
            },
            otherwise: ErrorKind::Internal,
        }
    }
}

impl PyAnalyzer {
    /// Calls the user's analyzer on `texts` (its `score_many` when `batch`
    /// and it has one, else its `score` or itself per text) and reads each
    /// score it gives, as many as it gives. The outer error is the call's
    /// failure (an exception, or not a list); the inner ones a bad score's.
    fn run(&self, texts: &[&str], batch: bool) -> Result<(Site, Vec<Result<Score>>)> {
        let many = batch && matches!(self.shape, Shape::Object { many: true });
        let site = self.site(if many { "score_many" } else { "score" });
        let scores = call_python_blocking(
            &site,
            |py| {
                let texts = PyList::new(py, texts)?;
                let object = self.object.bind(py);
                match self.shape {
                    Shape::Object { .. } if many => object
                        .call_method1("score_many", (texts,))
                        .map(Bound::unbind),
                    Shape::Object { .. } => {
                        let score = object.getattr("score")?;
                        helper(py)?.call1(py, (score, texts))
                    }
                    Shape::Callable => helper(py)?.call1(py, (object, texts)),
                }
            },
            |_, returned| {
                // A list longer than the texts is refused before it is read.
                let scores =
                    items(&site.name, returned, texts.len(), "scores").map_err(internal)?;
                Ok(scores
                    .iter()
                    .enumerate()
                    .map(|(i, score)| {
                        let at = if many {
                            format!("{}[{i}]", site.name)
                        } else {
                            site.name.clone()
                        };
                        score_from(&at, score)
                    })
                    .collect())
            },
        )?;
        Ok((site, scores))
    }
}

/// What stands for a score the user's analyzer failed to give in the
/// infallible methods: NaN, which no analyzer may give, so that a check of
/// the scores (the test kit's "finite and in range") names the failure
/// rather than taking a neutral 0.
const FAILED: Score = Score { polarity: f64::NAN };

impl Analyzer for PyAnalyzer {
    fn name(&self) -> &str {
        &self.name
    }

    /// The score of `text` from the user's `score` (or the callable), never
    /// its `score_many`; NaN when that fails, since this method cannot fail
    /// (see [`FAILED`]). The sentiment service calls
    /// [`Analyzer::try_score_many`], which reports the failure.
    fn score(&self, text: &str) -> Score {
        match self.run(&[text], false) {
            Ok((_, scores)) => scores
                .into_iter()
                .next()
                .and_then(Result::ok)
                .unwrap_or(FAILED),
            Err(_) => FAILED,
        }
    }

    /// The scores the user's analyzer gives `texts`, as many as it gives
    /// (a wrong number is kept, not padded, for a caller to see), each one
    /// it could not give NaN; one NaN per text when the call itself fails.
    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        if texts.is_empty() {
            return Vec::new();
        }
        match self.run(texts, true) {
            Ok((_, scores)) => scores.into_iter().map(|s| s.unwrap_or(FAILED)).collect(),
            Err(_) => vec![FAILED; texts.len()],
        }
    }

    /// One call of `score_many(texts)` when the object has it, else one of
    /// `score(text)` per text (their awaitables awaited in turn), all in
    /// one hold of the GIL. A failure, a bad score or a wrong number of
    /// them is `InternalError` naming the analyzer.
    fn try_score_many(&self, texts: &[&str]) -> Result<Vec<Score>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let (site, scores) = self.run(texts, true)?;
        if scores.len() != texts.len() {
            return Err(internal(bad(
                &site.name,
                format_args!("{} scores for {} texts", scores.len(), texts.len()),
            )));
        }
        scores.into_iter().collect()
    }
}

/// `err` as `Internal`: a user analyzer's failures are the library's
/// failure to score, not an upstream service's.
fn internal(err: Error) -> Error {
    Error::new(ErrorKind::Internal, err.message())
}

/// A number from -1 to 1, or a dict or object with `polarity` or
/// `compound`; anything else is `InternalError` naming `site` and the value.
fn score_from(site: &str, value: &Bound<'_, PyAny>) -> Result<Score> {
    let number = if let Ok(dict) = value.downcast::<PyDict>() {
        dict.get_item("polarity")
            .ok()
            .flatten()
            .or_else(|| dict.get_item("compound").ok().flatten())
    } else if value.is_instance_of::<pyo3::types::PyString>() {
        None
    } else if value.extract::<f64>().is_ok() {
        Some(value.clone())
    } else {
        value
            .getattr("polarity")
            .or_else(|_| value.getattr("compound"))
            .ok()
    };
    let polarity = number
        .and_then(|n| n.extract::<f64>().ok())
        .ok_or_else(|| {
            internal(bad(
                site,
                format_args!("a score that is not a number: {}", shown(value)),
            ))
        })?;
    // NaN is outside too: the range test is false for it.
    if !(-1.0..=1.0).contains(&polarity) {
        return Err(internal(bad(
            site,
            format_args!("a score outside -1 to 1: {}", shown(value)),
        )));
    }
    Ok(Score { polarity })
}

const SCORE_EACH: &std::ffi::CStr = c_str!(
    r#"
import inspect


def score_each(score, texts):
    results = [score(text) for text in texts]
    if not any(inspect.isawaitable(r) for r in results):
        return results

    async def awaited():
        return [(await r) if inspect.isawaitable(r) else r for r in results]

    return awaited()
"#
);

/// `score_each(score, texts)`: the score of each text, or an awaitable of
/// them when `score` is an `async def`.
fn helper(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    static HELPER: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    HELPER.get_or_try_init(py, || {
        let m = PyModule::from_code(
            py,
            SCORE_EACH,
            c_str!("tickersense/_analyzers.py"),
            c_str!("tickersense._analyzers"),
        )?;
        Ok(m.getattr("score_each")?.unbind())
    })
}
