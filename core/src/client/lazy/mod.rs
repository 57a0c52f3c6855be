//! Backends a client builds from URLs and connects on first use, each on
//! its own: [`LazyStore`] is the store of the store URL, connected by the
//! first call that needs it, skipped for a back-off window after it failed
//! to connect or stopped answering, and connected again by a later call.

mod store;
mod traits;

pub(super) use store::LazyStore;
