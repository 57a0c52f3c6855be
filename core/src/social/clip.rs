//! What the feed, StockTwits, Yahoo news and file sources keep of an
//! answer: each text, id, author name and link is bounded before it
//! becomes part of a [`Post`](crate::model::Post), so a hostile or broken
//! upstream cannot make one post hold megabytes. (The Reddit and X sources
//! keep theirs by `bounds`.)

/// The most of a post's text kept, in bytes (cut at a character boundary).
pub(crate) const MAX_TEXT_BYTES: usize = 40 * 1024;
/// The longest id kept, in bytes; a longer one makes the item malformed
/// (or, for feeds, whose ids are often long links, is replaced by a digest).
pub(crate) const MAX_ID_BYTES: usize = 128;
/// The longest author name kept, in bytes; a longer one is dropped.
pub(crate) const MAX_AUTHOR_BYTES: usize = 128;
/// The longest link kept, in bytes; a longer one makes the item malformed.
pub(crate) const MAX_URL_BYTES: usize = 2048;

/// `text` cut to at most `max` bytes at a character boundary. O(1).
pub(crate) fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` cut in place to at most `max` bytes at a character boundary. O(1).
#[cfg(feature = "yahoo")]
pub(crate) fn clip_owned(mut text: String, max: usize) -> String {
    let keep = clip(&text, max).len();
    text.truncate(keep);
    text
}

/// An id as a post may carry it: trimmed, not empty, at most
/// [`MAX_ID_BYTES`], without control characters; else `None`.
pub(crate) fn id(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let fits = !raw.is_empty() && raw.len() <= MAX_ID_BYTES;
    (fits && !raw.chars().any(char::is_control)).then(|| raw.to_owned())
}

/// An author name as a post may carry it: trimmed, not empty, at most
/// [`MAX_AUTHOR_BYTES`], without control characters; else `None`.
pub(crate) fn author(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let fits = !raw.is_empty() && raw.len() <= MAX_AUTHOR_BYTES;
    (fits && !raw.chars().any(char::is_control)).then(|| raw.to_owned())
}

/// A link a post may point at: an absolute `http` or `https` URL of at
/// most [`MAX_URL_BYTES`], as the URL parser writes it; else `None` (a
/// `javascript:` link in a feed never becomes a source URL shown to users).
pub(crate) fn web_link(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_URL_BYTES {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    let web = matches!(url.scheme(), "http" | "https") && url.host_str().is_some();
    (web && url.as_str().len() <= MAX_URL_BYTES).then(|| url.into())
}

/// `text` with every run of white space as one space, trimmed, cut to
/// [`MAX_TEXT_BYTES`]. One pass; allocates the result only.
#[cfg(feature = "yahoo")]
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_BYTES));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > MAX_TEXT_BYTES {
            if out.is_empty() {
                out.push_str(clip(word, MAX_TEXT_BYTES));
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Malformed items met while reading one answer or file: counted, and
/// logged once per call by [`Skipped::report`] rather than once per item.
#[cfg(feature = "yahoo")]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Skipped(pub(crate) usize);

#[cfg(feature = "yahoo")]
impl Skipped {
    /// One more skipped item.
    pub(crate) fn add(&mut self) {
        self.0 += 1;
    }

    /// Logs a warning naming `platform` and how many `what`s were skipped,
    /// when any were.
    pub(crate) fn report(self, platform: &str, what: &str) {
        if self.0 > 0 {
            tracing::warn!(
                platform,
                skipped = self.0,
                "{platform}: {} malformed {what} skipped",
                self.0
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_whole_characters() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("héllo", 3), "hé");
        assert_eq!(clip("abc", 10), "abc");
    }

    #[cfg(feature = "yahoo")]
    #[test]
    fn owned_text_and_lines_are_bounded() {
        assert_eq!(clip_owned("ééé".to_owned(), 5), "éé");
        let long = "word ".repeat(20_000);
        let line = one_line(&long);
        assert!(line.len() <= MAX_TEXT_BYTES && line.ends_with("word"));
        assert_eq!(one_line("  a \n\t b  "), "a b");
        let huge_word = "x".repeat(MAX_TEXT_BYTES * 2);
        assert_eq!(one_line(&huge_word).len(), MAX_TEXT_BYTES);
    }

    #[test]
    fn ids_and_authors_are_bounded() {
        assert_eq!(id(" 42 ").as_deref(), Some("42"));
        assert_eq!(id(""), None);
        assert_eq!(id(&"x".repeat(MAX_ID_BYTES + 1)), None);
        assert_eq!(id("a\nb"), None);
        assert_eq!(
            author(&"y".repeat(MAX_AUTHOR_BYTES)).map(|a| a.len()),
            Some(128)
        );
        assert_eq!(author("\u{7}"), None);
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            web_link("https://example.com/a b").as_deref(),
            Some("https://example.com/a%20b")
        );
        for bad in [
            "javascript:alert(1)",
            "/relative",
            "ftp://h/x",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(web_link(bad), None, "{bad}");
        }
        let long = format!("https://h/{}", "p".repeat(MAX_URL_BYTES));
        assert_eq!(web_link(&long), None);
    }
}
