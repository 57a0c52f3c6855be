//! The normal answers: Yahoo's endpoints, served from the fixture folder.
//!
//! Files are read with blocking `std::fs` calls: they are a few tens of kilobytes on a local
//! disk, and this keeps tokio's `fs` feature (and its thread pool) out of the picture.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::http::{decode_path, Request, Response};

/// The cookie that `GET /` hands out, as fc.yahoo.com hands out `A3`.
pub(crate) const COOKIE_NAME: &str = "A3";
const COOKIE: &str = "A3=d=replay; Path=/; HttpOnly";
/// The crumb that `/v1/test/getcrumb` returns and `/v7/finance/quote` wants.
pub(crate) const CRUMB: &str = "replaycrumb";

const CHART: &str = "/v8/finance/chart/";

pub(crate) fn answer(request: &Request, fixtures: &Path) -> Response {
    // Reddit's token endpoint is the one that takes a POST.
    if request.path == crate::reddit::TOKEN_PATH {
        return crate::reddit::token(request);
    }
    if request.method != "GET" {
        return not_found();
    }
    match request.path.as_str() {
        "/search.json" => crate::reddit::search(request, None, fixtures),
        path if path.starts_with("/r/") && path.ends_with("/search.json") => {
            let subs = &path["/r/".len()..path.len() - "/search.json".len()];
            crate::reddit::search(request, Some(&decode_path(subs)), fixtures)
        }
        crate::x::SEARCH_PATH => crate::x::search(request, fixtures),
        "/" => Response::html(404, "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n")
            .with_header("Set-Cookie", COOKIE),
        "/v1/test/getcrumb" => crumb(request),
        "/v7/finance/quote" => quote(request, fixtures),
        "/v1/finance/search" => search(request, fixtures),
        // What yfinance asks for beyond prices (fundamentals, quoteSummary):
        // answered as Yahoo answers a symbol it has no such data for.
        path if path.starts_with("/ws/fundamentals-timeseries/") => Response::json(
            200,
            br#"{"timeseries":{"result":[],"error":null}}"#.to_vec(),
        ),
        path if path.starts_with("/v10/finance/quoteSummary/") => Response::json(
            404,
            br#"{"quoteSummary":{"result":null,"error":{"code":"Not Found","description":"Quote not found for symbol"}}}"#.to_vec(),
        ),
        path => match path.strip_prefix(CHART) {
            Some(symbol) if !symbol.contains('/') => chart(request, &decode_path(symbol), fixtures),
            _ => not_found(),
        },
    }
}

fn not_found() -> Response {
    Response::text(404, "Not Found\n")
}

/// A name that can be joined to a folder without leaving it.
fn safe(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0'])
}

fn read(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

fn error_body(envelope: &str, code: &str, description: &str) -> Vec<u8> {
    json!({envelope: {"result": null, "error": {"code": code, "description": description}}})
        .to_string()
        .into_bytes()
}

// ---------------------------------------------------------------- crumb, quote

fn crumb(request: &Request) -> Response {
    if request.cookie(COOKIE_NAME).is_some() {
        Response::text(200, CRUMB)
    } else {
        Response::json(401, error_body("finance", "Unauthorized", "Invalid Cookie"))
    }
}

fn quote(request: &Request, fixtures: &Path) -> Response {
    if request.cookie(COOKIE_NAME).is_none() || request.query("crumb") != Some(CRUMB) {
        return Response::json(401, error_body("finance", "Unauthorized", "Invalid Crumb"));
    }
    let Some(symbols) = request.query("symbols").filter(|s| !s.trim().is_empty()) else {
        return Response::json(
            400,
            error_body(
                "finance",
                "Bad Request",
                "Missing required query parameter=symbols",
            ),
        );
    };
    let symbols: Vec<String> = symbols
        .split(',')
        .map(|s| s.trim().to_uppercase())
        .filter(|s| safe(s))
        .collect();
    let file = |symbol: &str| read(&fixtures.join("quote").join(format!("{symbol}.json")));
    // One symbol with a fixture goes out byte for byte, like the chart files do.
    if let [only] = symbols.as_slice() {
        if let Some(bytes) = file(only) {
            return Response::json(200, bytes);
        }
    }
    let result: Vec<Value> = symbols
        .iter()
        .filter_map(|s| file(s))
        .filter_map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter_map(
            |mut v| match v.pointer_mut("/quoteResponse/result")?.take() {
                Value::Array(items) => Some(items),
                _ => None,
            },
        )
        .flatten()
        .collect();
    Response::json(
        200,
        json!({"quoteResponse": {"result": result, "error": null}}).to_string(),
    )
}

// ---------------------------------------------------------------- search

fn search(request: &Request, fixtures: &Path) -> Response {
    let Some(q) = request.query("q").filter(|q| !q.is_empty()) else {
        return Response::json(
            400,
            error_body(
                "finance",
                "Bad Request",
                "Missing value for the \"q\" argument",
            ),
        );
    };
    let name = q.to_lowercase();
    if safe(&name) {
        if let Some(bytes) = read(&fixtures.join("search").join(format!("{name}.json"))) {
            return Response::json(200, bytes);
        }
    }
    Response::json(200, EMPTY_SEARCH)
}

/// What the search endpoint answers when nothing matches.
const EMPTY_SEARCH: &str = r#"{"explains":[],"count":0,"quotes":[],"news":[],"nav":[],"lists":[],"researchReports":[],"screenerFieldResults":[],"culturalAssets":[],"totalTime":9,"timeTakenForQuotes":400,"timeTakenForNews":0,"timeTakenForAlgowatchlist":400,"timeTakenForPredefinedScreener":400,"timeTakenForCrunchbase":0,"timeTakenForNav":400,"timeTakenForResearchReports":0,"timeTakenForScreenerField":0,"timeTakenForCulturalAssets":0,"timeTakenForSearchLists":0}"#;

// ---------------------------------------------------------------- chart

const VALID_INTERVALS: &str = "[1m, 2m, 5m, 15m, 30m, 60m, 90m, 1h, 1d, 5d, 1wk, 1mo, 3mo]";

fn chart(request: &Request, symbol: &str, fixtures: &Path) -> Response {
    let symbol = symbol.to_uppercase();
    let folder = fixtures.join("chart").join(&symbol);
    if !safe(&symbol) || !folder.is_dir() {
        return Response::json(
            404,
            error_body(
                "chart",
                "Not Found",
                "No data found, symbol may be delisted",
            ),
        );
    }
    let interval = request.query("interval").unwrap_or("1d");
    let bytes = if safe(interval) {
        read(&folder.join(format!("{interval}.json")))
    } else {
        None
    };
    let Some(bytes) = bytes else {
        return chart_bad_request(&format!(
            "Invalid input - interval={interval} is not supported. Valid intervals: {VALID_INTERVALS}"
        ));
    };

    let (from, to) = match (bound(request, "period1"), bound(request, "period2")) {
        (Ok(None), Ok(None)) => return Response::json(200, bytes),
        (Ok(from), Ok(to)) => (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)),
        (Err(message), _) | (_, Err(message)) => return chart_bad_request(&message),
    };
    // Yahoo emits bare NaN/Infinity at times; strict JSON readers cannot read those, so such
    // a file goes out whole rather than not at all.
    let Some(mut body) = serde_json::from_slice::<serde_json::Value>(&bytes).ok() else {
        return Response::json(200, bytes);
    };
    if let Some(result) = body
        .pointer_mut("/chart/result/0")
        .and_then(Value::as_object_mut)
    {
        keep_range(result, from, to);
    }
    Response::json(200, body.to_string())
}

fn chart_bad_request(description: &str) -> Response {
    Response::json(400, error_body("chart", "Bad Request", description))
}

fn bound(request: &Request, name: &str) -> Result<Option<i64>, String> {
    match request.query(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("Invalid input - {name}={v} is not a valid unix timestamp")),
    }
}

/// Keeps the bars whose timestamp is in `[from, to)`: the timestamps, every indicator array in
/// step with them, and the events on those bars. Everything else is left as it was.
fn keep_range(result: &mut Map<String, Value>, from: i64, to: i64) {
    let inside = |t: i64| from <= t && t < to;
    let keep: Vec<bool> = match result.get("timestamp").and_then(Value::as_array) {
        Some(stamps) => stamps
            .iter()
            .map(|t| t.as_i64().is_some_and(inside))
            .collect(),
        None => return, // already the empty shape
    };
    let had_adjclose = result
        .get("indicators")
        .is_some_and(|i| i.get("adjclose").is_some());

    if !keep.contains(&true) {
        // Yahoo's answer for a range with no bar: no timestamp, no events, empty indicators.
        result.remove("timestamp");
        result.remove("events");
        let mut indicators = Map::new();
        indicators.insert("quote".into(), json!([{}]));
        if had_adjclose {
            indicators.insert("adjclose".into(), json!([{}]));
        }
        result.insert("indicators".into(), Value::Object(indicators));
        return;
    }

    if let Some(stamps) = result.get_mut("timestamp") {
        retain_in_step(stamps, &keep);
    }
    if let Some(indicators) = result.get_mut("indicators").and_then(Value::as_object_mut) {
        for series in indicators.values_mut().filter_map(Value::as_array_mut) {
            for arrays in series.iter_mut().filter_map(Value::as_object_mut) {
                for array in arrays.values_mut() {
                    retain_in_step(array, &keep);
                }
            }
        }
    }
    if let Some(events) = result.get_mut("events").and_then(Value::as_object_mut) {
        for kind in events.values_mut().filter_map(Value::as_object_mut) {
            kind.retain(|key, event| {
                let when = key
                    .parse::<i64>()
                    .ok()
                    .or_else(|| event.get("date")?.as_i64());
                when.is_some_and(inside)
            });
        }
        events.retain(|_, kind| kind.as_object().is_none_or(|k| !k.is_empty()));
    }
    if result
        .get("events")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        result.remove("events");
    }
}

fn retain_in_step(array: &mut Value, keep: &[bool]) {
    if let Some(items) = array.as_array_mut() {
        let mut index = 0;
        items.retain(|_| {
            let kept = keep.get(index).copied().unwrap_or(false);
            index += 1;
            kept
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_range_filters_in_step_and_empties() {
        let mut v = json!({
            "meta": {"symbol": "X"},
            "timestamp": [10, 20, 30],
            "events": {"dividends": {"20": {"amount": 0.1, "date": 20}},
                       "splits": {"30": {"date": 30, "numerator": 2.0, "denominator": 1.0, "splitRatio": "2:1"}}},
            "indicators": {"quote": [{"close": [1.0, null, 3.0], "volume": [1, null, 3]}],
                           "adjclose": [{"adjclose": [0.9, null, 3.0]}]}
        });
        let result = v.as_object_mut().unwrap();
        keep_range(result, 20, 31);
        assert_eq!(result["timestamp"], json!([20, 30]));
        assert_eq!(
            result["indicators"]["quote"][0]["close"],
            json!([null, 3.0])
        );
        assert_eq!(
            result["indicators"]["adjclose"][0]["adjclose"],
            json!([null, 3.0])
        );
        keep_range(result, 21, 30);
        assert_eq!(
            result["indicators"],
            json!({"quote": [{}], "adjclose": [{}]})
        );
        assert!(result.get("timestamp").is_none() && result.get("events").is_none());
        assert_eq!(result["meta"]["symbol"], "X");
    }

    #[test]
    fn events_outside_the_range_go() {
        let mut v = json!({
            "timestamp": [10, 20],
            "events": {"dividends": {"20": {"amount": 0.1, "date": 20}}},
            "indicators": {"quote": [{"close": [1.0, 2.0]}]}
        });
        let result = v.as_object_mut().unwrap();
        keep_range(result, 0, 15);
        assert!(result.get("events").is_none());
        assert_eq!(result["timestamp"], json!([10]));
    }

    #[test]
    fn names_cannot_leave_the_folder() {
        assert!(safe("^GSPC") && safe("EURUSD=X") && safe("apple inc"));
        assert!(!safe("..") && !safe("../x") && !safe("") && !safe("a\\b"));
    }
}
