use std::sync::Arc;

use crate::error::Result;
use crate::Tickersense;

use super::{api, gateway, ops, strangler, ServerSettings};

/// What every handler and layer shares: the client, the settings and each
/// part's own state. Cloning is one `Arc` clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) client: Arc<Tickersense>,
    pub(crate) settings: ServerSettings,
    pub(crate) metrics: ops::Metrics,
    pub(crate) limiter: gateway::Limiter,
    pub(crate) routes: strangler::Strangler,
    pub(crate) jobs: api::Jobs,
}

impl AppState {
    /// The state of a server for `client` under `settings`. No I/O beyond
    /// reading the route file: backends connect on first use.
    pub fn new(client: Arc<Tickersense>, settings: ServerSettings) -> Result<Self> {
        let metrics = ops::Metrics::new();
        let limiter = gateway::Limiter::new(&settings, &client)?;
        let routes = strangler::Strangler::new(&settings)?;
        let jobs = api::Jobs::default();
        Ok(AppState {
            inner: Arc::new(Shared {
                client,
                settings,
                metrics,
                limiter,
                routes,
                jobs,
            }),
        })
    }

    /// The client served.
    pub fn client(&self) -> &Arc<Tickersense> {
        &self.inner.client
    }

    /// The settings in force.
    pub fn settings(&self) -> &ServerSettings {
        &self.inner.settings
    }

    /// The gateway's rate limiter.
    pub fn rate_limiter(&self) -> &super::RateLimiter {
        &self.inner.limiter.rate
    }
}

impl AppState {
    /// Re-reads the route file (what SIGHUP does): the new table applies to
    /// requests that start afterwards; one in flight finishes as it began.
    /// A file that does not parse leaves the table in force and is `Err`.
    pub fn reload_routes(&self) -> Result<()> {
        self.inner.routes.reload()
    }
}
