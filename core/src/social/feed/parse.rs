//! A feed body (RSS 2.0, Atom; RSS 1.0 and JSON Feed too, as feed-rs
//! reads them) read into posts.
//!
//! What feed-rs gives, and what is made of it:
//! - `title` and `summary` are [`Text`]s whose content is plain text
//!   (`text/plain`, XML escaping already undone) or HTML (`text/html`: an
//!   RSS `<description>`, an Atom `type="html"`), which is turned to text
//!   by [`html::to_text`](super::html::to_text); the post's text is the
//!   title, a space, the summary.
//! - `published` (RSS `pubDate`, Atom `published`), else `updated`, read
//!   leniently by feed-rs; an entry with neither is skipped.
//! - `id`: the RSS `guid` or Atom `id` as written (feed-rs would make one
//!   up from the link, or a random UUID, when there is none: that is turned
//!   off, so a missing one falls back to the link). An id longer than
//!   [`MAX_ID_BYTES`](bounds::MAX_ID_BYTES) (often a long link) becomes
//!   a stable digest of it.
//! - the link: the first `alternate` (or relation-less) link, else the
//!   first, resolved against the feed's URL; only `http(s)` links are
//!   kept, and an entry without one is skipped.

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Link, Text};

use super::html;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{stable_hash, Post};
use crate::resilience::http::excerpt;
use crate::social::bounds::{self, Skipped};

/// The most entries read from one feed.
pub(super) const MAX_ENTRIES: usize = 1000;

/// The posts of one feed, and how many entries were skipped.
#[derive(Debug, Default)]
pub(super) struct Entries {
    pub(super) posts: Vec<Post>,
    pub(super) skipped: Skipped,
}

/// Reads `body`, the feed at `feed_url` (for relative links), into posts
/// of `platform`. `Upstream` (with an excerpt) for a body that is no feed.
/// CPU-bound: run it off the async workers.
pub(super) fn entries(body: &[u8], feed_url: &str, platform: &str) -> Result<Entries> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url))
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(body).map_err(|e| not_a_feed(body, &e))?;
    let mut out = Entries::default();
    for entry in feed.entries.into_iter().take(MAX_ENTRIES) {
        match post(entry, platform) {
            Some(post) => out.posts.push(post),
            None => out.skipped.add("no date, web link or text"),
        }
    }
    Ok(out)
}

/// The error for a body feed-rs cannot read: what kind of thing it was,
/// and an excerpt. feed-rs's own message is not quoted: it can hold names
/// and text from the body.
fn not_a_feed(body: &[u8], err: &feed_rs::parser::ParseFeedError) -> Error {
    use feed_rs::parser::ParseFeedError as E;
    let what = match err {
        E::ParseError(_) => "no RSS or Atom feed",
        E::XmlReader(_) => "malformed XML",
        E::JsonSerde(_) | E::JsonUnsupportedVersion(_) => "no JSON Feed it can read",
        E::IoError(_) => "a body it could not read",
    };
    Error::new(
        ErrorKind::Upstream,
        format!("News feed answered {what}: {}", excerpt(body)),
    )
}

/// One entry as a post, or `None` when it has no date, no web link, or no
/// text.
fn post(entry: Entry, platform: &str) -> Option<Post> {
    let created_at: DateTime<Utc> = entry.published.or(entry.updated)?;
    let url = link(&entry.links)?;
    let title = entry.title.as_ref().map(text).unwrap_or_default();
    let summary = entry.summary.as_ref().map(text).unwrap_or_default();
    let joined = match (title.is_empty(), summary.is_empty()) {
        (false, false) => format!("{title} {summary}"),
        (false, true) => title,
        (true, _) => summary,
    };
    let body = bounds::clip_owned(joined, bounds::MAX_TEXT_BYTES);
    if body.is_empty() {
        return None;
    }
    let id = entry_id(&entry.id, &url)?;
    let mut post = Post::new(platform, id, body, url, created_at);
    post.author = entry
        .authors
        .first()
        .and_then(|person| person.name.as_deref())
        .and_then(bounds::author);
    Some(post)
}

/// A [`Text`] as one line of plain text.
fn text(text: &Text) -> String {
    let kind = text.content_type.to_string();
    if kind.contains("html") {
        html::to_text(&text.content)
    } else {
        bounds::one_line(&text.content)
    }
}

/// The entry's web link: its first `alternate` (or relation-less) link,
/// else its first one, if `http(s)`.
fn link(links: &[Link]) -> Option<String> {
    let alternate = links.iter().find(|l| {
        l.rel
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    });
    bounds::web_link(&alternate.or(links.first())?.href)
}

/// The guid (or Atom id), else the link; one too long for
/// [`MAX_ID_BYTES`](bounds::MAX_ID_BYTES) as a 128-bit digest (hex) of it.
fn entry_id(guid: &str, url: &str) -> Option<String> {
    let raw = if guid.trim().is_empty() {
        url
    } else {
        guid.trim()
    };
    if raw.chars().any(char::is_control) {
        return None;
    }
    bounds::id(raw).or_else(|| {
        Some(format!(
            "{:016x}{:016x}",
            stable_hash(raw, 0),
            stable_hash(raw, 0x9e37_79b9_7f4a_7c15)
        ))
    })
}
