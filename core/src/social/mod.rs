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
use crate::url::BackendUrl;

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

/// What a social knob accepts, for messages.
const ACCEPTED: &str = "sample://";

/// A parsed social-source URL (`sample://`). Parsing does no I/O.
/// `Display` and `Debug` show the URL without its password;
/// [`SourceUrl::as_str`] gives it as written.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceUrl {
    url: BackendUrl,
    backend: SourceBackend,
}

/// The source a [`SourceUrl`] names, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceBackend {
    /// `sample://`: the built-in synthetic posts, [`Sample`]. Takes no options.
    Sample,
}

impl SourceUrl {
    /// Parses one source URL without any I/O.
    pub fn parse(text: &str) -> Result<Self> {
        let url = BackendUrl::parse(text, "social", ACCEPTED)?;
        let backend = match url.scheme() {
            "sample" if url.base().is_none() => {
                url.expect_nothing_after("social source")?;
                SourceBackend::Sample
            }
            _ => return Err(url.unknown_scheme("social", ACCEPTED)),
        };
        Ok(SourceUrl { url, backend })
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

    /// The URL as written (trimmed); it may hold a password.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The source and its options.
    pub fn backend(&self) -> &SourceBackend {
        &self.backend
    }

    /// Builds the source.
    pub fn connect(&self) -> Result<Arc<dyn MentionSource>> {
        match self.backend {
            SourceBackend::Sample => Ok(Arc::new(Sample::new())),
        }
    }
}

impl std::str::FromStr for SourceUrl {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

impl std::fmt::Display for SourceUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.url, f)
    }
}

impl std::fmt::Debug for SourceUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceUrl")
            .field("url", &crate::url::RedactedUrl(self.url.as_str()))
            .field("backend", &self.backend)
            .finish()
    }
}
