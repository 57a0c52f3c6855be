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
//! Every request goes through one [`HttpUpstream`] (timeout, retries,
//! breaker, concurrency bound, the body cap of
//! [`ResiliencePolicy::max_body_bytes`] and same-origin redirects only), so a
//! flaky Yahoo costs waiting, not wrong answers, and a base URL cannot be
//! bounced to a metadata service or any other origin. What is Yahoo's own
//! stays here: the cookie and crumb, and the error object Yahoo puts in a
//! 4xx body.

mod answer;
mod chart;
mod details;
mod options;
mod search;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use url::Url;

use super::MarketData;
use crate::error::{echo, Error, Result};
use crate::model::{History, HistoryRange, Interval, Quote, SearchHit, Symbol};
use crate::resilience::http::{Answer, HttpUpstream};
use crate::resilience::{BreakerState, ResiliencePolicy};
use crate::url::redact_url;

pub(crate) use answer::sanitize_json;
pub use chart::{parse_chart, parse_quote};
pub use options::YahooOptions;
pub use search::parse_search;

pub(crate) const SOURCE: &str = "yahoo";
/// Most redirects followed for one request, all within the same origin.
pub use crate::resilience::http::MAX_REDIRECTS;
pub(crate) const PUBLIC_API: &str = "https://query2.finance.yahoo.com";
const PUBLIC_COOKIE: &str = "https://fc.yahoo.com/";
// Yahoo answers 429 to clients that do not look like a browser.
pub(crate) const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

/// The Yahoo Finance provider. Cheap to clone (shares one connection pool,
/// cookie jar and [`HttpUpstream`]).
#[derive(Clone)]
pub struct Yahoo {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpUpstream,
    cookie_url: Url,
    details: details::Details,
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
        let http = HttpUpstream::builder("Yahoo", api, policy)
            .name("Yahoo Finance")
            .user_agent(USER_AGENT)
            .cookies(true)
            .build()?;
        Ok(Yahoo {
            inner: Arc::new(Inner {
                details: details::Details::new(&http, policy),
                cookie_url: parse(cookie_url)?,
                http,
            }),
        })
    }

    /// The state of the breaker guarding Yahoo.
    pub fn breaker_state(&self) -> BreakerState {
        self.inner.http.breaker_state()
    }

    /// `{api}/{segments...}?{query}`, each segment percent-encoded (`^GSPC`).
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
        self.inner.http.url(segments, query)
    }

    /// GETs `url` through the upstream's retries and breaker; the body of a
    /// 2xx answer, or of a 4xx one that carries Yahoo's JSON error object.
    async fn get(&self, url: Url, what: &'static str) -> Result<Vec<u8>> {
        fetch(&self.inner.http, url, what).await
    }
}

/// GETs `url` through `http`, read by [`classify`].
async fn fetch(http: &HttpUpstream, url: Url, what: &'static str) -> Result<Vec<u8>> {
    http.get(url, what).send_with(classify).await
}

/// Reads an answer as HTTP does ([`Answer::status_error`]), except that a
/// 4xx other than 429 carrying Yahoo's error object is that object's error
/// (`NotFound` for a delisted symbol, `InvalidInput` for a bad interval).
/// Shared with the `yahoo-news://` social source, which reads the same
/// search endpoint.
pub(crate) fn classify(answer: Answer) -> Result<Vec<u8>> {
    let status = answer.status();
    let may_hold_yahoo_error = !matches!(status, 200..=399 | 429 | 500..=599);
    if may_hold_yahoo_error {
        if let Some(err) = answer::find_error(&answer::sanitize_json(answer.body())) {
            return Err(answer::error_from_yahoo(&err, answer.what()));
        }
    }
    answer.into_success().map(Answer::into_body)
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
