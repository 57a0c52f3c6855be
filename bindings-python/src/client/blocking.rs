//! `Client`: every operation waited for with the GIL released.

use pyo3::prelude::*;

use super::Core;

/// Blocking client. Arguments left as `None` come from `TICKERSENSE_*`
/// environment variables, then the defaults (`sqlite://tickersense.db`,
/// `memory://`, `sample://`, `sample://`, `textblob`). Making one does no
/// I/O; backends connect on the first call. Calls release the GIL, work
/// inside a running asyncio loop, and raise `KeyboardInterrupt` on Ctrl-C.
///
/// Times (`start`, `end`) are datetimes in any time zone, dates, or
/// `"YYYY-MM-DD"` strings; a naive datetime is read as UTC. Symbol lists are
/// any iterable of str. `with Client(...) as c:` closes it at the end
/// (`close()`): its pools and connections are released then.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Client {
    pub(super) core: Core,
}

// The operations (`quote`, `history`, ...) are made with AsyncClient's by
// `operations!`; these are Client's own.
#[pymethods]
impl Client {
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the client; an exception raised in the block goes on.
    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        self.core.repr("Client")
    }
}
