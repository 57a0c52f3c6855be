//! Recorded answer pages of the social platforms, read from
//! `<fixtures>/../social/<platform>/<SYMBOL>/<n>.json` (`1.json`, `2.json`, ... in order).
//! Their timestamps are moved to the present by [`crate::clock`].

use std::path::{Path, PathBuf};

use serde_json::Value;

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

/// The start of the next `window` seconds since the epoch after `now`: when a fixed
/// rate-limit window (Reddit's ten minutes, X's fifteen) resets.
pub(crate) fn next_window(now: i64, window: i64) -> i64 {
    (now / window + 1) * window
}

#[cfg(test)]
mod tests {
    use super::*;

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
