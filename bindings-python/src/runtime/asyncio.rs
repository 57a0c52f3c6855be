//! The asyncio bridge: `AsyncClient`'s coroutines, each driving a task on
//! the runtime and settled on the awaiting event loop.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi::c_str;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::{IntoPyObject, IntoPyObjectExt};

use super::user::on_loop;
use super::{catching, into_py_result, runtime, with_python, Caller};
use crate::error::IntoPyErr;

/// What a finished task hands the event loop, made with the GIL: the value,
/// or the exception to raise.
type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;
type Make = Box<dyn FnOnce(Caller) -> Pin<Box<dyn Future<Output = Finish> + Send>> + Send>;

/// A coroutine for the result of `fut`, run on the runtime once the
/// coroutine is first awaited; `name` (`"AsyncClient.quote"`) is its
/// `__qualname__`.
pub fn awaitable<'py, T, E, F>(py: Python<'py>, name: &str, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
{
    awaitable_calling_back(py, name, |_| fut)
}

/// [`awaitable`] for a future made by `make` from a [`Caller`] that runs
/// Python code on the awaiting event loop.
///
/// The coroutine (`drive` below) makes an asyncio future on the running
/// loop and starts the task, which settles that future through
/// `call_soon_threadsafe`. Being a coroutine, it is wrapped in a Task that
/// `asyncio.run` cancels at its end like any other; cancelling it (or
/// closing it) aborts the task, which drops the Rust future at once. A
/// coroutine never awaited starts nothing.
pub fn awaitable_calling_back<'py, T, E, F, M>(
    py: Python<'py>,
    name: &str,
    make: M,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
    M: FnOnce(Caller) -> F + Send + 'static,
{
    let make: Make = Box::new(move |caller| {
        let fut = make(caller);
        Box::pin(async move {
            let outcome = catching(fut).await;
            Box::new(move |py: Python<'_>| into_py_result(outcome)?.into_py_any(py)) as Finish
        })
    });
    let start = Start {
        make: Mutex::new(Some(make)),
    };
    let coroutine = helpers(py)?.drive.bind(py).call1((start,))?;
    // Named after the call, not the bridge, in task reprs and in Python's
    // "coroutine ... was never awaited" warning.
    coroutine.setattr("__qualname__", name)?;
    coroutine.setattr("__name__", name.rsplit('.').next().unwrap_or(name))?;
    Ok(coroutine)
}

/// The callable `drive` calls once, with the running loop and the future to
/// settle, to start the task.
#[pyclass(frozen)]
struct Start {
    make: Mutex<Option<Make>>,
}

#[pymethods]
impl Start {
    fn __call__(
        &self,
        py: Python<'_>,
        event_loop: Py<PyAny>,
        future: Py<PyAny>,
    ) -> PyResult<Running> {
        let make = self
            .make
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this coroutine was started already"))?;
        let handle = runtime()?;
        let settle = helpers(py)?.settle.clone_ref(py);
        let this_loop = Arc::new(event_loop.clone_ref(py));
        let fut = make(Caller::Loop(this_loop.clone()));
        let task = handle.spawn(async move {
            // User backends' coroutines run on this loop, which awaits the call.
            let finish = on_loop(this_loop, fut).await;
            with_python(|py| {
                let (ok, value) = match finish(py) {
                    Ok(value) => (true, value),
                    Err(err) => (false, err.into_value(py).into_any()),
                };
                // A closed loop raises here: nobody awaits the result then.
                let _ = event_loop.call_method1(
                    py,
                    "call_soon_threadsafe",
                    (settle, future, ok, value),
                );
            });
        });
        Ok(Running {
            abort: task.abort_handle(),
        })
    }
}

/// The task a coroutine started; `abort()` drops its future.
#[pyclass(frozen)]
struct Running {
    abort: tokio::task::AbortHandle,
}

#[pymethods]
impl Running {
    fn abort(&self) {
        self.abort.abort();
    }
}

/// The Python half of the asyncio bridge: small functions that are
/// simplest written in Python.
const HELPERS: &std::ffi::CStr = c_str!(
    r#"
import asyncio
import concurrent.futures
import inspect
import os
import threading


async def drive(start):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    running = start(loop, future)
    try:
        return await future
    finally:
        running.abort()


def settle(future, ok, value):
    if future.done():  # cancelled meanwhile
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


async def _wait_for(awaitable):
    return await awaitable


def schedule(loop, awaitable, done):
    coro = awaitable if inspect.iscoroutine(awaitable) else _wait_for(awaitable)
    try:
        if loop.is_closed():
            raise RuntimeError("the event loop is closed")
        future = asyncio.run_coroutine_threadsafe(coro, loop)
    except BaseException:
        coro.close()
        raise

    def settle(future):
        if future.cancelled():
            done(False, asyncio.CancelledError())
        elif future.exception() is not None:
            done(False, future.exception())
        else:
            done(True, future.result())

    future.add_done_callback(settle)
    return future


_background = None
_background_lock = threading.Lock()


def _forget_background_loop():
    # In a forked child the loop's thread is gone, and the lock may be held.
    global _background, _background_lock
    _background = None
    _background_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_background_loop)


def background_loop():
    global _background
    with _background_lock:
        if _background is None or _background[0].is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="tickersense-asyncio", daemon=True)
            thread.start()
            _background = (loop, thread)
        return _background[0]


def stop_background_loop():
    background = _background
    if background is None:
        return
    loop, thread = background
    if thread.is_alive() and not loop.is_closed():
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def call_on_loop(loop, function, arg):
    result = function(arg)
    if not inspect.isawaitable(result):
        return result
    coro = result if inspect.iscoroutine(result) else _wait_for(result)
    try:
        if loop.is_closed():
            raise RuntimeError("the event loop is closed")
        done = asyncio.run_coroutine_threadsafe(coro, loop)
    except BaseException:
        coro.close()
        raise
    while True:
        try:
            return done.result(0.1)
        except concurrent.futures.TimeoutError:
            if loop.is_closed():
                done.cancel()
                raise RuntimeError("the event loop closed before on_progress ran") from None
"#
);

pub(super) struct Helpers {
    drive: Py<PyAny>,
    settle: Py<PyAny>,
    pub(super) call_on_loop: Py<PyAny>,
    /// `schedule(loop, awaitable, done)`: runs a user method's awaitable on
    /// `loop`, calling `done(ok, value)` there when it ends; gives the
    /// `concurrent.futures.Future` (to cancel it).
    pub(super) schedule: Py<PyAny>,
    /// The binding's own event loop (on a thread of its own), started on
    /// first use and again in a forked child.
    pub(super) background_loop: Py<PyAny>,
    /// Stops that loop, if it was started; the exit hook calls it.
    pub(super) stop_background_loop: Py<PyAny>,
}

pub(super) fn helpers(py: Python<'_>) -> PyResult<&Helpers> {
    static HELPERS_MODULE: GILOnceCell<Helpers> = GILOnceCell::new();
    HELPERS_MODULE.get_or_try_init(py, || {
        let m = PyModule::from_code(
            py,
            HELPERS,
            c_str!("tickersense/_asyncio_bridge.py"),
            c_str!("tickersense._asyncio_bridge"),
        )?;
        Ok(Helpers {
            drive: m.getattr("drive")?.unbind(),
            settle: m.getattr("settle")?.unbind(),
            call_on_loop: m.getattr("call_on_loop")?.unbind(),
            schedule: m.getattr("schedule")?.unbind(),
            background_loop: m.getattr("background_loop")?.unbind(),
            stop_background_loop: m.getattr("stop_background_loop")?.unbind(),
        })
    })
}
