//! Batch scoring without holding the event loop: a [`Batch`] reads a chunk
//! of texts on the JS thread, scores it on a libuv worker, and goes on with
//! the next chunk as a task of its own, so the caller sees one promise.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{
    Array, Either, Env, Function, JsObjectValue, JsValue, Object, ObjectRef, PromiseRaw,
    ToNapiValue, TypeName, Unknown,
};
use napi::{Status, Task};
use tickersense::sentiment::Chunks;

use crate::error::coded_rejection;

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

/// The scores of a batch so far, one column per figure, for one analyzer.
pub(super) trait Columns: Send + Sized + 'static {
    type Analyzer: Clone + Send + 'static;
    type Js: ToNapiValue + TypeName;
    fn with_capacity(n: usize) -> Self;
    /// Scores `texts` (on all cores) and appends their figures.
    fn score(&mut self, analyzer: &Self::Analyzer, texts: &[String]);
    fn into_js(self) -> Self::Js;
}

/// A batch being scored. The JS thread reads one chunk of texts
/// ([`Chunks`]: some milliseconds of work) and a libuv worker scores it
/// while the event loop runs; when it is done the JS thread reads the next
/// chunk, and so on. Each step is a task of its own whose promise the
/// previous step resolves with, so the batch is one promise to the caller
/// and the event loop is never held for more than a chunk. The results are
/// typed arrays over the columns' own memory: no object per text.
pub(super) struct Batch<C: Columns> {
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
    pub(super) fn start<'env>(
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
pub(super) type Settled<C> = Either<Unknown<'static>, <C as Columns>::Js>;

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
