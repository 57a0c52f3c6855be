//! Single reads made at the same time, gathered into `MGET`s.
//!
//! Each `GET` through the multiplexed connection costs the client about
//! 1.4 µs of CPU (a command packed, a reply parsed, a channel and a timer
//! per call), twice what Redis spends answering it; an `MGET` of many keys
//! costs about 0.4 µs a key (benches/RESULTS.md, "Cache"). Callers hand their
//! key to one task, which sends whatever has queued up since its last look
//! as one `MGET`, keeping several in flight: a lone read still goes out at
//! once, and many concurrent reads share round trips.

use futures::stream::FuturesUnordered;
use futures::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::{mpsc, oneshot};

/// A value, or the reason the round trip failed (shared by the batch).
pub(super) type Answer = std::result::Result<Option<Vec<u8>>, std::sync::Arc<redis::RedisError>>;

struct Read {
    key: String,
    answer: oneshot::Sender<Answer>,
}

/// The handle callers queue reads on. Dropping every handle ends the task.
#[derive(Clone)]
pub(super) struct ReadQueue {
    reads: mpsc::UnboundedSender<Read>,
}

impl ReadQueue {
    /// Starts the gathering task over `conn` on the current tokio runtime.
    pub(super) fn start(conn: ConnectionManager, most_keys: usize) -> Self {
        let (reads, queued) = mpsc::unbounded_channel();
        tokio::spawn(gather(conn, queued, most_keys));
        ReadQueue { reads }
    }

    /// The value under the full key `key`; `None` when the task is gone
    /// (the runtime that ran it shut down).
    pub(super) async fn get(&self, key: String) -> Option<Answer> {
        let (answer, answered) = oneshot::channel();
        self.reads.send(Read { key, answer }).ok()?;
        answered.await.ok()
    }
}

async fn gather(
    conn: ConnectionManager,
    mut queued: mpsc::UnboundedReceiver<Read>,
    most_keys: usize,
) {
    let mut in_flight = FuturesUnordered::new();
    loop {
        tokio::select! {
            read = queued.recv() => {
                let Some(first) = read else { break };
                let mut batch = vec![first];
                while batch.len() < most_keys {
                    match queued.try_recv() {
                        Ok(read) => batch.push(read),
                        Err(_) => break,
                    }
                }
                in_flight.push(mget(conn.clone(), batch));
            }
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
        }
    }
    while in_flight.next().await.is_some() {}
}

async fn mget(mut conn: ConnectionManager, batch: Vec<Read>) {
    let mut cmd = redis::cmd("MGET");
    for read in &batch {
        cmd.arg(&read.key);
    }
    let answers: redis::RedisResult<Vec<Option<Vec<u8>>>> = cmd.query_async(&mut conn).await;
    match answers {
        Ok(values) if values.len() == batch.len() => {
            for (read, value) in batch.into_iter().zip(values) {
                let _ = read.answer.send(Ok(value));
            }
        }
        other => {
            let err = std::sync::Arc::new(match other {
                Err(err) => err,
                Ok(values) => redis::RedisError::from((
                    redis::ErrorKind::ResponseError,
                    "MGET answered a different number of values",
                    format!("{} keys, {} values", batch.len(), values.len()),
                )),
            });
            for read in batch {
                let _ = read.answer.send(Err(err.clone()));
            }
        }
    }
}
