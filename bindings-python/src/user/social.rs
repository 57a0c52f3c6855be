//! A Python object as core's `MentionSource`: a `platform` name and
//! `mentions(symbol, since, limit)`, plain or `async def`, returning a list
//! of post dicts (`id`, `text`, `url`, `created_at`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use tickersense::model::limits::{MAX_ANSWER_POSTS, MAX_FIELD_CHARS, MAX_TEXT_CHARS};
use tickersense::social::MentionSource;
use tickersense::{AuthorLabel, ErrorKind, Post, Result, Symbol};

use super::convert::{items, Fields};
use super::{describe, require_methods};
use crate::runtime::{call_python, Site};

/// A user's mention source.
pub struct PyMentionSource {
    object: Arc<Py<PyAny>>,
    /// Its `platform` attribute, read once.
    platform: String,
    /// Its `name` attribute, or its class's name, for errors.
    name: String,
}

impl PyMentionSource {
    /// `object` checked for `mentions` and a str `platform` (else
    /// `TypeError`). Calls nothing.
    pub fn new(object: &Bound<'_, PyAny>) -> PyResult<Self> {
        require_methods(object, "social", &["mentions"])?;
        let platform = object
            .getattr("platform")
            .ok()
            .filter(|p| p.is_instance_of::<PyString>())
            .ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "a social source needs a str attribute 'platform' (e.g. \"reddit\"); {} has none",
                    describe(object)
                ))
            })?
            .extract::<crate::args::Text>()?
            .0;
        if platform.chars().count() > MAX_FIELD_CHARS {
            return Err(PyTypeError::new_err(format!(
                "{}'s platform is longer than {MAX_FIELD_CHARS} characters",
                describe(object)
            )));
        }
        Ok(PyMentionSource {
            object: Arc::new(object.clone().unbind()),
            platform,
            name: describe(object),
        })
    }
}

#[async_trait]
impl MentionSource for PyMentionSource {
    fn platform(&self) -> &str {
        &self.platform
    }

    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let object = self.object.clone();
        let site = Arc::new(Site {
            name: format!("{}.mentions()", self.name),
            otherwise: ErrorKind::Upstream,
        });
        let (asked, name, platform) = (
            symbol.as_str().to_owned(),
            site.name.clone(),
            self.platform.clone(),
        );
        call_python(
            site,
            move |py| object.call_method1(py, "mentions", (asked, since, limit)),
            move |_, returned| {
                // All of them are read to keep the newest, so their number is bounded.
                let mut posts = items(&name, returned, MAX_ANSWER_POSTS, "posts")?
                    .iter()
                    .enumerate()
                    .map(|(i, post)| post_from(format!("{name}[{i}]"), post, &platform))
                    .collect::<Result<Vec<_>>>()?;
                tickersense::social::keep_mention_promise(&mut posts, since, limit);
                Ok(posts)
            },
        )
        .await
    }
}

/// A post dict: `text` and `created_at` needed; `id` (else its position),
/// `url`, `author`, `engagement` (the platform's score or likes) and
/// `label` (`"bullish"`/`"bearish"`, the author's own) taken when there. The platform is the source's. The text and
/// the link may hold [`MAX_TEXT_CHARS`], the id [`MAX_FIELD_CHARS`].
fn post_from(site: String, post: &Bound<'_, PyAny>, platform: &str) -> Result<Post> {
    let position = site
        .rsplit('[')
        .next()
        .unwrap_or("")
        .trim_end_matches(']')
        .to_owned();
    let fields = Fields::of(site, post, "Post")?;
    let id = match fields.opt_text_within("id", MAX_FIELD_CHARS) {
        Ok(Some(id)) => id,
        Ok(None) => position,
        Err(_) => fields.text_within("id", MAX_FIELD_CHARS)?,
    };
    let mut post = Post::new(
        platform,
        id,
        fields.text_within("text", MAX_TEXT_CHARS)?,
        fields
            .opt_text_within("url", MAX_TEXT_CHARS)?
            .unwrap_or_default(),
        fields.time("created_at")?,
    );
    post.author = fields.opt_text("author")?;
    post.engagement = match fields.opt_number("engagement")? {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(n as i64),
        Some(_) => return Err(fields.bad_field("engagement", "a whole number")),
        None => None,
    };
    post.label = match fields.opt_text("label")? {
        Some(label) => Some(
            AuthorLabel::parse(&label)
                .ok_or_else(|| fields.bad_field("label", "\"bullish\" or \"bearish\""))?,
        ),
        None => None,
    };
    Ok(post)
}
