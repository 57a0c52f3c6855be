//! What every source keeps of an answer or a file: each text, id, author
//! name, link and paging cursor is bounded before it becomes part of a
//! [`Post`](crate::model::Post), so a hostile or broken upstream cannot
//! make one post hold megabytes; and an item that is not a usable post is
//! left out and counted ([`Skipped`]) rather than failing its page.
//!
//! One set of limits holds for every source. What a source adds is its
//! own: Reddit and X also want their ids to be plain tokens of their
//! alphabet, and a feed, whose ids are often long links, gives an id over
//! [`MAX_ID_BYTES`] a digest instead of leaving the entry out.

// The file source is built without the HTTP sources' feature and uses
// only part of this module.
#![cfg_attr(not(feature = "yahoo"), allow(dead_code))]

/// The most of a post's text kept, in bytes (cut at a character
/// boundary). Far above any platform's own limit (X allows 25,000
/// characters, a Reddit self post 40,000).
pub(crate) const MAX_TEXT_BYTES: usize = 40 * 1024;
/// The longest id kept, in bytes. A longer one makes the item malformed:
/// an id is never cut, since a cut id names another post. (Feeds alone
/// replace a longer one by a digest; see the module docs.)
pub(crate) const MAX_ID_BYTES: usize = 128;
/// The longest author name kept, in bytes; a longer one is dropped, not
/// cut (a cut name names someone else), and the post kept without it.
pub(crate) const MAX_AUTHOR_BYTES: usize = 128;
/// The longest link kept, in bytes; a longer one makes the item malformed.
pub(crate) const MAX_URL_BYTES: usize = 2048;
/// The longest paging cursor (Reddit's `after`, X's `next_token`)
/// followed; a longer one ends the paging.
pub(crate) const MAX_CURSOR_BYTES: usize = 256;

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
pub(crate) fn clip_owned(mut text: String, max: usize) -> String {
    let keep = clip(&text, max).len();
    text.truncate(keep);
    text
}

/// `raw` trimmed, when it is not empty, at most `max` bytes and free of
/// control characters; else `None`.
fn bounded_name(raw: &str, max: usize) -> Option<String> {
    let raw = raw.trim();
    let fits = !raw.is_empty() && raw.len() <= max;
    (fits && !raw.chars().any(char::is_control)).then(|| raw.to_owned())
}

/// An id as a post may carry it: trimmed, not empty, at most
/// [`MAX_ID_BYTES`], without control characters; else `None`.
pub(crate) fn id(raw: &str) -> Option<String> {
    bounded_name(raw, MAX_ID_BYTES)
}

/// An author name as a post may carry it: trimmed, not empty, at most
/// [`MAX_AUTHOR_BYTES`], without control characters; else `None`.
pub(crate) fn author(raw: &str) -> Option<String> {
    bounded_name(raw, MAX_AUTHOR_BYTES)
}

/// `text` when it can stand in a URL path or query as it is: 1 to `max`
/// bytes of visible ASCII. `None` otherwise. For the ids and cursors of
/// platforms that promise such tokens.
pub(crate) fn plain_token(text: &str, max: usize) -> Option<&str> {
    let ok = !text.is_empty() && text.len() <= max && text.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(text)
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

/// Items of an answer that were left out, and why the first one was:
/// counted, and logged once per call by [`Skipped::report`] rather than
/// once per item.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Skipped {
    count: usize,
    first: Option<&'static str>,
}

impl Skipped {
    /// Counts one more item left out for `why` ("no usable id").
    pub(crate) fn add(&mut self, why: &'static str) {
        self.count += 1;
        self.first.get_or_insert(why);
    }

    /// Adds the items `other` counted (another page of the same call).
    pub(crate) fn absorb(&mut self, other: Skipped) {
        self.count += other.count;
        if let Some(why) = other.first {
            self.first.get_or_insert(why);
        }
    }

    /// How many were left out.
    #[cfg(test)]
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Logs one warning naming `platform` and how many `what`s ("feed
    /// entries") were left out, when any were.
    pub(crate) fn report(&self, platform: &str, what: &str) {
        if let Some(first) = self.first {
            tracing::warn!(
                platform,
                skipped = self.count,
                "{platform}: left out {} malformed {what}; the first had {first}",
                self.count
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
        assert_eq!(
            clip(&"x".repeat(1 << 20), MAX_TEXT_BYTES).len(),
            MAX_TEXT_BYTES
        );
        assert_eq!(clip_owned("ééé".to_owned(), 5), "éé");
    }

    #[test]
    fn lines_are_bounded() {
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
            Some(MAX_AUTHOR_BYTES)
        );
        assert_eq!(author(&"y".repeat(MAX_AUTHOR_BYTES + 1)), None);
        assert_eq!(author("\u{7}"), None);
    }

    #[test]
    fn tokens_are_short_visible_ascii() {
        assert_eq!(plain_token("t3_abc", 64), Some("t3_abc"));
        assert_eq!(plain_token("", 64), None);
        assert_eq!(plain_token("a b", 64), None);
        assert_eq!(plain_token("a/é", 64), None);
        assert_eq!(plain_token(&"1".repeat(65), 64), None);
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

    #[test]
    fn skipped_items_are_counted_with_the_first_reason() {
        let mut skipped = Skipped::default();
        skipped.add("no id");
        skipped.add("no text");
        let mut later = Skipped::default();
        later.add("no date");
        skipped.absorb(later);
        assert_eq!(skipped.count(), 3);
        assert_eq!(skipped.first, Some("no id"));
        let mut empty = Skipped::default();
        empty.absorb(later);
        assert_eq!(empty.first, Some("no date"));
    }
}
