//! `Client` (blocking) and `AsyncClient` (asyncio) over one core
//! `Tickersense` (core `client`). Every operation is written once, in
//! [`operations`]; a macro ([`macros`]) makes of each a method of both
//! classes, with the same signature, defaults and docs: `Client` waits for
//! the operation's work, `AsyncClient` returns a coroutine awaiting it.

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use tickersense::{Config, HistoryRange, Interval, Tickersense};

use crate::args::{opt_time, Int, Text, Time};
use crate::config::{Objects, Options};
use crate::runtime::guarded;

mod asyncio;
mod blocking;
mod defaults;
mod health;
#[macro_use]
mod macros;
mod operations;

pub use asyncio::AsyncClient;
pub use blocking::Client;
pub use health::{BackendHealth, Health};

/// The core client and the process that made it. Connections belong to the
/// runtime of the process that opened them, so a forked child makes its own.
pub(crate) struct Core {
    config: Config,
    objects: Objects,
    current: Mutex<(u32, Arc<Tickersense>)>,
}

impl Core {
    /// The client the constructor's arguments describe. Reads the
    /// environment; no I/O beyond that.
    fn new(options: Options) -> PyResult<Self> {
        let (config, objects) = options.resolve()?;
        let client = open(&config, &objects)?;
        Ok(Core {
            config,
            objects,
            current: Mutex::new((std::process::id(), Arc::new(client))),
        })
    }

    /// This process's core client: the one made by the constructor, or, in
    /// a forked child, one made afresh from the same configuration.
    fn client(&self) -> PyResult<Arc<Tickersense>> {
        let pid = std::process::id();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != pid {
            let fresh = Arc::new(open(&self.config, &self.objects)?);
            let inherited = std::mem::replace(&mut *current, (pid, fresh));
            // Its pools belong to the parent's runtime; dropping them here could block.
            std::mem::forget(inherited);
        }
        Ok(current.1.clone())
    }

    fn repr(&self, class: &str) -> String {
        crate::config::repr(class, &self.config, &self.objects)
    }
}

/// The core client for `config` and the user's `objects`. Runs on the
/// caller's thread, not in a task: [`guarded`] makes a panic in it
/// `InternalError` all the same.
fn open(config: &Config, objects: &Objects) -> PyResult<Tickersense> {
    guarded(|| {
        objects
            .apply(Tickersense::builder().config(config.clone()))
            .build()
    })
}

/// A count argument given to the core as `usize`: beyond `usize` it is
/// refused here, naming the argument and the core's range.
fn count(value: &Int, name: &str, max: usize) -> PyResult<usize> {
    value.within(name, 1, i64::try_from(max).unwrap_or(i64::MAX))
}

/// The request knobs every history call takes, in yfinance's spelling.
struct HistoryArgs {
    period: String,
    interval: String,
    start: Option<chrono::DateTime<chrono::Utc>>,
    end: Option<chrono::DateTime<chrono::Utc>>,
}

impl HistoryArgs {
    fn new(period: Text, interval: Text, start: Option<Time>, end: Option<Time>) -> Self {
        HistoryArgs {
            period: period.0,
            interval: interval.0,
            start: opt_time(start),
            end: opt_time(end),
        }
    }

    /// The range and interval; run inside the task, so a bad spelling
    /// fails the call as the core's own checks do.
    fn parse(self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(Some(&self.period), self.start, self.end)?;
        Ok((range, self.interval.parse()?))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<AsyncClient>()?;
    m.add_class::<BackendHealth>()?;
    Ok(())
}
