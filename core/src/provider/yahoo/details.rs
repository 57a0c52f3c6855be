//! Market cap and trailing P/E from the crumb-protected `/v7/finance/quote`.
//! Best effort: a cookie from the cookie host, a crumb from
//! `/v1/test/getcrumb`, then the quote. Any failure leaves the two fields
//! empty; after one, the crumb is not asked for again for a while, so a
//! Yahoo that refuses crumbs costs one extra request per few minutes, not
//! one per quote.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{answer, Yahoo};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Symbol;
use crate::resilience::http::HttpUpstream;
use crate::resilience::ResiliencePolicy;

const RETRY_CRUMB_AFTER: Duration = Duration::from_secs(300);

/// What the crumb-protected quote adds to the chart's `meta`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct QuoteDetails {
    pub market_cap: Option<f64>,
    pub pe_ratio: Option<f64>,
}

enum Crumb {
    Unknown,
    Have(String),
    Refused { until: Instant },
}

pub(super) struct Details {
    crumb: Mutex<Crumb>,
    // Its own upstream over the same client (cookies): one attempt, its own
    // breaker, so the extras never slow the quote down by retrying or trip
    // the breaker of the chart calls.
    http: HttpUpstream,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "quoteResponse")]
    quote_response: Option<QuoteResponse>,
}

#[derive(Deserialize)]
struct QuoteResponse {
    #[serde(default)]
    result: Vec<QuoteRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuoteRow {
    market_cap: Option<f64>,
    #[serde(rename = "trailingPE")]
    trailing_pe: Option<f64>,
}

/// Reads market cap and trailing P/E from a `/v7/finance/quote` answer.
pub(super) fn parse_details(body: &[u8]) -> Result<QuoteDetails> {
    let json = answer::sanitize_json(body);
    if let Some(err) = answer::find_error(&json) {
        return Err(answer::error_from_yahoo(&err, "quote details"));
    }
    let envelope: Envelope =
        serde_json::from_slice(&json).map_err(|e| answer::malformed(body, "quote details", &e))?;
    let row = envelope
        .quote_response
        .and_then(|r| r.result.into_iter().next())
        .ok_or_else(|| Error::not_found("Yahoo quote details: no result"))?;
    let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
    Ok(QuoteDetails {
        market_cap: finite(row.market_cap),
        pe_ratio: finite(row.trailing_pe),
    })
}

impl Details {
    pub(super) fn new(http: &HttpUpstream, policy: ResiliencePolicy) -> Self {
        Details {
            crumb: Mutex::new(Crumb::Unknown),
            http: http.sibling(
                "Yahoo quote details",
                ResiliencePolicy {
                    max_retries: 0,
                    ..policy
                },
            ),
        }
    }

    /// Market cap and P/E of `symbol`, or `None` when they cannot be had.
    pub(super) async fn fetch(&self, yahoo: &Yahoo, symbol: &Symbol) -> Option<QuoteDetails> {
        let crumb = self.crumb(yahoo).await?;
        let url = yahoo
            .url(
                &["v7", "finance", "quote"],
                &[("symbols", symbol.as_str()), ("crumb", &crumb)],
            )
            .ok()?;
        let answer = super::fetch(&self.http, url, "quote details")
            .await
            .and_then(|body| parse_details(&body));
        match answer {
            Ok(details) => Some(details),
            Err(err) => {
                if err.kind() == ErrorKind::Unauthorized {
                    // The crumb went stale: fetch a new one next time.
                    *self.crumb.lock().await = Crumb::Unknown;
                }
                tracing::debug!(%symbol, kind = %err.kind(), "quote details unavailable: {}", err.message());
                None
            }
        }
    }

    async fn crumb(&self, yahoo: &Yahoo) -> Option<String> {
        let mut crumb = self.crumb.lock().await;
        match &*crumb {
            Crumb::Have(c) => return Some(c.clone()),
            Crumb::Refused { until } if Instant::now() < *until => return None,
            _ => {}
        }
        match self.new_crumb(yahoo).await {
            Ok(c) => {
                *crumb = Crumb::Have(c.clone());
                Some(c)
            }
            Err(err) => {
                tracing::debug!(kind = %err.kind(), "no Yahoo crumb: {}", err.message());
                *crumb = Crumb::Refused {
                    until: Instant::now() + RETRY_CRUMB_AFTER,
                };
                None
            }
        }
    }

    async fn new_crumb(&self, yahoo: &Yahoo) -> Result<String> {
        // The cookie host answers 404 with the cookie; only the cookie
        // matters, whatever the status.
        let cookie_url = yahoo.inner.cookie_url.clone();
        let _ = self
            .http
            .get(cookie_url, "cookie")
            .send_with(drop_answer)
            .await;
        let url = yahoo.url(&["v1", "test", "getcrumb"], &[])?;
        let body = super::fetch(&self.http, url, "crumb").await?;
        let crumb = String::from_utf8(body)
            .map_err(|_| Error::new(ErrorKind::Upstream, "Yahoo crumb is not text"))?;
        let crumb = crumb.trim();
        let plausible = !crumb.is_empty()
            && crumb.len() <= 64
            && crumb
                .bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'{'));
        if plausible {
            Ok(crumb.to_owned())
        } else {
            Err(Error::new(
                ErrorKind::Upstream,
                "Yahoo answered no usable crumb",
            ))
        }
    }
}

/// Takes any answer as a success: for the cookie request, whose status says
/// nothing.
fn drop_answer(_: crate::resilience::http::Answer) -> Result<()> {
    Ok(())
}
