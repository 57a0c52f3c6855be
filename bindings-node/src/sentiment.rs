//! The analyzers of [`tickersense::sentiment`] as JS classes: `Vader` gives
//! vaderSentiment's four scores as a plain object, `TextBlobAnalyzer`
//! TextBlob's polarity and subjectivity.

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

// The batch tasks come before their classes: napi's typegen learns a task's
// JS type from its `impl Task`, and must have seen it to type
// `polarityScoresMany` and `sentimentMany`.

/// Runs a batch task's scoring on its worker thread. A panic must not unwind
/// into napi's C callback (that aborts the process): it becomes an error,
/// which the task's `reject` turns into a rejection.
fn score_without_unwinding<T>(analyzer: &str, score: impl FnOnce() -> T) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(score))
        .map_err(|_| napi::Error::from_reason(format!("{analyzer} scoring panicked")))
}

/// What a batch task rejects with: the only way it fails is a panic in core,
/// so the JS `Error` is coded `Internal`.
fn internal_rejection(env: Env, err: &napi::Error) -> napi::Error {
    coded_rejection(env, tickersense::Error::internal(err.reason.clone()))
}

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
        let texts = std::mem::take(&mut self.texts);
        let inner = self.inner;
        score_without_unwinding("VADER", || inner.polarity_scores_many(&texts))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output.into_iter().map(VaderScores::from).collect())
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<Self::JsValue> {
        Err(internal_rejection(env, &err))
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

/// TextBlob's two figures for one text, as `TextBlob(text).sentiment` gives
/// them (unrounded, to the last bit).
#[napi(object)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBlobSentiment {
    /// Negative (-1) to positive (+1); 0 when no word is known.
    pub polarity: f64,
    /// Objective (0) to subjective (1); 0 when no word is known.
    pub subjectivity: f64,
}

impl From<tickersense::sentiment::TextBlobSentiment> for TextBlobSentiment {
    fn from(s: tickersense::sentiment::TextBlobSentiment) -> Self {
        TextBlobSentiment {
            polarity: s.polarity,
            subjectivity: s.subjectivity,
        }
    }
}

/// The work of `TextBlobAnalyzer.sentimentMany`: scores a batch on a libuv
/// worker thread (which hands it to core's thread pool) and resolves on the
/// JS thread.
pub struct SentimentMany {
    inner: tickersense::sentiment::TextBlob,
    texts: Vec<String>,
}

#[napi]
impl Task for SentimentMany {
    type Output = Vec<tickersense::sentiment::TextBlobSentiment>;
    type JsValue = Vec<TextBlobSentiment>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let texts = std::mem::take(&mut self.texts);
        let inner = self.inner;
        score_without_unwinding("TextBlob", || inner.sentiment_many(&texts))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output.into_iter().map(TextBlobSentiment::from).collect())
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<Self::JsValue> {
        Err(internal_rejection(env, &err))
    }
}

/// TextBlob's default analyzer (`PatternAnalyzer`), score for score as
/// TextBlob 0.20.1's `TextBlob(text).sentiment`. Cheap to make: the lexicon
/// is loaded once per process, at first use.
///
/// A text that is not a string throws synchronously with napi's own code
/// (`"StringExpected"`, `"ArrayExpected"`). A lone surrogate in a JS string
/// is read as U+FFFD, as any string crossing into Rust.
#[napi]
#[derive(Debug, Default)]
pub struct TextBlobAnalyzer {
    inner: tickersense::sentiment::TextBlob,
}

#[napi]
impl TextBlobAnalyzer {
    /// A TextBlob analyzer.
    #[napi(constructor)]
    pub fn new() -> Self {
        TextBlobAnalyzer {
            inner: tickersense::sentiment::TextBlob::new(),
        }
    }

    /// The polarity and subjectivity of one text, as TextBlob's
    /// `TextBlob(text).sentiment`, computed on the calling thread (one text
    /// takes microseconds).
    #[napi(catch_unwind)]
    pub fn sentiment(&self, text: String) -> TextBlobSentiment {
        self.inner.sentiment(&text).into()
    }

    /// The sentiment of every text, in the order of `texts`, computed off
    /// the JS thread on all cores; the event loop keeps running meanwhile.
    #[napi]
    pub fn sentiment_many(&self, texts: Vec<String>) -> AsyncTask<SentimentMany> {
        AsyncTask::new(SentimentMany {
            inner: self.inner,
            texts,
        })
    }
}
