//! The tokio runtime the binding owns, and the two bridges over it: a
//! blocking wait for the sync `Client` and coroutines for `AsyncClient`.
//!
//! Tokio's threads do not survive `fork()`: the runtime is remembered with
//! the process id that made it, and a child process builds its own.
//!
//! The interpreter's exit is the other edge. A tokio thread that takes the
//! GIL while `Py_FinalizeEx` runs crashes the process, so no tokio thread
//! touches Python except through [`with_python`], and the module's exit hook
//! ([`shut_down`], run by `atexit` before finalization starts) closes that
//! door, waits for the threads inside to leave, and shuts the runtime down.
//! Work asked for afterwards fails with `Unavailable`.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi::c_str;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::{IntoPyObject, IntoPyObjectExt};
use tokio::runtime::{Handle, Runtime};

use crate::error::IntoPyErr;

enum Slot {
    Empty,
    Running {
        pid: u32,
        runtime: Runtime,
    },
    /// The interpreter is exiting: no new runtime is built.
    ShutDown,
}

static RUNTIME: Mutex<Slot> = Mutex::new(Slot::Empty);

/// Set by the exit hook: from then on no tokio thread enters Python.
static CLOSING: AtomicBool = AtomicBool::new(false);
/// Threads inside [`with_python`] right now.
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);

/// How long the exit hook waits for running work to let go, at most.
const EXIT_GRACE: Duration = Duration::from_secs(5);

fn shut_down_error() -> tickersense::Error {
    tickersense::Error::unavailable("tickersense has shut down: the interpreter is exiting")
}

/// This process's runtime, built on first use and again after a fork.
pub fn runtime() -> PyResult<Handle> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    match &*slot {
        Slot::Running {
            pid: owner,
            runtime,
        } if *owner == pid => return Ok(runtime.handle().clone()),
        Slot::ShutDown => return Err(shut_down_error().into_py_err()),
        _ => {}
    }
    // Inherited from the parent: its worker threads are gone, and dropping it
    // would wait for them forever. Leak it instead.
    if let Slot::Running { runtime, .. } = std::mem::replace(&mut *slot, Slot::Empty) {
        std::mem::forget(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("tickersense")
        .enable_all()
        .build()
        .map_err(|err| {
            tickersense::Error::internal(format!("cannot start the tokio runtime: {err}"))
                .into_py_err()
        })?;
    let handle = runtime.handle().clone();
    *slot = Slot::Running { pid, runtime };
    Ok(handle)
}

/// Runs `f` with the GIL on a thread Python did not start (a tokio
/// worker), unless the interpreter is exiting: then `None`, and Python is
/// not touched. The exit hook waits for every thread inside to leave.
pub fn with_python<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
        }
    }
    // Counted before the check, and the hook sets CLOSING before counting:
    // either this thread sees CLOSING, or the hook sees this thread.
    IN_PYTHON.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave;
    if CLOSING.load(Ordering::SeqCst) {
        return None;
    }
    Some(Python::with_gil(f))
}

/// The module's `atexit` hook: stops new work, drops the work under way
/// (its futures are dropped without touching Python), and waits, with the
/// GIL released, until no tokio thread is inside Python any more.
#[pyfunction]
fn shut_down(py: Python<'_>) {
    CLOSING.store(true, Ordering::SeqCst);
    let runtime = {
        let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
        match std::mem::replace(&mut *slot, Slot::ShutDown) {
            Slot::Running { pid, runtime } if pid == std::process::id() => Some(runtime),
            Slot::Running { runtime, .. } => {
                std::mem::forget(runtime);
                None
            }
            _ => None,
        }
    };
    py.allow_threads(|| {
        if let Some(runtime) = runtime {
            runtime.shutdown_timeout(EXIT_GRACE);
        }
        let deadline = Instant::now() + EXIT_GRACE;
        while IN_PYTHON.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// `os.register_at_fork(after_in_child=...)`: a thread counted in
/// [`IN_PYTHON`] at the fork does not exist in the child.
#[pyfunction]
fn after_fork_in_child() {
    IN_PYTHON.store(0, Ordering::SeqCst);
}

/// Registers the exit and fork hooks; called once by the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    py.import("atexit")?
        .call_method1("register", (wrap_pyfunction!(shut_down, py)?,))?;
    let os = py.import("os")?;
    if os.hasattr("register_at_fork")? {
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("after_in_child", wrap_pyfunction!(after_fork_in_child, py)?)?;
        os.call_method("register_at_fork", (), Some(&kwargs))?;
    }
    // Private and out of __all__: only the tests call it.
    m.setattr("_panic_for_tests", wrap_pyfunction!(panic_for_tests, m)?)?;
    Ok(())
}

/// What a task ends with: its own result, or the `Internal` error a panic
/// inside it became.
type Outcome<T, E> = Result<Result<T, E>, tickersense::Error>;

/// Runs `fut`, turning a panic inside it into an `Internal` error.
async fn catching<T, E>(fut: impl Future<Output = Result<T, E>>) -> Outcome<T, E> {
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|payload: Box<dyn Any + Send>| tickersense::Error::from_panic(&*payload))
}

/// Runs core code on the calling thread (outside any task), turning a
/// panic in it into `InternalError` as [`wait`] and [`awaitable`] do for
/// tasks, rather than pyo3's `PanicException`.
pub fn guarded<T>(f: impl FnOnce() -> tickersense::Result<T>) -> PyResult<T> {
    into_py_result(
        std::panic::catch_unwind(AssertUnwindSafe(f))
            .map_err(|payload| tickersense::Error::from_panic(&*payload)),
    )
}

fn into_py_result<T, E: IntoPyErr>(outcome: Outcome<T, E>) -> PyResult<T> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.into_py_err()),
        Err(panic) => Err(panic.into_py_err()),
    }
}

/// Runs `fut` on the runtime and waits for it with the GIL released. Works
/// from any thread, including one running an asyncio loop (Jupyter,
/// Streamlit), because the wait is a channel receive, not a nested runtime.
/// Ctrl-C is checked ten times a second: the task is cancelled and
/// `KeyboardInterrupt` raised.
pub fn wait<T, E, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
{
    wait_calling_back(py, |_| fut)
}

/// Python code a task hands to the thread waiting for it.
type Job = Box<dyn FnOnce(Python<'_>) + Send>;

/// What the waiting thread receives: Python code to run, or the end.
enum Message<T, E> {
    Run(Job),
    Done(Outcome<T, E>),
}

/// Where a task runs the Python code it calls back into (a progress callable).
#[derive(Clone)]
pub enum Caller {
    /// On the thread blocked in [`wait_calling_back`], between its waits:
    /// libraries bound to the caller's thread (Streamlit's elements, GUI
    /// toolkits) then work, and Ctrl-C lands in the code it runs. An
    /// awaitable it returns is refused: nothing here could await it.
    Waiting(Arc<dyn Fn(Job) -> bool + Send + Sync>),
    /// On the task's own thread (an asyncio loop must not be blocked on),
    /// with an awaitable the callable returns (an `async def`'s coroutine)
    /// awaited on this event loop while the task waits.
    Loop(Arc<Py<PyAny>>),
}

impl Caller {
    /// Calls `callable(arg)` and waits for it. `None` when nobody is left to
    /// run it: the caller stopped waiting (Ctrl-C), or the interpreter is
    /// exiting.
    pub fn call<A>(&self, callable: Arc<Py<PyAny>>, arg: A) -> Option<PyResult<()>>
    where
        A: for<'py> IntoPyObject<'py> + Send + 'static,
    {
        // This worker blocks until the Python code has run: its other tasks
        // move to other workers meanwhile, so a call the code makes on the
        // same client (or any other task) is not stuck behind it.
        tokio::task::block_in_place(|| match self {
            Caller::Loop(event_loop) => with_python(|py| {
                helpers(py)?
                    .call_on_loop
                    .call1(py, (&**event_loop, &*callable, arg))
                    .map(drop)
            }),
            Caller::Waiting(send) => {
                let (reply, answer) = mpsc::sync_channel(1);
                let job: Job = Box::new(move |py| {
                    let _ = reply.send(call_plain(py, &callable, arg));
                });
                // A job dropped unrun drops `reply`, which ends this wait.
                if send(job) {
                    answer.recv().ok()
                } else {
                    None
                }
            }
        })
    }
}

/// `callable(arg)` for a caller that cannot await: an awaitable result is
/// closed (no "never awaited" warning) and refused with `TypeError`.
fn call_plain<'py, A: IntoPyObject<'py>>(
    py: Python<'py>,
    callable: &Py<PyAny>,
    arg: A,
) -> PyResult<()> {
    let result = callable.bind(py).call1((arg,))?;
    if py
        .import("inspect")?
        .call_method1("isawaitable", (&result,))?
        .is_truthy()?
    {
        if result.hasattr("close")? {
            result.call_method0("close")?;
        }
        return Err(PyTypeError::new_err(
            "on_progress returned an awaitable, which a blocking call cannot await: \
             pass a plain function, or use AsyncClient, which awaits it",
        ));
    }
    Ok(())
}

/// [`wait`] for a future made by `make` from a [`Caller`] that runs Python
/// code on this thread: the wait runs each piece the task hands over, with
/// the GIL, and then goes on waiting. `fut` fails with a core error or with
/// the exception such code raised.
pub fn wait_calling_back<T, E, F, M>(py: Python<'_>, make: M) -> PyResult<T>
where
    T: Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
    M: FnOnce(Caller) -> F,
{
    let handle = runtime()?;
    let (tx, rx) = mpsc::channel::<Message<T, E>>();
    let jobs = tx.clone();
    let caller = Caller::Waiting(Arc::new(move |job| jobs.send(Message::Run(job)).is_ok()));
    let fut = make(caller);
    let task = handle.spawn(async move {
        let _ = tx.send(Message::Done(catching(fut).await));
    });
    let mut rx = rx;
    loop {
        // The receiver is Send but not Sync: move it into the GIL-free closure and back.
        let (received, returned) =
            py.allow_threads(move || (rx.recv_timeout(Duration::from_millis(100)), rx));
        rx = returned;
        match received {
            Ok(Message::Done(outcome)) => return into_py_result(outcome),
            Ok(Message::Run(job)) => job(py),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    task.abort();
                    return Err(interrupt);
                }
            }
            // The task was dropped unfinished: only the exit hook does that.
            Err(RecvTimeoutError::Disconnected) => return Err(shut_down_error().into_py_err()),
        }
    }
}

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

struct Helpers {
    drive: Py<PyAny>,
    settle: Py<PyAny>,
    call_on_loop: Py<PyAny>,
}

fn helpers(py: Python<'_>) -> PyResult<&Helpers> {
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

/// A deliberate panic inside a task, through the same bridge every call
/// uses: the test that panics surface as `InternalError`.
#[pyfunction]
#[pyo3(name = "_panic_for_tests", signature = (async_=false))]
fn panic_for_tests(py: Python<'_>, async_: bool) -> PyResult<Py<PyAny>> {
    async fn boom() -> tickersense::Result<()> {
        panic!("a deliberate panic for the tests")
    }
    if async_ {
        awaitable(py, "_panic_for_tests", boom()).map(Bound::unbind)
    } else {
        wait(py, boom()).and_then(|()| py.None().into_py_any(py))
    }
}
