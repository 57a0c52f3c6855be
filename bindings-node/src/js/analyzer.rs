//! A user's JS analyzer as core's [`Analyzer`]: a function `text => number`
//! or an object with `score(text)` and, optionally, `scoreMany(texts)`
//! (without it, `score` is called for every text at once). Each score is a
//! polarity from -1 to 1, or an object `{polarity}`, or a promise of one.
//!
//! Core asks an analyzer synchronously, from a worker thread of the
//! runtime; the worker hands the call to the JS thread and waits (other
//! tasks move to other workers meanwhile), so the event loop itself never
//! waits. A throw or rejection fails the analysis with an `Internal` error
//! (or the kind its `code` names); the infallible `score` and `scoreMany`
//! of the trait, which the sentiment service does not use, give a neutral 0
//! for texts the JS analyzer failed on.

use std::future::Future;
use std::thread::ThreadId;

use napi::bindgen_prelude::{Env, Unknown};
use tickersense::sentiment::Analyzer;
use tickersense::{Error, ErrorKind, Score};

use super::call::{FromJs, Method};
use tickersense::model::limits::MAX_ANSWER_POSTS;

use super::read::{self, BadValue, Excess, Fields};

/// Most scores read from one `scoreMany` answer: the posts of ten sources.
const SCORES_READ: usize = MAX_ANSWER_POSTS * 10;

/// A JS function or object scoring texts; see the module docs.
pub struct JsAnalyzer {
    name: String,
    score: Method<(String,), Polarity>,
    score_many: Method<(Vec<String>,), Vec<Polarity>>,
    /// The JS thread, which must never wait for itself.
    js_thread: ThreadId,
}

impl JsAnalyzer {
    /// The function `target` (`is_function`) or the object `target`
    /// (checked to have `score`; `has_score_many` when it has `scoreMany`
    /// too), named `name` in cache keys and results.
    pub fn new(
        env: &Env,
        target: Unknown<'_>,
        is_function: bool,
        has_score_many: bool,
        name: String,
    ) -> napi::Result<Self> {
        let (score, score_many) = if is_function {
            (
                Method::new(env, target, None, false, "analyzer".to_owned())?,
                Method::new(env, target, None, true, "analyzer".to_owned())?,
            )
        } else if has_score_many {
            (
                Method::new(
                    env,
                    target,
                    Some("score"),
                    false,
                    "analyzer.score".to_owned(),
                )?,
                Method::new(
                    env,
                    target,
                    Some("scoreMany"),
                    false,
                    "analyzer.scoreMany".to_owned(),
                )?,
            )
        } else {
            (
                Method::new(
                    env,
                    target,
                    Some("score"),
                    false,
                    "analyzer.score".to_owned(),
                )?,
                Method::new(
                    env,
                    target,
                    Some("score"),
                    true,
                    "analyzer.score".to_owned(),
                )?,
            )
        };
        Ok(JsAnalyzer {
            name,
            score,
            score_many,
            js_thread: std::thread::current().id(),
        })
    }

    /// Lets the JS function or object go (see [`Method::release`]).
    pub fn release(&self) {
        self.score.release();
        self.score_many.release();
    }

    /// Waits for `work`, a call to the JS thread, from a runtime worker
    /// (handing its other tasks to other workers first).
    fn wait<T>(
        &self,
        work: impl Future<Output = tickersense::Result<T>>,
    ) -> tickersense::Result<T> {
        if std::thread::current().id() == self.js_thread {
            // Waiting here for the JS thread would wait forever.
            return Err(Error::internal(
                "a JS analyzer cannot be asked on the JS thread itself",
            ));
        }
        let run = || futures::executor::block_on(work);
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(run)
            }
            _ => run(),
        }
    }
}

impl Analyzer for JsAnalyzer {
    fn name(&self) -> &str {
        &self.name
    }

    fn score(&self, text: &str) -> Score {
        let work = self.score.call((text.to_owned(),), ErrorKind::Internal);
        Score {
            // NaN, not a neutral 0: a failure must not pass for a score.
            polarity: self.wait(work).map_or(f64::NAN, |p| p.0),
        }
    }

    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        self.try_score_many(texts)
            .unwrap_or_else(|_| vec![Score { polarity: f64::NAN }; texts.len()])
    }

    fn try_score_many(&self, texts: &[&str]) -> tickersense::Result<Vec<Score>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let owned: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        let work = self.score_many.call((owned,), ErrorKind::Internal);
        let scores = self.wait(work)?;
        if scores.len() != texts.len() {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!(
                    "{} returned {} scores for {} texts",
                    self.score_many.what(),
                    scores.len(),
                    texts.len()
                ),
            ));
        }
        Ok(scores
            .into_iter()
            .map(|p| Score { polarity: p.0 })
            .collect())
    }
}

/// A polarity from -1 to 1: a number, or an object with `polarity`.
pub struct Polarity(f64);

impl FromJs for Polarity {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        let polarity = if value.get_type().ok() == Some(napi::ValueType::Object) {
            Fields::of(value)?.required("polarity", read::number)?
        } else {
            read::number(value)?
        };
        if !(-1.0..=1.0).contains(&polarity) {
            return Err(BadValue::new(
                "",
                format!("must be a polarity from -1 to 1, not {polarity}"),
            ));
        }
        Ok(Polarity(polarity))
    }
}

/// The scores of `scoreMany`, one per text asked (checked afterwards): an
/// array longer than [`SCORES_READ`] is refused before any item is read.
impl FromJs for Vec<Polarity> {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        read::array(value, SCORES_READ, Excess::Refuse, Polarity::from_js)
    }
}
