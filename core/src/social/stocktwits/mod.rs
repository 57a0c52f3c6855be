//! `stocktwits://`: StockTwits' public symbol stream
//! (`GET /api/2/streams/symbol/{SYMBOL}.json`), with each author's own
//! Bullish/Bearish label kept on the post ([`Post::label`]). No
//! credentials needed.
//!
//! - **Paging.** The stream answers 30 messages a call, newest first, and
//!   `cursor: {more, max}`; the next page is asked with `max=` the
//!   `cursor.max` of the last. Paging stops at the limit, at
//!   `max_pages` (default 10), when `cursor.more` is false, when a page
//!   reaches back past `since`, or when a page brings no message not seen
//!   already (whether `max` is inclusive or not, no message is taken twice).
//! - **Rate limits.** Every answer's `X-RateLimit-Remaining` and
//!   `X-RateLimit-Reset` (epoch seconds) feed one [`Pacer`]: a spent budget
//!   whose reset is within the policy's `max_retry_after` is waited for,
//!   a farther one fails at once with `RateLimited` carrying the wait. A
//!   429 is `RateLimited` until the reset (or `Retry-After`), retried by
//!   the upstream when that is near.
//! - **Failures after the first page** end the paging and keep what the
//!   earlier pages gave (logged as a warning): one slow or refused page
//!   does not throw away thirty good posts. A failing first page is the
//!   call's error.
//! - **An unknown symbol** is answered by StockTwits with a 404 carrying
//!   its JSON error object: that is an empty list (a symbol StockTwits does
//!   not list has no posts there), not an error. A 404 without that object
//!   (a base URL that is no StockTwits) is `Upstream`.
//!
//! Posts: id = the message id, text = its body (at most 40 kB), author =
//! `user.username`, engagement = `likes.total`, label =
//! `entities.sentiment.basic`, url `https://stocktwits.com/{user}/message/{id}`.

mod parse;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::pacing::Pacer;
use super::page::{Gathered, LaterPageFailure};
use super::web;
use super::{MentionSource, SocialCredentials};
use crate::error::Result;
use crate::model::{Post, Symbol};
use crate::resilience::http::{Answer, HttpUpstream};
use crate::resilience::ResiliencePolicy;
use crate::url::{BackendUrl, RedactedUrl};

use parse::Page;

/// The platform name on StockTwits posts.
pub const PLATFORM: &str = "stocktwits";
const PUBLIC_API: &str = "https://api.stocktwits.com";
/// Messages per page, as StockTwits answers them.
const PAGE_SIZE: usize = 30;
/// StockTwits serves at most about 800 messages through its cursor.
const MAX_PAGES: usize = 27;
const DEFAULT_PAGES: usize = 10;
/// StockTwits pages are some 30 kB; no sane one is near this.
const DEFAULT_MAX_BODY: usize = 4 << 20;

/// What a `stocktwits://` URL says: `stocktwits://` (StockTwits' public
/// API) or `stocktwits+http://HOST:PORT` (the same API at another base:
/// replay servers, tests).
///
/// | option | default | meaning |
/// |---|---|---|
/// | `max_pages` | 10 | most pages (of 30 messages) asked per call, 1 to 27 |
/// | `max_body` | 4 MiB | largest answer read, in bytes |
///
/// Any other option is `InvalidInput`. Its `Debug` form hides a password
/// in the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct StockTwitsOptions {
    /// `stocktwits+http://HOST:PORT`: the API at this base.
    pub base: Option<String>,
    /// `?max_pages=N`: most pages asked per call.
    pub max_pages: usize,
    /// `?max_body=BYTES`: the largest answer read.
    pub max_body_bytes: usize,
}

impl StockTwitsOptions {
    /// Every option a StockTwits URL takes.
    pub const KNOWN: [&'static str; 2] = ["max_pages", "max_body"];

    /// Reads the URL. No I/O; `InvalidInput` for a host after
    /// `stocktwits://`, an unknown option or a bad value.
    pub(in crate::social) fn from_url(url: &BackendUrl) -> Result<Self> {
        let base = web::base_of(url)?;
        let mut options = url.options();
        let max_pages = options
            .take_parsed("max_pages", "a whole number from 1 to 27", |n: &usize| {
                (1..=MAX_PAGES).contains(n)
            })?
            .unwrap_or(DEFAULT_PAGES);
        let max_body_bytes = web::take_max_body(&mut options)?.unwrap_or(DEFAULT_MAX_BODY);
        options.finish(&Self::KNOWN)?;
        Ok(StockTwitsOptions {
            base,
            max_pages,
            max_body_bytes,
        })
    }
}

impl std::fmt::Debug for StockTwitsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StockTwitsOptions")
            .field("base", &self.base.as_deref().map(RedactedUrl))
            .field("max_pages", &self.max_pages)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// Builds the source (no credentials needed). No I/O.
pub(in crate::social) fn connect(
    options: &StockTwitsOptions,
    _credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    Ok(Arc::new(StockTwits::new(options, policy)?))
}

/// The StockTwits source: one upstream and one pacer shared by every call.
struct StockTwits {
    http: HttpUpstream,
    pacer: Pacer,
    max_pages: usize,
}

impl StockTwits {
    fn new(options: &StockTwitsOptions, policy: ResiliencePolicy) -> Result<Self> {
        let http = web::upstream(
            "StockTwits",
            options.base.as_deref(),
            PUBLIC_API,
            policy,
            Some(options.max_body_bytes),
            web::USER_AGENT,
        )?;
        Ok(StockTwits {
            http,
            pacer: Pacer::new("StockTwits", policy.max_retry_after),
            max_pages: options.max_pages,
        })
    }

    /// One page of the stream, older than `max` when given: waits its turn
    /// with the pacer, then one request (and the upstream's retries).
    async fn page(&self, symbol: &Symbol, max: Option<u64>) -> Result<Page> {
        self.pacer.wait_turn().await?;
        let file = format!("{}.json", symbol.as_str());
        let url = self
            .http
            .url(&["api", "2", "streams", "symbol", &file], &[])?;
        let max = max.map(|m| m.to_string());
        let query: Vec<(&str, &str)> = max.iter().map(|m| ("max", m.as_str())).collect();
        self.http
            .get(url, "stream")
            .query(&query)
            .send_with(|answer| self.classify(answer))
            .await
    }

    /// Reads one answer: its rate-limit headers first (whatever the
    /// status), then a 429 as `RateLimited` until the reset, a 404 with
    /// StockTwits' error object as "no such symbol", any other failure
    /// by its status, and a 2xx as a page.
    fn classify(&self, answer: Answer) -> Result<Page> {
        let reset = web::reset_from_epoch(answer.header("x-ratelimit-reset"));
        if answer.status() == 429 {
            return Err(self.pacer.refused(reset.or_else(|| answer.retry_after())));
        }
        self.pacer
            .observe(web::count(answer.header("x-ratelimit-remaining")), reset);
        if answer.status() == 404 && parse::is_stocktwits_error(answer.body()) {
            return Ok(Page::default());
        }
        let answer = answer.into_success()?;
        parse::page(answer.body())
    }
}

#[async_trait]
impl MentionSource for StockTwits {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// Up to `limit` messages from `since` on: `ceil(limit / 30)` requests
    /// at most (and at most `max_pages`), each paced.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let pages = limit.div_ceil(PAGE_SIZE).min(self.max_pages);
        let mut gathered = Gathered::new(PLATFORM, symbol, since);
        let mut max: Option<u64> = None;
        for number in 0..pages {
            let page = match self.page(symbol, max).await {
                Ok(page) => page,
                Err(err) => {
                    gathered.page_failed(err, number, LaterPageFailure::Any)?;
                    break;
                }
            };
            let take = gathered.add_page(page.posts, page.skipped);
            let next = page.cursor_max.filter(|m| max.is_none_or(|old| *m < old));
            let done =
                !page.more || take.fresh == 0 || take.reached_since || gathered.len() >= limit;
            match next {
                Some(next) if !done => max = Some(next),
                _ => break,
            }
        }
        Ok(gathered.finish(limit, "messages"))
    }
}

#[cfg(test)]
mod tests;
