//! What an HTTP source keeps of an answer: bounded strings, bounded paging,
//! and malformed items skipped and counted rather than failing a page.

use std::time::Duration;

use crate::error::Error;

/// Most bytes of a post's text kept; longer texts are cut at a character
/// boundary. Far above any platform's own limit (X allows 25,000
/// characters, a Reddit self post 40,000).
pub(crate) const MAX_TEXT_BYTES: usize = 40 * 1024;
/// Longest id taken from an answer; an item with a longer one is skipped
/// (an id is never cut: a cut id names another post).
pub(crate) const MAX_ID_BYTES: usize = 64;
/// Most bytes of an author's name kept.
pub(crate) const MAX_AUTHOR_BYTES: usize = 64;
/// Longest paging cursor (Reddit's `after`, X's `next_token`) followed;
/// a longer one ends the paging.
pub(crate) const MAX_CURSOR_BYTES: usize = 256;
/// Longest rate-limit reset believed: platforms reset within minutes, so
/// a header saying more is taken to say this.
pub(crate) const MAX_RESET: Duration = Duration::from_secs(24 * 3600);

/// `text`, cut to at most `max` bytes at a character boundary. Copies at
/// most `max` bytes.
pub(crate) fn capped(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// `text` when it can stand in a URL path or query as it is: 1 to `max`
/// bytes of visible ASCII. `None` otherwise.
pub(crate) fn plain_token(text: &str, max: usize) -> Option<&str> {
    let ok = !text.is_empty() && text.len() <= max && text.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(text)
}

/// Most pages asked for `limit` posts at `per_page` a page: one more than
/// the pages `limit` needs, so a short page is forgiven once and a server
/// handing out cursors forever is not followed.
pub(crate) fn page_cap(limit: usize, per_page: usize) -> usize {
    limit.div_ceil(per_page.max(1)) + 1
}

/// Items of an answer that were left out, and why the first one was.
#[derive(Debug, Default)]
pub(crate) struct Skipped {
    count: usize,
    first: Option<&'static str>,
}

impl Skipped {
    /// Counts one more item left out for `why`.
    pub(crate) fn add(&mut self, why: &'static str) {
        self.count += 1;
        self.first.get_or_insert(why);
    }

    /// How many were left out.
    #[cfg(test)]
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Logs one line about the skipped items of `what` ("Reddit search"),
    /// when there were any.
    pub(crate) fn note(&self, what: &str) {
        if let Some(first) = self.first {
            tracing::warn!(
                skipped = self.count,
                "{what}: left out {} malformed item(s); the first had {first}",
                self.count
            );
        }
    }
}

/// `text` with each of `secrets` in it replaced by `***`: for text built
/// from an upstream's body, which a misbehaving server could make quote a
/// credential. Borrows when none is there (the usual case).
pub(crate) fn scrub<'a>(text: &'a str, secrets: &[&str]) -> std::borrow::Cow<'a, str> {
    let mut text = std::borrow::Cow::Borrowed(text);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = std::borrow::Cow::Owned(text.replace(secret, "***"));
        }
    }
    text
}

/// `err` with [`scrub`] applied to its message; kind, retry-after and
/// source kept.
pub(crate) fn scrubbed(err: Error, secrets: &[&str]) -> Error {
    match scrub(err.message(), secrets) {
        std::borrow::Cow::Borrowed(_) => err,
        std::borrow::Cow::Owned(clean) => err.with_message(clean),
    }
}

/// A rate-limit reset `secs` seconds away as a wait: `None` for a value
/// that is not a number or is negative, at most [`MAX_RESET`].
pub(crate) fn reset_in(secs: f64) -> Option<Duration> {
    if secs.is_nan() {
        return None;
    }
    Duration::try_from_secs_f64(secs.min(MAX_RESET.as_secs_f64())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        assert_eq!(capped("abc", 5), "abc");
        assert_eq!(capped("abcdef", 3), "abc");
        // "é" is two bytes: a cut inside it steps back before it.
        assert_eq!(capped("aé", 2), "a");
        assert_eq!(
            capped(&"x".repeat(1 << 20), MAX_TEXT_BYTES).len(),
            MAX_TEXT_BYTES
        );
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
    fn pages_and_resets_are_bounded() {
        assert_eq!(page_cap(100, 100), 2);
        assert_eq!(page_cap(30, 25), 3);
        assert_eq!(page_cap(0, 100), 1);
        assert_eq!(reset_in(1.5), Some(Duration::from_millis(1500)));
        assert_eq!(reset_in(-1.0), None);
        assert_eq!(reset_in(f64::NAN), None);
        assert_eq!(reset_in(1e30), Some(MAX_RESET));
        assert_eq!(scrub("no secret here", &["s3cret"]), "no secret here");
        assert_eq!(
            scrub("a s3cret and s3cret", &["s3cret", ""]),
            "a *** and ***"
        );
        let err = Error::new(crate::ErrorKind::Upstream, "echo: s3cret")
            .with_retry_after(Duration::from_secs(2));
        let err = scrubbed(err, &["s3cret"]);
        assert_eq!(err.message(), "echo: ***");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        let mut skipped = Skipped::default();
        skipped.add("no id");
        skipped.add("no text");
        assert_eq!(skipped.count(), 2);
        assert_eq!(skipped.first, Some("no id"));
    }
}
