//! What a suite found: [`Report`], one [`Check`] per contract clause.

use serde::{Deserialize, Serialize};

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The backend did what the contract says.
    Passed,
    /// It did not: `message` says what was asked, what came back and what
    /// the contract wanted (a backend panic or a check timeout lands here too).
    Failed {
        /// What went wrong, for a person to read.
        message: String,
    },
}

/// One clause of a trait's contract, checked on one backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// A stable dotted name, `suite.clause` (e.g. `price_store.range_is_half_open`):
    /// names are kept from release to release, so a binding or a CI log may
    /// match on them.
    pub name: String,
    /// Whether it passed, and if not why.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl Check {
    /// True when the check passed.
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }

    /// The failure message, `None` when the check passed.
    pub fn failure(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Passed => None,
            Outcome::Failed { message } => Some(message),
        }
    }
}

/// The result of one suite on one backend: every check in the order run.
/// Serializes (serde) as `{"suite", "backend", "checks": [{"name", "status",
/// "message"?}]}` for the bindings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The suite's name: `market_data`, `mention_source`, `analyzer`, `cache`,
    /// `price_store`, `sentiment_store`, `backfill_store` or `user_store`.
    pub suite: String,
    /// What the backend calls itself, when the trait has a name for it
    /// (`MarketData::name`, `MentionSource::platform`, `Analyzer::name`); else empty.
    pub backend: String,
    /// Every check, in the order run.
    pub checks: Vec<Check>,
}

impl Report {
    /// True when every check passed (and at least one ran).
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(Check::passed)
    }

    /// The checks that failed, in the order run.
    pub fn failures(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.passed()).collect()
    }

    /// The check called `name`, if the suite ran it.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// Panics, listing every failed check with its message, unless all
    /// passed: the one-line way to run a suite from a Rust test.
    #[track_caller]
    pub fn assert_passed(&self) {
        if self.passed() {
            return;
        }
        let mut listed = format!(
            "the {} suite failed on {}: {} of {} checks failed",
            self.suite,
            self.shown_backend(),
            self.failures().len(),
            self.checks.len()
        );
        for check in self.failures() {
            listed.push_str(&format!(
                "\n  {}: {}",
                check.name,
                check.failure().unwrap_or_default()
            ));
        }
        panic!("{listed}");
    }

    fn shown_backend(&self) -> &str {
        if self.backend.is_empty() {
            "the backend"
        } else {
            &self.backend
        }
    }
}

/// One line per check: `ok   name` or `FAIL name: message`, after a header
/// naming the suite, the backend and the tally.
impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let failed = self.failures().len();
        writeln!(
            f,
            "{} suite on {}: {} passed, {failed} failed",
            self.suite,
            self.shown_backend(),
            self.checks.len() - failed
        )?;
        for check in &self.checks {
            match check.failure() {
                None => writeln!(f, "  ok   {}", check.name)?,
                Some(message) => writeln!(f, "  FAIL {}: {message}", check.name)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            suite: "cache".into(),
            backend: String::new(),
            checks: vec![
                Check {
                    name: "cache.get_after_set".into(),
                    outcome: Outcome::Passed,
                },
                Check {
                    name: "cache.namespaces_apart".into(),
                    outcome: Outcome::Failed {
                        message: "ns2 read ns1's value".into(),
                    },
                },
            ],
        }
    }

    #[test]
    fn a_report_lists_checks_and_failures() {
        let report = report();
        assert!(!report.passed());
        assert_eq!(report.failures().len(), 1);
        assert_eq!(report.failures()[0].name, "cache.namespaces_apart");
        let shown = report.to_string();
        assert!(shown.contains("1 passed, 1 failed"), "{shown}");
        assert!(shown.contains("  ok   cache.get_after_set"), "{shown}");
        assert!(
            shown.contains("  FAIL cache.namespaces_apart: ns2 read ns1's value"),
            "{shown}"
        );
        let empty = Report {
            checks: Vec::new(),
            ..report.clone()
        };
        assert!(!empty.passed(), "a suite that checked nothing did not pass");
    }

    #[test]
    fn assert_passed_panics_naming_the_failures() {
        let panic = std::panic::catch_unwind(|| report().assert_passed()).unwrap_err();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("1 of 2 checks failed"), "{message}");
        assert!(
            message.contains("cache.namespaces_apart: ns2 read ns1's value"),
            "{message}"
        );
        assert!(!message.contains("get_after_set"), "{message}");
        let mut good = report();
        good.checks.truncate(1);
        good.assert_passed();
    }

    #[test]
    fn a_report_serializes_with_stable_field_names() {
        let json = serde_json::to_value(report()).unwrap();
        assert_eq!(json["suite"], "cache");
        assert_eq!(json["checks"][0]["status"], "passed");
        assert_eq!(json["checks"][1]["status"], "failed");
        assert_eq!(json["checks"][1]["message"], "ns2 read ns1's value");
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report());
    }
}
