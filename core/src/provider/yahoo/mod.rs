//! `yahoo://`: Yahoo Finance's public JSON endpoints over HTTPS, or the same
//! protocol at another base URL (`yahoo+http://127.0.0.1:PORT`) for replay
//! servers and tests.
//!
//! - history: `/v8/finance/chart/{symbol}` with `range` (a period) or
//!   `period1`/`period2` (start/end), `events=div,splits`;
//! - quote: the same endpoint's `meta`, so no crumb is needed; market cap and
//!   P/E come from the crumb-protected `/v7/finance/quote` when a cookie and
//!   crumb can be had, and stay empty otherwise;
//! - search: `/v1/finance/search`.
//!
//! Every request goes through one [`Upstream`] (timeout, retries, breaker,
//! concurrency bound), so a flaky Yahoo costs waiting, not wrong answers.
//!
//! An answer is trusted no further than it must be: its body is streamed
//! against [`ResiliencePolicy::max_body_bytes`] (32 MiB by default) and
//! refused as `Upstream` past it; redirects are followed only to the same
//! scheme, host and port (at most [`MAX_REDIRECTS`] of them), never to
//! another host, so a base URL cannot be bounced to a metadata service or
//! any other origin and nothing another origin says reaches a message.

mod answer;
mod chart;
mod details;
mod options;
mod search;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use url::Url;

use super::MarketData;
use crate::error::{echo, Error, ErrorKind, Result};
use crate::model::{History, HistoryRange, Interval, Quote, SearchHit, Symbol};
use crate::resilience::{BreakerState, ResiliencePolicy, Upstream};
use crate::url::redact_url;

pub use chart::{parse_chart, parse_quote};
pub use options::YahooOptions;
pub use search::parse_search;

pub(crate) const SOURCE: &str = "yahoo";
/// Most redirects followed for one request, all within the same origin.
pub const MAX_REDIRECTS: usize = 5;
const PUBLIC_API: &str = "https://query2.finance.yahoo.com";
const PUBLIC_COOKIE: &str = "https://fc.yahoo.com/";
// Yahoo answers 429 to clients that do not look like a browser.
const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

/// The Yahoo Finance provider. Cheap to clone (shares one connection pool,
/// cookie jar and [`Upstream`]).
#[derive(Clone)]
pub struct Yahoo {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api: Url,
    cookie_url: Url,
    upstream: Upstream,
    details: details::Details,
    max_body: usize,
}

impl Yahoo {
    /// The public Yahoo Finance hosts (`yahoo://`).
    pub fn public(policy: ResiliencePolicy) -> Result<Self> {
        Self::build(PUBLIC_API, PUBLIC_COOKIE, policy)
    }

    /// The same protocol served at `base` (e.g. `http://127.0.0.1:8080`),
    /// which also hands out the cookie at `/`.
    pub fn at(base: &str, policy: ResiliencePolicy) -> Result<Self> {
        let cookie = format!("{}/", base.trim_end_matches('/'));
        Self::build(base, &cookie, policy)
    }

    fn build(api: &str, cookie_url: &str, policy: ResiliencePolicy) -> Result<Self> {
        let parse = |u: &str| {
            Url::parse(u).map_err(|_| {
                Error::invalid_input(format!("invalid Yahoo base URL {}", echo(&redact_url(u))))
            })
        };
        let api = parse(api.trim_end_matches('/'))?;
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            // The whole attempt (connect, send, read) is timed by the Upstream.
            .connect_timeout(policy.timeout);
        if is_loopback(&api) {
            // A proxy from the environment must not carry a local replay
            // server's traffic off the machine.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::internal("could not build the HTTP client").with_source(e))?;
        Ok(Yahoo {
            inner: Arc::new(Inner {
                http,
                cookie_url: parse(cookie_url)?,
                upstream: Upstream::new(format!("Yahoo Finance ({})", host_of(&api)), policy),
                details: details::Details::new(policy),
                max_body: policy.max_body_bytes,
                api,
            }),
        })
    }

    /// The state of the breaker guarding Yahoo.
    pub fn breaker_state(&self) -> BreakerState {
        self.inner.upstream.breaker_state()
    }

    /// `{api}/{segments...}?{query}`, each segment percent-encoded (`^GSPC`).
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
        let mut url = self.inner.api.clone();
        url.path_segments_mut()
            .map_err(|_| Error::invalid_input("the Yahoo base URL cannot take a path"))?
            .pop_if_empty()
            .extend(segments);
        url.query_pairs_mut().extend_pairs(query);
        Ok(url)
    }

    /// GETs `url` through the upstream's retries and breaker; the body of a
    /// 2xx answer, or of a 4xx one that carries Yahoo's JSON error object.
    async fn get(&self, url: Url, what: &'static str) -> Result<Vec<u8>> {
        self.inner
            .upstream
            .call(|| fetch(&self.inner.http, url.clone(), what, self.inner.max_body))
            .await
    }
}

/// The redirect policy: follow a redirect to the same scheme, host and port
/// as the request that was redirected, up to [`MAX_REDIRECTS`] times; stop
/// at any other, so the 3xx itself comes back and [`fetch`] refuses it.
fn same_origin_only(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let same = attempt
        .previous()
        .last()
        .is_some_and(|from| from.origin() == attempt.url().origin());
    if same && attempt.previous().len() <= MAX_REDIRECTS {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => "?".to_owned(),
    }
}

/// One attempt: send, read the body (at most `max_body` bytes), classify
/// the status. A redirect that the policy did not follow ends here, its
/// body unread.
async fn fetch(
    http: &reqwest::Client,
    url: Url,
    what: &'static str,
    max_body: usize,
) -> Result<Vec<u8>> {
    let mut response = http.get(url).send().await.map_err(|e| transport(e, what))?;
    let status = response.status();
    if status.is_redirection() {
        return Err(unfollowed_redirect(&response, what));
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let body = read_body(&mut response, max_body, what).await?;
    classify(status.as_u16(), retry_after, body, what)
}

/// The most of an announced `Content-Length` reserved before reading.
const MAX_RESERVED_BYTES: usize = 1 << 20;

/// The body of `response`, read chunk by chunk into one buffer (sized by
/// `Content-Length` when given, up to [`MAX_RESERVED_BYTES`]), or `Upstream`
/// as soon as it is known to exceed `max_body` bytes: at once when
/// `Content-Length` says so, else at the first chunk past the limit. The
/// connection is dropped then, unread.
async fn read_body(
    response: &mut reqwest::Response,
    max_body: usize,
    what: &str,
) -> Result<Vec<u8>> {
    let announced = response.content_length();
    if let Some(n) = announced.filter(|n| *n > max_body as u64) {
        return Err(Error::new(
            ErrorKind::Upstream,
            format!(
                "Yahoo {what} announced {n} bytes, above the limit of {max_body} bytes; the answer was refused unread"
            ),
        ));
    }
    // A header is only a promise: reserving all it announces would let one
    // server make every request in flight hold the whole limit.
    let reserved = announced.map_or(0, |n| n.min(MAX_RESERVED_BYTES as u64) as usize);
    let mut body = Vec::with_capacity(reserved);
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(e, what))? {
        if chunk.len() > max_body - body.len() {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!("Yahoo {what} answered more than {max_body} bytes; the answer was refused"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The error for a redirect that was not followed: to another origin, or
/// one too many. Names the target's host (never its path or query, which
/// may carry tokens) and nothing of the body.
fn unfollowed_redirect(response: &reqwest::Response, what: &str) -> Error {
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| response.url().join(l).ok());
    let status = response.status().as_u16();
    let message = match target {
        Some(to) if to.origin() != response.url().origin() => format!(
            "Yahoo {what} redirected to another host ({}, HTTP {status}); redirects are followed only within the same host",
            echo(&host_of(&to))
        ),
        Some(_) => format!(
            "Yahoo {what} redirected more than {MAX_REDIRECTS} times (HTTP {status})"
        ),
        None => format!("Yahoo {what} answered a redirect without a usable Location (HTTP {status})"),
    };
    Error::new(ErrorKind::Upstream, message)
}

/// Maps an answer's status to a result: 2xx is the body; 429 is
/// `RateLimited`; 5xx is `Unavailable` (both retried); a 4xx with Yahoo's
/// error object is returned as a body so the parser maps that object.
fn classify(
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
    what: &str,
) -> Result<Vec<u8>> {
    match status {
        200..=299 => Ok(body),
        429 => {
            let err = Error::new(
                ErrorKind::RateLimited,
                format!("Yahoo {what} is rate limiting this client (HTTP 429)"),
            );
            Err(match retry_after {
                Some(after) => err.with_retry_after(after),
                None => err,
            })
        }
        500..=599 => Err(Error::unavailable(format!(
            "Yahoo {what} is failing (HTTP {status})"
        ))),
        _ => match answer::find_error(&answer::sanitize_json(&body)) {
            Some(err) => Err(answer::error_from_yahoo(&err, what)),
            None if status == 401 || status == 403 => Err(Error::new(
                ErrorKind::Unauthorized,
                format!("Yahoo {what} refused the request (HTTP {status})"),
            )),
            None => Err(Error::new(
                ErrorKind::Upstream,
                format!(
                    "Yahoo {what} answered HTTP {status}: {}",
                    answer::excerpt(&body)
                ),
            )),
        },
    }
}

/// A transport failure as a library error: timeouts are `Timeout`, the rest
/// (refused, reset, closed mid-answer) `Unavailable`; all are retried. The
/// message names no URL: it may carry a crumb.
fn transport(err: reqwest::Error, what: &str) -> Error {
    let (kind, detail) = if err.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if err.is_connect() {
        (ErrorKind::Unavailable, "could not connect")
    } else if err.is_body() || err.is_decode() {
        (ErrorKind::Unavailable, "the connection closed mid-answer")
    } else {
        (ErrorKind::Unavailable, "the connection failed")
    };
    Error::new(kind, format!("Yahoo {what}: {detail}")).with_source(err.without_url())
}

/// `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// The `range` Yahoo takes for a period (the same spelling as yfinance).
fn query_for(range: HistoryRange, interval: Interval) -> Vec<(&'static str, String)> {
    let mut query = vec![
        ("interval", interval.as_str().to_owned()),
        ("includePrePost", "false".to_owned()),
        ("events", "div,splits,capitalGains".to_owned()),
    ];
    match range {
        HistoryRange::Period(p) => query.push(("range", p.as_str().to_owned())),
        HistoryRange::Between { start, end } => {
            query.push(("period1", start.timestamp().to_string()));
            query.push(("period2", end.timestamp().to_string()));
        }
    }
    query
}

#[async_trait]
impl MarketData for Yahoo {
    fn name(&self) -> &str {
        SOURCE
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        let query = [("range", "1d"), ("interval", "1d")];
        let url = self.url(&["v8", "finance", "chart", symbol.as_str()], &query)?;
        let body = self.get(url, "quote").await?;
        let mut quote = parse_quote(&body, symbol)?;
        // Market cap and P/E are extras: their absence never fails the quote.
        if let Some(extra) = self.inner.details.fetch(self, symbol).await {
            quote.market_cap = extra.market_cap;
            quote.pe_ratio = extra.pe_ratio;
        }
        Ok(quote)
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        range.check_lookback(interval, Utc::now())?;
        let query = query_for(range, interval);
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = self.url(&["v8", "finance", "chart", symbol.as_str()], &pairs)?;
        let body = self.get(url, "chart").await?;
        let mut history = parse_chart(&body, symbol, interval)?;
        if let HistoryRange::Between { start, end } = range {
            // Yahoo selects by its own session-open stamps; the library
            // promises bars whose (re-stamped) start lies in [start, end).
            history.retain_between(start, end);
        }
        Ok(history)
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let count = limit.to_string();
        let url = self.url(
            &["v1", "finance", "search"],
            &[
                ("q", query),
                ("quotesCount", &count),
                ("newsCount", "0"),
                ("listsCount", "0"),
            ],
        )?;
        let body = self.get(url, "search").await?;
        let mut hits = parse_search(&body)?;
        hits.truncate(limit);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests;
