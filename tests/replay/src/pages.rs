//! Recorded answer pages of the social platforms, read from
//! `<fixtures>/../social/<platform>/<SYMBOL>/<n>.json` (`1.json`, `2.json`, ... in order), and
//! the shift that keeps their timestamps recent.
//!
//! Recorded posts carry the instants they were made at, which age: a client asking for the
//! last week would soon find none. So every timestamp of a symbol's pages is moved forward by
//! the same whole number of days, the most that keeps the newest post in the past: spacing
//! and time of day stay as recorded, and the newest post is less than a day old.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Seconds in a day, the unit timestamps are moved by.
const DAY: i64 = 86_400;

/// Most pages read for one symbol: more files than this are left unread.
const MAX_PAGES: usize = 20;

/// The social fixture folder beside the Yahoo one: `<fixtures>/../social/<platform>`.
pub(crate) fn platform_root(fixtures: &Path, platform: &str) -> PathBuf {
    fixtures.join("..").join("social").join(platform)
}

/// A symbol as a fixture folder name: upper-cased, and only when it cannot leave the folder.
pub(crate) fn symbol_folder(symbol: &str) -> Option<String> {
    let symbol = symbol.trim().to_uppercase();
    let ok = !symbol.is_empty()
        && symbol.len() <= 16
        && symbol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '^' | '='))
        && !symbol.starts_with('.');
    ok.then_some(symbol)
}

/// The recorded pages of `symbol` for `platform`, parsed, in order; empty when there are
/// none (or a file is not JSON: a fixture bug shows as "no posts", and the fixture tests
/// catch it).
pub(crate) fn load(fixtures: &Path, platform: &str, symbol: &str) -> Vec<Value> {
    let Some(folder) = symbol_folder(symbol) else {
        return Vec::new();
    };
    let dir = platform_root(fixtures, platform).join(folder);
    (1..=MAX_PAGES)
        .map_while(|n| std::fs::read(dir.join(format!("{n}.json"))).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect()
}

/// Seconds since the epoch, now.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Milliseconds since the epoch, now.
pub(crate) fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// How far to move timestamps whose newest is `newest` (seconds since the epoch): the most
/// whole days that keep it at or before now; nothing for one already recent or in the future.
pub(crate) fn day_shift(newest: i64, now: i64) -> i64 {
    (now - newest).max(0) / DAY * DAY
}

/// The start of the next `window` seconds since the epoch after `now`: when a fixed
/// rate-limit window (Reddit's ten minutes, X's fifteen) resets.
pub(crate) fn next_window(now: i64, window: i64) -> i64 {
    (now / window + 1) * window
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_whole_days_keeping_the_newest_in_the_past() {
        let now = 1_800_000_000;
        assert_eq!(day_shift(now - 10, now), 0);
        assert_eq!(day_shift(now - DAY, now), DAY);
        assert_eq!(day_shift(now - 3 * DAY - 5, now), 3 * DAY);
        assert_eq!(day_shift(now + 100, now), 0);
        let shifted = now - 10 * DAY - 7 + day_shift(now - 10 * DAY - 7, now);
        assert!(shifted <= now && now - shifted < DAY);
    }

    #[test]
    fn symbols_stay_in_their_folder() {
        assert_eq!(symbol_folder(" tsla ").as_deref(), Some("TSLA"));
        assert_eq!(symbol_folder("BRK.B").as_deref(), Some("BRK.B"));
        assert_eq!(symbol_folder("../x"), None);
        assert_eq!(symbol_folder(".."), None);
        assert_eq!(symbol_folder(""), None);
        assert_eq!(symbol_folder("a b"), None);
    }

    #[test]
    fn windows_reset_on_their_boundary() {
        assert_eq!(next_window(1_000, 600), 1_200);
        assert_eq!(next_window(1_200, 600), 1_800);
    }
}
