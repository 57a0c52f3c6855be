//! The route table: which route groups are served natively, by the legacy
//! upstream, or by both (shadow), and how shadow answers are compared.
//!
//! The file is TOML:
//!
//! ```toml
//! # every group not named under [groups]; "native" when absent
//! default = "native"
//!
//! [groups]
//! stocks = "shadow"
//! sentiment = "legacy"
//!
//! [shadow]
//! tolerance = 1e-9            # relative difference allowed between two numbers
//! absolute_tolerance = 1e-9   # ... and the absolute floor under it
//! ignore = ["analysis_timestamp", "timestamp", "market_time"]   # skipped at any depth
//! max_per_second = 100        # comparisons started a second at most; the rest only proxied
//! ```
//!
//! Unknown keys, groups and modes are errors that name them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::error::{echo, Error, Result};
use crate::http::RouteGroup;

/// The largest route file read: far above any real table, so a wrong path
/// (a log file, a device) fails fast instead of being read whole.
const MAX_FILE_BYTES: u64 = 256 << 10;
/// Most ignored field names, and the longest one, in `[shadow] ignore`.
const MAX_IGNORED: usize = 256;
const MAX_IGNORED_LEN: usize = 128;
/// The longest parser message repeated in an error.
const MAX_MESSAGE_CHARS: usize = 300;

/// The relative tolerance when the file names none: numbers equal to
/// about nine significant digits match (a float printed by Python and by
/// Rust may differ in the last digit).
pub(crate) const DEFAULT_TOLERANCE: f64 = 1e-9;
/// The absolute floor when the file names none, so values near zero
/// (a change of `0.0` against `1e-15`) match too.
pub(crate) const DEFAULT_ABSOLUTE_TOLERANCE: f64 = 1e-9;
/// The field names ignored when the file names none: the answers' clocks
/// (the sentiment analysis time, event times, a live quote's market time).
pub(crate) const DEFAULT_IGNORED: [&str; 3] = ["analysis_timestamp", "timestamp", "market_time"];
/// Comparisons started a second at most when the file names no figure.
/// A comparison runs the native handler again and parses both answers:
/// on a busy server, comparing every request would take the CPU the
/// legacy route's own answers need. A hundred a second is thousands of
/// comparisons a minute, enough to see a difference between the two.
pub(crate) const DEFAULT_MAX_COMPARISONS_PER_SECOND: u32 = 100;
/// The largest figure `max_per_second` takes.
const MAX_COMPARISONS_PER_SECOND: u32 = 100_000;

/// Who serves a route group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The native handlers.
    Native,
    /// The legacy upstream, through the reverse proxy.
    Legacy,
    /// The legacy upstream answers; the native handlers run too, off the
    /// request path, and the two answers are compared.
    Shadow,
}

impl Mode {
    fn parse(text: &str, what: &str) -> Result<Mode> {
        match text {
            "native" => Ok(Mode::Native),
            "legacy" => Ok(Mode::Legacy),
            "shadow" => Ok(Mode::Shadow),
            other => Err(Error::invalid_input(format!(
                "{what}: unknown mode {}; expected native, legacy or shadow",
                echo(other)
            ))),
        }
    }

    /// Whether the mode sends requests to the legacy upstream.
    pub(crate) fn needs_legacy(self) -> bool {
        self != Mode::Native
    }
}

/// How a shadow comparison judges two JSON documents.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShadowSettings {
    /// Relative difference allowed between two numbers.
    pub(crate) tolerance: f64,
    /// Absolute difference always allowed, whatever the numbers' size.
    pub(crate) absolute_tolerance: f64,
    /// Object field names skipped wherever they appear.
    pub(crate) ignore: BTreeSet<String>,
    /// Comparisons started a second at most (GCRA, bursts of this many);
    /// requests past it are proxied only, and counted `skipped`.
    pub(crate) max_per_second: u32,
}

impl Default for ShadowSettings {
    fn default() -> Self {
        ShadowSettings {
            tolerance: DEFAULT_TOLERANCE,
            absolute_tolerance: DEFAULT_ABSOLUTE_TOLERANCE,
            ignore: DEFAULT_IGNORED.iter().map(|s| (*s).to_owned()).collect(),
            max_per_second: DEFAULT_MAX_COMPARISONS_PER_SECOND,
        }
    }
}

/// One route table: a mode per group and the shadow settings. Immutable;
/// a reload swaps in a new one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RouteTable {
    default: Mode,
    groups: BTreeMap<RouteGroup, Mode>,
    pub(crate) shadow: ShadowSettings,
}

impl Default for RouteTable {
    /// Every group native, the default shadow settings.
    fn default() -> Self {
        RouteTable {
            default: Mode::Native,
            groups: BTreeMap::new(),
            shadow: ShadowSettings::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    default: Option<String>,
    #[serde(default)]
    groups: BTreeMap<String, String>,
    shadow: Option<RawShadow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShadow {
    tolerance: Option<f64>,
    absolute_tolerance: Option<f64>,
    ignore: Option<Vec<String>>,
    max_per_second: Option<u32>,
}

impl RouteTable {
    /// The mode of `group`.
    pub(crate) fn mode(&self, group: RouteGroup) -> Mode {
        self.groups.get(&group).copied().unwrap_or(self.default)
    }

    /// Whether any group goes to the legacy upstream.
    pub(crate) fn needs_legacy(&self) -> bool {
        self.default.needs_legacy() || self.groups.values().any(|m| m.needs_legacy())
    }

    /// Reads and parses the file at `path` (at most 256 KiB).
    pub(crate) fn read(path: &Path) -> Result<RouteTable> {
        use std::io::Read;
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| {
            Error::invalid_input(format!("cannot open the route file {}: {e}", echo(&shown)))
        })?;
        let mut text = String::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| {
                Error::invalid_input(format!("cannot read the route file {}: {e}", echo(&shown)))
            })?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::invalid_input(format!(
                "the route file {} is larger than {MAX_FILE_BYTES} bytes",
                echo(&shown)
            )));
        }
        RouteTable::parse(&text).map_err(|e| {
            Error::invalid_input(format!("route file {}: {}", echo(&shown), e.message()))
        })
    }

    /// Parses a route file's text.
    pub(crate) fn parse(text: &str) -> Result<RouteTable> {
        let raw: RawTable = toml::from_str(text).map_err(|e| {
            // The message alone (the parser's Display quotes the whole
            // line), cut short: a name in it comes from the file.
            let mut message: String = e.message().chars().take(MAX_MESSAGE_CHARS).collect();
            if let Some(span) = e.span() {
                let line = text
                    .get(..span.start)
                    .map_or(0, |t| t.matches('\n').count())
                    + 1;
                message = format!("line {line}: {message}");
            }
            Error::invalid_input(message)
        })?;
        let default = match raw.default.as_deref() {
            Some(text) => Mode::parse(text, "default")?,
            None => Mode::Native,
        };
        let mut groups = BTreeMap::new();
        for (name, mode) in &raw.groups {
            let group: RouteGroup = name.parse()?;
            groups.insert(
                group,
                Mode::parse(mode, &format!("groups.{}", group.as_str()))?,
            );
        }
        let shadow = match raw.shadow {
            Some(raw) => raw.settings()?,
            None => ShadowSettings::default(),
        };
        Ok(RouteTable {
            default,
            groups,
            shadow,
        })
    }
}

impl RawShadow {
    fn settings(self) -> Result<ShadowSettings> {
        let tolerance = checked_tolerance("shadow.tolerance", self.tolerance, DEFAULT_TOLERANCE)?;
        let absolute_tolerance = checked_tolerance(
            "shadow.absolute_tolerance",
            self.absolute_tolerance,
            DEFAULT_ABSOLUTE_TOLERANCE,
        )?;
        let ignore = match self.ignore {
            None => ShadowSettings::default().ignore,
            Some(names) => {
                if names.len() > MAX_IGNORED {
                    return Err(Error::invalid_input(format!(
                        "shadow.ignore names {} fields; at most {MAX_IGNORED}",
                        names.len()
                    )));
                }
                if let Some(long) = names.iter().find(|n| n.chars().count() > MAX_IGNORED_LEN) {
                    return Err(Error::invalid_input(format!(
                        "shadow.ignore: the field name {} is longer than {MAX_IGNORED_LEN} characters",
                        echo(long)
                    )));
                }
                names.into_iter().collect()
            }
        };
        let max_per_second = match self.max_per_second {
            None => DEFAULT_MAX_COMPARISONS_PER_SECOND,
            Some(n) if (1..=MAX_COMPARISONS_PER_SECOND).contains(&n) => n,
            Some(n) => {
                return Err(Error::invalid_input(format!(
                    "shadow.max_per_second must be 1 to {MAX_COMPARISONS_PER_SECOND}, not {n}"
                )))
            }
        };
        Ok(ShadowSettings {
            tolerance,
            absolute_tolerance,
            ignore,
            max_per_second,
        })
    }
}

fn checked_tolerance(what: &str, given: Option<f64>, default: f64) -> Result<f64> {
    match given {
        None => Ok(default),
        Some(t) if t.is_finite() && t >= 0.0 => Ok(t),
        Some(t) => Err(Error::invalid_input(format!(
            "{what} must be a finite number at least 0, not {t}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_parses() {
        let table = RouteTable::parse(
            r#"
            default = "legacy"
            [groups]
            stocks = "shadow"
            sentiment = "native"
            [shadow]
            tolerance = 1e-6
            absolute_tolerance = 0.0
            ignore = ["as_of"]
            max_per_second = 7
            "#,
        )
        .expect("a valid table");
        assert_eq!(table.mode(RouteGroup::Stocks), Mode::Shadow);
        assert_eq!(table.mode(RouteGroup::Sentiment), Mode::Native);
        assert_eq!(table.mode(RouteGroup::Cache), Mode::Legacy);
        assert!(table.needs_legacy());
        assert_eq!(table.shadow.tolerance, 1e-6);
        assert_eq!(table.shadow.absolute_tolerance, 0.0);
        assert_eq!(table.shadow.ignore, BTreeSet::from(["as_of".to_owned()]));
        assert_eq!(table.shadow.max_per_second, 7);
    }

    #[test]
    fn an_empty_file_is_every_group_native() {
        let table = RouteTable::parse("").expect("valid");
        assert_eq!(table, RouteTable::default());
        assert!(!table.needs_legacy());
        assert!(table.shadow.ignore.contains("analysis_timestamp"));
    }

    #[test]
    fn unknown_names_are_errors_naming_them() {
        let message = |text: &str| {
            RouteTable::parse(text)
                .expect_err("invalid")
                .message()
                .to_owned()
        };
        let m = message("[groups]\nstonks = \"native\"\n");
        assert!(m.contains("unknown route group \"stonks\""), "{m}");
        let m = message("[groups]\nstocks = \"both\"\n");
        assert!(m.contains("groups.stocks: unknown mode \"both\""), "{m}");
        let m = message("default = \"maybe\"\n");
        assert!(m.contains("default: unknown mode \"maybe\""), "{m}");
        let m = message("defaults = \"native\"\n");
        assert!(m.contains("unknown field `defaults`"), "{m}");
        let m = message("[shadow]\ntolerence = 1.0\n");
        assert!(m.contains("unknown field `tolerence`"), "{m}");
        let m = message("[shadow]\ntolerance = -1.0\n");
        assert!(m.contains("shadow.tolerance must be"), "{m}");
        let m = message("[shadow]\ntolerance = nan\n");
        assert!(m.contains("shadow.tolerance must be"), "{m}");
    }
}
