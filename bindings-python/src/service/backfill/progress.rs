//! The Python callable a backfill reports its progress to.

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use super::{BackfillProgress, BackfillReport};
use crate::error::CallError;
use crate::runtime::Caller;

/// The Python callable a backfill reports to. The run calls it once at a
/// time, never from two threads at once.
pub struct ProgressCallback {
    callable: Option<Arc<Py<PyAny>>>,
    /// The first exception the callable raised: it stopped the run, and
    /// `backfill` raises it once the run has put its unfinished symbols back.
    raised: Mutex<Option<PyErr>>,
}

impl ProgressCallback {
    /// `callable` checked up front, so a wrong argument fails before any
    /// work; `awaitable` says whether the caller can await what it returns.
    pub fn new(callable: Option<Bound<'_, PyAny>>, awaitable: bool) -> PyResult<Self> {
        if let Some(f) = &callable {
            if !f.is_callable() {
                return Err(PyTypeError::new_err(format!(
                    "on_progress must be callable, not {}",
                    f.get_type().name()?
                )));
            }
            if !awaitable && is_async_callable(f)? {
                return Err(PyTypeError::new_err(
                    "on_progress is an async function, which Client.backfill cannot await: \
                     pass a plain function, or use AsyncClient.backfill, which awaits it",
                ));
            }
        }
        Ok(ProgressCallback {
            callable: callable.map(|f| Arc::new(f.unbind())),
            raised: Mutex::new(None),
        })
    }

    pub fn tell(
        &self,
        caller: &Caller,
        progress: &tickersense::service::BackfillProgress,
    ) -> ControlFlow<()> {
        let Some(callable) = &self.callable else {
            return ControlFlow::Continue(());
        };
        if self.lock_raised().is_some() {
            return ControlFlow::Break(());
        }
        let progress = BackfillProgress {
            inner: progress.clone(),
        };
        match caller.call(Arc::clone(callable), progress) {
            Some(Ok(())) => ControlFlow::Continue(()),
            Some(Err(err)) => {
                self.lock_raised().get_or_insert(err);
                ControlFlow::Break(())
            }
            // The caller stopped waiting (Ctrl-C): nobody is left to tell.
            None => ControlFlow::Break(()),
        }
    }

    /// What `backfill` gives back: the callable's exception, if it raised
    /// one, wins over the run's own outcome.
    pub fn finish(
        self,
        report: tickersense::Result<tickersense::service::BackfillReport>,
    ) -> Result<BackfillReport, CallError> {
        let raised = self.raised.into_inner().unwrap_or_else(|e| e.into_inner());
        match raised {
            Some(err) => Err(CallError::Python(err)),
            None => Ok(BackfillReport { inner: report? }),
        }
    }

    fn lock_raised(&self) -> std::sync::MutexGuard<'_, Option<PyErr>> {
        self.raised.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `async def` functions, and objects whose `__call__` is one.
fn is_async_callable(f: &Bound<'_, PyAny>) -> PyResult<bool> {
    let inspect = f.py().import("inspect")?;
    if inspect
        .call_method1("iscoroutinefunction", (f,))?
        .is_truthy()?
    {
        return Ok(true);
    }
    match f.getattr("__call__") {
        Ok(call) => inspect
            .call_method1("iscoroutinefunction", (call,))?
            .is_truthy(),
        Err(_) => Ok(false),
    }
}
