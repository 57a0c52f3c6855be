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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::FutureExt;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use tokio::runtime::{Handle, Runtime};

use crate::error::IntoPyErr;

mod asyncio;
mod call;
mod user;
mod wait;

pub use asyncio::{awaitable, awaitable_calling_back};
pub use call::{Call, Plain, WithCaller};
pub use user::{call_python, call_python_blocking, Site};
pub use wait::{wait, wait_calling_back, Caller};

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

/// How long the exit hook waits for running work to let go, at most, in all.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// True once the exit hook has run.
pub(crate) fn exiting() -> bool {
    CLOSING.load(Ordering::SeqCst)
}

pub(crate) fn shut_down_error() -> tickersense::Error {
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
        // One grace for both waits: user code blocked in Python (a `def`
        // sleeping) keeps a blocking thread, counted in IN_PYTHON, that the
        // runtime's shutdown waits for too; waiting for it twice gains nothing.
        let deadline = Instant::now() + EXIT_GRACE;
        if let Some(runtime) = runtime {
            runtime.shutdown_timeout(deadline.saturating_duration_since(Instant::now()));
        }
        while IN_PYTHON.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    // User coroutines left on the binding's own loop end with it.
    if let Ok(helpers) = asyncio::helpers(py) {
        let _ = helpers.stop_background_loop.call0(py);
    }
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
pub(crate) type Outcome<T, E> = Result<Result<T, E>, tickersense::Error>;

/// Runs `fut`, turning a panic inside it into an `Internal` error.
pub(crate) async fn catching<T, E>(fut: impl Future<Output = Result<T, E>>) -> Outcome<T, E> {
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

pub(crate) fn into_py_result<T, E: IntoPyErr>(outcome: Outcome<T, E>) -> PyResult<T> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.into_py_err()),
        Err(panic) => Err(panic.into_py_err()),
    }
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
