//! Market data that is slow on purpose: the sample provider with its calls
//! held up, for tests of what the server does meanwhile (a group timeout,
//! readiness, a batch outliving its request).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tickersense::provider::{MarketData, Sample};
use tickersense::{History, HistoryRange, Interval, Quote, Result, SearchHit, Symbol};
use tokio::sync::futures::Notified;
use tokio::sync::{Notify, Semaphore};

/// How a [`HeldSample`] holds its calls up.
enum Hold {
    /// Every call waits this long, then answers as the sample.
    For(Duration),
    /// No call ever answers.
    Forever,
    /// History calls wait for [`HeldSample::open_gate`]; the others answer
    /// at once.
    HistoryGate(Semaphore),
}

/// The sample provider ([`Sample`]) under another name, with its calls
/// held up in one of three ways; it counts its history calls by symbol.
pub struct HeldSample {
    name: &'static str,
    hold: Hold,
    sample: Sample,
    history_calls: Mutex<HashMap<String, usize>>,
    history_started: Notify,
}

impl HeldSample {
    fn new(name: &'static str, hold: Hold) -> Self {
        HeldSample {
            name,
            hold,
            sample: Sample::new(),
            history_calls: Mutex::default(),
            history_started: Notify::new(),
        }
    }

    /// Every call waits `delay`, then answers as the sample does.
    pub fn delayed(name: &'static str, delay: Duration) -> Self {
        Self::new(name, Hold::For(delay))
    }

    /// No call ever answers.
    pub fn hung(name: &'static str) -> Self {
        Self::new(name, Hold::Forever)
    }

    /// History calls wait at a gate until [`HeldSample::open_gate`] lets
    /// them through; quotes and searches answer at once.
    pub fn gated(name: &'static str) -> Self {
        Self::new(name, Hold::HistoryGate(Semaphore::new(0)))
    }

    /// Lets `calls` more history calls through the gate of
    /// [`HeldSample::gated`]; does nothing for the other holds.
    pub fn open_gate(&self, calls: usize) {
        if let Hold::HistoryGate(gate) = &self.hold {
            gate.add_permits(calls);
        }
    }

    /// Completes when the next history call starts (is counted, before it
    /// is held). Take it before the call that should start one.
    pub fn history_started(&self) -> Notified<'_> {
        self.history_started.notified()
    }

    /// How many history calls each symbol has had so far.
    pub fn history_calls(&self) -> HashMap<String, usize> {
        self.history_calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn hold(&self, is_history: bool) {
        match &self.hold {
            Hold::For(delay) => tokio::time::sleep(*delay).await,
            Hold::Forever => std::future::pending().await,
            Hold::HistoryGate(gate) if is_history => gate
                .acquire()
                .await
                .expect("the gate is never closed")
                .forget(),
            Hold::HistoryGate(_) => {}
        }
    }
}

#[async_trait]
impl MarketData for HeldSample {
    fn name(&self) -> &str {
        self.name
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        self.hold(false).await;
        self.sample.quote(symbol).await
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        *self
            .history_calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(symbol.to_string())
            .or_default() += 1;
        self.history_started.notify_waiters();
        self.hold(true).await;
        self.sample.history(symbol, range, interval).await
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.hold(false).await;
        self.sample.search(query, limit).await
    }
}
