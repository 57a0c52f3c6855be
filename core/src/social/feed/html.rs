//! HTML summaries as plain text: what a sentiment analyzer should read of
//! a feed entry's `<description>` or Atom `type="html"` summary.
//!
//! feed-rs hands such a summary over as the HTML it is (the XML layer's
//! escaping undone, the HTML's own not), so tags are dropped here (with
//! the contents of `script`, `style` and comments), every tag counting as a
//! word break, and HTML entities (`&amp;`, `&#8217;`, `&nbsp;`) are then
//! decoded by `html-escape`. This is no HTML parser: it reads the markup of
//! news summaries, which is a handful of `p`, `a`, `img` and `br` tags.

use std::borrow::Cow;

use crate::social::bounds;

/// Elements whose content is no text to read.
const HIDDEN: [&str; 4] = ["script", "style", "noscript", "template"];

/// `html` as one line of plain text, at most
/// [`MAX_TEXT_BYTES`](bounds::MAX_TEXT_BYTES): tags and hidden elements
/// dropped, entities decoded, white space collapsed. One pass over the
/// input plus one over the text kept.
pub(super) fn to_text(html: &str) -> String {
    let stripped = strip_tags(html);
    let decoded: Cow<'_, str> = html_escape::decode_html_entities(&stripped);
    bounds::one_line(&decoded)
}

/// The text between the tags of `html`, each tag replaced by a space; an
/// unclosed tag ends the text. A `<` that opens no tag (`a < b`) is text.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(bounds::MAX_TEXT_BYTES * 2));
    let mut rest = html;
    // Stripping beyond what will be kept is wasted work on a long summary.
    while !rest.is_empty() && out.len() < bounds::MAX_TEXT_BYTES * 2 {
        let Some(open) = rest.find('<') else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..open]);
        let tag = &rest[open..];
        if tag.starts_with("<!--") {
            rest = tag.find("-->").map_or("", |end| &tag[end + 3..]);
            out.push(' ');
            continue;
        }
        let opens_tag = tag[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !opens_tag {
            out.push('<');
            rest = &tag[1..];
            continue;
        }
        let Some(close) = tag_end(tag) else {
            break;
        };
        rest = &tag[close + 1..];
        out.push(' ');
        if let Some(hidden) = hidden_element(&tag[1..close]) {
            rest = skip_past_closing(rest, hidden);
        }
    }
    out
}

/// Where the tag starting `tag` ends: its first `>` outside a quoted
/// attribute value.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in tag.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// The hidden element `inside` (what is between `<` and `>`) opens, if any.
fn hidden_element(inside: &str) -> Option<&'static str> {
    let name_end = inside
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inside.len());
    let name = &inside[..name_end];
    let self_closing = inside.trim_end().ends_with('/');
    HIDDEN
        .into_iter()
        .find(|h| h.eq_ignore_ascii_case(name))
        .filter(|_| !self_closing)
}

/// What follows the `</name>` that closes a hidden element, or nothing
/// when it is never closed. Case-insensitive; no allocation.
fn skip_past_closing<'a>(rest: &'a str, name: &str) -> &'a str {
    let bytes = rest.as_bytes();
    let mut at = 0;
    while let Some(offset) = rest[at..].find("</") {
        let start = at + offset + 2;
        let end = start + name.len();
        if bytes.len() >= end && bytes[start..end].eq_ignore_ascii_case(name.as_bytes()) {
            return rest[end..].find('>').map_or("", |gt| &rest[end + gt + 1..]);
        }
        at = start;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_and_entities_are_decoded() {
        assert_eq!(
            to_text(
                "<p>Tesla&#8217;s <b>Q4</b> deliveries&nbsp;beat &amp; shares rise</p><br/>More"
            ),
            "Tesla\u{2019}s Q4 deliveries beat & shares rise More",
            "&nbsp; is white space too"
        );
        assert_eq!(to_text(r#"<img src="x.jpg" alt="a > b"/>text"#), "text");
        assert_eq!(to_text("<a title='it\"s > 1'>link</a>"), "link");
        assert_eq!(to_text("a < b and c>d"), "a < b and c>d");
        assert_eq!(to_text("&lt;script&gt; is text"), "<script> is text");
    }

    #[test]
    fn hidden_elements_and_comments_are_dropped() {
        assert_eq!(
            to_text("before<script type='x'>alert('<b>')</script >after"),
            "before after"
        );
        assert_eq!(to_text("a<STYLE>p{}</style>b"), "a b");
        assert_eq!(to_text("a<!-- hidden <b> -->b"), "a b");
        assert_eq!(to_text("a<script>never closed"), "a");
        assert_eq!(to_text("a<!-- never closed"), "a");
        assert_eq!(to_text("unclosed <b"), "unclosed");
        assert_eq!(to_text("<br/><script/>kept"), "kept");
    }

    #[test]
    fn long_summaries_are_bounded() {
        let long = "<p>word</p>".repeat(100_000);
        let text = to_text(&long);
        assert!(text.len() <= bounds::MAX_TEXT_BYTES);
        assert!(text.starts_with("word word"));
    }
}
