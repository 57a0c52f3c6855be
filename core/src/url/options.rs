//! A backend's query options, taken one by one by the backend that knows
//! them, the rest refused.

use std::str::FromStr;
use std::time::Duration;

use super::parse_duration;
use crate::error::{echo, Error, Result};

/// How many unknown options an error names before it only counts the rest.
const UNKNOWN_SHOWN: usize = 3;

/// The query options of one [`BackendUrl`](super::BackendUrl),
/// percent-decoded, in the order written. A backend takes those it knows
/// ([`Options::take`] and the typed takers), then calls
/// [`Options::finish`] with their names: any option left over is
/// `InvalidInput` naming it and listing the known ones, so a misspelt
/// `?prefx=` is never silently ignored. Each taker costs a pass over the
/// options (a URL has a handful). Its `Debug` form shows the keys only:
/// values may be secrets (`password=`).
#[derive(Clone)]
pub struct Options {
    /// The URL named in messages: `redis://`, `postgres://`, ...
    label: String,
    /// Each `(key, value)` and whether a taker has had it.
    pairs: Vec<(String, String, bool)>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.pairs.iter().map(|(k, _, _)| k.as_str()).collect();
        f.debug_struct("Options")
            .field("url", &self.label)
            .field("keys", &keys)
            .finish()
    }
}

impl Options {
    /// The options `pairs` (already decoded) of a URL shown as `label`.
    pub(super) fn new(label: String, pairs: Vec<(String, String)>) -> Self {
        let pairs = pairs.into_iter().map(|(k, v)| (k, v, false)).collect();
        Options { label, pairs }
    }

    /// True when the URL has no options at all.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The value of `key`, taken out, or `None` when absent. A key given
    /// more than once is `InvalidInput`: which one was meant is not ours
    /// to guess.
    pub fn take(&mut self, key: &str) -> Result<Option<String>> {
        let mut found = None;
        for (k, v, taken) in &mut self.pairs {
            if k == key {
                if found.is_some() {
                    return Err(Error::invalid_input(format!(
                        "option {key} is given twice in the {} URL",
                        self.label
                    )));
                }
                *taken = true;
                found = Some(v.clone());
            }
        }
        Ok(found)
    }

    /// The value of `key` parsed as a `T` that `accept` approves, or
    /// `InvalidInput` saying it must be `expected` (e.g. "a whole number
    /// from 1 to 1000").
    pub fn take_parsed<T: FromStr>(
        &mut self,
        key: &str,
        expected: &str,
        accept: impl Fn(&T) -> bool,
    ) -> Result<Option<T>> {
        let Some(value) = self.take(key)? else {
            return Ok(None);
        };
        match value.trim().parse::<T>() {
            Ok(parsed) if accept(&parsed) => Ok(Some(parsed)),
            _ => Err(Error::invalid_input(format!(
                "{key} in the {} URL must be {expected}, not {}",
                self.label,
                echo(&value)
            ))),
        }
    }

    /// The value of `key` read by [`parse_duration`] (`500ms`, `2s`,
    /// `1.5`), which must be above zero.
    pub fn take_duration(&mut self, key: &str) -> Result<Option<Duration>> {
        let Some(value) = self.take(key)? else {
            return Ok(None);
        };
        let what = format!("{key} in the {} URL", self.label);
        let duration = parse_duration(&what, &value)?;
        if duration.is_zero() {
            return Err(Error::invalid_input(format!("{what} must be above zero")));
        }
        Ok(Some(duration))
    }

    /// Every option whose key `pass` accepts, taken out in the order
    /// written, repeats kept: for options handed on to a driver that reads
    /// them itself (PostgreSQL's `sslmode`, Redis's `protocol`).
    pub fn take_passed_on(&mut self, pass: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        self.pairs
            .iter_mut()
            .filter(|(k, _, taken)| !*taken && pass(k))
            .map(|(k, v, taken)| {
                *taken = true;
                (k.clone(), v.clone())
            })
            .collect()
    }

    /// `Ok` when every option was taken; else `InvalidInput` naming the
    /// first few left over (truncated) and listing `known`, the options the
    /// backend reads.
    pub fn finish(self, known: &[&str]) -> Result<()> {
        let mut unknown: Vec<&str> = Vec::new();
        for (key, _, taken) in &self.pairs {
            if !taken && !unknown.contains(&key.as_str()) {
                unknown.push(key);
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let mut named: Vec<String> = unknown
            .iter()
            .take(UNKNOWN_SHOWN)
            .map(|k| echo(k))
            .collect();
        if unknown.len() > UNKNOWN_SHOWN {
            named.push(format!("and {} more", unknown.len() - UNKNOWN_SHOWN));
        }
        let plural = if unknown.len() == 1 { "" } else { "s" };
        let known = if known.is_empty() {
            "it takes none".to_owned()
        } else {
            format!("known: {}", known.join(", "))
        };
        Err(Error::invalid_input(format!(
            "unknown option{plural} {} in the {} URL; {known}",
            named.join(", "),
            self.label
        )))
    }
}
