//! Reading one page of Reddit's search listing into posts.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::PLATFORM;
use crate::error::Result;
use crate::model::Post;
use crate::resilience::http::malformed_json;
use crate::social::bounds::{
    author, clip, clip_owned, plain_token, Skipped, MAX_CURSOR_BYTES, MAX_ID_BYTES, MAX_TEXT_BYTES,
};

/// Longest permalink used as it is; a longer one gives the post's short link.
const MAX_PERMALINK_BYTES: usize = 1024;
/// The self texts that say the body is gone: the post is its title alone.
const GONE: [&str; 3] = ["", "[removed]", "[deleted]"];

/// One page: its posts in the order given (newest first for `sort=new`),
/// the cursor of the next page, and what was left out.
#[derive(Debug)]
pub(super) struct Page {
    pub(super) posts: Vec<Post>,
    pub(super) after: Option<String>,
    pub(super) skipped: Skipped,
}

#[derive(Deserialize)]
struct Listing {
    data: ListingData,
}

#[derive(Deserialize)]
struct ListingData {
    children: Vec<Value>,
    #[serde(default)]
    after: Option<Value>,
}

/// Reads a listing body (`{"kind":"Listing","data":{"children":[{"kind":"t3","data":{...}}],
/// "after":...}}`). A body of another shape is `Upstream` with an excerpt;
/// a child that is not a usable post is skipped and counted. A cursor that
/// is not a short plain string ends the paging. One pass over the body.
pub(super) fn parse_page(body: &[u8]) -> Result<Page> {
    let listing: Listing =
        serde_json::from_slice(body).map_err(|e| malformed_json(body, "Reddit search", &e))?;
    let mut skipped = Skipped::default();
    let mut posts = Vec::with_capacity(listing.data.children.len());
    for child in &listing.data.children {
        match post_of(child) {
            Ok(post) => posts.push(post),
            Err(why) => skipped.add(why),
        }
    }
    let after = listing
        .data
        .after
        .as_ref()
        .and_then(Value::as_str)
        .and_then(|a| plain_token(a, MAX_CURSOR_BYTES))
        .map(str::to_owned);
    Ok(Page {
        posts,
        after,
        skipped,
    })
}

/// The post of one listing child, or why it is left out.
fn post_of(child: &Value) -> std::result::Result<Post, &'static str> {
    if child
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k != "t3")
    {
        return Err("a kind other than a post (t3)");
    }
    let data = child.get("data").ok_or("no data")?;
    let text_field = |name| data.get(name).and_then(Value::as_str);
    let id = text_field("id")
        .and_then(|id| plain_token(id, MAX_ID_BYTES))
        .filter(|id| id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .ok_or("no usable id")?;
    let title = text_field("title").ok_or("no title")?;
    let created_at = data
        .get("created_utc")
        .and_then(Value::as_f64)
        .and_then(from_epoch)
        .ok_or("no usable created_utc")?;
    let mut post = Post::new(
        PLATFORM,
        id,
        text_of(title, text_field("selftext").unwrap_or("")),
        url_of(id, text_field("permalink")),
        created_at,
    );
    post.author = text_field("author")
        .filter(|a| *a != "[deleted]")
        .and_then(author);
    post.engagement = data.get("score").and_then(whole);
    Ok(post)
}

/// The post's text as the seed built it, `"{title} {selftext}"`, except
/// that a self text saying the body is gone (or none) leaves the title
/// alone; cut at [`MAX_TEXT_BYTES`].
fn text_of(title: &str, selftext: &str) -> String {
    // Cut before joining, so a huge title or body is never copied whole.
    let title = clip(title, MAX_TEXT_BYTES);
    if GONE.contains(&selftext) {
        return title.to_owned();
    }
    let body = clip(selftext, MAX_TEXT_BYTES.saturating_sub(title.len() + 1));
    clip_owned(format!("{title} {body}"), MAX_TEXT_BYTES)
}

/// `https://reddit.com{permalink}` as the seed built it, for the relative
/// permalink Reddit gives; the post's short link when there is none (or
/// it is not a plain relative path).
fn url_of(id: &str, permalink: Option<&str>) -> String {
    match permalink.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && p.len() <= MAX_PERMALINK_BYTES
            && p.bytes().all(|b| b.is_ascii_graphic())
    }) {
        Some(path) => format!("https://reddit.com{path}"),
        None => format!("https://reddit.com/comments/{id}/"),
    }
}

/// Seconds since the epoch, as the float Reddit writes (`1733518800.0`).
fn from_epoch(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0) as u32;
    // Out-of-range floats saturate in the cast, and chrono refuses them.
    DateTime::from_timestamp(whole as i64, nanos)
}

/// A whole number written as an integer or a float (`12`, `12.0`).
fn whole(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.abs() < 9e15)
            .map(|f| f.round() as i64)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorKind;

    fn child(data: Value) -> Value {
        json!({"kind": "t3", "data": data})
    }

    fn body(children: Vec<Value>, after: Value) -> Vec<u8> {
        json!({"kind": "Listing", "data": {"after": after, "dist": children.len(), "children": children, "before": null}})
            .to_string()
            .into_bytes()
    }

    fn good(id: &str, selftext: &str) -> Value {
        child(json!({
            "id": id, "name": format!("t3_{id}"), "title": "TSLA to the moon", "selftext": selftext,
            "permalink": format!("/r/stocks/comments/{id}/tsla_to_the_moon/"),
            "created_utc": 1733518800.0, "score": 42, "num_comments": 7,
            "subreddit": "stocks", "author": "someone"
        }))
    }

    #[test]
    fn posts_are_built_as_the_seed_built_them() {
        let page = parse_page(&body(vec![good("abc", "Great quarter.")], json!("t3_abc"))).unwrap();
        let post = &page.posts[0];
        assert_eq!(post.platform, "reddit");
        assert_eq!(post.id, "abc");
        assert_eq!(post.text, "TSLA to the moon Great quarter.");
        assert_eq!(
            post.url,
            "https://reddit.com/r/stocks/comments/abc/tsla_to_the_moon/"
        );
        assert_eq!(post.created_at.timestamp(), 1733518800);
        assert_eq!(post.author.as_deref(), Some("someone"));
        assert_eq!(post.engagement, Some(42));
        assert_eq!(page.after.as_deref(), Some("t3_abc"));
        assert_eq!(page.skipped.count(), 0);
    }

    #[test]
    fn a_gone_body_leaves_the_title_and_a_deleted_author_none() {
        for gone in ["", "[removed]", "[deleted]"] {
            let page = parse_page(&body(vec![good("a", gone)], Value::Null)).unwrap();
            assert_eq!(page.posts[0].text, "TSLA to the moon", "{gone:?}");
            assert_eq!(page.after, None);
        }
        let mut deleted = good("d", "[deleted]");
        deleted["data"]["author"] = json!("[deleted]");
        let page = parse_page(&body(vec![deleted], Value::Null)).unwrap();
        assert_eq!(page.posts[0].author, None);
        // Only the exact markers: a body quoting one is a body.
        assert_eq!(text_of("T", "[removed] by mods?"), "T [removed] by mods?");
    }

    #[test]
    fn float_times_integer_scores_and_odd_permalinks() {
        let mut odd = good("f", "x");
        odd["data"]["created_utc"] = json!(1733518800.5);
        odd["data"]["score"] = json!(12.0);
        odd["data"]["permalink"] = json!("https://evil.example/x");
        let mut none = good("g", "x");
        none["data"].as_object_mut().unwrap().remove("permalink");
        none["data"]["created_utc"] = json!(1733518800);
        let page = parse_page(&body(vec![odd, none], Value::Null)).unwrap();
        assert_eq!(page.posts[0].created_at.timestamp_millis(), 1733518800500);
        assert_eq!(page.posts[0].engagement, Some(12));
        assert_eq!(page.posts[0].url, "https://reddit.com/comments/f/");
        assert_eq!(page.posts[1].url, "https://reddit.com/comments/g/");
        assert_eq!(page.posts[1].created_at.timestamp(), 1733518800);
    }

    #[test]
    fn malformed_children_are_skipped_and_counted() {
        let mut no_time = good("t", "x");
        no_time["data"]["created_utc"] = json!("yesterday");
        let mut long_id = good("x", "x");
        long_id["data"]["id"] = json!("a".repeat(MAX_ID_BYTES + 1));
        let mut bad_id = good("x", "x");
        bad_id["data"]["id"] = json!("../x");
        let mut no_title = good("n", "x");
        no_title["data"]["title"] = json!(5);
        let subreddit = json!({"kind": "t5", "data": {"id": "2qh1i"}});
        let children = vec![
            no_time,
            long_id,
            bad_id,
            no_title,
            subreddit,
            json!(7),
            good("ok", ""),
        ];
        let page = parse_page(&body(children, json!("../../etc"))).unwrap();
        assert_eq!(page.posts.len(), 1);
        assert_eq!(page.posts[0].id, "ok");
        assert_eq!(page.skipped.count(), 6);
        assert_eq!(
            page.after.as_deref(),
            Some("../../etc"),
            "sent as a query value, encoded"
        );
        let page = parse_page(&body(vec![], json!("a b"))).unwrap();
        assert_eq!(page.after, None, "not a plain token");
    }

    #[test]
    fn long_strings_are_cut() {
        let mut huge = good("h", &"é".repeat(100_000));
        huge["data"]["author"] = json!("a".repeat(1000));
        let page = parse_page(&body(vec![huge], Value::Null)).unwrap();
        assert!(page.posts[0].text.len() <= MAX_TEXT_BYTES);
        assert!(page.posts[0].text.starts_with("TSLA to the moon é"));
        // A cut name would name another user: an over-long one is dropped.
        assert_eq!(page.posts[0].author, None);
    }

    #[test]
    fn other_shapes_are_upstream_errors_with_an_excerpt() {
        for bad in [
            &b"<html>Our CDN was unable to reach our servers</html>"[..],
            b"{\"kind\":\"Listing\"}",
            b"[]",
            b"",
        ] {
            let err = parse_page(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Upstream);
            assert!(
                err.message().starts_with("Reddit search answered"),
                "{}",
                err.message()
            );
        }
        let long = format!("{{\"data\":\"{}\"}}", "z".repeat(1 << 20));
        assert!(parse_page(long.as_bytes()).unwrap_err().message().len() < 300);
    }
}
