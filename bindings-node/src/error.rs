//! Core errors as JS errors: every [`tickersense::Error`] becomes a JS `Error`
//! whose `message` is the core message and whose `code` is
//! [`ErrorKind::as_str`] (`"InvalidInput"`, `"NotFound"`, ...).
//!
//! Synchronous functions return [`JsResult`]; napi throws its error with the
//! custom status as `code`, and [`guard`] turns a panic in them into an
//! `Internal` error. napi's `async fn` support only rejects with its own
//! `napi::Status` codes, so async methods go through [`crate::promise`],
//! which builds the coded `Error` on the JS thread and rejects the promise
//! with that very object ([`coded_rejection`], which `AsyncTask`s use too).
//! A rejection also carries `retryAfter` (seconds) when the core error knows
//! how long to wait: a provider's `Retry-After`, an open circuit breaker's
//! cool-down; and `cause`, the very error a user's JS backend threw, when
//! the core error was made from one.
//!
//! Where one call reports many outcomes (`historyMany`), each failure is an
//! [`ErrorInfo`]: a plain object with the same `code`, `message` and
//! `retryAfter`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{Env, JsError, JsTypeError, JsValue, Object};
use napi_derive::napi;
use tickersense::ErrorKind;

use crate::js::call::JsCause;

/// The status of a napi error made from a core error: its text is the kind's
/// stable name, which napi puts in the JS error's `code` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub ErrorKind);

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

/// A napi error coded by [`ErrorKind`].
pub type JsErr = napi::Error<ErrorCode>;

/// `Result` of a synchronous binding function: its error is thrown with `code`.
/// (`#[napi]` recognises a fallible function by a return type spelt `Result`,
/// so exported functions name `napi::Result<T, ErrorCode>` instead.)
pub type JsResult<T> = napi::Result<T, ErrorCode>;

/// Turns a core error into a coded napi error.
pub trait IntoJsError {
    /// The napi error with the same kind (as `code`) and message.
    fn into_js_error(self) -> JsErr;
}

impl IntoJsError for tickersense::Error {
    fn into_js_error(self) -> JsErr {
        napi::Error::new(ErrorCode(self.kind()), self.message())
    }
}

/// Maps the error of a core `Result` for a synchronous binding function.
pub trait IntoJsResult<T> {
    /// The same value, or the coded napi error.
    fn into_js(self) -> JsResult<T>;
}

impl<T> IntoJsResult<T> for tickersense::Result<T> {
    fn into_js(self) -> JsResult<T> {
        self.map_err(IntoJsError::into_js_error)
    }
}

/// A napi error holding the coded JS `Error` for `err`, built on the JS
/// thread of `env`. Returned from a callback that settles a promise (a
/// [`crate::promise`] callback, an `AsyncTask`'s `reject`), it makes napi reject with
/// that very object, so the rejection carries `code` = the error kind.
pub fn coded_rejection(env: Env, err: tickersense::Error) -> napi::Error {
    let js_cause = js_cause(&err).and_then(|cause| cause.value(&env));
    let retry_after = err.retry_after();
    let cause = err.cause_kind().map(|k| ErrorCode(k).as_ref().to_owned());
    let error = JsError::from(err.into_js_error()).into_unknown(env);
    let mut object = Object::from_raw(env.raw(), error.raw());
    // Setting a property on an `Error` just made cannot fail short of the
    // engine running out of memory; the rejection stays coded either way.
    if let Some(after) = retry_after {
        let _ = object.set("retryAfter", after.as_secs_f64());
    }
    if let Some(cause) = cause {
        let _ = object.set("causeCode", cause);
    }
    if let Some(thrown) = js_cause {
        let _ = object.set("cause", thrown);
    }
    // Held as it is: `napi::Error::from` would read the error's `cause`
    // back as a string, which throws for a thrown `Symbol`.
    napi::Error::from_unknown_without_coercion(error)
}

/// The JS error a user's JS backend threw, when `err` was made from one
/// (anywhere down its chain of sources).
fn js_cause(err: &tickersense::Error) -> Option<&JsCause> {
    let mut source = std::error::Error::source(err);
    while let Some(error) = source {
        if let Some(cause) = error.downcast_ref::<JsCause>() {
            return Some(cause);
        }
        source = error.source();
    }
    None
}

/// A JS `TypeError` whose `code` is `"InvalidInput"`, for an argument of
/// the wrong JS type; as a napi error holding it, to throw or reject with.
pub fn type_error(env: &Env, message: &str) -> napi::Error {
    let error = napi::Error::new(ErrorCode(ErrorKind::InvalidInput), message);
    napi::Error::from(JsTypeError::from(error).into_unknown(*env))
}

/// Runs the synchronous core work `f`; a panic in it becomes an `Internal`
/// error ([`tickersense::Error::from_panic`]) instead of unwinding into napi
/// (where it would surface as `"GenericFailure"`, or abort the process).
pub fn guard<T>(f: impl FnOnce() -> tickersense::Result<T>) -> tickersense::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|panic| Err(tickersense::Error::from_panic(panic.as_ref())))
}

/// A core error as a plain object, for results that hold many outcomes
/// (`historyMany`): the same `code` and `message` a rejected call's `Error`
/// would carry.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The error kind: `"InvalidInput"`, `"NotFound"`, `"RateLimited"`,
    /// `"Unavailable"`, `"Upstream"`, `"Timeout"`, ...
    #[napi(ts_type = "ErrorCode")]
    pub code: String,
    /// What went wrong, never holding a secret.
    pub message: String,
    /// Seconds to wait before trying again, when known: a provider's
    /// `Retry-After`, an open circuit breaker's cool-down.
    pub retry_after: Option<f64>,
    /// The kind of the error this one was made from, when it wraps one
    /// (the `"RateLimited"` behind an `"Unavailable"` with no stale copy).
    #[napi(ts_type = "ErrorCode")]
    pub cause_code: Option<String>,
}

impl From<tickersense::Error> for ErrorInfo {
    fn from(err: tickersense::Error) -> Self {
        ErrorInfo {
            code: ErrorCode(err.kind()).as_ref().to_owned(),
            message: err.message().to_owned(),
            retry_after: err.retry_after().map(|d| d.as_secs_f64()),
            cause_code: err.cause_kind().map(|k| ErrorCode(k).as_ref().to_owned()),
        }
    }
}
