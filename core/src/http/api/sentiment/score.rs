//! `POST /api/v1/sentiment/score`: posts a caller brings, scored as an
//! analysis scores them, nothing stored or cached. The body is read by
//! hand so that each bad field answers 422 naming it, as FastAPI does.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::api::params::Unprocessable;
use crate::http::AppState;
use crate::model::{PlatformSentiment, Post, PostScores};
use crate::service::{SentimentService, MAX_SCORED_POSTS};
use crate::store::{
    MAX_POST_ID_BYTES, MAX_POST_PLATFORM_BYTES, MAX_POST_TEXT_BYTES, MAX_POST_URL_BYTES,
};

/// The request: `posts` with their fields, or `texts` alone. Exactly one
/// of the two.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Documents the body, which `posts_of` reads by hand.
pub(in crate::http::api) struct ScoreRequest {
    /// The posts, 1 to 100,000 (and the body at most the server's body limit, 1 MiB by default).
    posts: Option<Vec<PostInput>>,
    /// Texts alone, 1 to 100,000: each a post of platform `user`.
    texts: Option<Vec<String>>,
}

/// One post to score; only `text` is needed. Other fields are ignored.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Documents the body, which `posts_of` reads by hand.
pub(in crate::http::api) struct PostInput {
    /// The text, 1 to 40,000 bytes of UTF-8.
    text: String,
    /// The platform it is reported under (default `user`), 1 to 64 bytes.
    platform: Option<String>,
    /// Its id (a string of up to 256 bytes or a whole number; default its position).
    #[schema(value_type = Option<String>)]
    id: Option<Value>,
    /// Link to it (default `""`), up to 2048 bytes.
    url: Option<String>,
    /// When it was posted, RFC 3339 or `YYYY-MM-DD` (default now).
    created_at: Option<String>,
}

/// The answer: one polarity per post, in their order, and the report per
/// platform an analysis would give for them.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::http::api) struct ScoreBody {
    /// The analyzer that scored them.
    analyzer: String,
    /// Mention-weighted mean polarity over the platforms, -1 to 1.
    overall: f64,
    /// One polarity per post, in the order given.
    scores: Vec<f64>,
    /// One entry per platform among the posts, by name.
    platforms: Vec<ScoredPlatformBody>,
}

/// One platform's figures among the posts brought.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::http::api) struct ScoredPlatformBody {
    /// The platform.
    platform: String,
    /// Mean polarity of its posts, -1 to 1.
    sentiment_score: f64,
    /// `|sentiment_score|`, as the seed defines it.
    confidence: f64,
    /// Its posts.
    mention_count: u32,
    /// Up to ten most frequent informative terms.
    keywords: Vec<String>,
    /// Up to ten of its posts' links.
    source_urls: Vec<String>,
}

impl From<PlatformSentiment> for ScoredPlatformBody {
    fn from(p: PlatformSentiment) -> Self {
        ScoredPlatformBody {
            platform: p.platform,
            sentiment_score: p.sentiment_score,
            confidence: p.confidence,
            mention_count: p.mention_count,
            keywords: p.keywords,
            source_urls: p.source_urls,
        }
    }
}

impl From<PostScores> for ScoreBody {
    fn from(s: PostScores) -> Self {
        ScoreBody {
            analyzer: s.analyzer,
            overall: s.overall,
            scores: s.scores,
            platforms: s
                .platforms
                .into_iter()
                .map(ScoredPlatformBody::from)
                .collect(),
        }
    }
}

/// Scores the posts of the body with the server's analyzer: nothing is
/// stored or cached, and no social source is asked. O(posts).
#[utoipa::path(
    post,
    path = "/api/v1/sentiment/score",
    tag = "sentiment",
    request_body(content = ScoreRequest, description = "`{\"posts\": [{\"text\": ...}]}` or `{\"texts\": [...]}`", content_type = "application/json"),
    responses(
        (status = 200, description = "The scores and the report per platform", body = ScoreBody),
        (status = 413, description = "The body is larger than the server takes", body = crate::http::ErrorBody),
        (status = 422, description = "The body is no such object, or a field is missing, ill-typed or too long", body = Unprocessable),
        (status = 503, description = "The analyzer is unavailable", body = crate::http::ErrorBody),
        (status = 504, description = "No answer in time", body = crate::http::ErrorBody),
    )
)]
pub(in crate::http::api) async fn score(State(state): State<AppState>, body: Bytes) -> Response {
    let posts = match posts_of(&body, Utc::now()) {
        Ok(posts) => posts,
        Err(problem) => return problem.into_response(),
    };
    let scored = async {
        let service = state.client().sentiment_service().await?;
        service.score_posts(posts).await
    }
    .await;
    match scored {
        Ok(scored) => Json(ScoreBody::from(scored)).into_response(),
        Err(err) => err.into_response(),
    }
}

/// Where a problem is: `["body", ...]`.
fn loc(path: &[&dyn std::fmt::Display]) -> Vec<String> {
    std::iter::once("body".to_owned())
        .chain(path.iter().map(|p| p.to_string()))
        .collect()
}

/// A problem at `path` in the body, `value` echoed as JSON.
fn problem(
    path: &[&dyn std::fmt::Display],
    kind: &str,
    msg: &str,
    value: Option<&Value>,
) -> Unprocessable {
    let shown = value.map(Value::to_string);
    Unprocessable::at(loc(path), kind, msg, shown.as_deref())
}

/// The posts the body holds, defaults filled in (see
/// [`SentimentService::CALLER_PLATFORM`]). O(body).
fn posts_of(body: &[u8], now: DateTime<Utc>) -> Result<Vec<Post>, Unprocessable> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| problem(&[], "json_invalid", "JSON decode error", None))?;
    let Value::Object(fields) = &value else {
        return Err(problem(
            &[],
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
            None,
        ));
    };
    let posts = fields.get("posts").filter(|v| !v.is_null());
    let texts = fields.get("texts").filter(|v| !v.is_null());
    let (name, items) = match (posts, texts) {
        (Some(_), Some(_)) => {
            return Err(problem(
                &[],
                "value_error",
                "Value error, give posts or texts, not both",
                None,
            ))
        }
        (None, None) => {
            return Err(problem(&[&"posts"], "missing", "Field required", None));
        }
        (Some(posts), None) => ("posts", posts),
        (None, Some(texts)) => ("texts", texts),
    };
    let Value::Array(items) = items else {
        return Err(problem(
            &[&name],
            "list_type",
            "Input should be a valid list",
            Some(items),
        ));
    };
    if items.is_empty() {
        return Err(problem(
            &[&name],
            "too_short",
            "List should have at least 1 item after validation, not 0",
            None,
        ));
    }
    if items.len() > MAX_SCORED_POSTS {
        return Err(problem(
            &[&name],
            "too_long",
            &format!(
                "List should have at most {MAX_SCORED_POSTS} items after validation, not {}",
                items.len()
            ),
            None,
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if name == "texts" {
                let text = string(&[&name, &i], Some(item), MAX_POST_TEXT_BYTES)?;
                return Ok(SentimentService::caller_post(i, text, now));
            }
            post_of(i, item, now)
        })
        .collect()
}

/// The post at `index` of `posts`.
fn post_of(index: usize, item: &Value, now: DateTime<Utc>) -> Result<Post, Unprocessable> {
    let Value::Object(fields) = item else {
        return Err(problem(
            &[&"posts", &index],
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
            Some(item),
        ));
    };
    let field = |key: &str| fields.get(key).filter(|v| !v.is_null());
    let text = string(
        &[&"posts", &index, &"text"],
        field("text"),
        MAX_POST_TEXT_BYTES,
    )?;
    let mut post = SentimentService::caller_post(index, text, now);
    if let Some(platform) = field("platform") {
        post.platform = string(
            &[&"posts", &index, &"platform"],
            Some(platform),
            MAX_POST_PLATFORM_BYTES,
        )?;
    }
    if let Some(id) = field("id") {
        post.id = match id {
            Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
            _ => string(&[&"posts", &index, &"id"], Some(id), MAX_POST_ID_BYTES)?,
        };
    }
    if let Some(url) = field("url") {
        post.url = match url {
            Value::String(u) if u.is_empty() => String::new(),
            _ => string(&[&"posts", &index, &"url"], Some(url), MAX_POST_URL_BYTES)?,
        };
    }
    if let Some(at) = field("created_at") {
        let path: [&dyn std::fmt::Display; 3] = [&"posts", &index, &"created_at"];
        let Value::String(raw) = at else {
            return Err(problem(
                &path,
                "datetime_type",
                "Input should be a valid datetime",
                Some(at),
            ));
        };
        post.created_at = instant(raw).ok_or_else(|| {
            problem(
                &path,
                "datetime_from_date_parsing",
                "Input should be a valid datetime or date: YYYY-MM-DD or RFC 3339",
                Some(at),
            )
        })?;
    }
    Ok(post)
}

/// A string of 1 to `max` bytes of UTF-8 (not blank) at `path`, else 422:
/// the store's bound for the field.
fn string(
    path: &[&dyn std::fmt::Display],
    value: Option<&Value>,
    max: usize,
) -> Result<String, Unprocessable> {
    let Some(value) = value else {
        return Err(problem(path, "missing", "Field required", None));
    };
    let Value::String(text) = value else {
        return Err(problem(
            path,
            "string_type",
            "Input should be a valid string",
            Some(value),
        ));
    };
    if text.trim().is_empty() {
        return Err(problem(
            path,
            "string_too_short",
            "String should have at least 1 character",
            Some(value),
        ));
    }
    if text.len() > max {
        return Err(problem(
            path,
            "string_too_long",
            &format!("String should have at most {max} bytes of UTF-8"),
            None,
        ));
    }
    Ok(text.clone())
}

/// An RFC 3339 instant, a naive `YYYY-MM-DDTHH:MM:SS` (read as UTC) or a
/// date (its midnight UTC).
fn instant(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(at.and_utc());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_at(body: &str) -> (String, Vec<String>) {
        let problem = posts_of(body.as_bytes(), Utc::now()).unwrap_err();
        let first = &problem.detail[0];
        (first.kind.clone(), first.loc.clone())
    }

    #[test]
    fn each_bad_field_is_named() {
        let at = |path: &[&str]| path.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        assert_eq!(kind_at("{"), ("json_invalid".into(), at(&["body"])));
        assert_eq!(
            kind_at("[]"),
            ("model_attributes_type".into(), at(&["body"]))
        );
        assert_eq!(kind_at("{}"), ("missing".into(), at(&["body", "posts"])));
        assert_eq!(kind_at(r#"{"posts": [], "texts": ["a"]}"#).0, "value_error");
        assert_eq!(
            kind_at(r#"{"posts": []}"#),
            ("too_short".into(), at(&["body", "posts"]))
        );
        assert_eq!(
            kind_at(r#"{"texts": "a"}"#),
            ("list_type".into(), at(&["body", "texts"]))
        );
        assert_eq!(
            kind_at(r#"{"texts": ["a", 3]}"#),
            ("string_type".into(), at(&["body", "texts", "1"]))
        );
        assert_eq!(
            kind_at(r#"{"posts": [7]}"#),
            ("model_attributes_type".into(), at(&["body", "posts", "0"]))
        );
        assert_eq!(
            kind_at(r#"{"posts": [{"url": "u"}]}"#),
            ("missing".into(), at(&["body", "posts", "0", "text"]))
        );
        assert_eq!(
            kind_at(r#"{"posts": [{"text": " "}]}"#),
            (
                "string_too_short".into(),
                at(&["body", "posts", "0", "text"])
            )
        );
        assert_eq!(
            kind_at(r#"{"posts": [{"text": "a", "id": 1.5}]}"#),
            ("string_type".into(), at(&["body", "posts", "0", "id"]))
        );
        assert_eq!(
            kind_at(r#"{"posts": [{"text": "a", "created_at": "soon"}]}"#),
            (
                "datetime_from_date_parsing".into(),
                at(&["body", "posts", "0", "created_at"])
            )
        );
        let long = format!(
            r#"{{"texts": ["{}"]}}"#,
            "é".repeat(MAX_POST_TEXT_BYTES / 2 + 1)
        );
        assert_eq!(
            kind_at(&long),
            ("string_too_long".into(), at(&["body", "texts", "0"]))
        );
        let many = format!(
            r#"{{"texts": [{}]}}"#,
            vec![r#""a""#; MAX_SCORED_POSTS + 1].join(",")
        );
        assert_eq!(kind_at(&many), ("too_long".into(), at(&["body", "texts"])));
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let now = Utc::now();
        let body = r#"{"posts": [{"text": "a"}, {"text": "b", "platform": "forum", "id": 7, "url": "https://f/7", "created_at": "2024-05-01"}]}"#;
        let posts = posts_of(body.as_bytes(), now).unwrap();
        assert_eq!(posts[0], Post::new("user", "0", "a", "", now));
        let day: DateTime<Utc> = "2024-05-01T00:00:00Z".parse().unwrap();
        assert_eq!(posts[1], Post::new("forum", "7", "b", "https://f/7", day));
        let texts = posts_of(br#"{"texts": ["x", "y"]}"#, now).unwrap();
        assert_eq!(texts[1], Post::new("user", "1", "y", "", now));
    }
}
