//! Core errors as JS errors: every [`tickersense::Error`] becomes a JS `Error`
//! whose `message` is the core message and whose `code` is
//! [`ErrorKind::as_str`] (`"InvalidInput"`, `"NotFound"`, ...).
//!
//! Synchronous functions return [`JsResult`]; napi throws its error with the
//! custom status as `code`. napi's `async fn` support only rejects with its own
//! `napi::Status` codes, so async methods resolve to a [`Settled`] instead,
//! which builds the coded `Error` on the JS thread and rejects the promise with
//! that very object ([`coded_rejection`], which `AsyncTask`s use too).
//! A rejection also carries `retryAfter` (seconds) when the core error knows
//! how long to wait: a provider's `Retry-After`, an open circuit breaker's
//! cool-down.
//!
//! Where one call reports many outcomes (`historyMany`), each failure is an
//! [`ErrorInfo`]: a plain object with the same `code`, `message` and
//! `retryAfter`.

use napi::bindgen_prelude::{Env, JsError, JsValue, Object, ToNapiValue};
use napi::sys;
use napi_derive::napi;
use tickersense::ErrorKind;

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

/// What an async method's promise settles with: the converted value
/// (resolve), or a core error (reject with a JS `Error` carrying `code`).
pub struct Settled<T>(pub tickersense::Result<T>);

// napi calls this on the JS thread when the future is done. Returning an error
// that refers to a JS value makes napi reject the promise with that value, so
// the rejection is the coded `Error` built here rather than one napi would
// synthesise with a `napi::Status` as its code.
#[allow(unsafe_code)] // `ToNapiValue::to_napi_value` is declared `unsafe fn`; nothing unsafe is done here beyond delegating.
impl<T: ToNapiValue> ToNapiValue for Settled<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            // SAFETY: `env` is the live env napi handed to this call.
            Ok(value) => unsafe { T::to_napi_value(env, value) },
            Err(err) => Err(coded_rejection(Env::from_raw(env), err)),
        }
    }
}

/// A napi error holding the coded JS `Error` for `err`, built on the JS
/// thread of `env`. Returned from a callback that settles a promise (a
/// [`Settled`] value, an `AsyncTask`'s `reject`), it makes napi reject with
/// that very object, so the rejection carries `code` = the error kind.
pub fn coded_rejection(env: Env, err: tickersense::Error) -> napi::Error {
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
    napi::Error::from(error)
}

/// A core error as a plain object, for results that hold many outcomes
/// (`historyMany`): the same `code` and `message` a rejected call's `Error`
/// would carry.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The error kind: `"InvalidInput"`, `"NotFound"`, `"RateLimited"`,
    /// `"Unavailable"`, `"Upstream"`, `"Timeout"`, ...
    pub code: String,
    /// What went wrong, never holding a secret.
    pub message: String,
    /// Seconds to wait before trying again, when known: a provider's
    /// `Retry-After`, an open circuit breaker's cool-down.
    pub retry_after: Option<f64>,
    /// The kind of the error this one was made from, when it wraps one
    /// (the `"RateLimited"` behind an `"Unavailable"` with no stale copy).
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
