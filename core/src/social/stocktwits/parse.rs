//! One page of StockTwits' symbol stream read into posts: the envelope
//! must have the stream's shape (else `Upstream`), each message is read on
//! its own, and one that lacks what a post needs is skipped and counted.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::PLATFORM;
use crate::error::Result;
use crate::model::{AuthorLabel, Post};
use crate::resilience::http::{malformed_json, Url};
use crate::social::bounds::{self, Skipped};

/// The messages of one page as posts, and where the stream goes on.
#[derive(Debug, Default)]
pub(super) struct Page {
    pub(super) posts: Vec<Post>,
    /// `cursor.more`: whether older messages follow.
    pub(super) more: bool,
    /// `cursor.max`: the `max=` that asks for the next page.
    pub(super) cursor_max: Option<u64>,
    pub(super) skipped: Skipped,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    cursor: Option<Value>,
    messages: Vec<Value>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    #[serde(default)]
    response: Option<Value>,
    #[serde(default)]
    errors: Option<Vec<Value>>,
}

/// Reads a 2xx body. `Upstream` with an excerpt when it is not a stream
/// (no `messages` array); never panics.
pub(super) fn page(body: &[u8]) -> Result<Page> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| malformed_json(body, "StockTwits stream", &e))?;
    let cursor = envelope.cursor.unwrap_or(Value::Null);
    let mut page = Page {
        posts: Vec::with_capacity(envelope.messages.len()),
        more: cursor.get("more").and_then(Value::as_bool).unwrap_or(false),
        cursor_max: cursor.get("max").and_then(Value::as_u64),
        skipped: Skipped::default(),
    };
    for message in &envelope.messages {
        match post(message) {
            Some(post) => page.posts.push(post),
            None => page.skipped.add("no numeric id, body or created_at"),
        }
    }
    Ok(page)
}

/// Whether `body` is StockTwits' own error object
/// (`{"response":{"status":404},"errors":[...]}`), as it answers for a
/// symbol it does not know.
pub(super) fn is_stocktwits_error(body: &[u8]) -> bool {
    serde_json::from_slice::<ErrorEnvelope>(body)
        .is_ok_and(|e| e.errors.is_some() || e.response.is_some_and(|r| r.get("status").is_some()))
}

/// One message as a post, or `None` when it lacks a numeric id, a body
/// or a readable `created_at`. A missing or odd user, sentiment or likes
/// only leaves that field empty.
fn post(message: &Value) -> Option<Post> {
    let id = message.get("id").and_then(Value::as_u64)?.to_string();
    let body = message.get("body").and_then(Value::as_str)?;
    let text = bounds::clip(body.trim(), bounds::MAX_TEXT_BYTES);
    if text.is_empty() {
        return None;
    }
    let created_at = message
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())?
        .with_timezone(&Utc);
    let author = message
        .pointer("/user/username")
        .and_then(Value::as_str)
        .and_then(bounds::author);
    let mut post = Post::new(
        PLATFORM,
        id.as_str(),
        text,
        link(author.as_deref(), &id),
        created_at,
    );
    post.author = author;
    post.engagement = message.pointer("/likes/total").and_then(Value::as_i64);
    post.label = message
        .pointer("/entities/sentiment/basic")
        .and_then(Value::as_str)
        .and_then(AuthorLabel::parse);
    Some(post)
}

/// `https://stocktwits.com/{username}/message/{id}`, or
/// `https://stocktwits.com/message/{id}` without a user; the name is
/// percent-encoded as one path segment.
fn link(username: Option<&str>, id: &str) -> String {
    let Ok(mut url) = Url::parse("https://stocktwits.com/") else {
        return String::new();
    };
    if let Ok(mut path) = url.path_segments_mut() {
        path.clear();
        if let Some(name) = username {
            path.push(name);
        }
        path.extend(["message", id]);
    }
    url.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const PAGE: &str = r#"{
      "response": {"status": 200},
      "symbol": {"id": 8660, "symbol": "TSLA", "title": "Tesla Inc"},
      "cursor": {"more": true, "since": 560000103, "max": 560000100},
      "messages": [
        {"id": 560000103, "body": "$TSLA deliveries beat, loading up", "created_at": "2024-01-02T15:04:05Z",
         "user": {"id": 1, "username": "roadster_fan"}, "entities": {"sentiment": {"basic": "Bullish"}},
         "likes": {"total": 12, "user_ids": [1, 2]}},
        {"id": 560000102, "body": "$TSLA margins look thin", "created_at": "2024-01-02T15:00:00Z",
         "user": {"username": "short/seller"}, "entities": {"sentiment": {"basic": "Bearish"}}},
        {"id": 560000101, "body": "$TSLA anyone watching the call?", "created_at": "2024-01-02T14:59:00Z",
         "entities": {"sentiment": null}},
        {"id": "not-a-number", "body": "x", "created_at": "2024-01-02T14:58:00Z"},
        {"id": 560000099, "body": "bad date", "created_at": "yesterday"},
        {"id": 560000098, "created_at": "2024-01-02T14:58:00Z"},
        {"id": 560000100, "body": "odd sentiment", "created_at": "2024-01-02T14:57:00+01:00",
         "user": {"username": 7}, "entities": {"sentiment": {"basic": "Neutral"}}, "likes": "many"}
      ]
    }"#;

    #[test]
    fn messages_become_posts_with_labels_and_odd_ones_are_skipped() {
        let page = page(PAGE.as_bytes()).unwrap();
        assert!(page.more);
        assert_eq!(page.cursor_max, Some(560000100));
        assert_eq!(page.skipped.count(), 3);
        let ids: Vec<&str> = page.posts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["560000103", "560000102", "560000101", "560000100"]);
        let first = &page.posts[0];
        assert_eq!(first.platform, "stocktwits");
        assert_eq!(first.text, "$TSLA deliveries beat, loading up");
        assert_eq!(first.author.as_deref(), Some("roadster_fan"));
        assert_eq!(first.engagement, Some(12));
        assert_eq!(first.label, Some(AuthorLabel::Bullish));
        assert_eq!(
            first.url,
            "https://stocktwits.com/roadster_fan/message/560000103"
        );
        assert_eq!(first.created_at.to_rfc3339(), "2024-01-02T15:04:05+00:00");
        assert_eq!(page.posts[1].label, Some(AuthorLabel::Bearish));
        assert_eq!(
            page.posts[1].url,
            "https://stocktwits.com/short%2Fseller/message/560000102"
        );
        let unlabelled = &page.posts[2];
        assert_eq!(
            (unlabelled.label, unlabelled.author.as_deref()),
            (None, None)
        );
        assert_eq!(unlabelled.url, "https://stocktwits.com/message/560000101");
        let odd = &page.posts[3];
        assert_eq!(
            (odd.label, odd.engagement, odd.author.as_deref()),
            (None, None, None)
        );
        assert_eq!(odd.created_at.to_rfc3339(), "2024-01-02T13:57:00+00:00");
    }

    #[test]
    fn the_last_page_and_an_empty_one_end_the_stream() {
        let last = page(br#"{"cursor":{"more":false,"since":2,"max":1},"messages":[]}"#).unwrap();
        assert!(!last.more && last.posts.is_empty());
        let bare = page(br#"{"messages":[]}"#).unwrap();
        assert_eq!((bare.more, bare.cursor_max), (false, None));
    }

    #[test]
    fn bodies_of_another_shape_are_upstream_errors_echoed_short() {
        for body in [
            &b"<html>Cloudflare</html>"[..],
            b"",
            b"{\"messages\":",
            b"{\"messages\":{}}",
            b"[]",
        ] {
            let err = page(body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Upstream, "{err}");
            assert!(
                err.message().starts_with("StockTwits stream answered"),
                "{err}"
            );
        }
        let huge = format!("{{\"messages\": \"{}\"}}", "z".repeat(1 << 20));
        assert!(page(huge.as_bytes()).unwrap_err().message().len() < 300);
    }

    #[test]
    fn long_bodies_are_clipped() {
        let body = "é".repeat(bounds::MAX_TEXT_BYTES);
        let json = serde_json::json!({"messages": [
            {"id": 1, "body": body, "created_at": "2024-01-02T15:04:05Z",
             "user": {"username": "u".repeat(500)}}
        ]});
        let page = page(json.to_string().as_bytes()).unwrap();
        assert_eq!(page.posts[0].text.len(), bounds::MAX_TEXT_BYTES);
        assert_eq!(page.posts[0].author, None);
    }

    #[test]
    fn stocktwits_error_objects_are_recognised() {
        assert!(is_stocktwits_error(
            br#"{"response":{"status":404},"errors":[{"message":"Symbol not found"}]}"#
        ));
        assert!(!is_stocktwits_error(b"<html>404</html>"));
        assert!(!is_stocktwits_error(br#"{"messages":[]}"#));
    }
}
