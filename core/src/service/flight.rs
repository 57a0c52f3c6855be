//! Single flight: concurrent identical requests share one upstream call.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::{Error, ErrorKind, Result};

/// An error as every caller of a flight gets it: [`Error`] holds a boxed
/// source and is not `Clone`, so each caller gets a copy rebuilt from the
/// kind, message and wait, its chain of library errors kept (so
/// [`Error::cause_kind`] answers the same), other sources left out.
#[derive(Clone)]
struct SharedError {
    kind: ErrorKind,
    message: String,
    retry_after: Option<Duration>,
    cause: Option<Box<SharedError>>,
}

impl SharedError {
    fn of(err: &Error) -> Self {
        let cause = std::error::Error::source(err)
            .and_then(|source| source.downcast_ref::<Error>())
            .map(|cause| Box::new(SharedError::of(cause)));
        SharedError {
            kind: err.kind(),
            message: err.message().to_owned(),
            retry_after: err.retry_after(),
            cause,
        }
    }

    fn to_error(&self) -> Error {
        let mut err = Error::new(self.kind, self.message.clone());
        if let Some(after) = self.retry_after {
            err = err.with_retry_after(after);
        }
        match &self.cause {
            Some(cause) => err.with_source(cause.to_error()),
            None => err,
        }
    }
}

type Outcome<T> = Option<std::result::Result<T, SharedError>>;

/// The requests in flight, by key. The first caller of a key (the leader)
/// runs the request; callers of the same key meanwhile wait for its
/// outcome, a failure included (so a failing upstream is asked once too).
/// A leader that is cancelled (its future dropped) answers nobody: the
/// callers waiting then start again, one of them leading. Nothing is kept
/// once a flight lands, so a failure never poisons later calls.
pub(crate) struct Flights<T> {
    in_flight: Mutex<HashMap<String, watch::Receiver<Outcome<T>>>>,
    /// Flights landed so far, of any key (see [`Flights::read_through`]).
    landed: AtomicU64,
}

impl<T> Default for Flights<T> {
    fn default() -> Self {
        Flights {
            in_flight: Mutex::new(HashMap::new()),
            landed: AtomicU64::new(0),
        }
    }
}

/// Takes the leader's flight off the map when the leader finishes or is
/// dropped, unless another flight has replaced it.
struct Landing<'a, T> {
    flights: &'a Flights<T>,
    key: &'a str,
    own: watch::Receiver<Outcome<T>>,
}

impl<T> Drop for Landing<'_, T> {
    fn drop(&mut self) {
        let mut map = self.flights.lock();
        if map
            .get(self.key)
            .is_some_and(|rx| rx.same_channel(&self.own))
        {
            map.remove(self.key);
        }
    }
}

impl<T> Flights<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Receiver<Outcome<T>>>> {
        // The map stays valid whatever a panicking holder was doing.
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Clone + Send + Sync> Flights<T> {
    /// A read-through cache miss made once: `lookup` (the cache read), and
    /// when it misses, `fetch` (which fills the cache) in one flight per key.
    ///
    /// A caller whose read missed just before another flight of the key
    /// landed (and left the map) would lead a second, needless fetch; so a
    /// leader reads the cache again first, but only when some flight has
    /// landed since its own read began. Alone, a miss costs one read, so
    /// the cache's miss counts stay true.
    pub(crate) async fn read_through<L, LF, F, FF>(
        &self,
        key: &str,
        lookup: L,
        fetch: F,
    ) -> Result<T>
    where
        L: Fn() -> LF,
        LF: Future<Output = Option<T>>,
        F: FnOnce() -> FF,
        FF: Future<Output = Result<T>>,
    {
        let ticket = self.landed.load(Ordering::SeqCst);
        if let Some(value) = lookup().await {
            return Ok(value);
        }
        self.run(key, || async {
            if self.landed.load(Ordering::SeqCst) != ticket {
                if let Some(value) = lookup().await {
                    return Ok(value);
                }
            }
            fetch().await
        })
        .await
    }

    /// The outcome of `fetch`, run by this caller or shared with the caller
    /// already running it for `key`. Costs a map look-up (and an entry
    /// while the fetch runs).
    pub(crate) async fn run<F, Fut>(&self, key: &str, fetch: F) -> Result<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut fetch = Some(fetch);
        loop {
            let joined = {
                let mut map = self.lock();
                match map.get(key) {
                    Some(rx) => Err(rx.clone()),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        map.insert(key.to_owned(), rx.clone());
                        Ok((tx, rx))
                    }
                }
            };
            match joined {
                Ok((tx, own)) => {
                    let _landing = Landing {
                        flights: self,
                        key,
                        own,
                    };
                    let Some(fetch) = fetch.take() else {
                        return Err(Error::internal("a flight was led twice"));
                    };
                    let result = fetch().await;
                    let shared = match &result {
                        Ok(value) => Ok(value.clone()),
                        Err(err) => Err(SharedError::of(err)),
                    };
                    // Sent before the flight leaves the map: a caller that
                    // joins in between finds the outcome at once.
                    tx.send_replace(Some(shared));
                    self.landed.fetch_add(1, Ordering::SeqCst);
                    return result;
                }
                Err(mut rx) => {
                    let outcome = match rx.wait_for(Option::is_some).await {
                        Ok(outcome) => outcome.clone(),
                        // The leader was dropped before it had an answer.
                        Err(_) => continue,
                    };
                    match outcome {
                        Some(Ok(value)) => return Ok(value),
                        Some(Err(err)) => return Err(err.to_error()),
                        None => continue,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch_and_its_failure() {
        let flights = Arc::new(Flights::<u32>::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let run = |fail: bool| {
            let (flights, calls) = (flights.clone(), calls.clone());
            async move {
                flights
                    .run("k", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        if fail {
                            let cause = Error::new(ErrorKind::RateLimited, "slow down")
                                .with_retry_after(Duration::from_secs(3));
                            Err(Error::unavailable("down").with_source(cause))
                        } else {
                            Ok(7)
                        }
                    })
                    .await
            }
        };
        let answers = futures::future::join_all((0..50).map(|_| run(false))).await;
        assert!(answers.iter().all(|a| matches!(a, Ok(7))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let failures = futures::future::join_all((0..50).map(|_| run(true))).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "a failure is shared too");
        for err in failures.into_iter().map(Result::unwrap_err) {
            assert_eq!(err.kind(), ErrorKind::Unavailable);
            assert_eq!(err.cause_kind(), Some(ErrorKind::RateLimited));
        }
        assert!(matches!(run(false).await, Ok(7)), "no poisoning");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_cancelled_leader_strands_nobody() {
        let flights = Arc::new(Flights::<u32>::default());
        let leader = {
            let flights = flights.clone();
            tokio::spawn(async move {
                flights
                    .run("k", || async {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Ok(1)
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let follower = {
            let flights = flights.clone();
            tokio::spawn(async move { flights.run("k", || async { Ok(2) }).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        leader.abort();
        let answer = tokio::time::timeout(Duration::from_secs(2), follower).await;
        assert!(matches!(answer, Ok(Ok(Ok(2)))), "the follower led anew");
        assert!(flights.lock().is_empty());
    }
}
