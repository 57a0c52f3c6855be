//! Posts outside an analysis: those the configured sources give, for
//! callers that want the posts themselves, and the defaults of posts that
//! callers bring to be scored ([`SentimentService::score_posts`]).

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::{days_back, SentimentService};
use crate::error::{Error, Result};
use crate::model::limits::MAX_ANSWER_POSTS;
use crate::model::{Post, Symbol};

impl SentimentService {
    /// The platform of a post a caller brings to
    /// [`score_posts`](Self::score_posts) without naming one (the bindings
    /// and the HTTP API fill it in). Such a post's id defaults to its
    /// position (`"0"`, `"1"`, ...), its URL to `""` and its time to now.
    pub const CALLER_PLATFORM: &'static str = "user";

    /// Whether `platform` is empty or only white space: no name a caller's
    /// post may carry ([`score_posts`](Self::score_posts) refuses it, and
    /// the bindings name the field holding it). O(length).
    pub fn is_blank_platform(platform: &str) -> bool {
        platform.trim().is_empty()
    }

    /// The post at `index` of those a caller brings, before the caller's
    /// own fields are filled in: `text` under [`CALLER_PLATFORM`](Self::CALLER_PLATFORM),
    /// its position as its id, no URL, made at `now` (one `now` for the
    /// whole call, so its posts share it). The bindings and the HTTP API
    /// start every such post from here. O(text), no I/O.
    pub fn caller_post(index: usize, text: impl Into<String>, now: DateTime<Utc>) -> Post {
        Post::new(Self::CALLER_PLATFORM, index.to_string(), text, "", now)
    }

    /// Up to `limit` (1 to [`MAX_ANSWER_POSTS`]) posts from each configured
    /// source mentioning `symbol`, made in the last `days` days (1 to
    /// [`MAX_SENTIMENT_DAYS`](super::MAX_SENTIMENT_DAYS)): every source
    /// asked at once, one request (or one page run) each, nothing scored,
    /// stored or cached. Newest first, each (platform, id) once. A source
    /// whose credentials are not configured is not asked; one that fails is
    /// logged and left out. When no source answers, the first failure is
    /// returned (`Unauthorized` naming what is missing when none is
    /// configured at all). O(posts).
    pub async fn mentions(&self, symbol: &Symbol, days: u32, limit: usize) -> Result<Vec<Post>> {
        let since = days_back(days)?;
        if !(1..=MAX_ANSWER_POSTS).contains(&limit) {
            return Err(Error::invalid_input(format!(
                "limit must be 1 to {MAX_ANSWER_POSTS}, not {limit}"
            )));
        }
        let asked: Vec<_> = self
            .sources
            .iter()
            .filter(|s| s.not_configured().is_none())
            .collect();
        if asked.is_empty() {
            let missing: Vec<String> = self
                .sources
                .iter()
                .filter_map(|s| {
                    s.not_configured()
                        .map(|why| format!("{}: {}", s.platform(), crate::error::echo(why)))
                })
                .collect();
            return Err(if missing.is_empty() {
                Error::unavailable("no social source is configured")
            } else {
                Error::new(
                    crate::ErrorKind::Unauthorized,
                    format!("no social source is configured ({})", missing.join("; ")),
                )
            });
        }
        let answers =
            futures::future::join_all(asked.iter().map(|s| s.mentions(symbol, since, limit))).await;
        let mut posts = Vec::new();
        let mut first_error = None;
        let mut answered = false;
        for (source, answer) in asked.iter().zip(answers) {
            match answer {
                Ok(found) => {
                    answered = true;
                    posts.extend(found);
                }
                Err(err) => {
                    tracing::warn!(%symbol, platform = source.platform(), kind = %err.kind(), "social source failed: {}", err.message());
                    first_error.get_or_insert(err);
                }
            }
        }
        if !answered {
            return Err(
                first_error.unwrap_or_else(|| Error::unavailable("no social source answered"))
            );
        }
        let mut seen = HashSet::new();
        posts.retain(|p| seen.insert((p.platform.clone(), p.id.clone())));
        posts.retain(|p| p.created_at >= since);
        posts.sort_by_key(|p| std::cmp::Reverse(p.created_at));
        Ok(posts)
    }
}
