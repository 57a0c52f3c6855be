//! Single reads and writes made at the same time, gathered into one command
//! or pipeline each.
//!
//! Each `GET` or `SET` through the multiplexed connection costs the client
//! about 1.4 µs of CPU (a command packed, a reply parsed, a channel and a
//! timer per call), twice what Redis spends answering it; in an `MGET` or a
//! pipeline a key costs a fraction of that (benches/RESULTS.md, "Cache").
//! Callers hand their request to one task, which sends whatever has queued
//! up since its last look as one batch, keeping several batches in flight: a
//! lone call still goes out at once, and concurrent calls share round trips.

use std::future::Future;
use std::sync::Arc;

use futures::stream::FuturesUnordered;
use futures::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::{mpsc, oneshot};

/// What a batch's round trip gives each request in it.
pub(super) type Answer<A> = Result<A, Arc<redis::RedisError>>;

/// One request and where its answer goes.
pub(super) struct Job<R, A> {
    pub(super) request: R,
    pub(super) answer: oneshot::Sender<Answer<A>>,
}

/// The handle callers queue requests on. Dropping every handle ends the task.
pub(super) struct Gatherer<R, A> {
    queue: mpsc::UnboundedSender<Job<R, A>>,
    task: tokio::task::AbortHandle,
}

impl<R: Send + 'static, A: Send + 'static> Gatherer<R, A> {
    /// Starts the gathering task on the current tokio runtime: it sends at
    /// most `most` requests a batch through `send`.
    pub(super) fn start<S, F>(conn: ConnectionManager, most: usize, send: S) -> Self
    where
        S: Fn(ConnectionManager, Vec<Job<R, A>>) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let (queue, queued) = mpsc::unbounded_channel();
        let task = tokio::spawn(gather(conn, queued, most, send)).abort_handle();
        Gatherer { queue, task }
    }

    /// Ends the task now, with the batches it has in flight.
    pub(super) fn stop(&self) {
        self.task.abort();
    }

    /// The answer to `request`; `None` when the task is gone (the runtime
    /// that ran it shut down).
    pub(super) async fn call(&self, request: R) -> Option<Answer<A>> {
        let (answer, answered) = oneshot::channel();
        self.queue.send(Job { request, answer }).ok()?;
        answered.await.ok()
    }
}

async fn gather<R, A, S, F>(
    conn: ConnectionManager,
    mut queued: mpsc::UnboundedReceiver<Job<R, A>>,
    most: usize,
    send: S,
) where
    S: Fn(ConnectionManager, Vec<Job<R, A>>) -> F,
    F: Future<Output = ()>,
{
    let mut in_flight = FuturesUnordered::new();
    loop {
        tokio::select! {
            job = queued.recv() => {
                let Some(first) = job else { break };
                let mut batch = vec![first];
                while batch.len() < most {
                    match queued.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                in_flight.push(send(conn.clone(), batch));
            }
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
        }
    }
    while in_flight.next().await.is_some() {}
}

/// Gives every job of a batch its share of `answers` (one per job, in
/// order), or the round trip's error.
fn settle<R, A>(batch: Vec<Job<R, A>>, answers: redis::RedisResult<Vec<A>>) {
    let answers = answers.and_then(|answers| {
        if answers.len() == batch.len() {
            Ok(answers)
        } else {
            Err(redis::RedisError::from((
                redis::ErrorKind::ResponseError,
                "redis answered a different number of values",
                format!("{} asked, {} answered", batch.len(), answers.len()),
            )))
        }
    });
    match answers {
        Ok(answers) => {
            for (job, answer) in batch.into_iter().zip(answers) {
                let _ = job.answer.send(Ok(answer));
            }
        }
        Err(err) => {
            let err = Arc::new(err);
            for job in batch {
                let _ = job.answer.send(Err(err.clone()));
            }
        }
    }
}

/// Sends a batch of reads (full keys) as one `MGET`.
pub(super) async fn mget(mut conn: ConnectionManager, batch: Vec<Job<String, Option<Vec<u8>>>>) {
    let mut cmd = redis::cmd("MGET");
    for job in &batch {
        cmd.arg(&job.request);
    }
    let answers = cmd.query_async(&mut conn).await;
    settle(batch, answers);
}

/// A write: full key, value, time to live in seconds.
pub(super) type Write = (String, Vec<u8>, u64);

/// Sends a batch of writes as one pipeline of `SET key value EX ttl`.
pub(super) async fn set_ex(mut conn: ConnectionManager, mut batch: Vec<Job<Write, ()>>) {
    let mut pipe = redis::pipe();
    for job in &mut batch {
        let (key, value, ttl) = &mut job.request;
        pipe.set_ex(&*key, std::mem::take(value), *ttl).ignore();
    }
    let done: redis::RedisResult<()> = pipe.query_async(&mut conn).await;
    let answers = done.map(|()| vec![(); batch.len()]);
    settle(batch, answers);
}
