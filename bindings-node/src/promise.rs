//! Core futures as JS promises. [`spawn`] runs one on napi's tokio runtime
//! and settles its promise on the JS thread: resolved with the converted
//! value, rejected with the coded `Error` of a core error, with an
//! `Internal` error when core panicked (a panic never unwinds into napi,
//! where it would leave the promise pending or end the process), and with
//! the `AbortSignal`'s reason as soon as the call's signal is aborted.
//!
//! An abort settles the promise from the signal's listener itself, on the
//! JS thread, without waiting for the core future: that may be inside a
//! stretch of CPU work that does not yield. The future is dropped at its
//! next await point, which cancels the core work.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::future::{AbortHandle, Abortable};
use futures::FutureExt;
use napi::bindgen_prelude::{
    Env, FunctionCallContext, FunctionRef, JsValue, Object, PromiseRaw, ToNapiValue,
};
use napi::JsDeferred;

use crate::args::{abort_error, abort_reason, Refusal, Signal};
use crate::error::coded_rejection;

/// What settles a promise on the JS thread: its value, or the error to
/// reject with.
type Settle<V> = Box<dyn FnOnce(Env) -> napi::Result<V> + Send>;

/// Runs `work` and returns the promise of its result, settled as the module
/// docs say. With a `signal` already aborted, the promise rejects with its
/// reason and `work` never starts.
pub fn spawn<'env, V>(
    env: &'env Env,
    signal: Option<Signal>,
    work: impl Future<Output = tickersense::Result<V>> + Send + 'static,
) -> napi::Result<PromiseRaw<'env, V>>
where
    V: ToNapiValue + Send + 'static,
{
    let signal = match signal {
        Some(signal) if signal.aborted(env)? => {
            let reason = abort_reason(env, &signal.object(env)?);
            signal.release(env)?;
            return reject(env, reason?);
        }
        signal => signal,
    };
    let (deferred, promise) = env.create_deferred::<V, Settle<V>>()?;
    let (handle, registration) = AbortHandle::new_pair();
    // `signal.removeEventListener` bound to the signal and the listener: a
    // function reference, which may be dropped on any thread.
    let unlisten = match signal {
        Some(signal) => {
            let unlisten = listen(env, &signal, handle, deferred.clone());
            signal.release(env)?;
            Some(unlisten?)
        }
        None => None,
    };
    napi::bindgen_prelude::spawn(async move {
        let caught = AssertUnwindSafe(work).catch_unwind();
        let result = match Abortable::new(caught, registration).await {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => Err(tickersense::Error::from_panic(panic.as_ref())),
            // The listener has rejected the promise already.
            Err(_aborted) => return,
        };
        // A promise the listener settled meanwhile stays as it is: a
        // deferred settles once.
        deferred.resolve(Box::new(move |env| {
            // A signal whose removeEventListener throws must not turn a
            // finished call into a rejection: the result is delivered anyway.
            if let Some(unlisten) = unlisten {
                let _ = unlisten.borrow_back(&env).and_then(|f| f.call(()));
            }
            result.map_err(|err| coded_rejection(env, err))
        }));
    });
    Ok(PromiseRaw::new(env.raw(), promise.raw()))
}

/// Listens for `signal`'s `abort` (once): the listener aborts the future
/// through `handle` and rejects the promise through `deferred` with the
/// signal's reason. Returns what removes the listener again.
fn listen<V: ToNapiValue + 'static>(
    env: &Env,
    signal: &Signal,
    handle: AbortHandle,
    deferred: JsDeferred<V, Settle<V>>,
) -> napi::Result<FunctionRef<(), ()>> {
    let listener =
        env.create_function_from_closure("abort", move |ctx: FunctionCallContext<'_>| {
            // An event listener is called with its target, the signal, as
            // `this`; a home-made signal may call it otherwise, and the
            // promise must be settled all the same before the work is dropped.
            let reason = ctx
                .this::<Object<'_>>()
                .and_then(|signal| abort_reason(ctx.env, &signal))
                .or_else(|_| abort_error(ctx.env))
                .unwrap_or_else(|_| {
                    napi::Error::new(napi::Status::Cancelled, "This operation was aborted")
                });
            deferred.clone().reject(reason);
            handle.abort();
            Ok(())
        })?;
    signal.listen(env, &listener)?;
    let unlisten = signal.unlistener(env, &listener)?;
    unlisten.create_ref()
}

/// A promise already rejected with `error` (a JS value held by the error,
/// as [`coded_rejection`] and [`Refusal::into_js`] make them).
fn reject<'env, V: ToNapiValue>(
    env: &'env Env,
    error: napi::Error,
) -> napi::Result<PromiseRaw<'env, V>> {
    PromiseRaw::reject(env, error)
}

/// The promise of a call refused before it started: rejected with the
/// refusal's `TypeError` or coded `Error`.
pub fn refused<'env, V: ToNapiValue>(
    env: &'env Env,
    refusal: Refusal,
) -> napi::Result<PromiseRaw<'env, V>> {
    reject(env, refusal.into_js(env))
}

/// Runs the argument reading `read` and then, when it succeeds, the core
/// call it returns: the shape of every async method that reads arguments
/// by hand. A refusal rejects the promise (it does not throw), as a JS
/// `async` function would.
pub fn call<'env, V, F>(
    env: &'env Env,
    read: impl FnOnce() -> Result<(Option<Signal>, F), Refusal>,
) -> napi::Result<PromiseRaw<'env, V>>
where
    V: ToNapiValue + Send + 'static,
    F: Future<Output = tickersense::Result<V>> + Send + 'static,
{
    match read() {
        Ok((signal, work)) => spawn(env, signal, work),
        Err(refusal) => refused(env, refusal),
    }
}
