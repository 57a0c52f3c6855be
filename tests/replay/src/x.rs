//! X API v2 recent search, answered as X answers it:
//!
//! `GET /2/tweets/search/recent` wants `Authorization: Bearer` [`X_BEARER_TOKEN`] (else a 401
//! problem body) and `query` (its first word, a cashtag such as `$TSLA` or a quoted symbol,
//! names the symbol); the tweets come from `social/x/{SYMBOL}/{n}.json`, whose pages are served
//! as recorded (shorter than `max_results` at times, as X's are), cut at `max_results` (10 to
//! 100, else a 400 problem body) and continued by `next_token`. `start_time` (RFC 3339, not
//! more than seven days back, else a 400) drops older tweets. Only the fields named in
//! `tweet.fields` are sent besides `id`, `text` and `edit_history_tweet_ids`, as X does; a
//! recorded page's `errors[]` goes out with the tweets of that page. `expansions=author_id`
//! adds each tweet's `author_id` and the recorded `includes.users[]` of the authors sent (with
//! `id`, `name`, `username` and the `user.fields` asked). A symbol without
//! fixtures, or nothing left, gets `{"meta":{"result_count":0}}`. Every answer carries
//! `x-rate-limit-limit`, `-remaining` and `-reset` (the epoch second the fifteen-minute window
//! ends).

use std::path::Path;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::clock::REDDIT_AND_X as RECORDING;
use crate::http::{Request, Response};
use crate::pages;

/// The app bearer token the search endpoint accepts.
pub const X_BEARER_TOKEN: &str = "replay-x-bearer-token";

pub(crate) const SEARCH_PATH: &str = "/2/tweets/search/recent";

/// What every `next_token` handed out starts with (then the position it continues from).
const NEXT_PREFIX: &str = "b26v89c19zqg8o3f";
/// X's rate-limit window for this endpoint, in seconds.
const WINDOW: i64 = 900;
/// Fields X sends whatever `tweet.fields` says.
const ALWAYS: [&str; 3] = ["id", "text", "edit_history_tweet_ids"];
/// Fields of an included user X sends whatever `user.fields` says.
const USER_ALWAYS: [&str; 3] = ["id", "name", "username"];

fn problem(status: u16, body: Value) -> Response {
    Response::new(status, "application/problem+json", body.to_string())
}

fn invalid(parameter: &str, value: &str, message: String) -> Response {
    problem(
        400,
        json!({
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }),
    )
}

/// `GET /2/tweets/search/recent`.
pub(crate) fn search(request: &Request, fixtures: &Path) -> Response {
    if request.method != "GET" {
        return problem(
            405,
            json!({"title": "Method Not Allowed", "type": "about:blank", "status": 405}),
        );
    }
    let bearer = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer.map(str::trim) != Some(X_BEARER_TOKEN) {
        return problem(
            401,
            json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
        );
    }
    let Some(query) = request.query("query").filter(|q| !q.trim().is_empty()) else {
        return invalid(
            "query",
            "",
            "The `query` query parameter can not be empty".to_owned(),
        );
    };
    let max_results = request.query("max_results").unwrap_or("10");
    let Some(limit) = max_results
        .parse::<usize>()
        .ok()
        .filter(|n| (10..=100).contains(n))
    else {
        return invalid(
            "max_results",
            max_results,
            format!(
                "The `max_results` query parameter value [{max_results}] is not between 10 and 100"
            ),
        );
    };
    let now = Utc::now();
    let start = match request.query("start_time") {
        None => None,
        Some(text) => match DateTime::parse_from_rfc3339(text) {
            Ok(at) if at >= now - Duration::days(7) => Some(at.with_timezone(&Utc)),
            Ok(_) => {
                let earliest = (now - Duration::days(7)).to_rfc3339_opts(SecondsFormat::Secs, true);
                return invalid(
                    "start_time",
                    text,
                    format!("Invalid 'start_time':'{text}'. 'start_time' must be on or after {earliest}"),
                );
            }
            Err(_) => {
                return invalid(
                    "start_time",
                    text,
                    format!("Invalid 'start_time':'{text}'. 'start_time' must be a valid ISO 8601 date-time."),
                )
            }
        },
    };
    let fields: Vec<&str> = request
        .query("tweet.fields")
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let symbol = query
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '$' || c == '"');
    let mut recorded = pages::load(fixtures, "x", symbol);
    shift(&mut recorded);
    let from = match request.query("next_token") {
        None => 0,
        Some(token) => match token.strip_prefix(NEXT_PREFIX).and_then(|p| p.parse().ok()) {
            Some(at) => at,
            None => {
                return invalid(
                    "next_token",
                    token,
                    format!("The `next_token` query parameter value [{token}] is not valid"),
                )
            }
        },
    };
    let mut body = answer(&recorded, start, from, limit, &fields);
    let listed = |name: &str| -> Vec<String> {
        request
            .query(name)
            .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default()
    };
    if listed("expansions").iter().any(|e| e == "author_id") {
        let user_fields = listed("user.fields");
        let user_fields: Vec<&str> = user_fields.iter().map(String::as_str).collect();
        with_authors(&mut body, &recorded, &user_fields);
    }
    let reset = pages::next_window(now.timestamp(), WINDOW);
    Response::json(200, body.to_string())
        .with_header("x-rate-limit-limit", "450")
        .with_header("x-rate-limit-remaining", "449")
        .with_header("x-rate-limit-reset", &reset.to_string())
}

/// The answer from position `from` of the tweets at or after `start`: the rest of the
/// recorded page that position is on, cut at `limit`, with only the asked `fields`.
fn answer(
    pages: &[Value],
    start: Option<DateTime<Utc>>,
    from: usize,
    limit: usize,
    fields: &[&str],
) -> Value {
    let kept: Vec<Vec<&Value>> = pages
        .iter()
        .map(|page| {
            page.get("data")
                .and_then(Value::as_array)
                .map(|tweets| tweets.iter().filter(|t| at_or_after(t, start)).collect())
                .unwrap_or_default()
        })
        .collect();
    let positions: Vec<(usize, usize)> = kept
        .iter()
        .enumerate()
        .flat_map(|(p, page)| (0..page.len()).map(move |i| (p, i)))
        .collect();
    let Some(&(page, first)) = positions.get(from) else {
        return json!({"meta": {"result_count": 0}});
    };
    let data: Vec<Value> = kept[page][first..]
        .iter()
        .take(limit)
        .map(|t| only(t, fields))
        .collect();
    let next = from + data.len();
    let mut meta = Map::new();
    meta.insert("newest_id".into(), data[0]["id"].clone());
    meta.insert("oldest_id".into(), data[data.len() - 1]["id"].clone());
    meta.insert("result_count".into(), json!(data.len()));
    if next < positions.len() {
        meta.insert("next_token".into(), json!(format!("{NEXT_PREFIX}{next}")));
    }
    let mut body = Map::new();
    body.insert("data".into(), Value::Array(data));
    if let Some(errors) = pages[page].get("errors") {
        body.insert("errors".into(), errors.clone());
    }
    body.insert("meta".into(), Value::Object(meta));
    Value::Object(body)
}

/// `body` as `expansions=author_id` has it: each tweet with its recorded `author_id`, and
/// `includes.users` listing the recorded users among those authors, with only the asked
/// `user_fields` besides the ones always sent.
fn with_authors(body: &mut Value, pages: &[Value], user_fields: &[&str]) {
    let recorded = |id: &Value| {
        pages
            .iter()
            .filter_map(|p| p.get("data")?.as_array())
            .flatten()
            .find(|t| t.get("id") == Some(id))
    };
    let mut authors: Vec<Value> = Vec::new();
    for tweet in body
        .get_mut("data")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let author = recorded(&tweet["id"])
            .and_then(|t| t.get("author_id"))
            .cloned();
        if let Some(author) = author {
            if !authors.contains(&author) {
                authors.push(author.clone());
            }
            tweet["author_id"] = author;
        }
    }
    let users: Vec<Value> = pages
        .iter()
        .filter_map(|p| p.pointer("/includes/users")?.as_array())
        .flatten()
        .filter(|u| u.get("id").is_some_and(|id| authors.contains(id)))
        .map(|u| match u.as_object() {
            Some(all) => Value::Object(
                all.iter()
                    .filter(|(k, _)| {
                        USER_ALWAYS.contains(&k.as_str()) || user_fields.contains(&k.as_str())
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            None => u.clone(),
        })
        .collect();
    if !users.is_empty() {
        body["includes"] = json!({ "users": users });
    }
}

fn created_at(tweet: &Value) -> Option<DateTime<Utc>> {
    let text = tweet.get("created_at")?.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn at_or_after(tweet: &Value, start: Option<DateTime<Utc>>) -> bool {
    match (start, created_at(tweet)) {
        (Some(start), Some(at)) => at >= start,
        _ => true,
    }
}

fn only(tweet: &Value, fields: &[&str]) -> Value {
    match tweet.as_object() {
        Some(all) => Value::Object(
            all.iter()
                .filter(|(k, _)| ALWAYS.contains(&k.as_str()) || fields.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => tweet.clone(),
    }
}

/// Moves every `created_at` to the present ([`RECORDING`]), written as X writes it
/// (`2024-12-01T10:00:00.000Z`).
fn shift(pages: &mut [Value]) {
    for tweet in pages
        .iter_mut()
        .filter_map(|p| p.get_mut("data")?.as_array_mut())
        .flatten()
    {
        if let Some(at) = created_at(tweet) {
            let served = RECORDING.replay_time(at);
            tweet["created_at"] = json!(served.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[&str], errors: bool) -> Value {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "text": format!("tweet {id}"), "created_at": "2024-12-01T10:00:00.000Z", "lang": "en", "edit_history_tweet_ids": [id]}))
            .collect();
        let mut page = json!({"data": data, "meta": {}});
        if errors {
            page["errors"] = json!([{"title": "Not Found Error"}]);
        }
        page
    }

    #[test]
    fn pages_are_cut_and_continued_with_only_the_fields_asked() {
        let pages = [page(&["3", "2"], false), page(&["1"], true)];
        let first = answer(&pages, None, 0, 10, &["lang"]);
        assert_eq!(first["meta"]["result_count"], 2);
        assert_eq!(first["meta"]["next_token"], format!("{NEXT_PREFIX}2"));
        assert_eq!(first["data"][0]["lang"], "en");
        assert!(first["data"][0].get("created_at").is_none());
        assert!(first.get("errors").is_none());
        let second = answer(&pages, None, 2, 10, &[]);
        assert_eq!(second["data"][0]["id"], "1");
        assert!(second["meta"].get("next_token").is_none());
        assert_eq!(second["errors"][0]["title"], "Not Found Error");
        assert_eq!(
            answer(&pages, None, 3, 10, &[]),
            json!({"meta": {"result_count": 0}})
        );
        let cut = answer(&pages, None, 0, 1, &[]);
        assert_eq!(cut["meta"]["next_token"], format!("{NEXT_PREFIX}1"));
        let late = "2030-01-01T00:00:00Z".parse().ok();
        assert_eq!(
            answer(&pages, late, 0, 10, &[]),
            json!({"meta": {"result_count": 0}})
        );
    }

    #[test]
    fn authors_are_included_only_when_expanded() {
        let mut pages = [page(&["2", "1"], false)];
        pages[0]["data"][0]["author_id"] = json!("20");
        pages[0]["data"][1]["author_id"] = json!("10");
        pages[0]["includes"] = json!({"users": [
            {"id": "10", "name": "Ten", "username": "ten", "verified": false},
            {"id": "20", "name": "Twenty", "username": "twenty"},
            {"id": "30", "name": "Elsewhere", "username": "other"},
        ]});
        let plain = answer(&pages, None, 0, 1, &[]);
        assert!(plain["data"][0].get("author_id").is_none());
        assert!(plain.get("includes").is_none());
        let mut expanded = answer(&pages, None, 0, 1, &[]);
        with_authors(&mut expanded, &pages, &[]);
        assert_eq!(expanded["data"][0]["author_id"], "20");
        assert_eq!(
            expanded["includes"]["users"],
            json!([{"id": "20", "name": "Twenty", "username": "twenty"}])
        );
    }

    #[test]
    fn timestamps_move_by_whole_days_and_keep_their_form() {
        let mut pages = [page(&["1"], false)];
        shift(&mut pages);
        let written: DateTime<Utc> = "2024-12-01T10:00:00Z".parse().unwrap();
        let served = written + Duration::seconds(RECORDING.shift_seconds());
        assert_eq!(
            pages[0]["data"][0]["created_at"],
            served.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
    }
}
