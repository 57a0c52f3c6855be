//! Guards around the backend objects a user gives the builder: each call
//! of a user's market data or mention source is bounded by the resilience
//! timeout, one that gave no answer in time is skipped for a back-off
//! window ([`Outage`]), and the messages of the errors they return lose
//! any credentials. Also the identity that keeps each object's cached
//! values its own ([`UserObject`]).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::{echo, Error, Result};
use crate::model::{History, HistoryRange, Interval, Post, Quote, Score, SearchHit, Symbol};
use crate::provider::MarketData;
use crate::resilience::Outage;
use crate::sentiment::Analyzer;
use crate::social::MentionSource;
use crate::url::redact_secrets;

/// An object of the user's as the builder took it, with an id no other
/// object taken in any process has: a random number drawn once per process,
/// the process id (a forked child keeps the number) and a count of the
/// objects taken so far. Clones (of the builder) keep
/// the id, so one object given once shares its cached values between the
/// clients built from that builder; objects given separately never do.
pub(super) struct UserObject<T: ?Sized> {
    pub(super) object: Arc<T>,
    id: String,
}

impl<T: ?Sized> Clone for UserObject<T> {
    fn clone(&self) -> Self {
        UserObject {
            object: self.object.clone(),
            id: self.id.clone(),
        }
    }
}

impl<T: ?Sized> UserObject<T> {
    /// Takes `object`, giving it the next id. One atomic increment.
    pub(super) fn new(object: Arc<T>) -> Self {
        static PROCESS: OnceLock<u64> = OnceLock::new();
        static TAKEN: AtomicU64 = AtomicU64::new(0);
        let process = *PROCESS.get_or_init(rand::random);
        let count = TAKEN.fetch_add(1, Ordering::Relaxed);
        // The process id as well: a forked child keeps the random number
        // and the count, and its objects must not take its parent's ids.
        let pid = std::process::id();
        UserObject {
            object,
            id: format!("{process:016x}.{pid}.{count}"),
        }
    }

    /// The cache identity of this object named `name`: `user:NAME#ID`,
    /// which no URL's identity is (no backend URL has the scheme `user`).
    pub(super) fn identity(&self, name: &str) -> String {
        format!("user:{name}#{}", self.id)
    }
}

/// `err` with the credentials of any URL in its message hidden
/// ([`redact_secrets`]); its kind, retry-after and source are kept (the
/// bindings keep the user's original exception as the source).
pub(crate) fn redacted(err: Error) -> Error {
    let shown = match redact_secrets(err.message()) {
        std::borrow::Cow::Owned(shown) => Some(shown),
        std::borrow::Cow::Borrowed(_) => None,
    };
    match shown {
        Some(shown) => err.with_message(shown),
        None => err,
    }
}

/// The bound and outage state (which names the object) of one user object.
struct Guard {
    timeout: Duration,
    outage: Arc<Outage>,
}

impl Guard {
    /// A guard for the object called `what` in messages (e.g. `user
    /// market data "mine"`).
    fn new(what: String, timeout: Duration) -> Self {
        Guard {
            outage: Arc::new(Outage::new(what)),
            timeout,
        }
    }

    /// Runs `answer` (the object's `call`) unless the object sits out a
    /// window (`Unavailable`), cut off after the timeout (`Timeout`, which
    /// opens a window). An answer, even an error, says the object is up
    /// again; an error of a backend-fault kind is counted, and passes on
    /// [`redacted`]. The future of an object cut off is dropped.
    async fn run<T>(&self, call: &str, answer: impl Future<Output = Result<T>>) -> Result<T> {
        self.outage.check()?;
        match tokio::time::timeout(self.timeout, answer).await {
            Ok(answer) => {
                self.outage.succeeded();
                answer.map_err(|err| {
                    if err.kind().is_upstream_fault() {
                        self.outage.counted();
                    }
                    redacted(err)
                })
            }
            Err(_) => Err(self.outage.timed_out(call, self.timeout)),
        }
    }
}

/// What a user object is called in messages: `user KIND "NAME"`, the name
/// truncated.
pub(super) fn user_what(kind: &str, name: &str) -> String {
    format!("user {kind} {}", echo(name))
}

/// A user's [`MarketData`] behind a [`Guard`].
pub(super) struct GuardedMarketData {
    inner: Arc<dyn MarketData>,
    guard: Guard,
}

impl GuardedMarketData {
    /// Guards `inner`, bounding each call by `timeout`. No I/O.
    pub(super) fn new(inner: Arc<dyn MarketData>, timeout: Duration) -> Self {
        let what = user_what("market data", inner.name());
        GuardedMarketData {
            guard: Guard::new(what, timeout),
            inner,
        }
    }

    /// The object's outage state, for health reports.
    pub(super) fn outage(&self) -> Arc<Outage> {
        self.guard.outage.clone()
    }
}

#[async_trait]
impl MarketData for GuardedMarketData {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        self.guard.run("quote", self.inner.quote(symbol)).await
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let answer = self.inner.history(symbol, range, interval);
        let mut history = self.guard.run("history", answer).await?;
        // The trait's promise, kept for a Rust user's provider as the
        // bindings keep it for theirs.
        crate::provider::keep_history_promise(&mut history, self.guard.outage.what())?;
        Ok(history)
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.guard
            .run("search", self.inner.search(query, limit))
            .await
    }

    fn bars_are_final(&self) -> bool {
        self.inner.bars_are_final()
    }
}

/// A user's [`MentionSource`] behind a [`Guard`].
pub(super) struct GuardedSource {
    inner: Arc<dyn MentionSource>,
    guard: Guard,
}

impl GuardedSource {
    /// Guards `inner`, bounding each call by `timeout`. No I/O.
    pub(super) fn new(inner: Arc<dyn MentionSource>, timeout: Duration) -> Self {
        let what = user_what("mention source", inner.platform());
        GuardedSource {
            guard: Guard::new(what, timeout),
            inner,
        }
    }

    /// The object's outage state, for health reports.
    pub(super) fn outage(&self) -> Arc<Outage> {
        self.guard.outage.clone()
    }
}

#[async_trait]
impl MentionSource for GuardedSource {
    fn platform(&self) -> &str {
        self.inner.platform()
    }

    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let answer = self.inner.mentions(symbol, since, limit);
        let mut posts = self.guard.run("mentions", answer).await?;
        crate::social::keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

/// A user's [`Analyzer`] whose errors pass on [`redacted`]. Its bound is
/// the sentiment service's, which runs it on a blocking thread
/// ([`SentimentService::with_analyzer_deadline`](crate::service::SentimentService::with_analyzer_deadline)).
pub(super) struct RedactingAnalyzer(pub(super) Arc<dyn Analyzer>);

impl Analyzer for RedactingAnalyzer {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn score(&self, text: &str) -> Score {
        self.0.score(text)
    }

    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        self.0.score_many(texts)
    }

    fn try_score_many(&self, texts: &[&str]) -> Result<Vec<Score>> {
        self.0.try_score_many(texts).map_err(redacted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn objects_get_distinct_identities_and_clones_keep_theirs() {
        let object: Arc<str> = Arc::from("x");
        let first = UserObject::new(object.clone());
        let second = UserObject::new(object);
        assert_ne!(first.identity("n"), second.identity("n"));
        assert_eq!(first.identity("n"), first.clone().identity("n"));
        assert!(first.identity("n").starts_with("user:n#"));
    }

    #[test]
    fn redaction_keeps_the_kind_and_hides_the_password() {
        let err = Error::new(ErrorKind::NotFound, "no postgres://u:sekrit@h/db here")
            .with_retry_after(Duration::from_secs(1));
        let shown = redacted(err);
        assert_eq!(shown.kind(), ErrorKind::NotFound);
        assert!(!shown.message().contains("sekrit"), "{}", shown.message());
        assert!(shown.message().contains("postgres://u:***@h/db"));
        assert_eq!(shown.retry_after(), Some(Duration::from_secs(1)));
    }
}
