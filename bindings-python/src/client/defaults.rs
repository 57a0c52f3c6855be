//! The defaults the clients' signatures take from core, and the
//! compile-time checks that each `text_signature` (a literal pyo3 needs,
//! which `help()` and `inspect.signature` show) spells the core constant
//! out as it is: a constant changed in core fails the build here until the
//! signature says the same.

pub use tickersense::service::{
    DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD, DEFAULT_HISTORY_CONCURRENCY,
    DEFAULT_INTERVAL, DEFAULT_PERIOD, DEFAULT_SEARCH_LIMIT, DEFAULT_SENTIMENT_DAYS,
    MENTION_WINDOW_DAYS, POSTS_PER_SOURCE,
};

/// Where `name=` starts a parameter in `signature` (after `(` or `, `).
const fn find_parameter(signature: &str, name: &str) -> Option<usize> {
    let (s, n) = (signature.as_bytes(), name.as_bytes());
    let mut at = 0;
    while at + n.len() < s.len() {
        let starts = at > 0 && (s[at - 1] == b'(' || s[at - 1] == b' ');
        let mut same = starts;
        let mut k = 0;
        while same && k < n.len() {
            same = s[at + k] == n[k];
            k += 1;
        }
        if same && s[at + n.len()] == b'=' {
            return Some(at + n.len() + 1);
        }
        at += 1;
    }
    None
}

/// True when `signature` shows `name=value`, `value` a whole number.
pub const fn int(signature: &str, name: &str, value: u64) -> bool {
    let Some(mut at) = find_parameter(signature, name) else {
        return false;
    };
    let s = signature.as_bytes();
    let mut shown: u64 = 0;
    let mut digits = 0;
    while at < s.len() && s[at].is_ascii_digit() {
        shown = shown * 10 + (s[at] - b'0') as u64;
        digits += 1;
        at += 1;
    }
    digits > 0 && shown == value && at < s.len() && (s[at] == b',' || s[at] == b')')
}

/// True when `signature` shows `name='value'`.
pub const fn text(signature: &str, name: &str, value: &str) -> bool {
    let Some(at) = find_parameter(signature, name) else {
        return false;
    };
    let (s, v) = (signature.as_bytes(), value.as_bytes());
    if at + v.len() + 2 > s.len() || s[at] != b'\'' || s[at + v.len() + 1] != b'\'' {
        return false;
    }
    let mut k = 0;
    while k < v.len() {
        if s[at + 1 + k] != v[k] {
            return false;
        }
        k += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{int, text};

    #[test]
    fn defaults_are_read_from_a_text_signature() {
        let sig = "(self, symbols, period='1y', limit=10, concurrency=4, on_progress=None)";
        assert!(int(sig, "limit", 10));
        assert!(!int(sig, "limit", 1));
        assert!(!int(sig, "imit", 10));
        assert!(int(sig, "concurrency", 4));
        assert!(text(sig, "period", "1y"));
        assert!(!text(sig, "period", "1"));
        assert!(!text(sig, "symbols", "1y"));
    }
}
