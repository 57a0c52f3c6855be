use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A ticker symbol: 1–15 characters of `A-Z 0-9 . - ^ =`, stored upper-case
/// (`aapl` becomes `AAPL`; `^GSPC`, `EURUSD=X`, `BRK-B`, `BTC-USD` are valid).
///
/// Parsing trims surrounding white space; anything else outside the alphabet is
/// an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the
/// first bad character. Cheap: one small allocation.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Symbol(String);

impl Symbol {
    /// The longest symbol accepted.
    pub const MAX_LEN: usize = 15;

    /// Validates and upper-cases `raw`.
    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input("symbol is empty"));
        }
        let count = trimmed.chars().count();
        if count > Self::MAX_LEN {
            return Err(Error::invalid_input(format!(
                "symbol is {count} characters long; at most {} are allowed",
                Self::MAX_LEN
            )));
        }
        if let Some(bad) = trimmed
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '^' | '=')))
        {
            return Err(Error::invalid_input(format!(
                "symbol {} contains {bad:?}; only A-Z, 0-9, '.', '-', '^' and '=' are allowed",
                crate::error::echo(trimmed)
            )));
        }
        Ok(Symbol(trimmed.to_ascii_uppercase()))
    }

    /// The symbol as text, e.g. `"AAPL"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Symbol {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Symbol::parse(s)
    }
}

impl TryFrom<String> for Symbol {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Symbol::parse(&s)
    }
}

impl From<Symbol> for String {
    fn from(s: Symbol) -> String {
        s.0
    }
}

impl AsRef<str> for Symbol {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({})", self.0)
    }
}

/// FNV-1a: a stable hash (std's `DefaultHasher` may change between releases).
pub(crate) fn stable_hash(text: &str, salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn accepts_and_uppercases_valid_symbols() {
        for (raw, want) in [
            ("aapl", "AAPL"),
            (" ^gspc ", "^GSPC"),
            ("eurusd=x", "EURUSD=X"),
            ("BRK-B", "BRK-B"),
            ("7203.T", "7203.T"),
        ] {
            assert_eq!(Symbol::parse(raw).unwrap().as_str(), want);
        }
        assert!(Symbol::parse(&"A".repeat(15)).is_ok());
    }

    #[test]
    fn rejects_bad_symbols_with_invalid_input() {
        for raw in [
            "",
            "   ",
            "AA PL",
            "AAPL$",
            "ÄPPLE",
            &"A".repeat(16),
            "a/b",
            "x;drop",
        ] {
            let err = Symbol::parse(raw).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{raw:?}");
        }
    }
}
