//! One line of a posts file read into a post, or the reason it cannot be.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::error::echo;
use crate::model::{AuthorLabel, Post, Symbol};
use crate::social::bounds;

/// What a line holds; every value is checked by [`read`].
#[derive(Deserialize)]
struct Line {
    platform: String,
    id: Value,
    symbol: String,
    text: String,
    created_at: String,
    url: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    score: Option<Value>,
    #[serde(default)]
    label: Option<String>,
}

/// What one line is.
#[derive(Debug, PartialEq)]
pub(super) enum Read {
    /// A post about the symbol asked for.
    Post(Post),
    /// A good line about another symbol.
    OtherSymbol,
    /// A line that is no post: why (values shown only through [`echo`]).
    Bad(String),
    /// Nothing but white space.
    Blank,
}

/// Reads `line` (without its line break) for `symbol`. Never panics; a
/// line of any length costs one JSON parse.
pub(super) fn read(line: &[u8], symbol: &Symbol) -> Read {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Read::Blank;
    }
    let line: Line = match serde_json::from_slice(line) {
        Ok(line) => line,
        Err(e) if e.is_data() => {
            return Read::Bad(format!(
                "not a post (a field is missing or of the wrong type, column {})",
                e.column()
            ))
        }
        Err(e) => return Read::Bad(format!("not JSON (column {})", e.column())),
    };
    match post(line, symbol) {
        Ok(Some(post)) => Read::Post(post),
        Ok(None) => Read::OtherSymbol,
        Err(why) => Read::Bad(why),
    }
}

fn post(line: Line, symbol: &Symbol) -> Result<Option<Post>, String> {
    let about = Symbol::parse(&line.symbol)
        .map_err(|_| format!("symbol {} is not a symbol", echo(&line.symbol)))?;
    let platform = platform(&line.platform)?;
    let id = match &line.id {
        Value::String(s) => bounds::id(s),
        Value::Number(n) => bounds::id(&n.to_string()),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "id must be a string or number of 1 to {} bytes",
            bounds::MAX_ID_BYTES
        )
    })?;
    let created_at = DateTime::parse_from_rfc3339(line.created_at.trim())
        .map_err(|_| {
            format!(
                "created_at {} is not an RFC 3339 time",
                echo(&line.created_at)
            )
        })?
        .with_timezone(&Utc);
    let text = bounds::clip(line.text.trim(), bounds::MAX_TEXT_BYTES);
    if text.is_empty() {
        return Err("text is empty".to_owned());
    }
    let url = bounds::web_link(&line.url)
        .ok_or_else(|| format!("url {} is not an http(s) URL", echo(&line.url)))?;
    let label = match line.label.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(label) => Some(
            AuthorLabel::parse(label)
                .ok_or_else(|| format!("label {} is neither bullish nor bearish", echo(label)))?,
        ),
    };
    let engagement = match line.score {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.abs() < 9e15)
                        .map(|f| f.round() as i64)
                })
                .ok_or("score is out of range")?,
        ),
        Some(_) => return Err("score must be a number".to_owned()),
    };
    if about != *symbol {
        return Ok(None);
    }
    let mut post = Post::new(platform, id, text, url, created_at);
    post.author = line.author.as_deref().and_then(bounds::author);
    post.engagement = engagement;
    post.label = label;
    Ok(Some(post))
}

/// A platform name: 1 to 32 letters, digits, `-`, `_` or `.`.
pub(super) fn platform(name: &str) -> Result<String, String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!("platform {} is not a platform name", echo(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tsla() -> Symbol {
        Symbol::parse("TSLA").unwrap()
    }

    fn bad(line: &str) -> String {
        match read(line.as_bytes(), &tsla()) {
            Read::Bad(why) => why,
            other => panic!("{line}: {other:?}"),
        }
    }

    const GOOD: &str = r#"{"platform":"reddit","id":"t3_abc","symbol":"tsla","text":" Tesla to the moon ","created_at":"2024-01-02T15:04:05-05:00","url":"https://www.reddit.com/r/stocks/comments/abc/","author":"u1","score":42,"label":"BULLISH","extra":"ignored"}"#;

    #[test]
    fn a_good_line_is_a_post() {
        let Read::Post(post) = read(GOOD.as_bytes(), &tsla()) else {
            panic!("not a post")
        };
        assert_eq!(post.platform, "reddit");
        assert_eq!(post.id, "t3_abc");
        assert_eq!(post.text, "Tesla to the moon");
        assert_eq!(post.created_at.to_rfc3339(), "2024-01-02T20:04:05+00:00");
        assert_eq!(post.url, "https://www.reddit.com/r/stocks/comments/abc/");
        assert_eq!(post.author.as_deref(), Some("u1"));
        assert_eq!(post.engagement, Some(42));
        assert_eq!(post.label, Some(AuthorLabel::Bullish));
        let minimal = r#"{"platform":"x","id":17,"symbol":"TSLA","text":"t","created_at":"2024-01-02T15:04:05Z","url":"https://x.com/i/17","score":2.6,"label":null}"#;
        let Read::Post(post) = read(minimal.as_bytes(), &tsla()) else {
            panic!("not a post")
        };
        assert_eq!(
            (post.id.as_str(), post.engagement, post.label),
            ("17", Some(3), None)
        );
    }

    #[test]
    fn other_symbols_and_blank_lines_are_not_bad() {
        let other = GOOD.replace("\"tsla\"", "\"AAPL\"");
        assert_eq!(read(other.as_bytes(), &tsla()), Read::OtherSymbol);
        assert_eq!(read(b"   \t", &tsla()), Read::Blank);
    }

    #[test]
    fn bad_lines_say_why_without_quoting_much() {
        assert!(bad("{not json").starts_with("not JSON"));
        assert!(bad("[1,2]").starts_with("not a post"));
        assert!(bad(r#"{"platform":"x"}"#).starts_with("not a post"));
        assert!(
            bad(&GOOD.replace("2024-01-02T15:04:05-05:00", "02/01/2024"))
                .contains("created_at \"02/01/2024\"")
        );
        assert!(bad(&GOOD.replace("BULLISH", "meh")).contains("label"));
        assert!(bad(&GOOD.replace("https://www.reddit.com", "ftp://h")).contains("url"));
        assert!(bad(&GOOD.replace("\"tsla\"", "\"not a symbol\"")).contains("symbol"));
        assert!(bad(&GOOD.replace("\"reddit\"", "\"re ddit\"")).contains("platform"));
        assert!(bad(&GOOD.replace("42", "\"many\"")).contains("score"));
        assert!(bad(&GOOD.replace("\"t3_abc\"", "[1]")).contains("id"));
        assert!(bad(&GOOD.replace(" Tesla to the moon ", "  ")).contains("text"));
        let long_date = format!("\"{}\"", "9".repeat(100_000));
        let why = bad(&GOOD.replace("\"2024-01-02T15:04:05-05:00\"", &long_date));
        assert!(why.len() < 200, "{why}");
    }
}
