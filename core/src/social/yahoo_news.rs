//! `yahoo-news://`: the `news[]` of Yahoo Finance's search answer
//! (`GET /v1/finance/search?q=SYMBOL&newsCount=N&quotesCount=0`), the same
//! endpoint the Yahoo market-data provider searches with, read the same
//! way: its browser `User-Agent` (Yahoo throttles others), its tolerance
//! of bare `NaN` tokens, and Yahoo's error objects in 4xx bodies.
//!
//! Posts: platform `yahoo-news` (not the `news` of feeds: Yahoo's items
//! have ids of their own, and a configuration may well read Yahoo's RSS
//! feed too), id = `uuid`, text = `title` (the answer has no summary),
//! author = `publisher`, url = `link`, created_at = `providerPublishTime`
//! (epoch seconds). An item lacking one of those is skipped and counted.
//! Yahoo answers at most `newsCount` items (asked as the limit, at most
//! [`MAX_NEWS`]) in one request; there is no paging. A 429 blocks the
//! source until its `Retry-After` (a minute without one), waited for when
//! near.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::bounds::{self, Skipped};
use super::pacing::Pacer;
use super::web;
use super::{keep_mention_promise, MentionSource, SocialCredentials};
use crate::error::Result;
use crate::model::{Post, Symbol};
use crate::provider::yahoo as provider;
use crate::resilience::http::{malformed_json, Answer, HttpUpstream};
use crate::resilience::ResiliencePolicy;
use crate::url::{BackendUrl, RedactedUrl};

/// The platform name on Yahoo news posts.
pub const PLATFORM: &str = "yahoo-news";
/// The most items asked of Yahoo in one call.
pub const MAX_NEWS: usize = 100;
/// A search answer with 100 items is some 150 kB.
const DEFAULT_MAX_BODY: usize = 4 << 20;

/// What a `yahoo-news://` URL says: `yahoo-news://` (Yahoo's public API)
/// or `yahoo-news+http://HOST:PORT` (the same API at another base).
///
/// | option | default | meaning |
/// |---|---|---|
/// | `max_body` | 4 MiB | largest answer read, in bytes |
///
/// Any other option is `InvalidInput`. Its `Debug` form hides a password
/// in the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct YahooNewsOptions {
    /// `yahoo-news+http://HOST:PORT`: Yahoo's search API at this base.
    pub base: Option<String>,
    /// `?max_body=BYTES`: the largest answer read.
    pub max_body_bytes: usize,
}

impl YahooNewsOptions {
    /// Every option a `yahoo-news://` URL takes.
    pub const KNOWN: [&'static str; 1] = ["max_body"];

    /// Reads the URL. No I/O; `InvalidInput` for a host after
    /// `yahoo-news://`, an unknown option or a bad value.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let base = web::base_of(url)?;
        let mut options = url.options();
        let max_body_bytes = web::take_max_body(&mut options)?.unwrap_or(DEFAULT_MAX_BODY);
        options.finish(&Self::KNOWN)?;
        Ok(YahooNewsOptions {
            base,
            max_body_bytes,
        })
    }
}

impl std::fmt::Debug for YahooNewsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YahooNewsOptions")
            .field("base", &self.base.as_deref().map(RedactedUrl))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// Builds the source (no credentials needed). No I/O.
pub(super) fn connect(
    options: &YahooNewsOptions,
    _credentials: &SocialCredentials,
    policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    let http = web::upstream(
        "Yahoo",
        options.base.as_deref(),
        provider::PUBLIC_API,
        policy,
        Some(options.max_body_bytes),
        provider::USER_AGENT,
    )?;
    Ok(Arc::new(YahooNews {
        http,
        pacer: Pacer::new("Yahoo news", policy.max_retry_after),
    }))
}

struct YahooNews {
    http: HttpUpstream,
    pacer: Pacer,
}

impl YahooNews {
    /// A 429 blocks the source until its `Retry-After`; every other answer
    /// is read as the Yahoo provider reads it.
    fn classify(&self, answer: Answer) -> Result<Vec<u8>> {
        provider::classify(self.pacer.observe_unpaced(answer)?)
    }
}

#[async_trait]
impl MentionSource for YahooNews {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// One request (and the upstream's retries); O(items) to read.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let count = limit.min(MAX_NEWS).to_string();
        let url = self.http.url(
            &["v1", "finance", "search"],
            &[
                ("q", symbol.as_str()),
                ("newsCount", &count),
                ("quotesCount", "0"),
                ("listsCount", "0"),
            ],
        )?;
        self.pacer.wait_turn().await?;
        let body = self
            .http
            .get(url, "search")
            .send_with(|answer| self.classify(answer))
            .await?;
        let (mut posts, skipped) = parse_news(&body)?;
        skipped.report(PLATFORM, "news items");
        keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

#[derive(Deserialize)]
struct Envelope {
    news: Vec<Value>,
}

/// The `news[]` of a search answer as posts, and how many items were
/// skipped. `Upstream` with an excerpt for a body without a `news` array.
fn parse_news(body: &[u8]) -> Result<(Vec<Post>, Skipped)> {
    let json = provider::sanitize_json(body);
    let envelope: Envelope =
        serde_json::from_slice(&json).map_err(|e| malformed_json(body, "Yahoo search", &e))?;
    let mut skipped = Skipped::default();
    let mut posts = Vec::with_capacity(envelope.news.len().min(MAX_NEWS));
    for item in envelope.news.iter().take(MAX_NEWS) {
        match news_post(item) {
            Some(post) => posts.push(post),
            None => skipped.add("no usable uuid, title, web link or publish time"),
        }
    }
    Ok((posts, skipped))
}

/// One news item as a post, or `None` without a usable uuid, title, web
/// link or publish time.
fn news_post(item: &Value) -> Option<Post> {
    let field = |name: &str| item.get(name).and_then(Value::as_str);
    let id = bounds::id(field("uuid")?)?;
    let text = bounds::one_line(field("title")?);
    if text.is_empty() {
        return None;
    }
    let url = bounds::web_link(field("link")?)?;
    let published = item.get("providerPublishTime").and_then(Value::as_i64)?;
    let created_at = DateTime::from_timestamp(published, 0)?;
    let mut post = Post::new(PLATFORM, id, text, url, created_at);
    post.author = field("publisher").and_then(bounds::author);
    Some(post)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::social::{SourceBackend, SourceUrl};
    use crate::ErrorKind;

    fn options(text: &str) -> Result<YahooNewsOptions> {
        match SourceUrl::parse(text)?.backend() {
            SourceBackend::YahooNews(options) => Ok(options.clone()),
            other => panic!("{text} parsed as {other:?}"),
        }
    }

    #[test]
    fn urls_give_the_base_and_the_body_cap() {
        let public = options("yahoo-news://").unwrap();
        assert_eq!((public.base, public.max_body_bytes), (None, 4 << 20));
        let local = options("yahoo-news+http://127.0.0.1:8080?max_body=500").unwrap();
        assert_eq!(local.base.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(local.max_body_bytes, 500);
        for (text, says) in [
            ("yahoo-news://query2.finance.yahoo.com", "takes no host"),
            ("yahoo-news://?newsCount=5", "unknown option"),
            ("yahoo-news://?max_body=-1", "max_body"),
        ] {
            let err = options(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
            assert!(err.message().contains(says), "{text}: {err}");
        }
        let shown = format!("{:?}", options("yahoo-news+http://a:hunter8@h:1").unwrap());
        assert!(!shown.contains("hunter8"), "{shown}");
    }

    #[test]
    fn news_items_become_posts_and_odd_ones_are_skipped() {
        let body = br#"{"count":5,"quotes":[],"news":[
          {"uuid":"u-1","title":"Tesla  deliveries\nbeat","publisher":"Reuters",
           "link":"https://finance.yahoo.com/news/tesla-1.html","providerPublishTime":1704207845,"type":"STORY"},
          {"uuid":"u-2","title":"No publisher","link":"https://finance.yahoo.com/news/2.html","providerPublishTime":1704200000},
          {"uuid":"u-3","title":"No time","link":"https://finance.yahoo.com/news/3.html"},
          {"uuid":"u-4","title":"Bad link","link":"javascript:x","providerPublishTime":1704200000},
          {"title":"No uuid","link":"https://finance.yahoo.com/news/5.html","providerPublishTime":1704200000},
          {"uuid":"u-6","title":"","link":"https://finance.yahoo.com/news/6.html","providerPublishTime":1704200000},
          "not an object"
        ],"totalTime":NaN}"#;
        let (posts, skipped) = parse_news(body).unwrap();
        assert_eq!(skipped.count(), 5);
        assert_eq!(posts.len(), 2);
        let first = &posts[0];
        assert_eq!(first.platform, "yahoo-news");
        assert_eq!(first.id, "u-1");
        assert_eq!(first.text, "Tesla deliveries beat");
        assert_eq!(first.author.as_deref(), Some("Reuters"));
        assert_eq!(first.url, "https://finance.yahoo.com/news/tesla-1.html");
        assert_eq!(first.created_at.to_rfc3339(), "2024-01-02T15:04:05+00:00");
        assert_eq!(posts[1].author, None);
    }

    #[test]
    fn answers_without_news_are_upstream_errors() {
        for body in [
            &b"<html>oops</html>"[..],
            b"{\"quotes\":[]}",
            b"{\"news\":{}}",
        ] {
            let err = parse_news(body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Upstream, "{err}");
            assert!(err.message().starts_with("Yahoo search answered"), "{err}");
        }
    }
}
