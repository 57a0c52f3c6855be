//! Posts: those the sources give (`Client.mentions`), those a caller
//! brings to be scored (`Client.score_posts`, read here from dicts, texts
//! or a DataFrame), and the scores given back.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use tickersense::error::echo;
use tickersense::service::SentimentService;
use tickersense::store::{
    MAX_POST_ID_BYTES, MAX_POST_PLATFORM_BYTES, MAX_POST_TEXT_BYTES, MAX_POST_URL_BYTES,
};

use super::PlatformSentiment;
use crate::args::Time;
use crate::error::IntoPyErr;

/// One post mentioning a symbol, as its platform gave it.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Post {
    pub inner: tickersense::Post,
}

#[pymethods]
impl Post {
    /// The platform (`"reddit"`, `"x"`, `"stocktwits"`, ...).
    #[getter]
    fn platform(&self) -> &str {
        &self.inner.platform
    }
    /// The platform's id for the post.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// The text scored (a Reddit post's title and body, say).
    #[getter]
    fn text(&self) -> &str {
        &self.inner.text
    }
    /// Link to the post ("" when the platform gives none).
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }
    /// When it was posted.
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.inner.created_at
    }
    /// The author's name, when the platform tells it.
    #[getter]
    fn author(&self) -> Option<&str> {
        self.inner.author.as_deref()
    }
    /// The platform's own engagement figure (Reddit's score, likes), not a sentiment.
    #[getter]
    fn engagement(&self) -> Option<i64> {
        self.inner.engagement
    }
    /// The author's own label, `"bullish"` or `"bearish"` (StockTwits), when given.
    #[getter]
    fn label(&self) -> Option<&'static str> {
        self.inner.label.map(|l| l.as_str())
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "Post(platform={:?}, id={:?}, created_at={:?}, url={:?}, text={:?})",
            p.platform,
            p.id,
            p.created_at.to_rfc3339(),
            p.url,
            echo(&p.text)
        )
    }
}

/// Posts a caller brought, scored: one polarity per post in their order,
/// and the per-platform report an analysis would give for them.
#[pyclass(module = "tickersense._native", frozen)]
pub struct PostScores {
    pub inner: tickersense::PostScores,
}

#[pymethods]
impl PostScores {
    /// The analyzer's name.
    #[getter]
    fn analyzer(&self) -> &str {
        &self.inner.analyzer
    }
    /// One polarity per post, in the order given.
    #[getter]
    fn scores(&self) -> Vec<f64> {
        self.inner.scores.clone()
    }
    /// Mention-weighted mean over the platforms (0 without posts).
    #[getter]
    fn overall(&self) -> f64 {
        self.inner.overall
    }
    /// One entry per platform among the posts, by name.
    #[getter]
    fn platforms(&self) -> Vec<PlatformSentiment> {
        self.inner
            .platforms
            .iter()
            .map(|p| PlatformSentiment { inner: p.clone() })
            .collect()
    }
    fn __len__(&self) -> usize {
        self.inner.scores.len()
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        let platforms: Vec<&str> = s.platforms.iter().map(|p| p.platform.as_str()).collect();
        format!(
            "PostScores(analyzer={:?}, posts={}, overall={:.4}, platforms={:?})",
            s.analyzer,
            s.scores.len(),
            s.overall,
            platforms
        )
    }
}

/// The keys a post dict may have.
const POST_KEYS: [&str; 5] = ["text", "platform", "id", "url", "created_at"];

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn invalid(message: String) -> PyErr {
    tickersense::Error::invalid_input(message).into_py_err()
}

/// A missing value: `None`, or one unequal to itself (pandas' `NaN` and `NaT`).
fn is_missing(value: &Bound<'_, PyAny>) -> bool {
    value.is_none() || value.ne(value).unwrap_or(false)
}

/// `score_posts`' argument as core posts: a list or tuple of post dicts
/// (`text` required; `platform`, `id`, `url`, `created_at` optional) or of
/// plain texts, or a pandas DataFrame with a `text` column (and optionally
/// the others). Left out, the platform is
/// [`SentimentService::CALLER_PLATFORM`], the id the post's position, the
/// URL `""` and the time now. A value of the wrong type is `TypeError`, an
/// unknown key, a missing or over-long text `InvalidInputError`, each
/// naming the post and the field; so is a field over the store's bound
/// for it (`MAX_POST_TEXT_BYTES` and the like). O(posts); the texts are
/// copied once.
pub fn posts_argument(value: &Bound<'_, PyAny>) -> PyResult<Vec<tickersense::Post>> {
    let now = Utc::now();
    if crate::user::is_frame(value) {
        return frame_posts(value, now);
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = value.downcast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = value.downcast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(PyTypeError::new_err(format!(
            "posts must be a list of dicts (each with a 'text') or a pandas DataFrame with a 'text' column, not {}",
            type_name(value)
        )));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let site = format!("posts[{i}]");
            if item.is_instance_of::<PyString>() {
                let text = text_field(&site, item, MAX_POST_TEXT_BYTES)?;
                return Ok(SentimentService::caller_post(i, text, now));
            }
            let dict = item.downcast::<PyDict>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{site} must be a dict (with a 'text') or a str, not {}",
                    type_name(item)
                ))
            })?;
            for key in dict.keys() {
                let known = key.extract::<&str>().is_ok_and(|k| POST_KEYS.contains(&k));
                if !known {
                    let shown = key
                        .downcast::<PyString>()
                        .map_or_else(|_| crate::user::shown(&key), |k| echo(&k.to_string_lossy()));
                    return Err(invalid(format!(
                        "{site} has an unknown key {shown}; a post has {}",
                        POST_KEYS.join(", ")
                    )));
                }
            }
            let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
                Ok(dict.get_item(key)?.filter(|v| !is_missing(v)))
            };
            post_of(&site, i, now, |key| get(key))
        })
        .collect()
}

/// The posts of a DataFrame's rows: its `text` column and whichever of the
/// other post columns it has; other columns are not read.
fn frame_posts(frame: &Bound<'_, PyAny>, now: DateTime<Utc>) -> PyResult<Vec<tickersense::Post>> {
    let names: Vec<String> = frame
        .getattr("columns")?
        .try_iter()?
        .map(|c| c.and_then(|c| c.str().map(|s| s.to_string())))
        .collect::<PyResult<_>>()?;
    if !names.iter().any(|n| n == "text") {
        return Err(invalid(format!(
            "posts is a DataFrame without a 'text' column (its columns: {})",
            echo(&names.join(", "))
        )));
    }
    let mut columns: Vec<(&str, Vec<Bound<'_, PyAny>>)> = Vec::new();
    for key in POST_KEYS {
        if names.iter().any(|n| n == key) {
            let values: Vec<Bound<'_, PyAny>> = frame
                .get_item(key)?
                .call_method0("tolist")?
                .downcast_into::<PyList>()?
                .iter()
                .collect();
            columns.push((key, values));
        }
    }
    let rows = columns.first().map_or(0, |(_, v)| v.len());
    (0..rows)
        .map(|i| {
            let site = format!("posts row {i}");
            post_of(&site, i, now, |key| {
                Ok(columns
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, values)| values[i].clone())
                    .filter(|v| !is_missing(v)))
            })
        })
        .collect()
}

/// The post at `index` from its fields, as `get(key)` finds them.
fn post_of<'py>(
    site: &str,
    index: usize,
    now: DateTime<Utc>,
    get: impl Fn(&str) -> PyResult<Option<Bound<'py, PyAny>>>,
) -> PyResult<tickersense::Post> {
    let field = |key: &str| format!("{site}['{key}']");
    let text = match get("text")? {
        Some(text) => text_field(&field("text"), &text, MAX_POST_TEXT_BYTES)?,
        None => return Err(invalid(format!("{site} has no 'text'"))),
    };
    let mut post = SentimentService::caller_post(index, text, now);
    if let Some(platform) = get("platform")? {
        let platform = text_field(&field("platform"), &platform, MAX_POST_PLATFORM_BYTES)?;
        if SentimentService::is_blank_platform(&platform) {
            return Err(invalid(format!("{} is empty", field("platform"))));
        }
        post.platform = platform;
    }
    if let Some(id) = get("id")? {
        post.id = if id.is_instance_of::<pyo3::types::PyInt>() {
            id.str()?.to_string()
        } else {
            text_field(&field("id"), &id, MAX_POST_ID_BYTES)?
        };
    }
    if let Some(url) = get("url")? {
        post.url = text_field(&field("url"), &url, MAX_POST_URL_BYTES)?;
    }
    if let Some(at) = get("created_at")? {
        post.created_at = at
            .extract::<Time>()
            .map_err(|err| {
                let message = format!("{}: {}", field("created_at"), err.value(at.py()));
                if err.is_instance_of::<PyTypeError>(at.py()) {
                    PyTypeError::new_err(message)
                } else {
                    invalid(message)
                }
            })?
            .0;
    }
    Ok(post)
}

/// A str field of at most `max_bytes` bytes of UTF-8 (a lone surrogate
/// read as U+FFFD, as the analyzers read one): the store's bound for it.
fn text_field(what: &str, value: &Bound<'_, PyAny>, max_bytes: usize) -> PyResult<String> {
    let text = value.downcast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be str, not {}", type_name(value)))
    })?;
    let too_long = || {
        invalid(format!(
            "{what} is longer than the {max_bytes} bytes a post may hold"
        ))
    };
    // A str's length is known without reading it, and it has at least as
    // many bytes as characters: a huge one is refused before it is copied.
    if text.len()? > max_bytes {
        return Err(too_long());
    }
    let text = text.to_string_lossy().into_owned();
    if text.len() > max_bytes {
        return Err(too_long());
    }
    Ok(text)
}
