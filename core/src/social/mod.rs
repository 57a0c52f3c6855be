//! Social media: the [`MentionSource`] trait (posts that mention a symbol)
//! and its sources, chosen by URL through [`SourceUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic posts.

mod sample;

use std::sync::Arc;

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use crate::config::{nothing_after, split_scheme, unknown_scheme};
use crate::error::{Error, Result};
use crate::model::{Post, Symbol};

pub use sample::Sample;

/// A source of posts that mention a symbol.
#[async_trait]
pub trait MentionSource: Send + Sync {
    /// The platform name stamped on its posts, e.g. `"reddit"`.
    fn platform(&self) -> &str;

    /// Up to `limit` posts mentioning `symbol` made at or after `since`,
    /// newest first. The sentiment service passes the start of the window
    /// it analyses ([`MENTION_WINDOW_DAYS`](crate::service::MENTION_WINDOW_DAYS)
    /// days back); posts older than `since` should not be returned.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>>;
}

const ACCEPTED: &str = "sample://";

/// A parsed social-source URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceUrl {
    /// `sample://`: the built-in synthetic posts.
    Sample,
}

impl SourceUrl {
    /// Parses one source URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, rest) = split_scheme(url, "social", ACCEPTED)?;
        match scheme {
            "sample" => nothing_after("social source", scheme, rest).map(|()| SourceUrl::Sample),
            other => Err(unknown_scheme("social", other, ACCEPTED)),
        }
    }

    /// Parses a comma-separated list of source URLs, which may be empty
    /// (when the sources are given as objects instead). No I/O.
    pub fn parse_many(urls: &str) -> Result<Vec<Self>> {
        urls.split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(Self::parse)
            .collect()
    }

    /// Parses a comma-separated list of source URLs; at least one is needed.
    pub fn parse_list(urls: &str) -> Result<Vec<Self>> {
        let list = Self::parse_many(urls)?;
        if list.is_empty() {
            return Err(Error::invalid_input(
                "no social source given; use sample:// for offline posts",
            ));
        }
        Ok(list)
    }

    /// Builds the source.
    pub fn connect(&self) -> Result<Arc<dyn MentionSource>> {
        match self {
            SourceUrl::Sample => Ok(Arc::new(Sample::new())),
        }
    }
}
