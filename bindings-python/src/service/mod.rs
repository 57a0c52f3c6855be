//! The services' own values (core `service`): what a backfill reports.

use pyo3::prelude::*;

pub mod backfill;

pub use backfill::{BackfillProgress, BackfillReport, ProgressCallback};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<BackfillProgress>()?;
    m.add_class::<BackfillReport>()
}
