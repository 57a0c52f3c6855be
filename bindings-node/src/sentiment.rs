//! The analyzers of [`tickersense::sentiment`] as JS classes: `Vader` gives
//! vaderSentiment's four scores as a plain object, `TextBlobAnalyzer`
//! TextBlob's polarity and subjectivity; their batch calls give columns of
//! typed arrays, built without holding the event loop.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{
    Array, Either, Env, Float64Array, Function, JsObjectValue, JsValue, Object, ObjectRef,
    PromiseRaw, ToNapiValue, TypeName, Unknown,
};
use napi::{Status, Task};
use napi_derive::napi;
use tickersense::sentiment::Chunks;

use crate::error::{coded_rejection, guard, ErrorCode, IntoJsResult};

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

/// Scores a chunk on a libuv worker thread. A panic must not unwind into
/// napi's C callback (that aborts the process): it becomes an error, which
/// the task's `reject` turns into a rejection.
/// The message is [`tickersense::Error::from_panic`]'s, as every other
/// call's panic gives.
fn score_without_unwinding<T>(score: impl FnOnce() -> T) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(score)).map_err(|payload| {
        napi::Error::from_reason(
            tickersense::Error::from_panic(&*payload)
                .message()
                .to_owned(),
        )
    })
}

/// What a batch rejects with when scoring failed: the only way it fails is
/// a panic in core, so the JS `Error` is coded `Internal`.
fn internal_rejection(env: Env, err: &napi::Error) -> napi::Error {
    coded_rejection(env, tickersense::Error::internal(err.reason.clone()))
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

/// The scores of a batch so far, one column per figure, for one analyzer.
trait Columns: Send + Sized + 'static {
    type Analyzer: Clone + Send + 'static;
    type Js: ToNapiValue + TypeName;
    fn with_capacity(n: usize) -> Self;
    /// Scores `texts` (on all cores) and appends their figures.
    fn score(&mut self, analyzer: &Self::Analyzer, texts: &[String]);
    fn into_js(self) -> Self::Js;
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

/// A batch being scored. The JS thread reads one chunk of texts
/// ([`Chunks`]: some milliseconds of work) and a libuv worker scores it
/// while the event loop runs; when it is done the JS thread reads the next
/// chunk, and so on. Each step is a task of its own whose promise the
/// previous step resolves with, so the batch is one promise to the caller
/// and the event loop is never held for more than a chunk. The results are
/// typed arrays over the columns' own memory: no object per text.
struct Batch<C: Columns> {
    analyzer: C::Analyzer,
    /// A copy of the caller's array (edits to theirs meanwhile change
    /// nothing); `None` once released.
    texts: Option<ObjectRef>,
    len: u32,
    /// Index of the first text not read yet.
    next: u32,
    /// Texts read and not scored yet.
    chunk: Vec<String>,
    columns: C,
}

impl<C: Columns> Batch<C> {
    /// Reads the first chunk at once, so that a wrong argument (or a text
    /// that is not a string among the first ones) throws synchronously, and
    /// returns the batch's promise.
    fn start<'env>(
        env: &'env Env,
        analyzer: C::Analyzer,
        texts: Array<'env>,
    ) -> napi::Result<PromiseRaw<'env, Settled<C>>> {
        let slice: Function<'env, (), Array<'env>> = texts.get_named_property("slice")?;
        let copy = slice.apply(texts, ())?;
        let len = copy.len();
        let copy = copy.coerce_to_object()?;
        let mut batch = Batch {
            analyzer,
            texts: None,
            len,
            next: 0,
            chunk: Vec::new(),
            columns: C::with_capacity(len as usize),
        };
        batch.read(&copy)?;
        batch.texts = Some(copy.create_ref()?);
        Ok(env.spawn(batch)?.promise_object())
    }

    /// Reads texts into `chunk` until the chunk is full or all are read.
    fn read(&mut self, texts: &Object<'_>) -> napi::Result<()> {
        let mut chunks = Chunks::default();
        while self.next < self.len {
            let i = self.next;
            let text: String = texts.get_element(i).map_err(|_| {
                napi::Error::new(
                    Status::StringExpected,
                    format!("texts[{i}] must be a string"),
                )
            })?;
            self.next += 1;
            let full = chunks.full(text.len());
            self.chunk.push(text);
            if full {
                break;
            }
        }
        Ok(())
    }
}

/// What one step of a [`Batch`] settles with: the next step's promise
/// (which the caller's promise then follows), or the columns. The methods
/// declare the JS type.
type Settled<C> = Either<Unknown<'static>, <C as Columns>::Js>;

impl<C: Columns> Task for Batch<C> {
    type Output = ();
    type JsValue = Settled<C>;

    fn compute(&mut self) -> napi::Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        let (columns, analyzer) = (&mut self.columns, &self.analyzer);
        score_without_unwinding(|| columns.score(analyzer, &chunk))
    }

    fn resolve(&mut self, env: Env, (): ()) -> napi::Result<Settled<C>> {
        if self.next < self.len {
            // Read before the array is handed on: after a failed read,
            // `finally` releases it.
            if let Some(texts) = self.texts.as_ref().map(|t| t.get_value(&env)).transpose()? {
                self.read(&texts)?;
            }
            let next = Batch {
                analyzer: self.analyzer.clone(),
                texts: self.texts.take(),
                len: self.len,
                next: self.next,
                chunk: std::mem::take(&mut self.chunk),
                columns: std::mem::replace(&mut self.columns, C::with_capacity(0)),
            };
            let promise: PromiseRaw<'static, _> = env.spawn(next)?.promise_object();
            return Ok(Either::A(promise.to_unknown()));
        }
        let columns = std::mem::replace(&mut self.columns, C::with_capacity(0));
        Ok(Either::B(columns.into_js()))
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<Settled<C>> {
        Err(internal_rejection(env, &err))
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        // The step that read the last chunk handed the array on or let it go.
        if let Some(texts) = self.texts.take() {
            texts.unref(&env)?;
        }
        Ok(())
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
