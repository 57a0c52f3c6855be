//! The cache counters a client reports, as plain objects: one per
//! [`tickersense::cache::NamespaceStats`]. Counters, `u64` in core, are JS
//! numbers: exact up to 2^53.

use napi_derive::napi;

/// Cache counters of one namespace (e.g. `stock_quote`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct NamespaceStats {
    /// The namespace.
    pub namespace: String,
    /// Reads that found a value.
    pub hits: f64,
    /// Reads that found nothing.
    pub misses: f64,
    /// Values held now (approximate for the memory cache).
    pub entries: f64,
    /// Bytes of the values held now.
    pub bytes: f64,
    /// Backend errors, each read as a miss or a dropped write.
    pub errors: f64,
}

impl From<tickersense::cache::NamespaceStats> for NamespaceStats {
    fn from(s: tickersense::cache::NamespaceStats) -> Self {
        NamespaceStats {
            namespace: s.namespace,
            hits: s.hits as f64,
            misses: s.misses as f64,
            entries: s.entries as f64,
            bytes: s.bytes as f64,
            errors: s.errors as f64,
        }
    }
}
