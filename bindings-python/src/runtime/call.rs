//! [`Call`]: the work one client operation hands a bridge, so that
//! `Client` (which waits for it) and `AsyncClient` (which awaits it) run the
//! same operation the same way.

use std::future::Future;

use super::Caller;
use crate::error::IntoPyErr;

/// An operation's work, ready to run: a future made once the bridge knows
/// where Python code the work calls back into runs ([`Caller`]).
pub trait Call: Send + 'static {
    /// What the operation gives back on success.
    type Value: Send + 'static;
    /// What it fails with.
    type Error: IntoPyErr + Send + 'static;
    /// The work itself.
    type Future: Future<Output = Result<Self::Value, Self::Error>> + Send + 'static;

    /// The future, made on the thread that starts the task. Costs nothing
    /// beyond what making the future costs.
    fn start(self, caller: Caller) -> Self::Future;
}

/// Work that calls no Python code back.
pub struct Plain<F>(pub F);

impl<F, T, E> Call for Plain<F>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: IntoPyErr + Send + 'static,
{
    type Value = T;
    type Error = E;
    type Future = F;

    fn start(self, _caller: Caller) -> F {
        self.0
    }
}

/// Work made from the [`Caller`] that runs the Python code it calls back
/// (a backfill's progress callable).
pub struct WithCaller<M>(pub M);

impl<M, F, T, E> Call for WithCaller<M>
where
    M: FnOnce(Caller) -> F + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: IntoPyErr + Send + 'static,
{
    type Value = T;
    type Error = E;
    type Future = F;

    fn start(self, caller: Caller) -> F {
        (self.0)(caller)
    }
}
