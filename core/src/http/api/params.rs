//! Query parameters read one by one, so that a missing or ill-typed one
//! answers 422 naming it, in the shape FastAPI gives (`{"detail": [{"type",
//! "loc", "msg", "input"}]}`, plus `"code": "InvalidInput"`): a client of the
//! seed's services sees the same answer.

use std::str::FromStr;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::model::Symbol;

/// Most parameters read from one query string; the rest are ignored.
const MAX_PARAMS: usize = 64;

/// The query string's parameters, decoded. The last of repeated names
/// wins, as FastAPI takes it for a single value.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let pairs = parts
            .uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .take(MAX_PARAMS)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Params { pairs })
    }
}

impl Params {
    /// The value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, or 422 `missing`.
    pub(crate) fn required(&self, name: &'static str) -> Result<&str, Unprocessable> {
        self.get(name)
            .ok_or_else(|| Unprocessable::query(name, "missing", "Field required", None))
    }

    /// `name` as a whole number, `default` when absent, or 422
    /// `int_parsing` as FastAPI words it.
    pub(crate) fn int<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
    ) -> Result<T, Unprocessable> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw.trim().parse().map_err(|_| {
                Unprocessable::query(
                    name,
                    "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer",
                    Some(raw),
                )
            }),
        }
    }

    /// `name` as a whole number of at least `min` and at most `max`.
    pub(crate) fn int_in(
        &self,
        name: &'static str,
        default: i64,
        min: i64,
        max: i64,
    ) -> Result<i64, Unprocessable> {
        let value: i64 = self.int(name, default)?;
        let shown = value.to_string();
        if value < min {
            return Err(Unprocessable::query(
                name,
                "greater_than_equal",
                &format!("Input should be greater than or equal to {min}"),
                Some(&shown),
            ));
        }
        if value > max {
            return Err(Unprocessable::query(
                name,
                "less_than_equal",
                &format!("Input should be less than or equal to {max}"),
                Some(&shown),
            ));
        }
        Ok(value)
    }
}

impl Params {
    /// `name` as one of `T`'s spellings (`T::from_str`), `default` when
    /// absent, or 422 `enum` listing the `allowed` spellings as FastAPI
    /// words it for an enum parameter.
    pub(crate) fn one_of<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
        allowed: &[&str],
    ) -> Result<T, Unprocessable> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|_| {
                let listed: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
                Unprocessable::query(
                    name,
                    "enum",
                    &format!("Input should be {}", listed.join(", ")),
                    Some(raw),
                )
            }),
        }
    }

    /// `name` as a bound of a range: a date (`2024-01-31`) or an RFC 3339
    /// date and time (`2024-01-31T14:30:00Z`, any offset); `None` when
    /// absent; else 422 `datetime_from_date_parsing`.
    pub(crate) fn bound(&self, name: &'static str) -> Result<Option<Bound>, Unprocessable> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        let text = raw.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(Bound::Instant(at.with_timezone(&Utc))));
        }
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Some(Bound::Date(day)));
        }
        Err(Unprocessable::query(
            name,
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date: YYYY-MM-DD or RFC 3339",
            Some(raw),
        ))
    }
}

/// One end of a range as given: a calendar date (of the exchange's clock,
/// as yfinance reads `start="2024-01-02"`) or an exact instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// A day on the exchange's calendar.
    Date(NaiveDate),
    /// An instant.
    Instant(DateTime<Utc>),
}

/// `text` when it has `1..=max` characters once trimmed; else 422
/// `string_too_short` / `string_too_long` at `loc`, as FastAPI words a
/// length-bounded string.
pub(crate) fn bounded_text(
    text: &str,
    loc: Vec<String>,
    max: usize,
) -> Result<&str, Unprocessable> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Unprocessable::at(
            loc,
            "string_too_short",
            "String should have at least 1 character",
            Some(text),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(Unprocessable::at(
            loc,
            "string_too_long",
            &format!("String should have at most {max} characters"),
            Some(text),
        ));
    }
    Ok(trimmed)
}

/// The `{symbol}` segment of a path, checked by [`Symbol::parse`]: a bad
/// one answers 400 `InvalidInput` (never 422: the seed took any text and
/// the provider refused it).
#[derive(Debug)]
pub(crate) struct SymbolPath(pub(crate) Symbol);

impl<S: Send + Sync> FromRequestParts<S> for SymbolPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::invalid_input("the symbol in the path is not valid text"))?;
        Symbol::parse(&raw).map(SymbolPath)
    }
}

/// One problem with one parameter, as FastAPI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// What is wrong: `missing`, `int_parsing`, `json_invalid`...
    #[serde(rename = "type")]
    pub kind: String,
    /// Where: `["query", NAME]`, `["path", NAME]` or `["body", ...]`.
    pub loc: Vec<String>,
    /// What is wrong, for a person.
    pub msg: String,
    /// The value given (truncated), `null` when none was.
    pub input: Option<String>,
}

/// A 422 answer: `{"detail": [Problem], "code": "InvalidInput"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Unprocessable {
    /// The problems found.
    pub detail: Vec<Problem>,
    /// Always `"InvalidInput"`.
    pub code: String,
}

impl Unprocessable {
    /// A problem with query parameter `name`.
    pub(crate) fn query(name: &str, kind: &str, msg: &str, input: Option<&str>) -> Self {
        Self::at(vec!["query".to_owned(), name.to_owned()], kind, msg, input)
    }

    /// A problem at `loc`; `input` is echoed truncated.
    pub(crate) fn at(loc: Vec<String>, kind: &str, msg: &str, input: Option<&str>) -> Self {
        Unprocessable {
            detail: vec![Problem {
                kind: kind.to_owned(),
                loc,
                msg: msg.to_owned(),
                input: input.map(echo_bare),
            }],
            code: "InvalidInput".to_owned(),
        }
    }
}

/// Most characters of a given value echoed back in a problem.
const ECHO_INPUT_CHARS: usize = 64;

/// `text` cut to [`ECHO_INPUT_CHARS`] characters, marked when cut.
fn echo_bare(text: &str) -> String {
    let mut head: String = text.chars().take(ECHO_INPUT_CHARS).collect();
    if text.chars().nth(ECHO_INPUT_CHARS).is_some() {
        head.push_str("...");
    }
    head
}

impl IntoResponse for Unprocessable {
    fn into_response(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(self)).into_response()
    }
}
