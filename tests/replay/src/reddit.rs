//! Reddit's app-only OAuth and search, answered as Reddit answers them:
//!
//! - `POST /api/v1/access_token` with HTTP basic credentials [`REDDIT_CLIENT_ID`] and
//!   [`REDDIT_CLIENT_SECRET`] and the form `grant_type=client_credentials` hands out a bearer
//!   token valid for a day (`{"access_token", "token_type": "bearer", "expires_in": 86400,
//!   "scope": "*"}`); other credentials get a 401, another grant a 200 with
//!   `{"error": "unsupported_grant_type"}`. [`reddit_token_answer`] makes a token answer of
//!   another lifetime to inject.
//! - `GET /search.json` and `GET /r/{a+b}/search.json` want `Authorization: bearer TOKEN`
//!   with a token handed out here that has not expired (else a 401, as Reddit answers an
//!   expired token) and a `User-Agent` (else a 429, as Reddit treats anonymous clients).
//!   `q` names the symbol (`$TSLA` or `TSLA`); the listing comes from
//!   `social/reddit/{SYMBOL}/{n}.json`, whose pages are served as recorded (a page may be
//!   shorter than `limit`, as Reddit's search pages are), cut at `limit` (25 by default, at
//!   most 100) and continued by `after` (the `name` of the last post sent). With
//!   `restrict_sr=on` under `/r/{a+b}/` only posts of those subreddits are kept. A symbol
//!   without fixtures gets the empty listing. Every answer carries Reddit's
//!   `x-ratelimit-used`, `-remaining` (a float) and `-reset` (seconds to the next ten-minute
//!   window).

use std::path::Path;

use serde_json::{json, Value};

use crate::clock::REDDIT_AND_X as RECORDING;
use crate::fault::Fault;
use crate::http::{Request, Response};
use crate::pages;

/// The app id the token endpoint accepts.
pub const REDDIT_CLIENT_ID: &str = "replay-client-id";
/// The app secret the token endpoint accepts.
pub const REDDIT_CLIENT_SECRET: &str = "replay-client-secret";
/// Every token handed out starts with this (then its expiry, in milliseconds since the epoch).
pub const REDDIT_TOKEN_PREFIX: &str = "replay-reddit-token-";

/// `Basic base64("replay-client-id:replay-client-secret")`.
const EXPECTED_BASIC: &str = "cmVwbGF5LWNsaWVudC1pZDpyZXBsYXktY2xpZW50LXNlY3JldA==";
/// The lifetime Reddit gives an app-only token, in seconds.
const TOKEN_LIFETIME: u64 = 86_400;
/// Reddit's rate-limit window, in seconds.
const WINDOW: i64 = 600;

pub(crate) const TOKEN_PATH: &str = "/api/v1/access_token";

/// The token endpoint's answer with a token valid for `expires_in_secs` seconds from now,
/// which the search endpoints accept until then: injected on [`TOKEN_PATH`]
/// (`/api/v1/access_token`) to test a client's refreshing.
pub fn reddit_token_answer(expires_in_secs: u64) -> Fault {
    Fault::reply(
        200,
        &[("Content-Type", "application/json; charset=UTF-8")],
        token_body(expires_in_secs),
    )
}

fn token_body(expires_in: u64) -> String {
    let expires_ms = pages::now_millis() + expires_in.saturating_mul(1000);
    json!({
        "access_token": format!("{REDDIT_TOKEN_PREFIX}{expires_ms}"),
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "*",
    })
    .to_string()
}

/// Reddit's own JSON error body.
fn error(status: u16, message: &str) -> Response {
    Response::new(
        status,
        "application/json; charset=UTF-8",
        json!({"message": message, "error": status}).to_string(),
    )
}

/// `POST /api/v1/access_token`.
pub(crate) fn token(request: &Request) -> Response {
    if request.method != "POST" {
        return error(405, "Method Not Allowed");
    }
    let basic = request.header("authorization").and_then(|v| {
        v.strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))
    });
    if basic.map(str::trim) != Some(EXPECTED_BASIC) {
        return error(401, "Unauthorized");
    }
    if request.form("grant_type").as_deref() != Some("client_credentials") {
        return Response::json(200, r#"{"error": "unsupported_grant_type"}"#);
    }
    Response::new(
        200,
        "application/json; charset=UTF-8",
        token_body(TOKEN_LIFETIME),
    )
}

/// Whether the request carries a token handed out here that has not expired.
fn authorized(request: &Request) -> bool {
    let Some(value) = request.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return false;
    };
    let expires_ms = token
        .trim()
        .strip_prefix(REDDIT_TOKEN_PREFIX)
        .and_then(|ms| ms.parse::<u64>().ok());
    scheme.eq_ignore_ascii_case("bearer") && expires_ms.is_some_and(|ms| ms > pages::now_millis())
}

/// `GET /search.json` (`subreddits` `None`) and `GET /r/{subreddits}/search.json`.
pub(crate) fn search(request: &Request, subreddits: Option<&str>, fixtures: &Path) -> Response {
    if request.method != "GET" {
        return error(405, "Method Not Allowed");
    }
    if !authorized(request) {
        return error(401, "Unauthorized").with_header(
            "www-authenticate",
            "Bearer realm=\"reddit\", error=\"invalid_token\"",
        );
    }
    if request
        .header("user-agent")
        .is_none_or(|a| a.trim().is_empty())
    {
        return error(429, "Too Many Requests");
    }
    let symbol = request
        .query("q")
        .unwrap_or("")
        .trim()
        .trim_start_matches('$');
    let limit = request
        .query("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let restrict = matches!(request.query("restrict_sr"), Some("on" | "1" | "true"));
    let keep: Option<Vec<String>> = subreddits
        .filter(|_| restrict)
        .map(|subs| subs.split('+').map(str::to_lowercase).collect());
    let pages = pages::load(fixtures, "reddit", symbol);
    let body = listing(&pages, keep.as_deref(), request.query("after"), limit);
    let now = pages::now_secs();
    Response::new(200, "application/json; charset=UTF-8", body.to_string())
        .with_header("x-ratelimit-used", "1")
        .with_header("x-ratelimit-remaining", "599.0")
        .with_header(
            "x-ratelimit-reset",
            &(pages::next_window(now, WINDOW) - now).to_string(),
        )
}

/// The listing after the post named `after` (from the start without it): the rest of the
/// recorded page that post is on (or the next page, when it ended one), cut at `limit`.
fn listing(pages: &[Value], keep: Option<&[String]>, after: Option<&str>, limit: usize) -> Value {
    let mut recorded: Vec<Vec<Value>> = pages
        .iter()
        .map(|page| {
            page.pointer("/data/children")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|child| in_subreddits(child, keep))
                .collect()
        })
        .collect();
    shift(&mut recorded);
    let positions: Vec<(usize, usize)> = recorded
        .iter()
        .enumerate()
        .flat_map(|(p, page)| (0..page.len()).map(move |i| (p, i)))
        .collect();
    let start = match after.filter(|a| !a.is_empty()) {
        None => Some(0),
        Some(after) => positions
            .iter()
            .position(|&(p, i)| name(&recorded[p][i]) == Some(after))
            .map(|at| at + 1),
    };
    let children: Vec<Value> = match start.and_then(|s| positions.get(s)) {
        Some(&(page, first)) => recorded[page][first..]
            .iter()
            .take(limit)
            .cloned()
            .collect(),
        // An unknown `after`, or the end: Reddit answers the empty listing.
        None => Vec::new(),
    };
    let last = children.last().and_then(name).map(str::to_owned);
    let more = last.as_deref().is_some_and(|last| {
        positions
            .last()
            .is_some_and(|&(p, i)| name(&recorded[p][i]) != Some(last))
    });
    json!({
        "kind": "Listing",
        "data": {
            "after": if more { last.map(Value::from) } else { None },
            "dist": children.len(),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": null,
        }
    })
}

/// A post's fullname, `t3_{id}`.
fn name(child: &Value) -> Option<&str> {
    child.pointer("/data/name").and_then(Value::as_str)
}

fn in_subreddits(child: &Value, keep: Option<&[String]>) -> bool {
    let Some(keep) = keep else {
        return true;
    };
    child
        .pointer("/data/subreddit")
        .and_then(Value::as_str)
        .is_some_and(|s| keep.contains(&s.to_lowercase()))
}

/// Moves every `created_utc` and `created` to the present ([`RECORDING`]), as floats the
/// way Reddit writes them, their fractions kept.
fn shift(pages: &mut [Vec<Value>]) {
    for data in pages
        .iter_mut()
        .flatten()
        .filter_map(|c| c.get_mut("data").and_then(Value::as_object_mut))
    {
        for field in ["created_utc", "created"] {
            if let Some(at) = data.get(field).and_then(Value::as_f64) {
                let whole = at.floor() as i64;
                let by = RECORDING.replay_epoch(whole) - whole;
                data.insert(field.to_owned(), json!(at + by as f64));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[&str], sub: &str) -> Value {
        let children: Vec<Value> = ids
            .iter()
            .map(|id| json!({"kind": "t3", "data": {"id": id, "name": format!("t3_{id}"), "subreddit": sub, "created_utc": 1_733_500_000.0}}))
            .collect();
        json!({"kind": "Listing", "data": {"after": null, "children": children}})
    }

    fn ids(listing: &Value) -> Vec<String> {
        listing["data"]["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["data"]["id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn pages_are_served_as_recorded_then_cut_and_continued() {
        let pages = [
            page(&["a", "b", "c"], "stocks"),
            page(&["d", "e"], "wallstreetbets"),
        ];
        let first = listing(&pages, None, None, 100);
        assert_eq!(ids(&first), ["a", "b", "c"]);
        assert_eq!(first["data"]["after"], "t3_c");
        let second = listing(&pages, None, Some("t3_c"), 100);
        assert_eq!(ids(&second), ["d", "e"]);
        assert_eq!(second["data"]["after"], Value::Null);
        let cut = listing(&pages, None, Some("t3_a"), 1);
        assert_eq!(ids(&cut), ["b"]);
        assert_eq!(cut["data"]["after"], "t3_b");
        assert_eq!(
            ids(&listing(&pages, None, Some("t3_zz"), 5)),
            Vec::<String>::new()
        );
        let only = listing(&pages, Some(&["wallstreetbets".to_owned()]), None, 100);
        assert_eq!(ids(&only), ["d", "e"]);
        let created = first["data"]["children"][0]["data"]["created_utc"]
            .as_f64()
            .unwrap();
        assert_eq!(
            created,
            1_733_500_000.0 + RECORDING.shift_seconds() as f64,
            "moved to the present"
        );
    }
}
