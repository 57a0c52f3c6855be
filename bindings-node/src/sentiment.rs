//! The analyzers of [`tickersense::sentiment`] as JS classes: `Vader` gives
//! vaderSentiment's four scores as a plain object.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{AsyncTask, Env};
use napi::Task;
use napi_derive::napi;

use crate::error::coded_rejection;

/// VADER's four figures for one text, rounded as vaderSentiment rounds them:
/// `neg`, `neu`, `pos` to 3 decimals, `compound` to 4.
#[napi(object)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VaderScores {
    /// Share of negative intensity, 0 to 1.
    pub neg: f64,
    /// Share of neutral words, 0 to 1.
    pub neu: f64,
    /// Share of positive intensity, 0 to 1.
    pub pos: f64,
    /// Normalised sum of all valences, -1 (most negative) to 1 (most positive).
    pub compound: f64,
}

impl From<tickersense::sentiment::VaderScores> for VaderScores {
    fn from(s: tickersense::sentiment::VaderScores) -> Self {
        VaderScores {
            neg: s.neg,
            neu: s.neu,
            pos: s.pos,
            compound: s.compound,
        }
    }
}

// The task comes before the class: napi's typegen learns a task's JS type
// from its `impl Task`, and must have seen it to type `polarityScoresMany`.

/// The work of `Vader.polarityScoresMany`: scores a batch on a libuv worker
/// thread (which hands it to core's thread pool) and resolves on the JS thread.
pub struct PolarityScoresMany {
    inner: tickersense::sentiment::Vader,
    texts: Vec<String>,
}

#[napi]
impl Task for PolarityScoresMany {
    type Output = Vec<tickersense::sentiment::VaderScores>;
    type JsValue = Vec<VaderScores>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // A panic must not unwind into napi's C callback (that aborts the
        // process): it becomes a rejection instead.
        let texts = std::mem::take(&mut self.texts);
        let inner = self.inner;
        catch_unwind(AssertUnwindSafe(|| inner.polarity_scores_many(&texts)))
            .map_err(|_| napi::Error::from_reason("VADER scoring panicked"))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output.into_iter().map(VaderScores::from).collect())
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<Self::JsValue> {
        Err(coded_rejection(
            env,
            tickersense::Error::internal(err.reason.clone()),
        ))
    }
}

/// VADER, score for score as vaderSentiment 3.3.2's
/// `SentimentIntensityAnalyzer`. Cheap to make: the lexicons are loaded once
/// per process, at first use.
///
/// A text that is not a string throws synchronously with napi's own code
/// (`"StringExpected"`, `"ArrayExpected"`). A lone surrogate in a JS string
/// is read as U+FFFD, as any string crossing into Rust.
#[napi]
#[derive(Debug, Default)]
pub struct Vader {
    inner: tickersense::sentiment::Vader,
}

#[napi]
impl Vader {
    /// A VADER analyzer.
    #[napi(constructor)]
    pub fn new() -> Self {
        Vader {
            inner: tickersense::sentiment::Vader::new(),
        }
    }

    /// The scores of one text, as vaderSentiment's `polarity_scores(text)`,
    /// computed on the calling thread (one text takes microseconds).
    #[napi(catch_unwind)]
    pub fn polarity_scores(&self, text: String) -> VaderScores {
        self.inner.polarity_scores(&text).into()
    }

    /// The scores of every text, in the order of `texts`, computed off the
    /// JS thread on all cores; the event loop keeps running meanwhile.
    #[napi]
    pub fn polarity_scores_many(&self, texts: Vec<String>) -> AsyncTask<PolarityScoresMany> {
        AsyncTask::new(PolarityScoresMany {
            inner: self.inner,
            texts,
        })
    }
}
