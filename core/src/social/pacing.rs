//! Pacing by a platform's rate-limit headers: after an answer says the
//! budget is spent until some instant, the next request waits for it when
//! it is near, and fails at once with `RateLimited` (carrying the wait)
//! when it is not.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::resilience::http::Answer;

/// One platform's rate-limit state, shared by every request to it. Costs
/// one lock per request.
#[derive(Debug)]
pub(crate) struct Pacer {
    label: &'static str,
    max_wait: Duration,
    spent_until: Mutex<Option<Instant>>,
}

impl Pacer {
    /// A pacer for the platform called `label` in messages, waiting at most
    /// `max_wait` for its budget (the policy's `max_retry_after`).
    pub(crate) fn new(label: &'static str, max_wait: Duration) -> Self {
        Pacer {
            label,
            max_wait,
            spent_until: Mutex::new(None),
        }
    }

    /// Before a request: returns at once while budget is left; sleeps until
    /// the reset when it is at most `max_wait` away; else `RateLimited`
    /// with the time left as its retry-after.
    pub(crate) async fn wait_turn(&self) -> Result<()> {
        let until = *self.spent_until.lock().unwrap_or_else(|e| e.into_inner());
        let Some(until) = until else {
            return Ok(());
        };
        let now = Instant::now();
        if until <= now {
            return Ok(());
        }
        let left = until - now;
        if left > self.max_wait {
            return Err(self.refusal(left));
        }
        tokio::time::sleep_until(until).await;
        Ok(())
    }

    /// After an answer: `remaining` requests left in the window, which
    /// resets in `reset_in`. A spent budget (`remaining` below 1) blocks
    /// requests until the reset; any other answer clears the block.
    pub(crate) fn observe(&self, remaining: Option<f64>, reset_in: Option<Duration>) {
        let mut spent = self.spent_until.lock().unwrap_or_else(|e| e.into_inner());
        *spent = match (remaining, reset_in) {
            (Some(left), Some(reset)) if left < 1.0 => Some(Instant::now() + reset),
            _ => None,
        };
    }

    /// A 429 (or the platform's own "too many requests") resetting in
    /// `reset_in` (a minute when the answer does not say): blocks until
    /// then, and gives the error to return.
    pub(crate) fn refused(&self, reset_in: Option<Duration>) -> Error {
        let reset = reset_in.unwrap_or(Duration::from_secs(60));
        self.observe(Some(0.0), Some(reset));
        self.refusal(reset)
    }

    /// After an answer of a platform that sends no rate-limit headers
    /// (feeds, Yahoo): a 429 blocks until its `Retry-After` (a minute
    /// without one) and is the error returned; any other answer clears
    /// the block and is the caller's to read.
    pub(crate) fn observe_unpaced(&self, answer: Answer) -> Result<Answer> {
        if answer.status() == 429 {
            return Err(self.refused(answer.retry_after()));
        }
        self.observe(None, None);
        Ok(answer)
    }

    fn refusal(&self, left: Duration) -> Error {
        Error::new(
            ErrorKind::RateLimited,
            format!(
                "{} rate limit spent; it resets in {} s",
                self.label,
                left.as_secs_f64().ceil()
            ),
        )
        .with_retry_after(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_near_reset_is_waited_for_and_a_far_one_refused() {
        let pacer = Pacer::new("Test", Duration::from_secs(5));
        pacer.wait_turn().await.unwrap();
        pacer.observe(Some(0.0), Some(Duration::from_secs(3)));
        let started = Instant::now();
        pacer.wait_turn().await.unwrap();
        assert_eq!(started.elapsed().as_secs(), 3);
        pacer.observe(Some(0.0), Some(Duration::from_secs(30)));
        let err = pacer.wait_turn().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert_eq!(err.retry_after().map(|d| d.as_secs()), Some(30));
        pacer.observe(Some(10.0), Some(Duration::from_secs(30)));
        pacer.wait_turn().await.unwrap();
    }
}
