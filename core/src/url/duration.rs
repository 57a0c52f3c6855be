//! Durations as options and environment variables spell them.

use std::time::Duration;

use crate::error::{echo, Error, Result};

/// Reads a duration: a decimal number followed by `ms`, `s` or `m`
/// (`500ms`, `2s`, `1.5s`, `2m`), or a bare number of seconds (`2.5`).
/// Space around the text and between number and unit is allowed. Anything
/// else (a sign, an exponent, another unit, a value past [`Duration::MAX`])
/// is `InvalidInput` naming `what` (the option or variable) and echoing
/// the text truncated. Zero is allowed here; options that must be positive
/// say so themselves. Costs one pass over `text`.
pub fn parse_duration(what: &str, text: &str) -> Result<Duration> {
    let invalid = || {
        Error::invalid_input(format!(
            "{what} must be a duration such as 500ms, 2s or 1.5 (seconds), not {}",
            echo(text)
        ))
    };
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits_end);
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "m" => 60.0,
        _ => return Err(invalid()),
    };
    // Digits with at most one point, and at least one digit: `f64`'s own
    // parser would take `inf`, `1e9` and `+1` too.
    let points = number.matches('.').count();
    if points > 1 || number.len() == points {
        return Err(invalid());
    }
    let value: f64 = number.parse().map_err(|_| invalid())?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| invalid())
}

/// `duration` as messages show it, in the spelling [`parse_duration`]
/// reads: whole or fractional milliseconds below a second (`300ms`),
/// seconds from there (`10s`, `1.5s`). No allocation beyond the text.
pub fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_micros() as f64 / 1000.0)
    } else {
        format!("{}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_durations_read_back_as_themselves() {
        for shown in ["300ms", "10s", "1.5s", "0.5ms"] {
            let duration = parse_duration("timeout", shown).unwrap();
            assert_eq!(format_duration(duration), shown);
        }
    }
}
