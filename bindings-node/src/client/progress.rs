//! A backfill's progress, relayed to the JS callback.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi::Status;

use crate::backfill::BackfillProgress;

/// The JS `onProgress` callback of a backfill: called with the progress
/// alone (no error-first argument), and weak, so it never keeps the process
/// alive by itself.
pub(super) type ProgressCallback =
    ThreadsafeFunction<BackfillProgress, UnknownReturnValue, BackfillProgress, Status, false, true>;

/// Hands each backfill progress to the JS callback without waiting for it
/// (the run never waits on the JS thread), and counts what it queued so the
/// promise can settle only after every progress has been delivered.
pub(super) struct ProgressRelay {
    callback: Option<ProgressCallback>,
    queued: AtomicUsize,
    delivered: mpsc::Sender<()>,
}

impl ProgressRelay {
    pub(super) fn new(callback: Option<ProgressCallback>) -> (Self, mpsc::Receiver<()>) {
        let (delivered, receiver) = mpsc::channel();
        let relay = ProgressRelay {
            callback,
            queued: AtomicUsize::new(0),
            delivered,
        };
        (relay, receiver)
    }

    pub(super) fn tell(
        &self,
        progress: &tickersense::service::BackfillProgress,
    ) -> ControlFlow<()> {
        if let Some(callback) = &self.callback {
            let delivered = self.delivered.clone();
            // Called with a completion so that napi catches what the callback
            // throws and hands it here, where it is dropped: a plain call would
            // rethrow it as an uncaught exception and end the process.
            let status = callback.call_with_return_value(
                BackfillProgress::from(progress.clone()),
                ThreadsafeFunctionCallMode::NonBlocking,
                move |_returned, _env| {
                    let _ = delivered.send(());
                    Ok(())
                },
            );
            if status == Status::Ok {
                self.queued.fetch_add(1, Ordering::Relaxed);
            }
        }
        ControlFlow::Continue(())
    }

    /// Resolves once the JS thread has run every call queued, or once the
    /// callback is torn down with its environment (its queue then never runs).
    pub(super) async fn delivered(self, receiver: mpsc::Receiver<()>) {
        let ProgressRelay {
            callback,
            queued,
            delivered,
        } = self;
        drop(delivered);
        let (Some(callback), queued) = (callback, queued.into_inner()) else {
            return;
        };
        if queued == 0 {
            return;
        }
        // The wait is a blocking receive, kept off the async workers.
        let _ = napi::bindgen_prelude::spawn_blocking(move || {
            let mut left = queued;
            while left > 0 && !callback.aborted() {
                match receiver.recv_timeout(Duration::from_millis(100)) {
                    Ok(()) => left -= 1,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        })
        .await;
    }
}
