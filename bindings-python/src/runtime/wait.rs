//! The blocking bridge: `Client` waits for a task with the GIL released,
//! running on its own thread the Python code the task hands it.

use std::future::Future;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::IntoPyObject;

use super::asyncio::helpers;
use super::{catching, exiting, into_py_result, runtime, shut_down_error, with_python, Outcome};
use crate::error::IntoPyErr;

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
        let (received, returned) = py.allow_threads(move || {
            let received = rx.recv_timeout(Duration::from_millis(100));
            if matches!(received, Err(RecvTimeoutError::Disconnected)) && exiting() {
                stay_cut_off();
            }
            (received, rx)
        });
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

/// Never returns: the wait of a call cut off by the interpreter's exit
/// (its task dropped by the exit hook) stays here, without the GIL, until
/// the process ends, as Python leaves daemon threads. Taking the GIL again
/// to raise an error would race the interpreter's finalization (a thread
/// that takes it then is ended by force, through Rust frames), and the
/// error would only be printed as a traceback. The thread is a daemon one:
/// the exit hook runs on the main thread after the others were joined.
fn stay_cut_off() -> ! {
    loop {
        std::thread::park();
    }
}
