use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::RouteGroup;

/// Where the server listens when not told: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The largest request body read, when not told: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;
/// How long a native handler may take, when its group has no timeout of
/// its own: the seed's proxy timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting to the legacy upstream may take, when not told.
pub const DEFAULT_LEGACY_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the legacy upstream may take to begin its answer (its status
/// and headers), when not told: the seed's proxy timeout.
pub const DEFAULT_LEGACY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the server reads besides the [`Tickersense`](crate::Tickersense)
/// it serves. `tickersense serve` fills it from its flags and the
/// `TICKERSENSE_*` environment; [`Default`] is a loopback server with the
/// seed's rate limits, no legacy upstream and no operator token.
#[derive(Clone)]
pub struct ServerSettings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The operator token the cache and migration groups require
    /// (`Authorization: Bearer TOKEN`); with none they answer 404.
    pub admin_token: Option<String>,
    /// The legacy upstream's base URL (the old gateway or a service):
    /// where `legacy` and `shadow` groups, and paths with no native
    /// handler, are sent. With none, only native routes are served.
    pub legacy_url: Option<url::Url>,
    /// The route table file (TOML), re-read on SIGHUP.
    pub routes_file: Option<PathBuf>,
    /// Origins allowed by CORS (exact `scheme://host[:port]`); empty
    /// allows none. Never `*` with credentials.
    pub cors_origins: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed: the client address of a
    /// request from one of them is the last address it appended.
    pub trusted_proxies: Vec<IpAddr>,
    /// Rate limits: off, in process, or shared through Redis.
    pub rate_limits: RateLimitSetting,
    /// Requests a minute per client, per group, where they differ from
    /// [`RouteGroup::default_per_minute`].
    pub per_minute: BTreeMap<RouteGroup, u32>,
    /// The largest request body read, in bytes (413 beyond).
    pub body_limit: usize,
    /// How long a native handler may take before the answer is 504.
    pub request_timeout: Duration,
    /// Per-group timeouts where they differ from `request_timeout`.
    pub group_timeouts: BTreeMap<RouteGroup, Duration>,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// How long connecting to the legacy upstream may take (504 beyond).
    pub legacy_connect_timeout: Duration,
    /// How long the legacy upstream may take to begin its answer (504
    /// beyond); the body then streams for as long as it takes.
    pub legacy_timeout: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            admin_token: None,
            legacy_url: None,
            routes_file: None,
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            rate_limits: RateLimitSetting::Auto,
            per_minute: BTreeMap::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            group_timeouts: BTreeMap::new(),
            log_format: LogFormat::Text,
            legacy_connect_timeout: DEFAULT_LEGACY_CONNECT_TIMEOUT,
            legacy_timeout: DEFAULT_LEGACY_TIMEOUT,
        }
    }
}

impl ServerSettings {
    /// The budget of `group` in requests a minute per client, `None` for
    /// no limit.
    pub fn per_minute(&self, group: RouteGroup) -> Option<u32> {
        match self.per_minute.get(&group) {
            Some(&n) => Some(n),
            None => group.default_per_minute(),
        }
    }

    /// How long a native handler of `group` may take.
    pub fn timeout(&self, group: RouteGroup) -> Duration {
        self.group_timeouts
            .get(&group)
            .copied()
            .unwrap_or(self.request_timeout)
    }
}

impl fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSettings")
            .field("listen", &self.listen)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "<set>"))
            .field(
                "legacy_url",
                &self
                    .legacy_url
                    .as_ref()
                    .map(|u| crate::url::redact_url(u.as_str())),
            )
            .field("routes_file", &self.routes_file)
            .field("cors_origins", &self.cors_origins)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("rate_limits", &self.rate_limits)
            .field("per_minute", &self.per_minute)
            .field("body_limit", &self.body_limit)
            .field("request_timeout", &self.request_timeout)
            .field("group_timeouts", &self.group_timeouts)
            .field("log_format", &self.log_format)
            .field("legacy_connect_timeout", &self.legacy_connect_timeout)
            .field("legacy_timeout", &self.legacy_timeout)
            .finish()
    }
}

/// Where rate-limit decisions are made.
#[derive(Clone, PartialEq, Eq)]
pub enum RateLimitSetting {
    /// No limits (`--rate-limits off`): for load tests.
    Off,
    /// In this process only (`memory://`).
    Memory,
    /// In Redis (`redis://HOST:PORT/DB`), so instances share one budget;
    /// in process while Redis is down.
    Redis(String),
    /// Redis when the cache is Redis (its server), else in process.
    Auto,
}

impl fmt::Debug for RateLimitSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateLimitSetting::Off => f.write_str("Off"),
            RateLimitSetting::Memory => f.write_str("Memory"),
            RateLimitSetting::Redis(url) => write!(f, "Redis({})", crate::url::redact_url(url)),
            RateLimitSetting::Auto => f.write_str("Auto"),
        }
    }
}

/// How log lines are written (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per event.
    Json,
}
