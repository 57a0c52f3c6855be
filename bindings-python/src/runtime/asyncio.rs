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
        let fut = make(Caller::Loop(Arc::new(event_loop.clone_ref(py))));
        let task = handle.spawn(async move {
            let finish = fut.await;
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

/// The Python half of the asyncio bridge: three small functions that are
/// simplest written in Python.
const HELPERS: &std::ffi::CStr = c_str!(
    r#"
import asyncio
import concurrent.futures
import inspect


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
        })
    })
}
