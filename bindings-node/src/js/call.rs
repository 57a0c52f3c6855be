//! Calling one method of a user's JS object from any thread.
//!
//! A [`Method`] is a weak thread-safe function over a small JS invoker made
//! for the object and the method's name. The invoker looks the method up at
//! each call, calls it with `this` bound to the object, and always answers
//! a promise that never rejects: `[true, value]` once the method's value
//! (or the value its promise resolved to) is there, `[false, error, code,
//! retryAfter, message]` when it threw or its promise rejected. The value is
//! read into Rust data on the JS thread ([`FromJs`]); the error is kept as
//! the JS value itself ([`JsCause`]), which becomes the `cause` of the
//! error the caller finally gets.
//!
//! Weak: a pending call never keeps Node running by itself (the call into
//! core that made it does, through its own promise), and dropping the
//! [`Method`] releases the function and, with it, the object.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use futures::channel::oneshot;
use napi::bindgen_prelude::{
    Env, FnArgs, Function, FunctionCallContext, JsObjectValue, JsValue, JsValuesTupleIntoVec,
    Object, ToNapiValue, Unknown,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use tickersense::error::echo;
use tickersense::{Error, ErrorKind};

use super::read::BadValue;

/// Makes the invoker of `target[method]` (or of `target` itself when
/// `method` is `null`); with `each`, the invoker takes an array of texts
/// and calls the method once per text, all at once (`scoreMany` made of
/// `score`).
const MAKE_INVOKER: &str = r#"(function makeInvoker(target, method, each) {
  'use strict'
  const call = (args) => method === null
    ? Reflect.apply(target, undefined, args)
    : Reflect.apply(target[method], target, args)
  const facts = (error) => {
    try {
      const object = error !== null && (typeof error === 'object' || typeof error === 'function')
      const code = object && typeof error.code === 'string' ? error.code : undefined
      const retryAfter = object && typeof error.retryAfter === 'number' ? error.retryAfter : undefined
      const message = object && typeof error.message === 'string' ? error.message : String(error)
      return [code, retryAfter, message]
    } catch {
      return [undefined, undefined, 'an error that could not be read']
    }
  }
  const settle = (run) => new Promise((resolve) => resolve(run())).then(
    (value) => [true, value],
    (error) => [false, error, ...facts(error)],
  )
  if (each) return (texts) => settle(() => Promise.all(texts.map((text) => call([text]))))
  return (...args) => settle(() => call(args))
})"#;

/// A Rust value read from what a JS method returned.
pub trait FromJs: Sized + Send + 'static {
    /// Reads `value` (on the JS thread); what does not fit is a [`BadValue`].
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue>;
}

/// A JS error as the source of a core error: the thrown value itself, handed
/// back to JS as the `cause` of the error the caller gets. Releasing it is
/// safe from any thread (napi routes it to the JS thread).
pub struct JsCause {
    thrown: napi::Error,
    message: String,
}

impl JsCause {
    /// The thrown JS value, on the JS thread of `env` (a fresh `Error` with
    /// its message elsewhere, which no caller does).
    pub fn value<'env>(&self, env: &'env Env) -> Option<Unknown<'env>> {
        self.thrown.try_clone().ok()?.into_unknown(env).ok()
    }
}

impl std::fmt::Debug for JsCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsCause")
            .field("message", &self.message)
            .finish()
    }
}

impl std::fmt::Display for JsCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a JS error: {}", echo(&self.message))
    }
}

impl std::error::Error for JsCause {}

/// What a JS method threw or rejected with.
pub struct Thrown {
    cause: JsCause,
    /// The error's `code`, when it is a string.
    code: Option<String>,
    /// The error's `retryAfter`, in seconds, when it is a number.
    retry_after: Option<f64>,
}

impl Thrown {
    /// The core error for it: of the kind its `code` names when that is one
    /// of the library's (a `TickersenseError` passed on), else of `kind`;
    /// `what` (`marketData.quote`) and the JS message make the message, and
    /// the JS error is its source.
    pub fn into_error(self, what: &str, kind: ErrorKind) -> Error {
        let kind = self
            .code
            .as_deref()
            .and_then(|code| ErrorKind::ALL.into_iter().find(|k| k.as_str() == code))
            .unwrap_or(kind);
        let mut err = Error::new(kind, format!("{what} threw: {}", echo(&self.cause.message)));
        if let Some(after) = self
            .retry_after
            .filter(|s| s.is_finite() && *s >= 0.0)
            .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        {
            err = err.with_retry_after(after);
        }
        err.with_source(self.cause)
    }
}

/// How a JS method's call came out.
pub enum Answer<T> {
    /// It returned (or its promise resolved to) a value, read into `T` or found bad.
    Returned(Result<T, BadValue>),
    /// It threw, or its promise rejected.
    Threw(Thrown),
}

/// Reads the invoker's answer `[ok, value, code, retryAfter, message]`.
fn read_answer<T: FromJs>(answer: &Unknown<'_>) -> napi::Result<Answer<T>> {
    let answer = answer.coerce_to_object()?;
    let ok: bool = answer.get_element(0)?;
    let value: Unknown<'_> = answer.get_element(1)?;
    if ok {
        return Ok(Answer::Returned(T::from_js(&value)));
    }
    let code: Option<String> = answer.get_element(2)?;
    let retry_after: Option<f64> = answer.get_element(3)?;
    let message: Option<String> = answer.get_element(4)?;
    Ok(Answer::Threw(Thrown {
        cause: JsCause {
            thrown: napi::Error::from_unknown_without_coercion(value),
            message: message.unwrap_or_default(),
        },
        code,
        retry_after,
    }))
}

/// The thread-safe function behind a [`Method`]: called with the argument
/// tuple `A`, answering the invoker's promise.
type Tsfn<A> = ThreadsafeFunction<A, Unknown<'static>, FnArgs<A>, Status, false, true>;

/// What is sent back from the JS thread: the answer, or `None` when it
/// could not be read at all.
type Sent<T> = Option<Answer<T>>;

/// One method of a user's JS object, callable from any thread; see the
/// module docs. `A` is the tuple of its arguments, `T` what it returns.
pub struct Method<A: 'static, T>
where
    FnArgs<A>: JsValuesTupleIntoVec,
{
    /// `None` once released (by `close()`).
    function: Mutex<Option<Arc<Tsfn<A>>>>,
    /// How messages name it: `marketData.quote`.
    what: String,
    answer: PhantomData<fn() -> T>,
}

/// Makes the invoker: called with the target, the method's name (or
/// `null`) and `each`, it answers the invoker function.
type MakeInvoker<'env, A> = Function<
    'env,
    FnArgs<(Unknown<'env>, Option<&'env str>, bool)>,
    Function<'env, FnArgs<A>, Unknown<'static>>,
>;

impl<A, T> Method<A, T>
where
    A: Send + 'static,
    FnArgs<A>: JsValuesTupleIntoVec,
    T: FromJs,
{
    /// The method `method` of `target` (the function `target` itself when
    /// `method` is `None`; once per text with `each`), named `what` in
    /// messages. Costs compiling the invoker's few lines of JS (once per
    /// method, when the client is made) and one thread-safe function.
    pub fn new(
        env: &Env,
        target: Unknown<'_>,
        method: Option<&str>,
        each: bool,
        what: String,
    ) -> napi::Result<Self> {
        let make: MakeInvoker<'_, A> = env.run_script(MAKE_INVOKER)?;
        let invoker = make.call(FnArgs::from((target, method, each)))?;
        let function = invoker
            .build_threadsafe_function::<A>()
            .weak::<true>()
            .callee_handled::<false>()
            .build_callback(|ctx| Ok(FnArgs::from(ctx.value)))?;
        Ok(Method {
            function: Mutex::new(Some(Arc::new(function))),
            what,
            answer: PhantomData,
        })
    }

    /// How messages name the method.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Calls the method with `args` and waits for its answer without
    /// holding any thread: one hop to the JS thread and one back, plus
    /// reading the answer there (a napi call per field read). A throw or rejection becomes an error of `kind`
    /// (or of the kind its `code` names); a value that does not fit, an
    /// `Upstream` error naming the method and the field.
    pub async fn call(&self, args: A, kind: ErrorKind) -> tickersense::Result<T> {
        let function = self
            .function
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| self.gone())?;
        let (sender, receiver) = oneshot::channel::<Sent<T>>();
        let status = function.call_with_return_value(
            args,
            ThreadsafeFunctionCallMode::NonBlocking,
            move |invoked, env| {
                // The invoker never throws; were it to, the call is gone.
                if let Ok(promise) = invoked {
                    on_answer(&env, promise, sender)?;
                }
                Ok(())
            },
        );
        drop(function);
        if status != Status::Ok {
            return Err(self.gone());
        }
        match receiver.await {
            Ok(Some(Answer::Returned(Ok(value)))) => Ok(value),
            Ok(Some(Answer::Returned(Err(bad)))) => Err(bad_value(&self.what, &bad)),
            Ok(Some(Answer::Threw(thrown))) => Err(thrown.into_error(&self.what, kind)),
            Ok(None) => Err(Error::internal(format!(
                "the answer of {} could not be read",
                self.what
            ))),
            // The JS side dropped the call: Node is shutting down.
            Err(_) => Err(self.gone()),
        }
    }

    /// Drops the thread-safe function (calls made afterwards fail with
    /// `Unavailable`); the JS object is released once no call is in flight.
    pub fn release(&self) {
        self.function
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// The error of a call that cannot reach the JS thread any more.
    fn gone(&self) -> Error {
        Error::unavailable(format!(
            "{} cannot be called: its client was closed, or Node is shutting down",
            self.what
        ))
    }
}

/// Waits (on the JS thread, without blocking it) for the invoker's
/// `promise` and sends its answer, read as `T`, through `sender`.
fn on_answer<T: FromJs>(
    env: &Env,
    promise: Unknown<'_>,
    sender: oneshot::Sender<Sent<T>>,
) -> napi::Result<()> {
    let sender = Cell::new(Some(sender));
    let settled: Function<'_, Unknown<'_>, ()> =
        env.create_function_from_closure("answer", move |ctx: FunctionCallContext<'_>| {
            let answer = ctx
                .get::<Unknown<'_>>(0)
                .and_then(|a| read_answer::<T>(&a))
                .ok();
            if let Some(sender) = sender.take() {
                // The caller may have stopped waiting (an aborted call).
                let _ = sender.send(answer);
            }
            Ok(())
        })?;
    // A getter that throws while the answer is read leaves its exception
    // pending when `settled` returns (the read has failed already, and
    // said so): it rejects the promise `then` makes, which is caught here
    // rather than left to end the process as an unhandled rejection.
    let ignore: Function<'_, Unknown<'_>, ()> =
        env.create_function_from_closure("ignore", |_: FunctionCallContext<'_>| Ok(()))?;
    let read = chain(promise.coerce_to_object()?, "then", settled.to_unknown())?;
    chain(read, "catch", ignore.to_unknown())?;
    Ok(())
}

/// `promise[method](callback)`: the promise `then` or `catch` makes.
fn chain<'env>(
    promise: Object<'env>,
    method: &str,
    callback: Unknown<'_>,
) -> napi::Result<Object<'env>> {
    let attach: Function<'_, FnArgs<(Unknown<'_>,)>, Object<'env>> =
        promise.get_named_property(method)?;
    attach.apply(promise, FnArgs::from((callback,)))
}

/// The `Upstream` error of a value `what` (`marketData.quote`) returned
/// that does not fit.
pub fn bad_value(what: &str, bad: &BadValue) -> Error {
    Error::new(
        ErrorKind::Upstream,
        format!("{what} returned a bad value: {}", bad.describe()),
    )
}
