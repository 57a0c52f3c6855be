//! StockTwits' symbol stream, `GET /api/2/streams/symbol/{SYMBOL}.json`, served from
//! `<fixtures>/../social/stocktwits/`.
//!
//! - `{SYMBOL}.json` holds the whole stream as StockTwits answers one page of it (`response`,
//!   `symbol`, `messages` newest first); each request gets the page StockTwits would give:
//!   the messages with an id at most `max=` (when given), 30 of them (or `limit=`, at most
//!   30), and `cursor: {more, since, max}` with `max` the id of the page's oldest message.
//!   Times are moved to the present ([`crate::clock::FEEDS_AND_STOCKTWITS`]).
//! - Every answer carries `X-RateLimit-Limit: 200`, `X-RateLimit-Remaining: 199` and
//!   `X-RateLimit-Reset` an hour ahead (epoch seconds); `{SYMBOL}.limits.json`
//!   (`{"remaining": 0, "reset_in": 2, "status": 429}`, each optional) changes what the
//!   symbol's answers say: the remaining count, the reset (seconds from now), and a status
//!   of 429 that answers StockTwits' rate-limit error instead of the page.
//! - A symbol without a file is StockTwits' 404 error object.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::clock::FEEDS_AND_STOCKTWITS as RECORDING;
use crate::http::{decode_path, Request, Response};

/// The path every stream request starts with.
pub(crate) const STREAM: &str = "/api/2/streams/symbol/";
const PAGE: usize = 30;

/// `<fixtures>/../social/stocktwits`.
fn folder(fixtures: &Path) -> PathBuf {
    fixtures.join("..").join("social").join("stocktwits")
}

fn error(status: u16, message: &str) -> Response {
    Response::json(
        status,
        json!({"response": {"status": status}, "errors": [{"message": message}]}).to_string(),
    )
}

/// Answers a request whose path starts with [`STREAM`].
pub(crate) fn stream(request: &Request, fixtures: &Path) -> Response {
    let Some(symbol) = request
        .path
        .strip_prefix(STREAM)
        .and_then(|rest| rest.strip_suffix(".json"))
        .map(|s| decode_path(s).to_uppercase())
        .filter(|s| crate::routes::safe(s))
    else {
        return error(404, "Symbol not found");
    };
    let folder = folder(fixtures);
    let limits: Value = std::fs::read(folder.join(format!("{symbol}.limits.json")))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let number = |key: &str| limits.get(key).and_then(Value::as_i64);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // A whole second ahead of now at least, as StockTwits' reset is.
    let reset = now + 1 + number("reset_in").unwrap_or(3600);
    let headers = |response: Response| {
        response
            .with_header("X-RateLimit-Limit", "200")
            .with_header(
                "X-RateLimit-Remaining",
                &number("remaining").unwrap_or(199).to_string(),
            )
            .with_header("X-RateLimit-Reset", &reset.to_string())
    };
    if number("status") == Some(429) {
        return headers(error(
            429,
            "Rate limit exceeded. Client may not make more than 200 requests an hour.",
        ));
    }
    let Some(mut stream) = std::fs::read(folder.join(format!("{symbol}.json")))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return error(404, "Symbol not found");
    };
    let max = request.query("max").and_then(|m| m.parse::<u64>().ok());
    let limit = request
        .query("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .map_or(PAGE, |l| l.clamp(1, PAGE));
    let messages = match stream.get_mut("messages").map(Value::take) {
        Some(Value::Array(all)) => all,
        _ => Vec::new(),
    };
    // A message with an id that is no number stays where it is: what StockTwits would do
    // with it is unknown, and the fixtures use it only to show a reader skipping it.
    let id_of = |m: &Value| m.get("id").and_then(Value::as_u64);
    let older: Vec<Value> = messages
        .into_iter()
        .filter(|m| max.is_none_or(|max| id_of(m).is_none_or(|id| id <= max)))
        .collect();
    let more = older.len() > limit;
    let mut page: Vec<Value> = older.into_iter().take(limit).collect();
    for message in &mut page {
        if let Some(Value::String(at)) = message.get_mut("created_at") {
            *at = RECORDING.replay_rfc3339(at, chrono::SecondsFormat::Secs);
        }
    }
    let cursor = json!({
        "more": more,
        "since": page.first().and_then(id_of),
        "max": page.iter().rev().find_map(id_of),
    });
    if let Some(envelope) = stream.as_object_mut() {
        envelope.insert("cursor".into(), cursor);
        envelope.insert("messages".into(), Value::Array(page));
    }
    headers(Response::json(200, stream.to_string()))
}
