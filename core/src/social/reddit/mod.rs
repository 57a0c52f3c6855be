//! `reddit://`: Reddit's search, as an app without a user (OAuth client
//! credentials), or the same protocol at another base URL
//! (`reddit+http://127.0.0.1:PORT`) for replay servers and tests.
//!
//! - **Token**: `POST {www.reddit.com}/api/v1/access_token` with the app's
//!   id and secret as HTTP basic credentials and
//!   `grant_type=client_credentials`. The token is kept and fetched again
//!   a minute (or a tenth of its lifetime) before its `expires_in` runs
//!   out, and once more when the API answers 401 to it; a second 401 is
//!   `Unauthorized`.
//! - **Search**: `GET {oauth.reddit.com}/search.json`, or
//!   `/r/{a+b}/search.json` with `restrict_sr=on` when the URL names
//!   subreddits, with `q=$SYMBOL` (the query the seed gave praw's
//!   `reddit.search`), `sort=new`, `type=link` (posts, not subreddits or
//!   users), `raw_json=1` (text as written, not HTML-escaped), `limit` (at
//!   most 100 a page) and `after` (the listing's cursor) until the limit,
//!   the end of the listing, or a post older than `since`. Reddit's search
//!   pages may be shorter than `limit` and still go on: only a missing
//!   `after` ends the listing.
//! - **Posts**: id; text exactly `"{title} {selftext}"` as the seed built
//!   it, except that a self text of `""`, `"[removed]"` or `"[deleted]"`
//!   leaves the title alone; url `https://reddit.com{permalink}` (the
//!   seed's form); `created_at` from the float `created_utc`; author (none
//!   for `"[deleted]"`); engagement the post's score.
//! - **Rate limits**: every answer's `X-Ratelimit-Remaining` (a float,
//!   `"598.0"`) and `X-Ratelimit-Reset` (seconds) pace the next request
//!   ([`Pacer`]): a spent budget is waited for when it resets within the
//!   policy's `max_retry_after`, else the request fails `RateLimited` with
//!   the wait as its retry-after. A 429 is the same, its reset taken from
//!   `X-Ratelimit-Reset` or `Retry-After`. A page after the first that is
//!   refused so ends the paging with the posts already read (logged).
//!   `X-Ratelimit-Used` is not needed for that and is not read.
//! - **Bounds**: at most [`MAX_POSTS`] posts a call (where Reddit's
//!   listings end anyway) and one page more than the limit needs; texts,
//!   ids and names bounded as [`crate::social`] bounds them; a listing child
//!   that is not a usable post is skipped and counted in one log line; a
//!   body that is no listing is `Upstream` with an excerpt.
//!
//! Every request goes through an [`HttpUpstream`] (timeout, retries,
//! breaker, body cap); the token endpoint has its own. The app secret and
//! the token travel only in (sensitive) `Authorization` headers: no
//! message, log line or `Debug` output shows either.

mod listing;
mod options;
mod token;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::pacing::Pacer;
use super::page::{page_cap, Gathered, LaterPageFailure};
use super::web::{self, reset_in, scrubbed};
use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::{echo, Error, ErrorKind, Result};
use crate::model::{Post, Symbol};
use crate::resilience::http::{Answer, HttpUpstream, Url};
use crate::resilience::ResiliencePolicy;

pub use options::RedditOptions;

/// The platform name on Reddit's posts.
pub(super) const PLATFORM: &str = "reddit";
/// The `User-Agent` sent when `REDDIT_USER_AGENT` is not set: Reddit asks
/// every client for a descriptive one and throttles generic ones.
const DEFAULT_USER_AGENT: &str = concat!(
    "tickersense/",
    env!("CARGO_PKG_VERSION"),
    " (sentiment research)"
);
/// Most posts one call returns: Reddit's listings end at about a thousand items.
const MAX_POSTS: usize = 1000;
/// Most posts Reddit hands out in one page.
const PAGE_SIZE: usize = 100;
const PUBLIC_TOKEN_BASE: &str = "https://www.reddit.com";
const PUBLIC_API_BASE: &str = "https://oauth.reddit.com";

/// Builds the source: [`NotConfigured`] (naming the missing variables)
/// without both the app id and secret, else the Reddit source at the
/// public hosts or `options.base`. `InvalidInput` for a base URL that does
/// not parse or a user agent that cannot be sent. No I/O.
pub(super) fn connect(
    options: &RedditOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let (id, secret) = match (
        &credentials.reddit_client_id,
        &credentials.reddit_client_secret,
    ) {
        (Some(id), Some(secret)) => (id.clone(), secret.clone()),
        (id, secret) => {
            let missing: Vec<&str> = [
                (id.is_none(), "REDDIT_CLIENT_ID"),
                (secret.is_none(), "REDDIT_CLIENT_SECRET"),
            ]
            .into_iter()
            .filter_map(|(gone, name)| gone.then_some(name))
            .collect();
            let verb = if missing.len() == 1 { "is" } else { "are" };
            return Ok(Arc::new(NotConfigured::new(
                PLATFORM,
                format!("{} {verb} not set", missing.join(" and ")),
            )));
        }
    };
    let agent = credentials
        .reddit_user_agent
        .as_deref()
        .unwrap_or(DEFAULT_USER_AGENT);
    // A base override stands for both hosts.
    let upstream = |public: &str, name: &str| {
        web::upstream_builder("Reddit", options.base.as_deref(), public, policy)?
            .name(name)
            .user_agent(agent)
            .header("accept", "application/json")
            .build()
    };
    let api = upstream(PUBLIC_API_BASE, "Reddit API")?;
    let tokens = token::Tokens::new(upstream(PUBLIC_TOKEN_BASE, "Reddit OAuth")?, id, secret);
    Ok(Arc::new(Reddit {
        pacer: Pacer::new("Reddit", policy.max_retry_after),
        api,
        tokens,
        subreddits: options.subreddits.clone(),
    }))
}

/// The Reddit source; see the module docs.
struct Reddit {
    api: HttpUpstream,
    tokens: token::Tokens,
    pacer: Pacer,
    subreddits: Vec<String>,
}

/// What one search answer means.
enum Reply {
    Page(listing::Page),
    /// A 401: the token was refused (expired or revoked).
    Refused,
}

impl Reddit {
    /// The search URL for one page.
    fn search_url(&self, query: &str, limit: usize, after: Option<&str>) -> Result<Url> {
        let limit = limit.to_string();
        let mut pairs = vec![
            ("q", query),
            ("sort", "new"),
            ("type", "link"),
            ("raw_json", "1"),
            ("limit", limit.as_str()),
        ];
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        if self.subreddits.is_empty() {
            self.api.url(&["search.json"], &pairs)
        } else {
            pairs.push(("restrict_sr", "on"));
            let subs = self.subreddits.join("+");
            self.api.url(&["r", &subs, "search.json"], &pairs)
        }
    }

    /// One page, with the token fetched or refreshed as needed and fetched
    /// anew once when Reddit refuses it.
    async fn page(&self, url: Url) -> Result<listing::Page> {
        let token = self.tokens.get().await?;
        if let Reply::Page(page) = self.ask(url.clone(), &token).await? {
            return Ok(page);
        }
        tracing::debug!("Reddit refused the app token (HTTP 401); fetching another");
        self.tokens.forget(&token).await;
        let token = self.tokens.get().await?;
        match self.ask(url, &token).await? {
            Reply::Page(page) => Ok(page),
            Reply::Refused => Err(Error::new(
                ErrorKind::Unauthorized,
                "Reddit search refused a freshly fetched app token (HTTP 401)",
            )),
        }
    }

    /// One request (after the pacer's turn), retried per the policy.
    async fn ask(&self, url: Url, token: &token::Token) -> Result<Reply> {
        self.pacer.wait_turn().await?;
        self.api
            .get(url, "search")
            .header("authorization", &token.header())
            .send_with(|answer| {
                self.classify(answer)
                    .map_err(|e| scrubbed(e, &self.tokens.secrets()))
            })
            .await
    }

    /// Reads one answer, first noting its rate-limit headers.
    fn classify(&self, answer: Answer) -> Result<Reply> {
        let reset = answer
            .header("x-ratelimit-reset")
            .and_then(|r| r.trim().parse::<f64>().ok())
            .and_then(reset_in);
        let remaining = web::count(answer.header("x-ratelimit-remaining"));
        self.pacer.observe(remaining, reset);
        let status = answer.status();
        match status {
            401 => return Ok(Reply::Refused),
            429 => return Err(self.pacer.refused(reset.or_else(|| answer.retry_after()))),
            403 | 404 => return Err(refusal(&answer)),
            _ => {}
        }
        let answer = answer.into_success()?;
        listing::parse_page(answer.body()).map(Reply::Page)
    }
}

/// A 403 (a private or quarantined subreddit) or 404 (a banned or missing
/// one), with the `reason` Reddit gives.
fn refusal(answer: &Answer) -> Error {
    #[derive(serde::Deserialize)]
    struct Body {
        reason: Option<String>,
    }
    let status = answer.status();
    let reason = serde_json::from_slice::<Body>(answer.body())
        .ok()
        .and_then(|b| b.reason)
        .map(|r| format!(": {}", echo(&r)))
        .unwrap_or_default();
    let (kind, what) = if status == 403 {
        (ErrorKind::Forbidden, "refused to search")
    } else {
        (ErrorKind::NotFound, "found nothing to search")
    };
    Error::new(
        kind,
        format!("Reddit {what} the subreddits asked (HTTP {status}{reason})"),
    )
}

#[async_trait]
impl MentionSource for Reddit {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// Pages through the search listing: one request per page (at most
    /// one page more than `limit` needs, `limit` capped at [`MAX_POSTS`]),
    /// plus a token request when the token is missing or near its expiry.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let limit = limit.min(MAX_POSTS);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let query = format!("${}", symbol.as_str());
        let mut gathered = Gathered::new(PLATFORM, symbol, since);
        let mut after: Option<String> = None;
        for number in 0..page_cap(limit, PAGE_SIZE) {
            let want = (limit - gathered.len()).min(PAGE_SIZE);
            let url = self.search_url(&query, want, after.as_deref())?;
            let page = match self.page(url).await {
                Ok(page) => page,
                Err(err) => {
                    gathered.page_failed(err, number, LaterPageFailure::RateLimited)?;
                    break;
                }
            };
            let take = gathered.add_page(page.posts, page.skipped);
            let next = page.after.filter(|next| after.as_ref() != Some(next));
            match next {
                Some(next) if !take.reached_since && gathered.len() < limit => after = Some(next),
                _ => break,
            }
        }
        Ok(gathered.finish(limit, "search results"))
    }
}
