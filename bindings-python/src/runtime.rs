//! The tokio runtime the binding owns, and the two bridges over it: a
//! blocking wait for the sync `Client` and asyncio futures for `AsyncClient`.
//!
//! Tokio's threads do not survive `fork()`: the runtime is remembered with
//! the process id that made it, and a child process builds its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::IntoPyObject;
use pyo3_async_runtimes::generic::{ContextExt, Runtime as AsyncRuntime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime;

use crate::error::IntoPyErr;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// This process's runtime, built on first use and again after a fork.
pub fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    // Inherited from the parent: its worker threads are gone, and dropping it
    // would wait for them forever. Leak it instead.
    if let Some((_, inherited)) = slot.take() {
        std::mem::forget(inherited);
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .thread_name("tickersense")
            .enable_all()
            .build()
            .map_err(|err| {
                tickersense::Error::internal(format!("cannot start the tokio runtime: {err}"))
                    .into_py_err()
            })?,
    );
    *slot = Some((pid, rt.clone()));
    Ok(rt)
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
    wait_calling_back(py, |_| Ok(fut))
}

/// Python code a task hands to the thread waiting for it.
type Job = Box<dyn FnOnce(Python<'_>) + Send>;

/// What the waiting thread receives: Python code to run, or the end.
enum Message<T, E> {
    Run(Job),
    Done(Result<T, E>),
}

/// Where a task runs the Python code it calls back into (a progress callable).
#[derive(Clone)]
pub enum Caller {
    /// On the thread blocked in [`wait_calling_back`], between its waits:
    /// libraries bound to the caller's thread (Streamlit's elements, GUI
    /// toolkits) then work, and Ctrl-C lands in the code it runs.
    Waiting(Arc<dyn Fn(Job) -> bool + Send + Sync>),
    /// On the task's own thread, taking the GIL there: an asyncio loop must
    /// not be blocked on.
    Here,
}

impl Caller {
    /// Runs `f` with the GIL and returns what it returned; `None` when the
    /// caller stopped waiting (Ctrl-C) before running it.
    pub fn run<R, F>(&self, f: F) -> Option<R>
    where
        R: Send + 'static,
        F: FnOnce(Python<'_>) -> R + Send + 'static,
    {
        // This worker blocks until the Python code has run: its other tasks
        // move to other workers meanwhile, so a call the code makes on the
        // same client (or any other task) is not stuck behind it.
        tokio::task::block_in_place(|| match self {
            Caller::Here => Some(Python::with_gil(f)),
            Caller::Waiting(send) => {
                let (reply, answer) = mpsc::sync_channel(1);
                let job: Job = Box::new(move |py| {
                    let _ = reply.send(f(py));
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

/// [`wait`] for a future made by `make` from a [`Caller`] that runs Python
/// code on this thread: the wait runs each piece the task hands over, with
/// the GIL, and then goes on waiting. `fut` fails with a core error or with
/// the exception such code raised.
pub fn wait_calling_back<T, E, F, M>(py: Python<'_>, make: M) -> PyResult<T>
where
    T: Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
    M: FnOnce(Caller) -> PyResult<F>,
{
    let (tx, rx) = mpsc::channel::<Message<T, E>>();
    let jobs = tx.clone();
    let caller = Caller::Waiting(Arc::new(move |job| jobs.send(Message::Run(job)).is_ok()));
    let fut = make(caller)?;
    let task = runtime()?.spawn(async move {
        let _ = tx.send(Message::Done(fut.await));
    });
    let mut rx = rx;
    loop {
        // The receiver is Send but not Sync: move it into the GIL-free closure and back.
        let (received, returned) =
            py.allow_threads(move || (rx.recv_timeout(Duration::from_millis(100)), rx));
        rx = returned;
        match received {
            Ok(Message::Done(result)) => return result.map_err(|e| e.into_py_err()),
            Ok(Message::Run(job)) => job(py),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    task.abort();
                    return Err(interrupt);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(
                    tickersense::Error::internal("the task ended without a result").into_py_err(),
                );
            }
        }
    }
}

/// Runs `fut` on the runtime and returns an asyncio awaitable for its result.
pub fn awaitable<'py, T, E, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    E: IntoPyErr + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
{
    // Built (or its failure raised) here, so `Owned::spawn` only reuses it.
    runtime()?;
    pyo3_async_runtimes::generic::future_into_py::<Owned, _, T>(py, async move {
        fut.await.map_err(|e| e.into_py_err())
    })
}

/// Adapter that lets pyo3-async-runtimes spawn on [`runtime()`].
struct Owned;

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<TaskLocals>;
}

impl AsyncRuntime for Owned {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        // `awaitable` made the runtime just before; building it cannot fail twice.
        runtime().expect("the tokio runtime exists").spawn(fut)
    }
}

impl ContextExt for Owned {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|cell| {
                cell.get()
                    .map(|locals| Python::with_gil(|py| locals.clone_ref(py)))
            })
            .ok()
            .flatten()
    }
}
