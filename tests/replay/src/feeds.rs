//! News feeds and Yahoo's news items, served from `<fixtures>/../social/news/` with their
//! times moved to the present ([`crate::clock::FEEDS_AND_STOCKTWITS`]):
//!
//! - `GET /rss/headline?s=SYMBOL`: `rss/{SYMBOL}.xml`, an RSS 2.0 feed in the layout of Yahoo
//!   Finance's headline feed; a symbol without a file gets an empty channel, as Yahoo answers;
//! - `GET /atom/{SYMBOL}`: `atom/{SYMBOL}.xml`, an Atom feed; a symbol without a file is a 404.
//!
//! [`shift_search`] moves the `providerPublishTime` of the search answers' `news[]` (served
//! by the Yahoo search route) the same way.

use std::path::{Path, PathBuf};

use chrono::SecondsFormat;

use crate::clock::FEEDS_AND_STOCKTWITS as RECORDING;
use crate::http::{decode_path, Request, Response};

/// The path of every Atom feed request.
pub(crate) const ATOM: &str = "/atom/";
/// The path of the RSS headline feed.
pub(crate) const RSS: &str = "/rss/headline";

const RSS_TYPE: &str = "application/rss+xml;charset=utf-8";
const ATOM_TYPE: &str = "application/atom+xml;charset=utf-8";
/// Elements whose text is a time, in either feed format.
const TIME_TAGS: [&str; 4] = ["pubDate", "lastBuildDate", "published", "updated"];

fn folder(fixtures: &Path, format: &str) -> PathBuf {
    fixtures.join("..").join("social").join("news").join(format)
}

fn read(folder: &Path, symbol: &str) -> Option<String> {
    if !crate::routes::safe(symbol) {
        return None;
    }
    std::fs::read_to_string(folder.join(format!("{symbol}.xml"))).ok()
}

/// `GET /rss/headline?s=SYMBOL`.
pub(crate) fn rss(request: &Request, fixtures: &Path) -> Response {
    let symbol = request.query("s").unwrap_or("").trim().to_uppercase();
    match read(&folder(fixtures, "rss"), &symbol) {
        Some(xml) => Response::new(200, RSS_TYPE, shift_xml(&xml)),
        None => Response::new(200, RSS_TYPE, empty_channel(&symbol)),
    }
}

/// `GET /atom/{SYMBOL}`.
pub(crate) fn atom(request: &Request, fixtures: &Path) -> Response {
    let symbol = request
        .path
        .strip_prefix(ATOM)
        .map(|s| decode_path(s).to_uppercase())
        .unwrap_or_default();
    match read(&folder(fixtures, "atom"), &symbol) {
        Some(xml) => Response::new(200, ATOM_TYPE, shift_xml(&xml)),
        None => Response::text(404, "Not Found\n"),
    }
}

fn empty_channel(symbol: &str) -> String {
    let symbol: String = symbol
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '^' | '='))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Yahoo! Finance: {symbol} News</title>\
         <link>https://finance.yahoo.com/</link><description>Latest Financial News for {symbol}</description></channel></rss>\n"
    )
}

/// `xml` with the text of every time element ([`TIME_TAGS`]) moved, in the format it had
/// (RFC 2822 or RFC 3339). Textual: the rest of the document is left byte for byte.
pub(crate) fn shift_xml(xml: &str) -> String {
    let mut out = xml.to_owned();
    for tag in TIME_TAGS {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut at = 0;
        while let Some(found) = out[at..].find(&open) {
            let start = at + found + open.len();
            let Some(len) = out[start..].find(&close) else {
                break;
            };
            let text = out[start..start + len].to_owned();
            let moved = if text.contains(',') || !text.contains('T') {
                RECORDING.replay_rfc2822(&text)
            } else {
                RECORDING.replay_rfc3339(&text, SecondsFormat::Secs)
            };
            out.replace_range(start..start + len, &moved);
            at = start + moved.len() + close.len();
        }
    }
    out
}

/// A Yahoo search answer with each `"providerPublishTime": N` moved by [`crate::clock::Recording::replay_epoch`];
/// byte for byte the same when no time is in the window.
pub(crate) fn shift_search(body: Vec<u8>) -> Vec<u8> {
    const KEY: &[u8] = b"\"providerPublishTime\"";
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if !body[i..].starts_with(KEY) {
            out.push(body[i]);
            i += 1;
            continue;
        }
        out.extend_from_slice(KEY);
        i += KEY.len();
        while i < body.len() && (body[i].is_ascii_whitespace() || body[i] == b':') {
            out.push(body[i]);
            i += 1;
        }
        let digits = body[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let number = std::str::from_utf8(&body[i..i + digits])
            .ok()
            .and_then(|d| d.parse::<i64>().ok());
        match number {
            Some(n) => out.extend_from_slice(RECORDING.replay_epoch(n).to_string().as_bytes()),
            None => out.extend_from_slice(&body[i..i + digits]),
        }
        i += digits;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_feeds_and_search_answers_move_and_the_rest_stays() {
        let xml = "<item><pubDate>Fri, 05 Jan 2024 16:00:00 +0000</pubDate><updated>2024-01-05T16:00:00Z</updated><published>2020-01-01T00:00:00Z</published><title>x</title></item>";
        let moved = shift_xml(xml);
        let served = RECORDING.replay_epoch(RECORDING.recorded_at());
        let date = chrono::DateTime::from_timestamp(served, 0).unwrap();
        assert!(
            moved.contains(&format!("<pubDate>{}</pubDate>", date.to_rfc2822())),
            "{moved}"
        );
        assert!(moved.contains(&format!(
            "<updated>{}</updated>",
            date.format("%Y-%m-%dT%H:%M:%SZ")
        )));
        assert!(moved.contains("<published>2020-01-01T00:00:00Z</published><title>x</title>"));
        let body =
            br#"{"news":[{"providerPublishTime": 1704470400},{"providerPublishTime":1731676953}]}"#;
        let shifted = String::from_utf8(shift_search(body.to_vec())).unwrap();
        assert_eq!(
            shifted,
            format!(
                r#"{{"news":[{{"providerPublishTime": {served}}},{{"providerPublishTime":1731676953}}]}}"#
            )
        );
        let old = br#"{"news":[{"providerPublishTime":1731676953}]}"#.to_vec();
        assert_eq!(shift_search(old.clone()), old);
    }
}
