//! `x://`: the X API v2 recent search with an app bearer token, or the same
//! API at another base URL (`x+http://127.0.0.1:PORT`) for replay servers
//! and tests.
//!
//! - **Search**: `GET {api.x.com}/2/tweets/search/recent` with
//!   `Authorization: Bearer TOKEN`, `query=$AAPL -is:retweet` (the cashtag;
//!   a symbol that cannot be one, such as `BRK.B` or `^GSPC`, is searched
//!   as the quoted phrase `"BRK.B"`), `tweet.fields=created_at,public_metrics,lang`,
//!   `expansions=author_id` and `user.fields=username` (the authors),
//!   `max_results` (10 to 100: X refuses fewer, so a smaller limit asks 10
//!   and keeps the first), `start_time` (from `since`, moved up to the
//!   seven days X searches, less a minute) and `next_token` paging until
//!   the limit, the last page, or a tweet older than `since`.
//! - **Posts**: id; text; url `https://x.com/i/web/status/{id}`;
//!   `created_at`; engagement the like count; author the `username` of the
//!   answer's `includes.users[]` entry whose `id` is the tweet's
//!   `author_id` (none when the answer does not include that user).
//! - **Answers**: zero results (`{"meta":{"result_count":0}}`, no `data`)
//!   are no posts; a 200's partial `errors[]` is logged (one line, counted)
//!   and its tweets kept; problem bodies are typed: 400 `InvalidInput`, 401
//!   `Unauthorized`, 403 `Forbidden`, 429 `RateLimited`, each with the
//!   problem's title and detail (truncated); the monthly usage cap (a 429
//!   whose problem is `UsageCapExceeded`) is `RateLimited` too but never
//!   retried, and the source does not ask again for [`USAGE_CAP_WAIT`].
//! - **Rate limits**: `x-rate-limit-remaining` and `x-rate-limit-reset`
//!   (epoch seconds) pace the next request ([`Pacer`]): a spent window is
//!   waited for when it resets within the policy's `max_retry_after`, else
//!   the request fails `RateLimited` carrying the wait; a 429 the same. A
//!   page after the first refused so ends the paging with the tweets read.
//!   `x-rate-limit-limit` is not needed for that and is not read.
//! - **Bounds**: at most [`MAX_POSTS`] posts a call and one page more than
//!   the limit needs; texts, ids and names bounded as [`crate::social`]
//!   bounds them; an unusable tweet skipped and counted; a body of another shape
//!   `Upstream` with an excerpt.
//!
//! Every request goes through one [`HttpUpstream`] (timeout, retries,
//! breaker, body cap). The bearer token travels only in a (sensitive)
//! `Authorization` header and is scrubbed from any message built from an
//! answer: no message, log line or `Debug` output shows it.

mod answer;
mod options;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};

use super::pacing::Pacer;
use super::page::{page_cap, Gathered, LaterPageFailure};
use super::web::{self, scrub, scrubbed};
use super::{MentionSource, NotConfigured, SocialCredentials};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Post, Symbol};
use crate::resilience::http::{Answer, HttpUpstream, Url};
use crate::resilience::ResiliencePolicy;

pub use options::XOptions;

/// The platform name on X's posts.
pub(super) const PLATFORM: &str = "x";
/// Most posts one call returns (X bills by the tweet read).
const MAX_POSTS: usize = 1000;
/// How long the source stops asking after X says the monthly usage cap is
/// reached: the answer does not tell when the cap resets, so the source
/// asks again after this.
const USAGE_CAP_WAIT: Duration = Duration::from_secs(3600);
const PAGE_MIN: usize = 10;
const PAGE_MAX: usize = 100;
const PUBLIC_API: &str = "https://api.x.com";
const TWEET_FIELDS: &str = "created_at,public_metrics,lang";
/// Each tweet's author, as a user object in `includes.users[]`...
const EXPANSIONS: &str = "author_id";
/// ...carrying the name shown as the post's author.
const USER_FIELDS: &str = "username";

/// Builds the source: [`NotConfigured`] without `X_BEARER_TOKEN`, else the
/// X source at the public API or `options.base`. `InvalidInput` for a base
/// URL that does not parse or a token that cannot be sent in a header
/// (named, not shown). No I/O.
pub(super) fn connect(
    options: &XOptions,
    credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let Some(bearer) = credentials.x_bearer_token.clone() else {
        return Ok(Arc::new(NotConfigured::new(
            PLATFORM,
            "X_BEARER_TOKEN is not set",
        )));
    };
    if !bearer.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_input(
            "X_BEARER_TOKEN holds characters an HTTP header cannot carry",
        ));
    }
    let api = web::upstream_builder("X", options.base.as_deref(), PUBLIC_API, policy)?
        .name("X API")
        .header("accept", "application/json")
        .build()?;
    Ok(Arc::new(X {
        api,
        bearer,
        pacer: Pacer::new("X", policy.max_retry_after),
    }))
}

/// The X source; see the module docs.
struct X {
    api: HttpUpstream,
    bearer: String,
    pacer: Pacer,
}

/// What one answer means.
enum Reply {
    Page(answer::Page),
    /// A failure that ends the call as it is: neither retried by the
    /// upstream nor counted against it (the usage cap).
    Final(Error),
}

/// The search query for `symbol`: its cashtag, or the quoted symbol when
/// it cannot be one; retweets left out.
fn query_for(symbol: &Symbol) -> String {
    let s = symbol.as_str();
    let cashtag = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric());
    if cashtag {
        format!("${s} -is:retweet")
    } else {
        format!("\"{s}\" -is:retweet")
    }
}

impl X {
    /// One page (after the pacer's turn), retried per the policy.
    async fn page(&self, url: Url) -> Result<answer::Page> {
        self.pacer.wait_turn().await?;
        let reply = self
            .api
            .get(url, "search")
            .header("authorization", &format!("Bearer {}", self.bearer))
            .send_with(|answer| self.classify(answer))
            .await?;
        match reply {
            Reply::Page(page) => Ok(page),
            Reply::Final(err) => Err(err),
        }
    }

    /// Reads one answer, first noting its rate-limit headers.
    fn classify(&self, answer: Answer) -> Result<Reply> {
        let reset = web::reset_from_epoch(answer.header("x-rate-limit-reset"));
        let remaining = web::count(answer.header("x-rate-limit-remaining"));
        self.pacer.observe(remaining, reset);
        let status = answer.status();
        if (200..=299).contains(&status) {
            return answer::parse_page(answer.body()).map(Reply::Page);
        }
        let problem = answer::Problem::of(answer.body());
        let summary = problem.summary();
        let said = if summary.is_empty() {
            String::new()
        } else {
            format!(": {summary}")
        };
        let err = match status {
            429 if problem.is_usage_cap() => {
                // Blocks the next calls; its own error would read as a
                // window that resets.
                let _ = self.pacer.refused(Some(USAGE_CAP_WAIT));
                let err = Error::new(
                    ErrorKind::RateLimited,
                    format!(
                        "X usage cap exceeded (HTTP 429{said}); the source asks again in {} min",
                        USAGE_CAP_WAIT.as_secs() / 60
                    ),
                )
                .with_retry_after(USAGE_CAP_WAIT);
                return Ok(Reply::Final(scrubbed(err, &[&self.bearer])));
            }
            429 => self.pacer.refused(reset.or_else(|| answer.retry_after())),
            400 => Error::invalid_input(format!("X search refused the request (HTTP 400{said})")),
            401 => Error::new(
                ErrorKind::Unauthorized,
                format!("X refused the bearer token (HTTP 401{said}); check X_BEARER_TOKEN"),
            ),
            403 => Error::new(
                ErrorKind::Forbidden,
                format!("X search is not open to this app (HTTP 403{said})"),
            ),
            _ => answer.into_success().err().unwrap_or_else(|| {
                Error::new(
                    ErrorKind::Upstream,
                    format!("X search answered HTTP {status}"),
                )
            }),
        };
        Err(scrubbed(err, &[&self.bearer]))
    }

    /// The URL of one page.
    fn search_url(
        &self,
        query: &str,
        start: DateTime<Utc>,
        max_results: usize,
        next: Option<&str>,
    ) -> Result<Url> {
        let max_results = max_results.to_string();
        let start = start.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut pairs = vec![
            ("query", query),
            ("tweet.fields", TWEET_FIELDS),
            ("expansions", EXPANSIONS),
            ("user.fields", USER_FIELDS),
            ("max_results", max_results.as_str()),
            ("start_time", start.as_str()),
        ];
        if let Some(next) = next {
            pairs.push(("next_token", next));
        }
        self.api.url(&["2", "tweets", "search", "recent"], &pairs)
    }
}

#[async_trait]
impl MentionSource for X {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// Pages through the recent search: one request per page (at most one
    /// page more than `limit` needs, `limit` capped at [`MAX_POSTS`]); none
    /// for a zero limit or a `since` in the future.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let limit = limit.min(MAX_POSTS);
        let now = Utc::now();
        if limit == 0 || since > now {
            return Ok(Vec::new());
        }
        // X refuses a start_time more than seven days back.
        let start = since.max(now - chrono::Duration::days(7) + chrono::Duration::minutes(1));
        let query = query_for(symbol);
        let mut gathered = Gathered::new(PLATFORM, symbol, since);
        let mut next: Option<String> = None;
        for number in 0..page_cap(limit, PAGE_MAX) {
            let want = (limit - gathered.len()).clamp(PAGE_MIN, PAGE_MAX);
            let url = self.search_url(&query, start, want, next.as_deref())?;
            let page = match self.page(url).await {
                Ok(page) => page,
                Err(err) => {
                    gathered.page_failed(err, number, LaterPageFailure::RateLimited)?;
                    break;
                }
            };
            if let (count @ 1.., first) = &page.errors {
                let first = first.as_deref().unwrap_or("");
                tracing::info!(
                    %symbol,
                    errors = *count,
                    "X search reported {count} partial error(s) beside its tweets, which are kept; the first: {}",
                    scrub(first, &[&self.bearer])
                );
            }
            let take = gathered.add_page(page.posts, page.skipped);
            match page.next.filter(|n| next.as_ref() != Some(n)) {
                Some(cursor) if !take.reached_since && gathered.len() < limit => {
                    next = Some(cursor)
                }
                _ => break,
            }
        }
        Ok(gathered.finish(limit, "tweets"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cashtags_where_a_symbol_can_be_one() {
        let q = |s: &str| query_for(&Symbol::parse(s).unwrap());
        assert_eq!(q("aapl"), "$AAPL -is:retweet");
        assert_eq!(q("BRK.B"), "\"BRK.B\" -is:retweet");
        assert_eq!(q("^GSPC"), "\"^GSPC\" -is:retweet");
        assert_eq!(q("7203"), "\"7203\" -is:retweet");
    }
}
