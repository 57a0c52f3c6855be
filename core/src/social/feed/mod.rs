//! `feed+https://HOST/PATH?s={symbol}`: any RSS 2.0 or Atom feed whose URL
//! takes the symbol (Yahoo Finance's headline feed, a news site's ticker
//! feed), read with feed-rs.
//!
//! - **The URL.** What follows `feed+` is the feed's URL, with `{symbol}`
//!   wherever the symbol goes (path or query), replaced by the symbol
//!   percent-encoded (`^GSPC` as `%5EGSPC`). The URL must hold `{symbol}`:
//!   a feed about no symbol in particular would give every symbol the same
//!   posts. Query parameters are the feed's own and are sent as written,
//!   except those starting with `feed_`, which are this source's options
//!   (an unknown `feed_` one is `InvalidInput`):
//!
//!   | option | default | meaning |
//!   |---|---|---|
//!   | `feed_platform` | `news` | the platform name stamped on the posts (letters, digits, `-`, `_`, `.`; at most 32) |
//!   | `feed_max_body` | 4 MiB | largest answer read, in bytes |
//!
//! - **The posts**: one per entry, as [`parse`] describes (text = title
//!   and summary as plain text, the link, published time, guid or link as
//!   id). Entries that do not name the symbol are kept: a symbol's feed is
//!   about the symbol. An entry without a date or a web link is skipped and
//!   counted; a body that is no feed (bad XML, HTML) is `Upstream`. At most
//!   [`MAX_ENTRIES`](parse::MAX_ENTRIES) entries are read.
//! - **The platform** is `news` by default rather than the feed's host, so
//!   a post keeps its platform when the feed moves or is replayed locally;
//!   two feeds in one configuration should be told apart with
//!   `feed_platform=`.
//! - **One request a call**, paced: a 429 blocks the feed until its
//!   `Retry-After` (a minute without one), waited for when near. The XML is
//!   parsed on the blocking pool (`spawn_blocking`), not on an async worker.

mod html;
mod parse;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::pacing::Pacer;
use super::web;
use super::{keep_mention_promise, off_workers, MentionSource, SocialCredentials};
use crate::error::{echo, Error, Result};
use crate::model::{Post, Symbol};
use crate::resilience::http::{Answer, HttpUpstream, Url};
use crate::resilience::ResiliencePolicy;
use crate::url::{redact_url, BackendUrl, RedactedUrl};

/// Where the symbol goes in a feed URL.
pub const SYMBOL_SLOT: &str = "{symbol}";
/// The platform name on feed posts unless `feed_platform=` says otherwise.
pub const DEFAULT_PLATFORM: &str = "news";
const DEFAULT_MAX_BODY: usize = 4 << 20;
const MAX_PLATFORM_LEN: usize = 32;
const ACCEPT: &str =
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";

/// What a `feed+https://...` URL says.
#[derive(Clone, PartialEq, Eq)]
pub struct FeedOptions {
    /// The feed's URL as written after `feed+`, with `{symbol}` where the
    /// symbol goes (`https://host/rss?s={symbol}`), without this source's
    /// `feed_` options.
    pub template: String,
    /// `?feed_platform=NAME`: the platform name of the posts.
    pub platform: String,
    /// `?feed_max_body=BYTES`: the largest answer read.
    pub max_body_bytes: usize,
}

impl FeedOptions {
    /// Every option of this source (the rest of the query is the feed's).
    pub const KNOWN: [&'static str; 2] = ["feed_platform", "feed_max_body"];

    /// Reads the URL. No I/O; `InvalidInput` without a `+http(s)` feed
    /// URL, without `{symbol}` in it, for an unknown `feed_` option or a
    /// bad value.
    pub(in crate::social) fn from_url(url: &BackendUrl) -> Result<Self> {
        let Some(base) = url.base() else {
            return Err(Error::invalid_input(
                "a feed source is written feed+https://HOST/PATH?s={symbol}",
            ));
        };
        let scheme = base.split("://").next().unwrap_or("https");
        let mut options = url.options();
        let platform = match options.take("feed_platform")? {
            Some(name) => platform_name(&name)?,
            None => DEFAULT_PLATFORM.to_owned(),
        };
        let max_body_bytes = options
            .take_parsed("feed_max_body", "a number of bytes above 0", |n: &usize| {
                *n > 0
            })?
            .unwrap_or(DEFAULT_MAX_BODY);
        options.take_passed_on(|key| !key.starts_with("feed_"));
        options.finish(&Self::KNOWN)?;
        let feed_query: Vec<&str> = url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_ours(pair))
            .collect();
        let mut template = format!("{scheme}://{}", url.location());
        if !feed_query.is_empty() {
            template.push('?');
            template.push_str(&feed_query.join("&"));
        }
        if !template.contains(SYMBOL_SLOT) {
            return Err(Error::invalid_input(format!(
                "the feed URL {} has no {SYMBOL_SLOT} where the symbol goes",
                echo(&redact_url(&template))
            )));
        }
        feed_url(&template, "AAPL")?;
        Ok(FeedOptions {
            template,
            platform,
            max_body_bytes,
        })
    }
}

impl std::fmt::Debug for FeedOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedOptions")
            .field("template", &RedactedUrl(&self.template))
            .field("platform", &self.platform)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// Whether the raw query pair `pair` is one of this source's options.
fn is_ours(pair: &str) -> bool {
    url::form_urlencoded::parse(pair.as_bytes())
        .next()
        .is_some_and(|(key, _)| key.starts_with("feed_"))
}

/// A platform name as `feed_platform=` may give it.
fn platform_name(name: &str) -> Result<String> {
    let name = name.trim();
    let fits = !name.is_empty() && name.len() <= MAX_PLATFORM_LEN;
    if fits
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Ok(name.to_owned());
    }
    Err(Error::invalid_input(format!(
        "feed_platform must be 1 to {MAX_PLATFORM_LEN} letters, digits, '-', '_' or '.', not {}",
        echo(name)
    )))
}

/// The feed's URL for `symbol`: `template` with every `{symbol}`
/// replaced by the symbol, percent-encoded. `InvalidInput` when that is
/// no `http(s)` URL with a host (shown redacted).
fn feed_url(template: &str, symbol: &str) -> Result<Url> {
    let encoded: String = url::form_urlencoded::byte_serialize(symbol.as_bytes()).collect();
    let text = template.replace(SYMBOL_SLOT, &encoded);
    match Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(url),
        _ => Err(Error::invalid_input(format!(
            "invalid feed URL {}",
            echo(&redact_url(template))
        ))),
    }
}

/// Builds the source (no credentials needed). No I/O.
pub(in crate::social) fn connect(
    options: &FeedOptions,
    _credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let sample = feed_url(&options.template, "AAPL")?;
    let origin = sample.origin().ascii_serialization();
    let http = web::upstream(
        "News",
        Some(&origin),
        &origin,
        policy,
        Some(options.max_body_bytes),
        web::USER_AGENT,
    )?;
    Ok(Arc::new(Feed {
        http,
        template: options.template.clone(),
        platform: options.platform.clone(),
        pacer: Pacer::new("News feed", policy.max_retry_after),
    }))
}

/// One feed source: its URL template, platform name, upstream and pacer.
struct Feed {
    http: HttpUpstream,
    template: String,
    platform: String,
    pacer: Pacer,
}

impl Feed {
    /// The 2xx body, or the error of the answer's kind; a 429 blocks the
    /// feed until its `Retry-After`.
    fn classify(&self, answer: Answer) -> Result<Vec<u8>> {
        self.pacer
            .observe_unpaced(answer)?
            .into_success()
            .map(Answer::into_body)
    }
}

#[async_trait]
impl MentionSource for Feed {
    fn platform(&self) -> &str {
        &self.platform
    }

    /// One request (and the upstream's retries), then the parse on the
    /// blocking pool: O(size of the feed).
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let url = feed_url(&self.template, symbol.as_str())?;
        let mut link_base = url.clone();
        link_base.set_query(None);
        self.pacer.wait_turn().await?;
        let body = self
            .http
            .get(url, "feed")
            .header("accept", ACCEPT)
            .send_with(|answer| self.classify(answer))
            .await?;
        let platform = self.platform.clone();
        let parsed = off_workers("the feed parser", move || {
            parse::entries(&body, link_base.as_str(), &platform)
        })
        .await?;
        parsed.skipped.report(&self.platform, "feed entries");
        let mut posts = parsed.posts;
        keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

#[cfg(test)]
mod tests;
