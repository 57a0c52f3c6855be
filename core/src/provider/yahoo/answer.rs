//! Reading what Yahoo answers before its shape is known: bare `NaN` and
//! `Infinity` tokens, error objects in their three places, and bodies that
//! are not JSON at all.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::{echo, Error, ErrorKind};
use crate::resilience::http::{excerpt, malformed_json};

/// Replaces the bare `NaN`, `Infinity` and `-Infinity` tokens Yahoo writes
/// into `meta` (not JSON) with `null`, outside strings. Borrows when there are
/// none, which is almost always.
pub(crate) fn sanitize_json(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else {
            let token: Option<&[u8]> = [&b"-Infinity"[..], b"Infinity", b"NaN"]
                .into_iter()
                .find(|t| body[i..].starts_with(t));
            if let Some(token) = token {
                let out = out.get_or_insert_with(|| body[..i].to_vec());
                out.extend_from_slice(b"null");
                i += token.len();
                continue;
            }
        }
        if let Some(out) = out.as_mut() {
            out.push(b);
        }
        i += 1;
    }
    match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(body),
    }
}

/// Yahoo's `{code, description}` error object.
#[derive(Debug, Deserialize)]
pub(super) struct YahooError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    chart: Option<ErrorHolder>,
    finance: Option<ErrorHolder>,
    #[serde(rename = "quoteResponse")]
    quote_response: Option<ErrorHolder>,
    code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ErrorHolder {
    error: Option<YahooError>,
}

/// The error object of an answer, wherever Yahoo put it: under `chart`,
/// `finance` or `quoteResponse`, or at the top level.
pub(super) fn find_error(json: &[u8]) -> Option<YahooError> {
    let envelope: Envelope = serde_json::from_slice(json).ok()?;
    [envelope.chart, envelope.finance, envelope.quote_response]
        .into_iter()
        .flatten()
        .find_map(|holder| holder.error)
        .or_else(|| {
            (envelope.code.is_some() || envelope.description.is_some()).then_some(YahooError {
                code: envelope.code,
                description: envelope.description,
            })
        })
}

/// The library error for one of Yahoo's error objects.
pub(super) fn error_from_yahoo(err: &YahooError, what: &str) -> Error {
    let code = err.code.as_deref().unwrap_or("").trim();
    let description = err.description.as_deref().unwrap_or("").trim();
    let detail = if description.is_empty() {
        echo(code)
    } else {
        excerpt(description.as_bytes())
    };
    let kind = match code.to_ascii_lowercase().as_str() {
        "not found" => ErrorKind::NotFound,
        "bad request" | "unprocessable entity" => ErrorKind::InvalidInput,
        "unauthorized" | "invalid crumb" | "invalid cookie" => ErrorKind::Unauthorized,
        "too many requests" => ErrorKind::RateLimited,
        _ => ErrorKind::Upstream,
    };
    Error::new(kind, format!("Yahoo {what}: {detail}"))
}

/// The error for a body that should have been JSON of some shape and is not.
pub(super) fn malformed(body: &[u8], what: &str, err: &serde_json::Error) -> Error {
    malformed_json(body, &format!("Yahoo {what}"), err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_and_infinity_become_null_outside_strings_only() {
        let body = br#"{"a":NaN,"b":-Infinity,"c":[Infinity,1],"d":"NaN \" Infinity"}"#;
        let clean = sanitize_json(body);
        assert_eq!(
            std::str::from_utf8(&clean).unwrap(),
            r#"{"a":null,"b":null,"c":[null,1],"d":"NaN \" Infinity"}"#
        );
        assert!(matches!(sanitize_json(b"{\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn errors_are_found_in_each_place_and_mapped() {
        let cases: [(&[u8], ErrorKind); 5] = [
            (br#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#, ErrorKind::NotFound),
            (br#"{"chart":{"result":null,"error":{"code":"Bad Request","description":"Invalid input - interval=7m is not supported."}}}"#, ErrorKind::InvalidInput),
            (br#"{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}"#, ErrorKind::Unauthorized),
            (br#"{"code":"Not Found","description":"HTTP 404 Not Found"}"#, ErrorKind::NotFound),
            (br#"{"finance":{"result":null,"error":{"code":"internal-error","description":"boom"}}}"#, ErrorKind::Upstream),
        ];
        for (body, kind) in cases {
            let err = error_from_yahoo(&find_error(body).unwrap(), "chart");
            assert_eq!(err.kind(), kind, "{}", err.message());
        }
        let err = error_from_yahoo(&find_error(cases[1].0).unwrap(), "chart");
        assert!(err.message().contains("interval=7m"), "{}", err.message());
        assert!(find_error(br#"{"chart":{"result":[],"error":null}}"#).is_none());
    }

    #[test]
    fn malformed_bodies_say_what_they_are() {
        let err = serde_json::from_slice::<serde_json::Value>(b"<html>").unwrap_err();
        assert!(malformed(b"<html><body>Oops</body></html>", "chart", &err)
            .message()
            .contains("HTML"));
        let err = serde_json::from_slice::<serde_json::Value>(b"{\"chart\":{").unwrap_err();
        assert!(malformed(b"{\"chart\":{", "chart", &err)
            .message()
            .contains("truncated"));
    }

    #[test]
    fn huge_bodies_and_descriptions_are_echoed_short() {
        let huge = format!("<html>{}", "x".repeat(1 << 20));
        let err = serde_json::from_slice::<serde_json::Value>(huge.as_bytes()).unwrap_err();
        let message = malformed(huge.as_bytes(), "chart", &err)
            .message()
            .to_owned();
        assert!(message.len() < 200, "{}", message.len());
        // serde would quote a whole string value of the wrong type.
        let body = format!("{{\"chart\":\"{}\"}}", "y".repeat(1 << 20));
        let err = serde_json::from_slice::<Holder>(body.as_bytes()).unwrap_err();
        let message = malformed(body.as_bytes(), "chart", &err)
            .message()
            .to_owned();
        assert!(message.len() < 250, "{message}");
        let long = YahooError {
            code: Some("x".repeat(1 << 20)),
            description: Some("d".repeat(1 << 20)),
        };
        assert!(error_from_yahoo(&long, "chart").message().len() < 200);
        let no_description = YahooError {
            code: Some("c".repeat(1 << 20)),
            description: None,
        };
        assert!(error_from_yahoo(&no_description, "chart").message().len() < 200);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Holder {
        chart: Vec<u8>,
    }
}
