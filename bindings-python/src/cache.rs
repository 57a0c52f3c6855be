//! What the cache did, per namespace (core `cache`).

use pyo3::prelude::*;

/// What the cache did for one namespace.
#[pyclass(module = "tickersense._native", frozen)]
pub struct NamespaceStats {
    pub inner: tickersense::cache::NamespaceStats,
}

#[pymethods]
impl NamespaceStats {
    #[getter]
    fn namespace(&self) -> &str {
        &self.inner.namespace
    }
    #[getter]
    fn hits(&self) -> u64 {
        self.inner.hits
    }
    #[getter]
    fn misses(&self) -> u64 {
        self.inner.misses
    }
    #[getter]
    fn entries(&self) -> u64 {
        self.inner.entries
    }
    /// Bytes of the values held now.
    #[getter]
    fn bytes(&self) -> u64 {
        self.inner.bytes
    }
    #[getter]
    fn errors(&self) -> u64 {
        self.inner.errors
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "NamespaceStats(namespace={:?}, hits={}, misses={}, entries={}, bytes={}, errors={})",
            s.namespace, s.hits, s.misses, s.entries, s.bytes, s.errors
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NamespaceStats>()
}
