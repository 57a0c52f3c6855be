//! How a URL is shown in messages, logs and `Debug` forms: without its
//! password or secret-looking query values.

use std::fmt;

/// Query keys whose values are hidden, compared without regard to case.
const SECRET_KEYS: [&str; 7] = [
    "password", "pass", "token", "secret", "key", "apikey", "api_key",
];

/// Returns `url` with any password and secret-looking query values
/// (`password=`, `token=`, `key=`, ...) replaced by `***`, for use in
/// messages and logs. Text that is no URL this can take apart keeps only its
/// scheme (`bad://***`), or nothing (`***`) without `://`. Costs one parse
/// of `url` and a copy of it.
pub fn redact_url(url: &str) -> String {
    // Without "://" the text is no URL we understand ("user:pass@host" parses
    // as scheme "user"), so nothing of it is safe to show.
    // Only a text that starts with a scheme and "://" is taken apart:
    // `user:secret@db/x?next=http://a` parses as the scheme `user` with a
    // path holding the password, so it, like any text before "://" that is
    // no scheme, is shown as nothing at all.
    let scheme = match url.split_once("://") {
        Some((scheme, _)) if is_scheme(scheme) => scheme,
        _ => return "***".to_owned(),
    };
    let Ok(mut parsed) = ::url::Url::parse(url) else {
        // Not a URL we can take apart: keep only the scheme, which is never secret.
        return format!("{scheme}://***");
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let hide = SECRET_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s));
                let shown = if hide {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), shown)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// True when `text` is a URL scheme as RFC 3986 writes one: a letter,
/// then letters, digits, `+`, `-` or `.`.
pub(crate) fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// A URL that shows as [`redact_url`] has it, in both `Display` and
/// `Debug` (quoted), for hand-written forms of values that hold connection
/// strings. Each formatting redacts anew (one parse).
#[derive(Clone, Copy)]
pub struct RedactedUrl<'a>(pub &'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url(self.0), f)
    }
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(self.0))
    }
}

/// `text` (a message from code the library does not own: a user backend's
/// exception, an upstream's error body) with the password of every URL in
/// it replaced by `***`, as [`redact_url`] shows a URL, so that echoing
/// the message leaks no credentials. A URL is found as a run of
/// non-space characters holding `://`; one that holds a `user:password@`
/// part but does not parse is shown as `scheme://***`. Borrows `text`
/// when it holds no `://` (the usual case); else costs one pass and a copy.
pub fn redact_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("://") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        shown.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        match word.find("://") {
            Some(at) => {
                // The scheme is the run of scheme characters before "://";
                // anything before it (a quote, a bracket) is kept as it is.
                let scheme_start = word[..at]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                // Trailing punctuation of the sentence is no part of the URL.
                let url_end = word
                    .trim_end_matches(|c: char| "\"'),.;:!?]}>".contains(c))
                    .len()
                    .max(at + 3);
                shown.push_str(&word[..scheme_start]);
                shown.push_str(&redact_url(&word[scheme_start..url_end]));
                shown.push_str(&word[url_end..]);
            }
            None => shown.push_str(word),
        }
        rest = &rest[end..];
    }
    shown.push_str(rest);
    std::borrow::Cow::Owned(shown)
}
