//! Running the Python code of user backends from core's tasks.
//!
//! A user method is called with the GIL on a blocking thread (it may block:
//! a legacy data source doing `requests.get`), through [`with_python`]'s
//! exit gate. When it returns an awaitable (an `async def`), that runs on
//! an event loop: the loop of the `AsyncClient` call the task serves (a
//! task-local the asyncio bridge sets, [`on_loop`]), which is free while it
//! awaits the call, or else one event-loop thread the binding owns. The
//! caller's loop is never blocked, and the GIL is held only to call and to
//! convert. Dropping the task (Ctrl-C, a cancelled coroutine) cancels the
//! awaitable.

use std::future::Future;
use std::sync::{mpsc, Arc, Mutex};

use pyo3::prelude::*;
use tokio::sync::oneshot;

use super::asyncio::helpers;
use super::{shut_down_error, with_python};

tokio::task_local! {
    /// The event loop of the `AsyncClient` call this task serves.
    static EVENT_LOOP: Arc<Py<PyAny>>;
}

/// `fut`, during which user coroutines run on `event_loop`.
pub fn on_loop<F: Future>(event_loop: Arc<Py<PyAny>>, fut: F) -> impl Future<Output = F::Output> {
    EVENT_LOOP.scope(event_loop, fut)
}

/// A user method, as errors name it, and the kind of error an exception it
/// raises becomes when its type says nothing more specific.
pub struct Site {
    /// E.g. `"LegacySource.quote()"`.
    pub name: String,
    /// `Upstream` for data sources, `Internal` for analyzers.
    pub otherwise: tickersense::ErrorKind,
}

impl Site {
    /// The core error for an exception the user's code raised, carrying it.
    pub fn raised(&self, py: Python<'_>, err: PyErr) -> tickersense::Error {
        crate::error::from_python(py, err, &self.name, self.otherwise)
    }
}

/// What a finished awaitable gives: its result or its exception.
type Settled = PyResult<Py<PyAny>>;

/// Where a [`Done`] sends what the awaitable gave.
enum Reply {
    Task(oneshot::Sender<Settled>),
    Thread(mpsc::SyncSender<Settled>),
}

/// The callable `schedule` calls on the loop when the awaitable is done.
#[pyclass(frozen)]
struct Done {
    reply: Mutex<Option<Reply>>,
}

#[pymethods]
impl Done {
    fn __call__(&self, py: Python<'_>, ok: bool, value: Py<PyAny>) {
        let settled = if ok {
            Ok(value)
        } else {
            Err(PyErr::from_value(value.into_bound(py)))
        };
        // A receiver gone (the task was dropped) wants nothing any more.
        match self.reply.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(Reply::Task(tx)) => drop(tx.send(settled)),
            Some(Reply::Thread(tx)) => drop(tx.send(settled)),
            None => {}
        }
    }
}

/// An awaitable running on a loop; cancelled when dropped unfinished.
struct Running(Option<Py<PyAny>>);

impl Running {
    fn finished(mut self) {
        self.0 = None;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(future) = self.0.take() {
            with_python(|py| {
                let _ = future.call_method0(py, "cancel");
            });
        }
    }
}

/// What calling the user's method gave: a value now, or an awaitable
/// scheduled on a loop.
enum Started {
    Ready(Py<PyAny>),
    Awaiting(Running),
}

/// Calls the user's method (`call`, with the GIL) and converts what it
/// gives (`convert`, with the GIL again). `call`'s exceptions become core
/// errors through `site`; `convert` names bad values itself.
pub async fn call_python<T, C, V>(site: Arc<Site>, call: C, convert: V) -> tickersense::Result<T>
where
    T: Send + 'static,
    C: FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send + 'static,
    V: FnOnce(Python<'_>, &Bound<'_, PyAny>) -> tickersense::Result<T> + Send + 'static,
{
    let event_loop = EVENT_LOOP.try_with(Arc::clone).ok();
    let (tx, rx) = oneshot::channel();
    let start_site = site.clone();
    // One hold of the GIL, on a blocking thread, for a plain method's call
    // and conversion; an awaitable's result is converted on one again.
    let started = off_the_runtime(move || {
        with_python(|py| {
            let returned = call(py).map_err(|e| start_site.raised(py, e))?;
            match start(py, event_loop, returned, Reply::Task(tx), &start_site)? {
                Started::Ready(returned) => Ok(Ok(convert(py, returned.bind(py))?)),
                Started::Awaiting(running) => Ok(Err((running, convert))),
            }
        })
        .unwrap_or_else(|| Err(shut_down_error()))
    })
    .await?;
    let (running, convert) = match started {
        Ok(value) => return Ok(value),
        Err(awaiting) => awaiting,
    };
    let settled = rx.await.map_err(|_| shut_down_error());
    running.finished();
    let returned = settled?;
    off_the_runtime(move || {
        in_python(move |py| match returned {
            Ok(value) => convert(py, value.bind(py)),
            Err(err) => Err(site.raised(py, err)),
        })
    })
    .await
}

/// `f` on the runtime's blocking threads, where waiting for the GIL or for
/// user code holds up no other task.
async fn off_the_runtime<T: Send + 'static>(
    f: impl FnOnce() -> tickersense::Result<T> + Send + 'static,
) -> tickersense::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|err| {
        if err.is_panic() {
            tickersense::Error::internal("a user backend's call panicked in the binding")
        } else {
            // The runtime is shutting down: the interpreter is exiting.
            shut_down_error()
        }
    })?
}

/// [`call_python`] for a caller that cannot await (an analyzer, which core
/// calls as plain code): the wait blocks this thread, with the GIL
/// released and, on a runtime worker, its other tasks moved elsewhere.
pub fn call_python_blocking<T, C, V>(site: &Site, call: C, convert: V) -> tickersense::Result<T>
where
    C: FnOnce(Python<'_>) -> PyResult<Py<PyAny>>,
    V: FnOnce(Python<'_>, &Bound<'_, PyAny>) -> tickersense::Result<T>,
{
    let event_loop = EVENT_LOOP.try_with(Arc::clone).ok();
    let blocking = move || {
        let (tx, rx) = mpsc::sync_channel(1);
        let started = with_python(|py| {
            let returned = call(py).map_err(|e| site.raised(py, e))?;
            start(py, event_loop, returned, Reply::Thread(tx), site)
        })
        .unwrap_or_else(|| Err(shut_down_error()))?;
        let returned = match started {
            Started::Ready(returned) => Ok(returned),
            Started::Awaiting(running) => {
                let settled = rx.recv().map_err(|_| shut_down_error());
                running.finished();
                settled?
            }
        };
        in_python(|py| match returned {
            Ok(value) => convert(py, value.bind(py)),
            Err(err) => Err(site.raised(py, err)),
        })
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(blocking)
        }
        _ => blocking(),
    }
}

/// `f` with the GIL, unless the interpreter is exiting.
fn in_python<T>(f: impl FnOnce(Python<'_>) -> tickersense::Result<T>) -> tickersense::Result<T> {
    with_python(f).unwrap_or_else(|| Err(shut_down_error()))
}

/// `returned` as is, or, when it is awaitable, scheduled on `event_loop`
/// (or the binding's own loop) with `reply` told when it is done.
fn start(
    py: Python<'_>,
    event_loop: Option<Arc<Py<PyAny>>>,
    returned: Py<PyAny>,
    reply: Reply,
    site: &Site,
) -> tickersense::Result<Started> {
    let helpers = helpers(py).map_err(|e| site.raised(py, e))?;
    let awaitable = py
        .import("inspect")
        .and_then(|inspect| inspect.call_method1("isawaitable", (&returned,)))
        .and_then(|b| b.is_truthy())
        .map_err(|e| site.raised(py, e))?;
    if !awaitable {
        return Ok(Started::Ready(returned));
    }
    let done = Done {
        reply: Mutex::new(Some(reply)),
    };
    let event_loop = match event_loop {
        Some(event_loop) => event_loop.clone_ref(py),
        None => helpers
            .background_loop
            .call0(py)
            .map_err(|e| site.raised(py, e))?,
    };
    let future = helpers
        .schedule
        .call1(py, (event_loop, returned, done))
        .map_err(|e| site.raised(py, e))?;
    Ok(Started::Awaiting(Running(Some(future))))
}
