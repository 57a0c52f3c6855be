//! [`Outage`]: one backend's "down since, why, until when", so a backend
//! that failed to connect or stopped answering is skipped for a back-off
//! window instead of costing every call a timeout.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind};

/// How long a backend is skipped after its first failure in a row. Two
/// seconds: long enough that a frozen server costs one timeout per window
/// rather than one per call (a call makes several cache or store
/// operations), short enough that a server back up is used again within
/// moments of its return.
pub const OUTAGE_WINDOW: Duration = Duration::from_secs(2);

/// The longest back-off window: each failure in a row doubles the window
/// from [`OUTAGE_WINDOW`] up to this, so a backend that stays down is tried
/// about twice a minute.
pub const OUTAGE_WINDOW_CAP: Duration = Duration::from_secs(30);

/// Why and since when a backend is down, and when it is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Down {
    /// When the first failure of this run of failures happened.
    pub since: DateTime<Utc>,
    /// The last failure's message (backends name no secret in theirs).
    pub reason: String,
    /// How long until the backend is tried again; zero once the window
    /// has passed (the next call tries it).
    pub retry_in: Duration,
}

struct State {
    since: DateTime<Utc>,
    reason: String,
    until: Instant,
    /// Failures in a row, which size the window.
    in_a_row: u32,
}

/// The outage state of one backend: up, or down since an instant for a
/// reason until the end of a back-off window (see [`OUTAGE_WINDOW`]).
///
/// Cost: [`Outage::check`] and [`Outage::succeeded`] are one atomic load
/// while the backend is up; a lock is taken only while it is down.
pub struct Outage {
    /// What the backend is in messages, e.g. `"the store (postgres://...)"`, redacted.
    what: String,
    down: AtomicBool,
    state: Mutex<Option<State>>,
    failures: AtomicU64,
    window: Duration,
    cap: Duration,
}

impl std::fmt::Debug for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outage")
            .field("what", &self.what)
            .field("down", &self.status())
            .field("failures", &self.failures())
            .finish()
    }
}

/// True for the failures that say a backend itself is unwell (unreachable,
/// not answering in time), not that one request was wrong.
pub fn is_outage(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::Unavailable | ErrorKind::Timeout)
}

impl Outage {
    /// An outage tracker for the backend named `what` (already redacted),
    /// with the default windows. No I/O.
    pub fn new(what: impl Into<String>) -> Self {
        Self::with_window(what, OUTAGE_WINDOW, OUTAGE_WINDOW_CAP)
    }

    /// The same with a first window of `window`, doubling up to `cap`.
    pub fn with_window(what: impl Into<String>, window: Duration, cap: Duration) -> Self {
        Outage {
            what: what.into(),
            down: AtomicBool::new(false),
            state: Mutex::new(None),
            failures: AtomicU64::new(0),
            window,
            cap: cap.max(window),
        }
    }

    /// `Err(Unavailable)` while inside a back-off window, saying what is
    /// down, since when, why, and when it is tried again (with that wait
    /// as the error's retry-after); `Ok` when up or once the window passed.
    pub fn check(&self) -> Result<(), Error> {
        if !self.down.load(Ordering::Acquire) {
            return Ok(());
        }
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(state) = state.as_ref() else {
            return Ok(());
        };
        let now = Instant::now();
        if now >= state.until {
            return Ok(());
        }
        let retry_in = state.until - now;
        Err(Error::unavailable(format!(
            "{} is down since {} ({}); it is tried again in {:.1} s",
            self.what,
            state.since.format("%H:%M:%S UTC"),
            state.reason,
            retry_in.as_secs_f64()
        ))
        .with_retry_after(retry_in))
    }

    /// Records a failure that makes the backend down (a failed connect, a
    /// timeout): counts it and, unless a window is already running, opens
    /// one, twice as long as the last up to the cap. Failures of calls
    /// started before the window opened do not stretch it. Returns the
    /// window still to run.
    pub fn failed(&self, reason: &str) -> Duration {
        self.failures.fetch_add(1, Ordering::Relaxed);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if let Some(running) = state.as_ref().filter(|s| now < s.until) {
            return running.until - now;
        }
        let (since, in_a_row) = match state.as_ref() {
            Some(before) => (before.since, before.in_a_row.saturating_add(1)),
            None => (Utc::now(), 1),
        };
        let window = self
            .window
            .saturating_mul(1 << in_a_row.saturating_sub(1).min(16))
            .min(self.cap);
        *state = Some(State {
            since,
            reason: reason.to_owned(),
            until: now + window,
            in_a_row,
        });
        self.down.store(true, Ordering::Release);
        window
    }

    /// Looks at the outcome of one operation: a failure of a kind that says
    /// the backend is unwell ([`is_outage`]) is [`Outage::failed`]; an
    /// `Internal` or `Upstream` one is only counted; one that says the
    /// request was wrong (bad input, not found, conflict...) is the
    /// caller's, not the backend's, and is neither.
    /// The error a running window gives ([`Outage::check`]) should not be
    /// passed here: it is no new failure.
    pub fn observe(&self, err: &Error) {
        match err.kind() {
            kind if is_outage(kind) => {
                self.failed(err.message());
            }
            ErrorKind::Internal | ErrorKind::Upstream => {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    /// Records that the backend's `call` gave no answer within `timeout`
    /// ([`Outage::failed`], opening a window) and returns the `Timeout` to
    /// give: `WHAT gave no answer to CALL within 10s`. The window's reason
    /// is the same without the name.
    pub fn timed_out(&self, call: &str, timeout: Duration) -> Error {
        let reason = format!(
            "no answer to {call} within {}",
            crate::url::format_duration(timeout)
        );
        self.failed(&reason);
        Error::new(ErrorKind::Timeout, format!("{} gave {reason}", self.what))
    }

    /// Counts a failure that does not make the backend down (it answered,
    /// with an error): what [`Outage::failures`] reports, no window.
    pub fn counted(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a success: the backend is up again, its window forgotten.
    pub fn succeeded(&self) {
        if self.down.load(Ordering::Acquire) {
            *self.state.lock().unwrap_or_else(|e| e.into_inner()) = None;
            self.down.store(false, Ordering::Release);
        }
    }

    /// Why the backend is down and when it is tried again, or `None` when
    /// it is up (its last operation succeeded, or none failed).
    pub fn status(&self) -> Option<Down> {
        if !self.down.load(Ordering::Acquire) {
            return None;
        }
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.as_ref().map(|s| Down {
            since: s.since,
            reason: s.reason.clone(),
            retry_in: s.until.saturating_duration_since(Instant::now()),
        })
    }

    /// Failures recorded since the tracker was made (every failed
    /// operation and connect, whatever its kind).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// What the backend is called in messages.
    pub fn what(&self) -> &str {
        &self.what
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_opens_a_window_that_grows_and_a_success_closes_it() {
        let ms = Duration::from_millis;
        let outage = Outage::with_window("the store (sqlite)", ms(40), ms(100));
        assert!(outage.check().is_ok());
        assert_eq!(outage.failed("refused"), ms(40));
        let err = outage.check().expect_err("inside the window");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert!(err.message().contains("the store (sqlite) is down since"));
        assert!(err.message().contains("(refused)"), "{}", err.message());
        assert!(err.message().contains("tried again in"));
        assert!(err.retry_after().is_some_and(|d| d <= ms(40)));
        // A failure inside the window does not stretch it.
        assert!(outage.failed("again") <= ms(40));
        std::thread::sleep(ms(45));
        assert!(outage.check().is_ok(), "the window passed");
        assert_eq!(outage.failed("still refused"), ms(80), "doubled");
        std::thread::sleep(ms(85));
        assert_eq!(outage.failed("still refused"), ms(100), "capped");
        let down = outage.status().expect("down");
        assert_eq!(down.reason, "still refused");
        assert_eq!(outage.failures(), 4);
        outage.succeeded();
        assert!(outage.status().is_none());
        assert!(outage.check().is_ok());
        assert_eq!(outage.failed("refused"), ms(40), "a new run starts small");
    }

    #[test]
    fn a_timeout_names_the_backend_and_opens_a_window() {
        let outage = Outage::new("user market data \"mine\"");
        let err = outage.timed_out("quote", Duration::from_millis(300));
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(
            err.message(),
            "user market data \"mine\" gave no answer to quote within 300ms"
        );
        let down = outage.status().expect("down");
        assert_eq!(down.reason, "no answer to quote within 300ms");
        assert!(outage.check().is_err());
        assert_eq!(outage.failures(), 1);
    }

    #[test]
    fn only_backend_faults_open_a_window() {
        let outage = Outage::new("redis");
        outage.observe(&Error::invalid_input("bad key"));
        assert_eq!(outage.failures(), 0, "the caller's mistake");
        outage.observe(&Error::internal("database error"));
        assert!(outage.check().is_ok());
        assert_eq!(outage.failures(), 1);
        outage.observe(&Error::new(ErrorKind::Timeout, "no answer"));
        assert!(outage.check().is_err());
        assert_eq!(outage.failures(), 2);
    }
}
