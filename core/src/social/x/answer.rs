//! Reading X's recent-search answers: pages of tweets (with their authors
//! from `includes.users[]` and the partial `errors[]` a 200 may carry),
//! and the problem bodies of its refusals.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::PLATFORM;
use crate::error::{Error, ErrorKind, Result};
use crate::model::Post;
use crate::resilience::http::{excerpt, malformed_json};
use crate::social::bounds::{
    author, clip, plain_token, Skipped, MAX_CURSOR_BYTES, MAX_ID_BYTES, MAX_TEXT_BYTES,
};

/// One page: its tweets as posts (newest first), the cursor of the next
/// page, what was left out, and the partial errors X reported beside them.
#[derive(Debug)]
pub(super) struct Page {
    pub(super) posts: Vec<Post>,
    pub(super) next: Option<String>,
    pub(super) skipped: Skipped,
    /// How many `errors[]` the answer carried, and the first one's summary.
    pub(super) errors: (usize, Option<String>),
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    data: Option<Vec<Value>>,
    #[serde(default)]
    errors: Option<Vec<Value>>,
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    includes: Option<Includes>,
}

/// The objects the expansions asked for: with `expansions=author_id`, the
/// tweets' authors.
#[derive(Deserialize)]
struct Includes {
    #[serde(default)]
    users: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    next_token: Option<Value>,
}

/// X's problem object (RFC 7807 style): the body of a refusal, or one
/// item of a 200's `errors[]`.
#[derive(Deserialize, Default)]
pub(super) struct Problem {
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    detail: Option<Value>,
    #[serde(default, rename = "type")]
    kind: Option<Value>,
    #[serde(default)]
    errors: Option<Vec<Value>>,
}

impl Problem {
    /// The problem in `body`, or an empty one when the body is not one.
    pub(super) fn of(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    fn text(value: &Option<Value>) -> Option<&str> {
        value
            .as_ref()
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Whether it is the monthly usage cap (`UsageCapExceeded`,
    /// `.../problems/usage-capped`) rather than a 15-minute window.
    pub(super) fn is_usage_cap(&self) -> bool {
        Self::text(&self.title).is_some_and(|t| t.eq_ignore_ascii_case("UsageCapExceeded"))
            || Self::text(&self.kind).is_some_and(|t| t.ends_with("/usage-capped"))
    }

    /// `title: first detail` for a message, each part truncated: the first
    /// nested error's message when there is one (it names the parameter),
    /// else `detail`. Empty when the problem says nothing.
    pub(super) fn summary(&self) -> String {
        let nested = self
            .errors
            .iter()
            .flatten()
            .find_map(|e| e.get("message").and_then(Value::as_str));
        let detail = nested.or(Self::text(&self.detail));
        match (Self::text(&self.title), detail) {
            (Some(title), Some(detail)) => format!(
                "{}: {}",
                excerpt(title.as_bytes()),
                excerpt(detail.as_bytes())
            ),
            (Some(one), None) | (None, Some(one)) => excerpt(one.as_bytes()),
            (None, None) => String::new(),
        }
    }
}

/// Reads a 200's body (`{"data":[...],"errors":[...],"meta":{...}}`;
/// `{"meta":{"result_count":0}}` with no `data` for none). A body of
/// another shape is `Upstream` with an excerpt; a tweet that is not usable
/// is skipped and counted; a cursor that is not a short plain string ends
/// the paging. One pass over the body.
pub(super) fn parse_page(body: &[u8]) -> Result<Page> {
    let parsed: Body =
        serde_json::from_slice(body).map_err(|e| malformed_json(body, "X search", &e))?;
    if parsed.data.is_none() && parsed.meta.is_none() && parsed.errors.is_none() {
        return Err(Error::new(
            ErrorKind::Upstream,
            format!(
                "X search answered JSON without data, meta or errors: {}",
                excerpt(body)
            ),
        ));
    }
    let mut skipped = Skipped::default();
    let users = parsed.includes.and_then(|i| i.users).unwrap_or_default();
    let authors = usernames(&users);
    let tweets = parsed.data.unwrap_or_default();
    let mut posts = Vec::with_capacity(tweets.len());
    for tweet in &tweets {
        match post_of(tweet, &authors) {
            Ok(post) => posts.push(post),
            Err(why) => skipped.add(why),
        }
    }
    let errors = parsed.errors.unwrap_or_default();
    let first_error = errors
        .first()
        .map(|e| Problem::deserialize(e).unwrap_or_default().summary());
    let next = parsed
        .meta
        .and_then(|m| m.next_token)
        .as_ref()
        .and_then(Value::as_str)
        .and_then(|t| plain_token(t, MAX_CURSOR_BYTES))
        .map(str::to_owned);
    Ok(Page {
        posts,
        next,
        skipped,
        errors: (errors.len(), first_error),
    })
}

/// The username of each user of `includes.users[]` by the user's id,
/// bounded as authors are; a user without a usable id or username is not
/// listed (its tweets get no author). O(users).
fn usernames(users: &[Value]) -> HashMap<&str, String> {
    users
        .iter()
        .filter_map(|user| {
            let id = user.get("id").and_then(Value::as_str)?;
            let name = user.get("username").and_then(Value::as_str)?;
            Some((id, author(name)?))
        })
        .collect()
}

/// The post of one tweet, with its author's username from `authors`
/// when listed there, or why it is left out.
fn post_of(
    tweet: &Value,
    authors: &HashMap<&str, String>,
) -> std::result::Result<Post, &'static str> {
    let field = |name| tweet.get(name).and_then(Value::as_str);
    let id = field("id")
        .and_then(|id| plain_token(id, MAX_ID_BYTES))
        .filter(|id| id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or("no usable id")?;
    let text = field("text").ok_or("no text")?;
    let created_at = field("created_at")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or("no usable created_at")?;
    let mut post = Post::new(
        PLATFORM,
        id,
        clip(text, MAX_TEXT_BYTES),
        format!("https://x.com/i/web/status/{id}"),
        created_at,
    );
    post.engagement = tweet
        .pointer("/public_metrics/like_count")
        .and_then(Value::as_i64);
    post.author = field("author_id").and_then(|id| authors.get(id)).cloned();
    Ok(post)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tweet(id: &str) -> Value {
        json!({
            "id": id, "text": "$TSLA breaking out 🚀", "created_at": "2024-12-06T20:55:00.000Z",
            "lang": "en", "edit_history_tweet_ids": [id],
            "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 42, "quote_count": 0, "bookmark_count": 2, "impression_count": 900}
        })
    }

    #[test]
    fn tweets_become_posts() {
        let body = json!({"data": [tweet("1864800000000000001")], "meta": {"result_count": 1, "next_token": "b26v89c19zqg8o3f"}});
        let page = parse_page(body.to_string().as_bytes()).unwrap();
        let post = &page.posts[0];
        assert_eq!(post.platform, "x");
        assert_eq!(post.id, "1864800000000000001");
        assert_eq!(post.text, "$TSLA breaking out 🚀");
        assert_eq!(post.url, "https://x.com/i/web/status/1864800000000000001");
        assert_eq!(post.created_at.to_rfc3339(), "2024-12-06T20:55:00+00:00");
        assert_eq!(post.engagement, Some(42));
        assert_eq!(post.author, None);
        assert_eq!(page.next.as_deref(), Some("b26v89c19zqg8o3f"));
        assert_eq!(page.errors, (0, None));
    }

    #[test]
    fn authors_come_from_the_included_users() {
        let mut known = tweet("10");
        known["author_id"] = json!("2244994945");
        let mut unknown = tweet("11");
        unknown["author_id"] = json!("99");
        let mut odd_name = tweet("12");
        odd_name["author_id"] = json!("7");
        let body = json!({
            "data": [known, unknown, odd_name, tweet("13")],
            "includes": {"users": [
                {"id": "2244994945", "name": "Market Watcher", "username": "mkt_watch"},
                {"id": "7", "name": "Long", "username": "n".repeat(1000)},
                {"name": "no id", "username": "ghost"},
            ]},
            "meta": {"result_count": 4}
        });
        let page = parse_page(body.to_string().as_bytes()).unwrap();
        let authors: Vec<Option<&str>> = page.posts.iter().map(|p| p.author.as_deref()).collect();
        assert_eq!(authors, [Some("mkt_watch"), None, None, None]);
    }

    #[test]
    fn zero_results_have_no_data() {
        let page = parse_page(br#"{"meta":{"result_count":0}}"#).unwrap();
        assert!(page.posts.is_empty() && page.next.is_none());
    }

    #[test]
    fn partial_errors_keep_the_data() {
        let body = json!({
            "data": [tweet("1"), tweet("2")],
            "errors": [{"value": "9", "detail": "Could not find tweet with referenced_tweets.id: [9].", "title": "Not Found Error", "resource_type": "tweet", "parameter": "referenced_tweets.id", "resource_id": "9", "type": "https://api.twitter.com/2/problems/resource-not-found"}],
            "meta": {"result_count": 2}
        });
        let page = parse_page(body.to_string().as_bytes()).unwrap();
        assert_eq!(page.posts.len(), 2);
        assert_eq!(page.errors.0, 1);
        assert_eq!(
            page.errors.1.as_deref(),
            Some("\"Not Found Error\": \"Could not find tweet with referenced_tweets.id: [9].\"")
        );
    }

    #[test]
    fn malformed_tweets_are_skipped_and_counted() {
        let mut no_time = tweet("3");
        no_time["created_at"] = json!("last tuesday");
        let mut bad_id = tweet("x");
        bad_id["id"] = json!("12/../3");
        let mut no_text = tweet("4");
        no_text["text"] = json!(null);
        let mut odd_metrics = tweet("5");
        odd_metrics["public_metrics"] = json!("many");
        let body = json!({"data": [no_time, bad_id, no_text, 17, odd_metrics], "meta": {"next_token": ["x"]}});
        let page = parse_page(body.to_string().as_bytes()).unwrap();
        assert_eq!(page.posts.len(), 1);
        assert_eq!(page.posts[0].engagement, None);
        assert_eq!(page.skipped.count(), 4);
        assert_eq!(page.next, None);
    }

    #[test]
    fn other_shapes_are_upstream_errors() {
        for bad in [
            &b"<html>over capacity</html>"[..],
            b"[]",
            b"{}",
            br#"{"data": "nope"}"#,
            b"",
        ] {
            let err = parse_page(bad).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Upstream,
                "{}",
                String::from_utf8_lossy(bad)
            );
            assert!(
                err.message().starts_with("X search answered"),
                "{}",
                err.message()
            );
        }
    }

    #[test]
    fn problems_are_summarised_and_the_usage_cap_told_apart() {
        let invalid = Problem::of(br#"{"errors":[{"parameters":{"max_results":["5"]},"message":"The `max_results` query parameter value [5] is not between 10 and 100"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}"#);
        assert!(!invalid.is_usage_cap());
        assert!(
            invalid.summary().contains("[5] is not between 10 and 100"),
            "{}",
            invalid.summary()
        );
        let cap = Problem::of(br#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}"#);
        assert!(cap.is_usage_cap());
        assert!(cap.summary().contains("Monthly product cap"));
        let window = Problem::of(br#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#);
        assert!(!window.is_usage_cap());
        assert_eq!(Problem::of(b"<html>").summary(), "");
        let long = format!(r#"{{"title":"{}"}}"#, "t".repeat(1 << 20));
        assert!(Problem::of(long.as_bytes()).summary().len() < 200);
    }
}
