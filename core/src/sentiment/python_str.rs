//! Python `str` rules that both ports' results depend on: which characters
//! count as white space (`split`, `strip`, and `\s` in `re` patterns).

/// Python's `str.isspace` for one character (also what `\s` matches in a
/// `re` pattern on `str`): Unicode White_Space plus the four ASCII
/// information separators U+001C..U+001F, which Python counts and Rust's
/// `char::is_whitespace` does not.
pub(super) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip()`.
pub(super) fn py_strip(s: &str) -> &str {
    s.trim_matches(py_isspace)
}

/// `str.split()` with no argument: runs of white space separate, no empty pieces.
pub(super) fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(py_isspace).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_white_space() {
        assert_eq!(
            py_split("a\u{1f}b\u{a0} c\n").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(py_strip("\u{1c} x \u{3000}"), "x");
    }
}
