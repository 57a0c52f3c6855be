//! Reading back the log events a piece of code emits, for tests that check
//! what is logged (or that a secret is not).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// How long [`LogCapture::wait_for`] waits for its lines before it panics.
pub const WAIT_FOR_LINES: Duration = Duration::from_secs(3);

/// Every log event (any level, any target) on the current thread, kept as
/// one line each: `LEVEL target name=value name=value ...`.
///
/// Cloning shares the lines. Each event costs one formatted string, kept
/// until the capture is dropped, so it suits tests, not production.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<String>>>);

impl LogCapture {
    /// Captures every event on this thread until the guard is dropped. A
    /// `#[tokio::test]` on the default current-thread runtime runs its
    /// spawned tasks on this thread too; events of other threads are not
    /// seen.
    pub fn start() -> (LogCapture, tracing::subscriber::DefaultGuard) {
        let capture = LogCapture::default();
        let guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
        (capture, guard)
    }

    /// Every line captured so far, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.locked().clone()
    }

    /// The lines captured so far that contain `needle`.
    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.locked()
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }

    /// The lines that contain `needle`, once there are `count` of them at
    /// least: for events logged off the request path, a little later. Polls
    /// every 10 ms and panics, listing every line, after [`WAIT_FOR_LINES`].
    pub async fn wait_for(&self, needle: &str, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + WAIT_FOR_LINES;
        loop {
            let lines = self.lines_with(needle);
            if lines.len() >= count {
                return lines;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "fewer than {count} events with {needle}: {:?}",
                self.lines()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A test that panicked while holding the lock leaves whole lines.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for LogCapture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let mut line = Line(format!("{} {} ", meta.level(), meta.target()));
        event.record(&mut line);
        self.locked().push(line.0);
    }
}

/// One event's fields, written `name=value ` after one another.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_of_this_thread_are_lines_with_level_target_and_fields() {
        let (capture, _guard) = LogCapture::start();
        tracing::info!(target: "here", outcome = "match", count = 2, "compared");
        tracing::debug!(path = "$.price");
        let lines = capture.wait_for("outcome=match", 1).await;
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("INFO here "), "{lines:?}");
        for field in ["message=compared ", "outcome=match ", "count=2 "] {
            assert!(lines[0].contains(field), "{field} in {lines:?}");
        }
        assert_eq!(capture.lines().len(), 2);
        assert!(capture.lines_with("path=$.price")[0].starts_with("DEBUG "));
        assert!(capture.lines_with("nothing").is_empty());
    }
}
