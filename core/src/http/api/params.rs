//! Query parameters read one by one, so that a missing or ill-typed one
//! answers 422 naming it, in the shape FastAPI gives (`{"detail": [{"type",
//! "loc", "msg", "input"}]}`, plus `"code": "InvalidInput"`): a client of the
//! seed's services sees the same answer.

use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
    pub(crate) fn int<T: FromStr>(&self, name: &'static str, default: T) -> Result<T, Unprocessable> {
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
