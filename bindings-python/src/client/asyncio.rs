//! `AsyncClient`: every operation a coroutine.

use pyo3::prelude::*;

use super::Core;
use crate::runtime::awaitable;

/// asyncio client: the same methods as `Client`, as coroutines. A
/// coroutine does nothing until awaited; cancelling its task (as
/// `asyncio.run` does to tasks left over at its end, or `wait_for` on
/// timeout) drops the work under way. `async with AsyncClient(...) as c:`
/// closes it at the end.
#[pyclass(module = "tickersense._native", frozen)]
pub struct AsyncClient {
    pub(super) core: Core,
}

// The operations (`quote`, `history`, ...) are made with Client's by
// `operations!`; these are AsyncClient's own.
#[pymethods]
impl AsyncClient {
    fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        awaitable(py, "AsyncClient.__aenter__", async move {
            Ok::<_, tickersense::Error>(slf)
        })
    }

    /// Closes the client; an exception raised in the block goes on.
    #[pyo3(signature = (*_args))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _args: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        self.core.repr("AsyncClient")
    }
}
