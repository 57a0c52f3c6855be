//! The analyzers as Python classes: `Vader` gives vaderSentiment's dicts,
//! `TextBlobAnalyzer` TextBlob's `(polarity, subjectivity)`.
//!
//! Texts are read without strict UTF-8: a lone surrogate (`"\ud83d"`, which
//! `str` allows and UTF-8 cannot hold) is read as U+FFFD, one character for
//! one, which both Python packages score exactly as the surrogate (neither
//! a letter, a space, punctuation nor a lexicon word). Long work runs with
//! the GIL released; batches run chunk by chunk, checking for Ctrl-C in
//! between.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use pyo3::{intern, IntoPyObjectExt};
use tickersense::sentiment::{Chunks, TextBlobSentiment, VaderScores};

use crate::error::IntoPyErr;
use crate::runtime::guarded;

/// A text read from Python: its own UTF-8 when it has some, else a copy in
/// which each lone surrogate is U+FFFD.
enum Text {
    Utf8(PyBackedStr),
    Replaced(String),
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        match self {
            Text::Utf8(s) => s,
            Text::Replaced(s) => s,
        }
    }
}

/// `obj` as a [`Text`]; `what` names it in the `TypeError` of a non-`str`.
fn text(obj: &Bound<'_, PyAny>, what: impl FnOnce() -> String) -> PyResult<Text> {
    let s = obj.downcast::<PyString>().map_err(|_| {
        let type_name = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "?".into());
        PyTypeError::new_err(format!("{} must be str, not {type_name}", what()))
    })?;
    match PyBackedStr::try_from(s.clone()) {
        Ok(utf8) => Ok(Text::Utf8(utf8)),
        // Only a lone surrogate makes a `str` unencodable.
        Err(_) => Ok(Text::Replaced(surrogates_replaced(s)?)),
    }
}

/// `s` with each lone surrogate as U+FFFD. `surrogatepass` encodes each as
/// the three bytes ED A0..BF 80..BF, which UTF-8 forbids; everything else
/// is UTF-8 (`from_utf8_lossy` would make three U+FFFD of each surrogate).
fn surrogates_replaced(s: &Bound<'_, PyString>) -> PyResult<String> {
    let py = s.py();
    let encoded = s.call_method1(intern!(py, "encode"), ("utf-8", "surrogatepass"))?;
    let mut rest: &[u8] = encoded.extract()?;
    let mut out = String::with_capacity(rest.len());
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return Ok(out);
            }
            Err(err) => {
                let (valid, after) = rest.split_at(err.valid_up_to());
                // Checked by `from_utf8` up to here.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                let skip = match after {
                    [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
                    _ => err.error_len().unwrap_or(after.len()),
                };
                rest = &after[skip..];
            }
        }
    }
}

/// Texts at least this long are scored with the GIL released: about 0.2 ms
/// of work, where releasing and taking the GIL back costs little beside.
const RELEASE_GIL_BYTES: usize = 4096;

/// `score(text)`, with the GIL released for a long text so other Python
/// threads run meanwhile. A panic in core is `InternalError`, as in every
/// other call.
fn score_one<T: Send>(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    score: impl Fn(&str) -> T + Send + Sync,
) -> PyResult<T> {
    let text = self::text(text, || "text".into())?;
    let text = text.as_ref();
    let scored = || guarded(|| Ok(score(text)));
    if text.len() < RELEASE_GIL_BYTES {
        scored()
    } else {
        py.allow_threads(scored)
    }
}

/// The list of `convert(score_many(chunk))` over all texts, chunk by chunk
/// ([`Chunks`]): texts read, scored on all cores with the GIL released,
/// results converted, and Ctrl-C checked before the next chunk, so a long
/// batch is interrupted within a chunk's time (tens of milliseconds).
fn score_batch<'py, T: Send>(
    texts: &Bound<'py, PyAny>,
    score_many: impl Fn(&[Text]) -> Vec<T> + Send + Sync,
    convert: impl Fn(Python<'py>, &T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let py = texts.py();
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of str, not a str",
        ));
    }
    let out = PyList::empty(py);
    let mut chunk: Vec<Text> = Vec::new();
    let mut chunks = Chunks::default();
    let mut items = texts.try_iter()?;
    loop {
        let item = items.next().transpose()?;
        let end = match &item {
            Some(item) => {
                let index = out.len() + chunk.len();
                let t = text(item, || format!("texts[{index}]"))?;
                let full = chunks.full(t.as_ref().len());
                chunk.push(t);
                full
            }
            None => true,
        };
        if end && !chunk.is_empty() {
            let scores = py.allow_threads(|| guarded(|| Ok(score_many(&chunk))))?;
            for s in &scores {
                out.append(convert(py, s)?)?;
            }
            chunk.clear();
            py.check_signals()?;
        }
        if item.is_none() {
            return Ok(out);
        }
    }
}

fn scores_dict<'py>(py: Python<'py>, s: &VaderScores) -> PyResult<Bound<'py, PyAny>> {
    // Key order as vaderSentiment builds its dict; interned keys and shared
    // floats keep a batch of 100,000 dicts from allocating 800,000 objects.
    let d = PyDict::new(py);
    d.set_item(intern!(py, "neg"), rounded(py, s.neg, 3)?)?;
    d.set_item(intern!(py, "neu"), rounded(py, s.neu, 3)?)?;
    d.set_item(intern!(py, "pos"), rounded(py, s.pos, 3)?)?;
    d.set_item(intern!(py, "compound"), rounded(py, s.compound, 4)?)?;
    Ok(d.into_any())
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

/// `lexicon` (word to valence) for [`tickersense::sentiment::Vader::with_lexicon`].
/// A key that is not a `str` can never match a word, as in vaderSentiment,
/// and is skipped; a value must be a number.
fn lexicon_words(lexicon: &Bound<'_, PyDict>) -> PyResult<Vec<(String, f64)>> {
    let mut words = Vec::with_capacity(lexicon.len());
    for (key, value) in lexicon.iter() {
        if !key.is_instance_of::<PyString>() {
            continue;
        }
        let word = text(&key, String::new)?;
        let valence: f64 = value.extract().map_err(|_| {
            tickersense::Error::invalid_input(format!(
                "lexicon[{}] must be a number",
                tickersense::error::echo(word.as_ref())
            ))
            .into_py_err()
        })?;
        words.push((word.as_ref().to_owned(), valence));
    }
    Ok(words)
}

/// VADER, score for score as vaderSentiment 3.3.2.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Vader {
    inner: tickersense::sentiment::Vader,
}

#[pymethods]
impl Vader {
    /// VADER with the built-in lexicon, or with `lexicon` (word to valence)
    /// instead, as vaderSentiment scores after its `lexicon` dict is edited.
    /// Reading a whole lexicon costs about a millisecond.
    #[new]
    #[pyo3(signature = (lexicon=None))]
    fn new(lexicon: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let inner = match lexicon {
            None => tickersense::sentiment::Vader::new(),
            Some(lexicon) => {
                let words = lexicon_words(lexicon)?;
                guarded(|| Ok(tickersense::sentiment::Vader::with_lexicon(words)))?
            }
        };
        Ok(Vader { inner })
    }

    /// vaderSentiment's lexicon as a new dict, in its order.
    #[staticmethod]
    fn builtin_lexicon(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        for (word, valence) in tickersense::sentiment::Vader::builtin_lexicon() {
            d.set_item(word, valence)?;
        }
        Ok(d)
    }

    /// `{"neg", "neu", "pos", "compound"}` for one text; a long one is
    /// scored with the GIL released.
    fn polarity_scores<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scores = score_one(py, text, |t| self.inner.polarity_scores(t))?;
        scores_dict(py, &scores)
    }

    /// `polarity_scores` of every text, on all cores with the GIL released,
    /// interruptible by Ctrl-C between chunks.
    fn polarity_scores_many<'py>(&self, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        score_batch(
            texts,
            |chunk| self.inner.polarity_scores_many(chunk),
            scores_dict,
        )
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

fn pair<'py>(py: Python<'py>, s: &TextBlobSentiment) -> PyResult<Bound<'py, PyAny>> {
    (s.polarity, s.subjectivity).into_bound_py_any(py)
}

#[pymethods]
impl TextBlobAnalyzer {
    #[new]
    fn new() -> Self {
        TextBlobAnalyzer {
            inner: tickersense::sentiment::TextBlob::new(),
        }
    }

    /// `(polarity, subjectivity)` for one text; a long one is scored with
    /// the GIL released.
    fn sentiment<'py>(&self, py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<(f64, f64)> {
        let s = score_one(py, text, |t| self.inner.sentiment(t))?;
        Ok((s.polarity, s.subjectivity))
    }

    /// `sentiment` of every text, on all cores with the GIL released,
    /// interruptible by Ctrl-C between chunks.
    fn sentiment_many<'py>(&self, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        score_batch(texts, |chunk| self.inner.sentiment_many(chunk), pair)
    }

    fn __repr__(&self) -> &'static str {
        "TextBlobAnalyzer()"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Vader>()?;
    m.add_class::<TextBlobAnalyzer>()
}
