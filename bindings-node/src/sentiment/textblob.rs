//! [`tickersense::sentiment::TextBlob`] as the JS class `TextBlobAnalyzer`.

use napi::bindgen_prelude::{Array, Either, Env, Float64Array, PromiseRaw, Unknown};
use napi_derive::napi;

use super::batch::{Batch, Columns};
use crate::error::{guard, ErrorCode, IntoJsResult};

/// TextBlob's two figures for many texts, one typed array each, in the
/// order of the texts: `polarity[i]` and `subjectivity[i]` are those of
/// `texts[i]`, as `sentiment(texts[i])` gives them.
#[napi(object)]
pub struct TextBlobSentimentColumns {
    /// Polarity of each text, -1 to 1.
    pub polarity: Float64Array,
    /// Subjectivity of each text, 0 to 1.
    pub subjectivity: Float64Array,
}

#[derive(Default)]
struct TextBlobColumns([Vec<f64>; 2]);

impl Columns for TextBlobColumns {
    type Analyzer = tickersense::sentiment::TextBlob;
    type Js = TextBlobSentimentColumns;

    fn with_capacity(n: usize) -> Self {
        TextBlobColumns(std::array::from_fn(|_| Vec::with_capacity(n)))
    }

    fn score(&mut self, analyzer: &Self::Analyzer, texts: &[String]) {
        let [polarity, subjectivity] = &mut self.0;
        for s in analyzer.sentiment_many(texts) {
            polarity.push(s.polarity);
            subjectivity.push(s.subjectivity);
        }
    }

    fn into_js(self) -> TextBlobSentimentColumns {
        let [polarity, subjectivity] = self.0.map(Float64Array::new);
        TextBlobSentimentColumns {
            polarity,
            subjectivity,
        }
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
    /// A panic in core throws an `Error` coded `"Internal"`.
    #[napi]
    pub fn sentiment(&self, text: String) -> napi::Result<TextBlobSentiment, ErrorCode> {
        guard(|| Ok(self.inner.sentiment(&text).into())).into_js()
    }

    /// The sentiment of every text, as columns: `polarity[i]` and
    /// `subjectivity[i]` (`Float64Array`s) are `sentiment(texts[i])`.
    /// Scored off the JS thread on all cores, in chunks of some
    /// milliseconds each, so the event loop keeps running; the texts are
    /// read from a copy of the array, chunk by chunk. An argument that is
    /// not an array, or a text that is not a string among the first
    /// thousands, throws; a later one rejects the promise (code
    /// `StringExpected`).
    #[napi(
        ts_args_type = "texts: Array<string>",
        ts_return_type = "Promise<TextBlobSentimentColumns>"
    )]
    pub fn sentiment_many<'env>(
        &self,
        env: &'env Env,
        texts: Array<'env>,
    ) -> napi::Result<PromiseRaw<'env, Either<Unknown<'static>, TextBlobSentimentColumns>>> {
        Batch::<TextBlobColumns>::start(env, self.inner, texts)
    }
}
