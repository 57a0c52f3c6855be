//! [`tickersense::sentiment::Vader`] as the JS class `Vader`.

use napi::bindgen_prelude::{Array, Either, Env, Float64Array, PromiseRaw, Unknown};
use napi_derive::napi;

use super::batch::{Batch, Columns};
use crate::error::{guard, ErrorCode, IntoJsResult};

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

/// VADER's four figures for many texts, one typed array each, in the order
/// of the texts: `neg[i]`, `neu[i]`, `pos[i]` and `compound[i]` are the
/// scores of `texts[i]`, as `polarityScores(texts[i])` gives them.
#[napi(object)]
pub struct VaderScoresColumns {
    /// Share of negative intensity of each text, 0 to 1.
    pub neg: Float64Array,
    /// Share of neutral words of each text, 0 to 1.
    pub neu: Float64Array,
    /// Share of positive intensity of each text, 0 to 1.
    pub pos: Float64Array,
    /// Normalised sum of the valences of each text, -1 to 1.
    pub compound: Float64Array,
}

#[derive(Default)]
struct VaderColumns([Vec<f64>; 4]);

impl Columns for VaderColumns {
    type Analyzer = tickersense::sentiment::Vader;
    type Js = VaderScoresColumns;

    fn with_capacity(n: usize) -> Self {
        VaderColumns(std::array::from_fn(|_| Vec::with_capacity(n)))
    }

    fn score(&mut self, analyzer: &Self::Analyzer, texts: &[String]) {
        let [neg, neu, pos, compound] = &mut self.0;
        for s in analyzer.polarity_scores_many(texts) {
            neg.push(s.neg);
            neu.push(s.neu);
            pos.push(s.pos);
            compound.push(s.compound);
        }
    }

    fn into_js(self) -> VaderScoresColumns {
        let [neg, neu, pos, compound] = self.0.map(Float64Array::new);
        VaderScoresColumns {
            neg,
            neu,
            pos,
            compound,
        }
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
    /// A panic in core throws an `Error` coded `"Internal"`.
    #[napi]
    pub fn polarity_scores(&self, text: String) -> napi::Result<VaderScores, ErrorCode> {
        guard(|| Ok(self.inner.polarity_scores(&text).into())).into_js()
    }

    /// The scores of every text, as columns: `neg[i]`, `neu[i]`, `pos[i]`
    /// and `compound[i]` (`Float64Array`s) are `polarityScores(texts[i])`.
    /// Scored off the JS thread on all cores, in chunks of some
    /// milliseconds each, so the event loop keeps running; the texts are
    /// read from a copy of the array, chunk by chunk. An argument that is
    /// not an array, or a text that is not a string among the first
    /// thousands, throws; a later one rejects the promise (code
    /// `StringExpected`).
    #[napi(
        ts_args_type = "texts: Array<string>",
        ts_return_type = "Promise<VaderScoresColumns>"
    )]
    pub fn polarity_scores_many<'env>(
        &self,
        env: &'env Env,
        texts: Array<'env>,
    ) -> napi::Result<PromiseRaw<'env, Either<Unknown<'static>, VaderScoresColumns>>> {
        Batch::<VaderColumns>::start(env, self.inner.clone(), texts)
    }
}
