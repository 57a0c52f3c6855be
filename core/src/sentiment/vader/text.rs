//! Python `str` semantics that only VADER's results depend on: ASCII
//! punctuation stripping and `isupper`.

/// `SentiText._strip_punc_if_word`: strip leading and trailing ASCII
/// punctuation, unless that leaves two characters or fewer (then the token
/// was likely an emoticon such as ":)" and is kept whole).
pub(super) fn strip_punc_if_word(token: &str) -> &str {
    let bytes = token.as_bytes();
    if let (Some(first), Some(last)) = (bytes.first(), bytes.last()) {
        if !first.is_ascii_punctuation() && !last.is_ascii_punctuation() {
            return token; // nothing to strip: most words
        }
    }
    // ASCII punctuation is exactly Python's `string.punctuation`.
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    let short = if stripped.is_ascii() {
        stripped.len() <= 2
    } else {
        stripped.chars().count() <= 2
    };
    if short {
        token
    } else {
        stripped
    }
}

/// Unicode titlecase letters (category Lt), which Python's `isupper` rejects.
fn is_titlecase(c: char) -> bool {
    matches!(c, '\u{1c5}' | '\u{1c8}' | '\u{1cb}' | '\u{1f2}' | '\u{1f88}'..='\u{1f8f}' | '\u{1f98}'..='\u{1f9f}' | '\u{1fa8}'..='\u{1faf}' | '\u{1fbc}' | '\u{1fcc}' | '\u{1ffc}')
}

/// `str.isupper()`: at least one cased character, and no lowercase or
/// titlecase one.
pub(super) fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    for &b in s.as_bytes() {
        if !b.is_ascii() {
            return unicode_isupper(s);
        }
        if b.is_ascii_lowercase() {
            return false; // most words stop at their first letter
        }
        cased |= b.is_ascii_uppercase();
    }
    cased
}

fn unicode_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_string_rules() {
        assert_eq!(strip_punc_if_word("(hello)!"), "hello");
        assert_eq!(strip_punc_if_word(":)"), ":)");
        assert_eq!(
            strip_punc_if_word("'ok'"),
            "'ok'",
            "two letters left: kept whole"
        );
        assert!(
            py_isupper("GOOD!")
                && py_isupper("ÄB1")
                && !py_isupper("Good")
                && !py_isupper("123")
                && !py_isupper("\u{1c5}A")
        );
    }
}
