//! How a suite runs its checks: each in turn, a panic or a hang inside the
//! backend caught as that check's failure, never the whole suite's.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use futures::FutureExt;

use super::report::{Check, Outcome, Report};
use crate::error::echo;
use crate::model::Symbol;

/// What one check's body returns: `Err` with the failure message.
pub(crate) type Verdict = std::result::Result<(), String>;

/// The longest one check may take before it fails as hung. Generous: a
/// check makes a few dozen calls, and a slow network backend still passes.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

/// Fails the check with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+));
        }
    };
}
pub(crate) use ensure;

/// A backend call's error as a failure message naming the call.
pub(crate) trait Called<T> {
    /// `Err("CALL failed: ERROR")`, so a check can `?` the backend's answer.
    fn called(self, call: &str) -> std::result::Result<T, String>;
}

impl<T> Called<T> for crate::Result<T> {
    fn called(self, call: &str) -> std::result::Result<T, String> {
        self.map_err(|err| format!("{call} failed: {err}"))
    }
}

/// Whether `result` is an error of `kind`. O(1).
pub(crate) fn fails_with<T>(result: &crate::Result<T>, kind: crate::ErrorKind) -> bool {
    result.as_ref().err().map(crate::Error::kind) == Some(kind)
}

/// The checks of one suite on one backend, collected into a [`Report`].
pub(crate) struct Suite {
    report: Report,
}

impl Suite {
    /// An empty report for `suite` on `backend`.
    pub(crate) fn new(suite: &str, backend: &str) -> Self {
        Suite {
            report: Report {
                suite: suite.to_owned(),
                backend: backend.to_owned(),
                checks: Vec::new(),
            },
        }
    }

    /// Runs `body` as the check `suite.clause`: passed when it returns
    /// `Ok`, failed with its message on `Err`, with the panic's message
    /// when the backend panics, and as hung after [`CHECK_TIMEOUT`].
    pub(crate) async fn check(&mut self, clause: &str, body: impl Future<Output = Verdict>) {
        let caught = AssertUnwindSafe(body).catch_unwind();
        let outcome = match tokio::time::timeout(CHECK_TIMEOUT, caught).await {
            Ok(Ok(Ok(()))) => Outcome::Passed,
            Ok(Ok(Err(message))) => Outcome::Failed { message },
            Ok(Err(panic)) => Outcome::Failed {
                message: format!("the backend panicked: {}", panic_message(&*panic)),
            },
            Err(_) => Outcome::Failed {
                message: format!(
                    "no answer within {} s; the check was abandoned",
                    CHECK_TIMEOUT.as_secs()
                ),
            },
        };
        self.report.checks.push(Check {
            name: format!("{}.{clause}", self.report.suite),
            outcome,
        });
    }

    /// The check `clause`: `text`, what the backend answered to `call`
    /// (`"name()"`), is not blank. O(text).
    pub(crate) async fn check_given(&mut self, clause: &str, call: &str, text: &str) {
        self.check(clause, async {
            ensure!(!text.trim().is_empty(), "{call} is empty");
            Ok(())
        })
        .await;
    }

    /// Records `clause` as failed with `message` without running anything,
    /// for a suite whose inputs are unusable.
    pub(crate) fn fail(&mut self, clause: &str, message: String) {
        self.report.checks.push(Check {
            name: format!("{}.{clause}", self.report.suite),
            outcome: Outcome::Failed { message },
        });
    }

    /// Parses `texts` as symbols. When one is not a symbol, records the
    /// check `clause` as failed with `what` and the parse error, and gives
    /// `None`: the suite has nothing to run its checks on. O(N).
    pub(crate) fn symbols<const N: usize>(
        &mut self,
        clause: &str,
        what: &str,
        texts: [&str; N],
    ) -> Option<[Symbol; N]> {
        let mut parsed = Vec::with_capacity(N);
        for text in texts {
            match Symbol::parse(text) {
                Ok(symbol) => parsed.push(symbol),
                Err(err) => {
                    self.fail(clause, format!("{what}: {err}"));
                    return None;
                }
            }
        }
        parsed.try_into().ok()
    }

    /// The suite's own symbols, unique to this run: each of `patterns` with
    /// its `#` replaced by a fresh [`run_tag`] (`"PA#"`, `"F#=X"`). When one
    /// does not parse, records the check `symbols` as failed and gives
    /// `None`. O(N).
    pub(crate) fn own_symbols<const N: usize>(
        &mut self,
        patterns: [&str; N],
    ) -> Option<[Symbol; N]> {
        let tag = run_tag();
        let texts = patterns.map(|pattern| pattern.replace('#', &tag));
        self.symbols(
            "symbols",
            "the suite's own symbols did not parse",
            texts.each_ref().map(String::as_str),
        )
    }

    /// The report of every check run.
    pub(crate) fn finish(self) -> Report {
        self.report
    }
}

/// The text a panic carried (truncated as [`echo`] does), or a placeholder.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    text.map_or_else(|| "no message".to_owned(), |t| echo(&t))
}

/// Day `n` after 2024-01-01 05:00 UTC (a New York midnight), the day
/// the store suites write their rows on.
pub(crate) fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 5, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
        + chrono::Duration::days(n)
}

/// Eight characters of `0-9A-Z` no other run of any suite uses (the process
/// id, the time and a counter, mixed), so suites on a shared backend keep
/// their symbols, emails and namespaces apart and need no empty backend.
pub(crate) fn run_tag() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut n = nanos
        ^ (u64::from(std::process::id()) << 40)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..8)
        .map(|_| {
            let digit = DIGITS[(n % 36) as usize] as char;
            n /= 36;
            digit
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_pass_fail_and_survive_panics() {
        let mut suite = Suite::new("demo", "thing");
        suite.check("fine", async { Ok(()) }).await;
        suite
            .check("wrong", async {
                ensure!(1 + 1 == 3, "1 + 1 gave {}", 1 + 1);
                Ok(())
            })
            .await;
        suite
            .check("panics", async {
                let v: Vec<u8> = Vec::new();
                #[allow(clippy::indexing_slicing)]
                let _ = v[3];
                Ok(())
            })
            .await;
        suite
            .check("errs", async {
                Err::<(), _>(crate::Error::not_found("no such thing")).called("find")?;
                Ok(())
            })
            .await;
        let report = suite.finish();
        let outcomes: Vec<(&str, Option<&str>)> = report
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c.failure()))
            .collect();
        assert_eq!(outcomes[0], ("demo.fine", None));
        assert_eq!(outcomes[1], ("demo.wrong", Some("1 + 1 gave 2")));
        assert_eq!(outcomes[2].0, "demo.panics");
        assert!(
            outcomes[2]
                .1
                .unwrap()
                .starts_with("the backend panicked: \"index out of bounds"),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[3].1, Some("find failed: NotFound: no such thing"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_check_fails_after_the_timeout() {
        let mut suite = Suite::new("demo", "");
        suite
            .check("hangs", async {
                futures::future::pending::<()>().await;
                Ok(())
            })
            .await;
        let report = suite.finish();
        assert!(report.checks[0]
            .failure()
            .unwrap()
            .contains("no answer within 60 s"));
    }

    #[tokio::test]
    async fn a_blank_name_fails_its_check() {
        let mut suite = Suite::new("demo", "");
        suite.check_given("named", "name()", "vader").await;
        suite.check_given("blank", "name()", " ").await;
        let report = suite.finish();
        assert_eq!(report.checks[0].failure(), None);
        assert_eq!(report.checks[1].failure(), Some("name() is empty"));
    }

    #[test]
    fn symbols_parse_or_fail_the_named_clause() {
        let mut suite = Suite::new("demo", "");
        let [a, b] = suite.symbols("inputs", "bad", ["AAPL", "MSFT"]).unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("AAPL", "MSFT"));
        assert!(suite.symbols("inputs", "bad", ["AAPL", "no way"]).is_none());
        let report = suite.finish();
        assert_eq!(report.checks.len(), 1);
        assert_eq!(report.checks[0].name, "demo.inputs");
        assert!(report.checks[0].failure().unwrap().starts_with("bad: "));
        let mut suite = Suite::new("demo", "");
        let [a, fx] = suite.own_symbols(["A#", "F#=X"]).unwrap();
        assert_eq!(
            (a.as_str().len(), &a.as_str()[1..]),
            (9, &fx.as_str()[1..9])
        );
        assert!(fx.as_str().starts_with('F') && fx.as_str().ends_with("=X"));
        assert!(suite.own_symbols(["#?"]).is_none());
        assert_eq!(suite.finish().checks[0].name, "demo.symbols");
    }

    #[test]
    fn fails_with_tells_the_kind_of_an_error() {
        use crate::ErrorKind;
        let missing: crate::Result<()> = Err(crate::Error::not_found("gone"));
        assert!(fails_with(&missing, ErrorKind::NotFound));
        assert!(!fails_with(&missing, ErrorKind::InvalidInput));
        assert!(!fails_with(&Ok(()), ErrorKind::NotFound));
    }

    #[test]
    fn run_tags_are_symbol_safe_and_distinct() {
        let tags: std::collections::HashSet<String> = (0..1000).map(|_| run_tag()).collect();
        assert_eq!(tags.len(), 1000);
        for tag in &tags {
            assert_eq!(tag.len(), 8);
            crate::Symbol::parse(&format!("T{tag}=X")).unwrap();
        }
    }
}
