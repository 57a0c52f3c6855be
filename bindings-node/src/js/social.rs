//! A user's JS mention source as core's [`MentionSource`]: a `platform`
//! name and `mentions(symbol, since, limit)` returning (or resolving to) an
//! array of posts `{id, text, url?, createdAt, platform?, author?,
//! engagement?, label?}` (`createdAt` a `Date`, `label` `"bullish"` or
//! `"bearish"`, the author's own). Posts made before `since` are dropped, the rest put newest
//! first, and at most `limit` are kept. A throw or rejection is `Upstream` unless the error's `code` names
//! another kind; a post that does not fit is `Upstream` naming the field.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Env, Unknown};
use tickersense::social::MentionSource;
use tickersense::{AuthorLabel, ErrorKind, Post, Symbol};

use super::call::{FromJs, Method};
use tickersense::model::limits::MAX_ANSWER_POSTS;

use super::read::{self, BadValue, Excess, Fields};

/// A JS object giving posts that mention a symbol; see the module docs.
pub struct JsMentionSource {
    platform: String,
    mentions: Method<(String, DateTime<Utc>, u32), Vec<PostFields>>,
}

impl JsMentionSource {
    /// The object `target` (checked to have `mentions`) of `platform`;
    /// `what` names it in messages (`social[1]`).
    pub fn new(env: &Env, target: Unknown<'_>, platform: String, what: &str) -> napi::Result<Self> {
        Ok(JsMentionSource {
            mentions: Method::new(
                env,
                target,
                Some("mentions"),
                false,
                format!("{what}.mentions"),
            )?,
            platform,
        })
    }

    /// Lets the JS object go (see [`Method::release`]).
    pub fn release(&self) {
        self.mentions.release();
    }
}

#[async_trait]
impl MentionSource for JsMentionSource {
    fn platform(&self) -> &str {
        &self.platform
    }

    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> tickersense::Result<Vec<Post>> {
        let asked = u32::try_from(limit).unwrap_or(u32::MAX);
        let posts = self
            .mentions
            .call(
                (symbol.as_str().to_owned(), since, asked),
                ErrorKind::Upstream,
            )
            .await?;
        let mut posts: Vec<Post> = posts
            .into_iter()
            .map(|p| {
                let mut post = Post::new(
                    p.platform.unwrap_or_else(|| self.platform.clone()),
                    p.id,
                    p.text,
                    p.url.unwrap_or_default(),
                    p.created_at,
                );
                post.author = p.author;
                post.engagement = p.engagement;
                post.label = p.label;
                post
            })
            .collect();
        tickersense::social::keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

/// The fields of one returned post.
pub struct PostFields {
    id: String,
    platform: Option<String>,
    text: String,
    url: Option<String>,
    created_at: DateTime<Utc>,
    author: Option<String>,
    engagement: Option<i64>,
    label: Option<AuthorLabel>,
}

/// The posts of an answer, at most [`MAX_ANSWER_POSTS`]: a longer one is
/// refused before any post is read (reading only the first ones could
/// drop the newest), so a huge answer costs no time on the JS thread.
impl FromJs for Vec<PostFields> {
    fn from_js(value: &Unknown<'_>) -> Result<Self, BadValue> {
        read::array(value, MAX_ANSWER_POSTS, Excess::Refuse, |post| {
            let f = Fields::of(post)?;
            Ok(PostFields {
                id: f.required("id", id)?,
                platform: f.optional("platform", read::field)?,
                text: f.required("text", read::text)?,
                url: f.optional("url", read::text)?,
                created_at: f.required("createdAt", read::date)?,
                author: f.optional("author", read::field)?,
                engagement: f.optional("engagement", engagement)?,
                label: f.optional("label", label)?,
            })
        })
    }
}

/// A post id: a string, or a number (platforms number their posts).
fn id(value: &Unknown<'_>) -> Result<String, BadValue> {
    read::field(value).or_else(|not_string| match read::number(value) {
        Ok(n) if n.fract() == 0.0 => Ok(format!("{n}")),
        _ => Err(not_string),
    })
}

/// The platform's own engagement figure: a whole number (likes, a score).
fn engagement(value: &Unknown<'_>) -> Result<i64, BadValue> {
    let n = read::number(value)?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(BadValue::new("", "must be a whole number"));
    }
    Ok(n as i64)
}

/// The author's own label: `"bullish"` or `"bearish"`, any case.
fn label(value: &Unknown<'_>) -> Result<AuthorLabel, BadValue> {
    let text = read::field(value)?;
    AuthorLabel::parse(&text).ok_or_else(|| BadValue::new("", "must be \"bullish\" or \"bearish\""))
}
