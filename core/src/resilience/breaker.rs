//! A consecutive-failures circuit breaker: closed → open after N failures in
//! a row → half-open (one probe) after a cool-down → closed on the probe's
//! success, open again on its failure.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// What a breaker does with the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through; `failures` in a row so far.
    Closed {
        /// Consecutive failures counted.
        failures: u32,
    },
    /// Calls fail at once for `remaining` more.
    Open {
        /// Time left before a probe is let through.
        remaining: Duration,
    },
    /// The cool-down is over: the next call is a probe (or one is in flight).
    HalfOpen,
}

impl BreakerState {
    /// `"closed"`, `"open"` or `"half-open"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed { .. } => "closed",
            BreakerState::Open { .. } => "open",
            BreakerState::HalfOpen => "half-open",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probing: bool },
}

#[derive(Debug)]
pub(super) struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

/// Leave to make one attempt; report how it went with [`Admission::record`].
/// Dropped unreported (the attempt was cancelled), a probe slot is given back.
pub(super) struct Admission<'a> {
    breaker: &'a Breaker,
    probe: bool,
    reported: bool,
}

impl Breaker {
    pub(super) fn new(threshold: u32, cooldown: Duration) -> Self {
        Breaker {
            threshold,
            cooldown,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain value: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn state(&self) -> BreakerState {
        match *self.lock() {
            State::Closed { failures } => BreakerState::Closed { failures },
            State::Open { until } => {
                let now = Instant::now();
                if now >= until {
                    BreakerState::HalfOpen
                } else {
                    BreakerState::Open {
                        remaining: until - now,
                    }
                }
            }
            State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// Admits one attempt, or says how long the breaker stays open.
    pub(super) fn admit(&self) -> Result<Admission<'_>, Duration> {
        if self.threshold == 0 {
            return Ok(self.admission(false));
        }
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Ok(self.admission(false)),
            State::Open { until } => {
                let now = Instant::now();
                if now < until {
                    return Err(until - now);
                }
                *state = State::HalfOpen { probing: true };
                Ok(self.admission(true))
            }
            // One probe at a time; the others wait out a short slice of cool-down.
            State::HalfOpen { probing: true } => Err(self.cooldown.min(Duration::from_secs(1))),
            State::HalfOpen { probing: false } => {
                *state = State::HalfOpen { probing: true };
                Ok(self.admission(true))
            }
        }
    }

    fn admission(&self, probe: bool) -> Admission<'_> {
        Admission {
            breaker: self,
            probe,
            reported: false,
        }
    }
}

impl Admission<'_> {
    /// Records the attempt's outcome; returns the cool-down when this failure
    /// opened the breaker.
    pub(super) fn record(mut self, healthy: bool) -> Option<Duration> {
        self.reported = true;
        let b = self.breaker;
        if b.threshold == 0 {
            return None;
        }
        let mut state = b.lock();
        let open = State::Open {
            until: Instant::now() + b.cooldown,
        };
        match (*state, healthy) {
            (_, true) => {
                *state = State::Closed { failures: 0 };
                None
            }
            (State::HalfOpen { .. }, false) => {
                *state = open;
                Some(b.cooldown)
            }
            (State::Closed { failures }, false) if failures + 1 >= b.threshold => {
                *state = open;
                Some(b.cooldown)
            }
            (State::Closed { failures }, false) => {
                *state = State::Closed {
                    failures: failures + 1,
                };
                None
            }
            // Already open (another caller's failure opened it): keep its deadline.
            (State::Open { .. }, false) => None,
        }
    }
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        if self.probe && !self.reported {
            let mut state = self.breaker.lock();
            if let State::HalfOpen { probing: true } = *state {
                *state = State::HalfOpen { probing: false };
            }
        }
    }
}
