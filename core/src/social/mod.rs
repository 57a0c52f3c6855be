//! Social media: the [`MentionSource`] trait (posts that mention a symbol)
//! and its sources, chosen by URL through [`SourceUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic posts.

mod sample;

use std::sync::Arc;

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{Post, Symbol};
use crate::url::{BackendKind, BackendUrl, Parsed};

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

/// A parsed social-source URL (`sample://`). Parsing does no I/O.
/// `Display` and `Debug` show the URL without its password;
/// [`Parsed::as_str`] gives it as written.
pub type SourceUrl = Parsed<SourceBackend>;

/// The source a [`SourceUrl`] names, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceBackend {
    /// `sample://`: the built-in synthetic posts, [`Sample`]. Takes no options.
    Sample,
}

impl BackendKind for SourceBackend {
    const TYPE_NAME: &'static str = "SourceUrl";
    const ROLE: &'static str = "social";
    const ACCEPTED: &'static str = "sample://";

    fn from_url(url: &BackendUrl) -> Result<Self> {
        match url.scheme() {
            "sample" if url.base().is_none() => {
                url.expect_nothing_after("social source")?;
                Ok(SourceBackend::Sample)
            }
            _ => Err(url.unknown_scheme("social", Self::ACCEPTED)),
        }
    }
}

impl SourceUrl {
    /// Parses a comma-separated list of source URLs, which may be empty
    /// (when the sources are given as objects instead). No I/O; one parse
    /// per URL.
    pub fn parse_many(urls: &str) -> Result<Vec<Self>> {
        urls.split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(Self::parse)
            .collect()
    }

    /// Parses a comma-separated list of source URLs; at least one is
    /// needed. No I/O; one parse per URL.
    pub fn parse_list(urls: &str) -> Result<Vec<Self>> {
        let list = Self::parse_many(urls)?;
        if list.is_empty() {
            return Err(Error::invalid_input(
                "no social source given; use sample:// for offline posts",
            ));
        }
        Ok(list)
    }

    /// Builds the source. No I/O.
    pub fn connect(&self) -> Result<Arc<dyn MentionSource>> {
        match self.backend() {
            SourceBackend::Sample => Ok(Arc::new(Sample::new())),
        }
    }
}

/// `posts` as [`MentionSource::mentions`] promises them: none before
/// `since`, newest first, at most `limit`. For adapters over sources the
/// library does not own (the bindings' Python and JS sources, the client's
/// guard around a Rust one), so each keeps the promise the same way. One
/// sort of what is kept.
pub fn keep_mention_promise(posts: &mut Vec<Post>, since: DateTime<Utc>, limit: usize) {
    posts.retain(|p| p.created_at >= since);
    posts.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    posts.truncate(limit);
}
