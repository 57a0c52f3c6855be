//! Social media and news: the [`MentionSource`] trait (posts that mention
//! a symbol) and its sources, chosen by URL through [`SourceUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic posts.
//! - `reddit://` (`?subreddits=a,b`) — Reddit's search for `$SYMBOL`,
//!   newest first, as an app (OAuth client credentials `REDDIT_CLIENT_ID`
//!   and `REDDIT_CLIENT_SECRET`; the `User-Agent` `REDDIT_USER_AGENT`, else
//!   `tickersense/VERSION (sentiment research)`); up to 1000 posts a call.
//! - `x://` — X API v2 recent search for `$SYMBOL -is:retweet` over the
//!   last seven days, with the app bearer token `X_BEARER_TOKEN`; up to
//!   1000 posts a call; after X's monthly usage cap it is not asked again
//!   for an hour.
//! - `stocktwits://` — StockTwits' symbol stream, with authors' labels.
//! - `feed+https://HOST/PATH?s={symbol}` — any RSS 2.0 or Atom feed.
//! - `yahoo-news://` — the `news[]` of Yahoo's search answer.
//! - `file://posts.jsonl` — one post a line.
//!
//! Every HTTP source takes `+http://HOST:PORT` instead of its usual hosts
//! (replay servers, tests), goes through one
//! [`HttpUpstream`](crate::resilience::http::HttpUpstream) (timeout,
//! retries, breaker, body cap) and paces itself by its platform's
//! rate-limit headers. Credentials come from [`SocialCredentials`] only; a
//! source without them is built as [`NotConfigured`], which the sentiment
//! service reports and never asks.
//!
//! What a source keeps of an answer or a file is bounded, the same for
//! every source: a post's text up to 40 KiB (cut at a character
//! boundary), its id up to 128 bytes (a post with a longer one is left
//! out, never given a cut id; a feed entry's, often a long link, is
//! replaced by a digest), its author's name up to 128 bytes (a longer one
//! is dropped), its link up to 2 KiB, a paging cursor up to 256 bytes, and
//! one page more than the limit asked needs. An item of a page that is
//! not a usable post is left out and counted in one log line; an answer
//! that is not of the expected shape is `Upstream`, quoting only a
//! truncated excerpt.

mod bounds;
mod credentials;
#[cfg(feature = "yahoo")]
mod feed;
mod file;
#[cfg(feature = "yahoo")]
mod pacing;
#[cfg(feature = "yahoo")]
mod page;
#[cfg(feature = "yahoo")]
mod reddit;
mod sample;
#[cfg(feature = "yahoo")]
mod stocktwits;
#[cfg(feature = "yahoo")]
mod web;
#[cfg(feature = "yahoo")]
mod x;
#[cfg(feature = "yahoo")]
mod yahoo_news;

use std::sync::Arc;

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{Post, Symbol};
use crate::url::{BackendKind, BackendUrl, Parsed};

pub use credentials::{SocialCredentials, CREDENTIAL_VARS};
#[cfg(feature = "yahoo")]
pub use feed::FeedOptions;
pub use file::FileOptions;
#[cfg(feature = "yahoo")]
pub use reddit::RedditOptions;
pub use sample::Sample;
#[cfg(feature = "yahoo")]
pub use stocktwits::StockTwitsOptions;
#[cfg(feature = "yahoo")]
pub use x::XOptions;
#[cfg(feature = "yahoo")]
pub use yahoo_news::YahooNewsOptions;

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

    /// Why the source cannot be asked (its credentials are not
    /// configured), or `None` when it can. The sentiment service reports
    /// such a source `not_configured` and never calls [`mentions`](Self::mentions).
    fn not_configured(&self) -> Option<&str> {
        None
    }
}

/// A source whose credentials are missing: reported `not_configured` by
/// every analysis; asked anyway, it answers `Unauthorized` with the reason.
#[derive(Debug, Clone)]
pub struct NotConfigured {
    platform: String,
    reason: String,
}

impl NotConfigured {
    /// The source of `platform`, missing what `reason` says (e.g.
    /// "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET are not set").
    pub fn new(platform: impl Into<String>, reason: impl Into<String>) -> Self {
        NotConfigured {
            platform: platform.into(),
            reason: reason.into(),
        }
    }
}

#[async_trait]
impl MentionSource for NotConfigured {
    fn platform(&self) -> &str {
        &self.platform
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        _since: DateTime<Utc>,
        _limit: usize,
    ) -> Result<Vec<Post>> {
        Err(Error::new(
            crate::ErrorKind::Unauthorized,
            format!("{} is not configured: {}", self.platform, self.reason),
        ))
    }

    fn not_configured(&self) -> Option<&str> {
        Some(&self.reason)
    }
}

/// A parsed social-source URL (`sample://`, `reddit://`, ...). Parsing does no I/O.
/// `Display` and `Debug` show the URL without its password;
/// [`Parsed::as_str`] gives it as written.
pub type SourceUrl = Parsed<SourceBackend>;

/// The source a [`SourceUrl`] names, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceBackend {
    /// `sample://`: the built-in synthetic posts, [`Sample`]. Takes no options.
    Sample,
    /// `reddit://`, `reddit+http://HOST:PORT`.
    #[cfg(feature = "yahoo")]
    Reddit(RedditOptions),
    /// `x://`, `x+http://HOST:PORT`.
    #[cfg(feature = "yahoo")]
    X(XOptions),
    /// `stocktwits://`, `stocktwits+http://HOST:PORT`.
    #[cfg(feature = "yahoo")]
    StockTwits(StockTwitsOptions),
    /// `feed+https://HOST/PATH?s={symbol}`, `feed+http://...`.
    #[cfg(feature = "yahoo")]
    Feed(FeedOptions),
    /// `yahoo-news://`, `yahoo-news+http://HOST:PORT`.
    #[cfg(feature = "yahoo")]
    YahooNews(YahooNewsOptions),
    /// `file://PATH` (JSON Lines).
    File(FileOptions),
}

impl BackendKind for SourceBackend {
    const TYPE_NAME: &'static str = "SourceUrl";
    const ROLE: &'static str = "social";
    const ACCEPTED: &'static str = "sample://, reddit://, x://, stocktwits://, \
        feed+https://HOST/PATH?s={symbol}, yahoo-news://, file://PATH";

    fn from_url(url: &BackendUrl) -> Result<Self> {
        match url.scheme() {
            "sample" if url.base().is_none() => {
                url.expect_nothing_after("social source")?;
                Ok(SourceBackend::Sample)
            }
            #[cfg(feature = "yahoo")]
            "reddit" => Ok(SourceBackend::Reddit(RedditOptions::from_url(url)?)),
            #[cfg(feature = "yahoo")]
            "x" => Ok(SourceBackend::X(XOptions::from_url(url)?)),
            #[cfg(feature = "yahoo")]
            "stocktwits" => Ok(SourceBackend::StockTwits(StockTwitsOptions::from_url(url)?)),
            #[cfg(feature = "yahoo")]
            "feed" => Ok(SourceBackend::Feed(FeedOptions::from_url(url)?)),
            #[cfg(feature = "yahoo")]
            "yahoo-news" => Ok(SourceBackend::YahooNews(YahooNewsOptions::from_url(url)?)),
            #[cfg(not(feature = "yahoo"))]
            "reddit" | "x" | "stocktwits" | "feed" | "yahoo-news" => {
                Err(url.compiled_out("social source", "yahoo"))
            }
            "file" if url.base().is_none() => Ok(SourceBackend::File(FileOptions::from_url(url)?)),
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

    /// Builds the source with `credentials` (a platform's own, when it
    /// needs any: without them the source is [`NotConfigured`]); HTTP
    /// sources follow `policy`. No I/O.
    pub fn connect(
        &self,
        credentials: &SocialCredentials,
        policy: crate::resilience::ResiliencePolicy,
    ) -> Result<Arc<dyn MentionSource>> {
        let _ = (credentials, &policy);
        match self.backend() {
            SourceBackend::Sample => Ok(Arc::new(Sample::new())),
            #[cfg(feature = "yahoo")]
            SourceBackend::Reddit(options) => reddit::connect(options, credentials, policy),
            #[cfg(feature = "yahoo")]
            SourceBackend::X(options) => x::connect(options, credentials, policy),
            #[cfg(feature = "yahoo")]
            SourceBackend::StockTwits(options) => stocktwits::connect(options, credentials, policy),
            #[cfg(feature = "yahoo")]
            SourceBackend::Feed(options) => feed::connect(options, credentials, policy),
            #[cfg(feature = "yahoo")]
            SourceBackend::YahooNews(options) => yahoo_news::connect(options, credentials, policy),
            SourceBackend::File(options) => file::connect(options, credentials, policy),
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

/// `work` run on tokio's blocking pool (file reads, CPU-bound parsing),
/// off the async workers; its panic becomes an `Internal` error, and
/// `what` ("the feed parser") names it if the runtime drops it unfinished.
/// Costs a thread hand-off.
pub(crate) async fn off_workers<T, F>(what: &'static str, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| match e.try_into_panic() {
            Ok(panic) => Error::from_panic(panic.as_ref()),
            Err(_) => Error::internal(format!("{what} was cancelled")),
        })?
}
