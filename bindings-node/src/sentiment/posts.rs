//! Posts as plain JS objects: those the sources give (`mentions`), those a
//! caller brings to be scored (`scorePosts`, read here), and the scores
//! given back.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Unknown};
use napi::ValueType;
use napi_derive::napi;
use tickersense::service::SentimentService;
use tickersense::store::{
    MAX_POST_ID_BYTES, MAX_POST_PLATFORM_BYTES, MAX_POST_TEXT_BYTES, MAX_POST_URL_BYTES,
};

use super::PlatformSentiment;
use crate::args::{describe, string, Options, Refusal};

/// One post mentioning a symbol, as its platform gave it.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Post {
    /// The platform (`reddit`, `x`, `stocktwits`, ...).
    pub platform: String,
    /// The platform's id for the post.
    pub id: String,
    /// The text scored (a Reddit post's title and body, say).
    pub text: String,
    /// Link to the post (`""` when the platform gives none).
    pub url: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The author's name, when the platform tells it.
    pub author: Option<String>,
    /// The platform's own engagement figure (Reddit's score, likes), not a sentiment.
    pub engagement: Option<f64>,
    /// The author's own label (StockTwits), when given.
    #[napi(ts_type = "AuthorLabel")]
    pub label: Option<String>,
}

impl From<tickersense::Post> for Post {
    fn from(p: tickersense::Post) -> Self {
        Post {
            platform: p.platform,
            id: p.id,
            text: p.text,
            url: p.url,
            created_at: p.created_at,
            author: p.author,
            engagement: p.engagement.map(|e| e as f64),
            label: p.label.map(|l| l.as_str().to_owned()),
        }
    }
}

/// Posts you brought, scored: one polarity per post in their order, and
/// the per-platform report an analysis would give for them.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PostScores {
    /// The analyzer's name.
    pub analyzer: String,
    /// One polarity per post, in the order given.
    pub scores: Vec<f64>,
    /// Mention-weighted mean over the platforms (0 without posts).
    pub overall: f64,
    /// One entry per platform among the posts, by name.
    pub platforms: Vec<PlatformSentiment>,
}

impl From<tickersense::PostScores> for PostScores {
    fn from(s: tickersense::PostScores) -> Self {
        PostScores {
            analyzer: s.analyzer,
            scores: s.scores,
            overall: s.overall,
            platforms: s
                .platforms
                .into_iter()
                .map(PlatformSentiment::from)
                .collect(),
        }
    }
}

/// A post you bring to `scorePosts`: only `text` is needed. Any other key
/// rejects with `"InvalidInput"`, a field of the wrong type with a
/// `TypeError`, each naming the post (`scorePosts: posts[2].createdAt`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PostToScore {
    /// The text to score, at most 40,000 bytes of UTF-8.
    pub text: String,
    /// The platform it is reported under (default `"user"`), at most 64 bytes.
    pub platform: Option<String>,
    /// Its id (default its position in the array, as a string).
    #[napi(ts_type = "string | number")]
    pub id: Option<String>,
    /// Link to it (default `""`).
    pub url: Option<String>,
    /// When it was posted (default now); an invalid `Date` rejects.
    pub created_at: Option<DateTime<Utc>>,
}

/// The JS names of a post's fields.
pub const POST_KEYS: &[&str] = &["text", "platform", "id", "url", "createdAt"];

impl PostToScore {
    /// `scorePosts`' `posts`: an array of post objects or plain text
    /// strings, as core posts. Left out, the platform is
    /// [`SentimentService::CALLER_PLATFORM`], the id the post's position,
    /// the URL `""` and the time now. O(posts), on the JS thread.
    pub fn read_all(env: &Env, posts: &Unknown<'_>) -> Result<Vec<tickersense::Post>, Refusal> {
        if !posts.is_array()? {
            return Err(Refusal::Type(format!(
                "scorePosts: posts must be an array of posts or strings, not {}",
                describe(posts)
            )));
        }
        let array = posts.coerce_to_object()?;
        let now = Utc::now();
        (0..array.get_array_length()?)
            .map(|i| {
                let item: Unknown<'_> = array.get_element(i)?;
                read_one(env, item, i as usize, now)
            })
            .collect()
    }
}

fn invalid(message: String) -> Refusal {
    Refusal::Core(tickersense::Error::invalid_input(message))
}

/// `text` unless it is longer than `max_bytes` bytes of UTF-8, the store's
/// bound for it (refused, naming `what`).
fn within(what: &str, text: String, max_bytes: usize) -> Result<String, Refusal> {
    if text.len() > max_bytes {
        return Err(invalid(format!(
            "{what} is longer than the {max_bytes} bytes a post may hold"
        )));
    }
    Ok(text)
}

/// The post at `index`: a string (its text) or a post object.
fn read_one(
    env: &Env,
    item: Unknown<'_>,
    index: usize,
    now: DateTime<Utc>,
) -> Result<tickersense::Post, Refusal> {
    let name = format!("scorePosts: posts[{index}]");
    let post = |text| SentimentService::caller_post(index, text, now);
    match item.get_type()? {
        ValueType::String => {
            let text = string(&name, &item)?;
            return Ok(post(within(&name, text, MAX_POST_TEXT_BYTES)?));
        }
        ValueType::Object if !item.is_array()? && !item.is_date()? => {}
        _ => {
            return Err(Refusal::Type(format!(
                "{name} must be a post object or a string, not {}",
                describe(&item)
            )))
        }
    }
    let unknown = format!("{name} has an unknown key");
    let Some(fields) = Options::read_as(env, Some(item), name.clone(), &unknown, POST_KEYS)? else {
        return Err(Refusal::Type(format!(
            "{name} must be a post object or a string"
        )));
    };
    let text = fields
        .string("text")?
        .ok_or_else(|| invalid(format!("{name} has no text")))?;
    let mut made = post(within(&fields.name("text"), text, MAX_POST_TEXT_BYTES)?);
    if let Some(platform) = fields.string("platform")? {
        if SentimentService::is_blank_platform(&platform) {
            return Err(invalid(format!("{} is empty", fields.name("platform"))));
        }
        made.platform = within(&fields.name("platform"), platform, MAX_POST_PLATFORM_BYTES)?;
    }
    if let Some(id) = fields.get("id")? {
        made.id = match id.get_type()? {
            ValueType::Number => {
                let n = id.coerce_to_number()?.get_double()?;
                if n.fract() != 0.0 {
                    return Err(invalid(format!(
                        "{} must be a whole number or a string, not {n}",
                        fields.name("id")
                    )));
                }
                format!("{n}")
            }
            _ => within(
                &fields.name("id"),
                string(&fields.name("id"), &id)?,
                MAX_POST_ID_BYTES,
            )?,
        };
    }
    if let Some(url) = fields.string("url")? {
        made.url = within(&fields.name("url"), url, MAX_POST_URL_BYTES)?;
    }
    if let Some(at) = fields.date("createdAt")? {
        made.created_at = at;
    }
    Ok(made)
}
