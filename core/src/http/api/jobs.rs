//! Migrations running in this process, each on a task of its own: a
//! request that started one may go (the client disconnects, the group's
//! timeout answers 504) and the migration still runs to its end, its
//! progress kept per symbol in the store, where the status endpoint reads
//! it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// Most migrations running at once: each fetches a few symbols at a time,
/// and more would only queue on the provider and the store.
pub(crate) const MAX_JOBS: usize = 16;

/// How long a caller turned away is told to wait.
const BUSY_RETRY_AFTER: Duration = Duration::from_secs(5);

/// The migrations running in this process (the migration service's), at
/// most [`MAX_JOBS`] at once.
pub(crate) struct Jobs {
    slots: Arc<Semaphore>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            slots: Arc::new(Semaphore::new(MAX_JOBS)),
        }
    }
}

impl Jobs {
    /// Starts `job` on a task of its own, which runs to its end whether or
    /// not the handle is awaited or dropped; `Unavailable` (with a wait)
    /// when [`MAX_JOBS`] are running already. No I/O.
    pub(crate) fn spawn<T: Send + 'static>(
        &self,
        job: impl Future<Output = T> + Send + 'static,
    ) -> Result<JoinHandle<T>> {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            return Err(
                Error::unavailable(format!("{MAX_JOBS} migrations are running already"))
                    .with_retry_after(BUSY_RETRY_AFTER),
            );
        };
        Ok(tokio::spawn(async move {
            let done = job.await;
            drop(slot);
            done
        }))
    }
}

/// What a job gave, or `Internal` when it panicked (or its runtime went).
pub(crate) async fn joined<T>(handle: JoinHandle<T>) -> Result<T> {
    handle.await.map_err(|err| {
        if err.is_panic() {
            Error::from_panic(&*err.into_panic())
        } else {
            Error::unavailable("the migration was cancelled with the server")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_to_their_end_and_are_bounded() {
        let jobs = Jobs::default();
        let gate = Arc::new(Semaphore::new(0));
        let mut held = Vec::new();
        for _ in 0..MAX_JOBS {
            let gate = gate.clone();
            let job = async move { gate.acquire().await.map(|p| p.forget()).is_ok() };
            held.push(jobs.spawn(job).unwrap());
        }
        let refused = jobs.spawn(async {}).unwrap_err();
        assert_eq!(refused.kind(), crate::ErrorKind::Unavailable);
        assert_eq!(refused.retry_after(), Some(BUSY_RETRY_AFTER));
        // A dropped handle leaves its job running, and its slot taken
        // until it ends.
        drop(held.pop());
        gate.add_permits(MAX_JOBS);
        for handle in held {
            assert!(joined(handle).await.unwrap());
        }
        let started = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Ok(handle) = jobs.spawn(async { 7 }) {
                    return joined(handle).await.unwrap();
                }
                tokio::task::yield_now().await;
            }
        });
        assert_eq!(started.await.unwrap(), 7);
    }
}
