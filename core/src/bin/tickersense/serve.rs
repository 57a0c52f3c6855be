//! `tickersense serve`: the HTTP API and gateway, every
//! [`ServerSettings`] field a flag over a `TICKERSENSE_*` variable.
//!
//! SIGTERM or Ctrl-C stops accepting, lets the requests in flight finish,
//! closes the pools and exits 0; SIGHUP re-reads the route file (a file
//! that does not parse is logged and the table in force stays).
//!
//! `--timeout` (a native handler's budget) reads `TICKERSENSE_REQUEST_TIMEOUT`:
//! `TICKERSENSE_TIMEOUT` is the HTTP upstreams' timeout of the client's
//! configuration, `--upstream-timeout` here.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tickersense::http::{
    init_telemetry, AppState, LogFormat, RateLimitSetting, RouteGroup, ServerSettings,
    DEFAULT_BODY_LIMIT, DEFAULT_LISTEN,
};
use tickersense::url::redact_url;
use tickersense::{Config, Error, ErrorKind, Tickersense};

use crate::backends::BackendArgs;
use crate::bad_flag;

/// The longest operator token taken.
const MAX_TOKEN_LEN: usize = 4096;

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TICKERSENSE_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    #[command(flatten)]
    backends: BackendArgs,
    /// The operator token of the cache and migration groups (Bearer); without
    /// one they answer 404.
    #[arg(
        long = "admin-token",
        env = "TICKERSENSE_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    admin_token: Option<String>,
    /// The legacy upstream's base URL (http or https).
    #[arg(
        long = "legacy-url",
        env = "TICKERSENSE_LEGACY_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    legacy_url: Option<String>,
    /// The route table (TOML), re-read on SIGHUP.
    #[arg(long = "routes", env = "TICKERSENSE_ROUTES", value_name = "FILE")]
    routes: Option<PathBuf>,
    /// An origin allowed by CORS (scheme://host[:port]); repeat or separate with commas.
    #[arg(
        long = "cors-origin",
        env = "TICKERSENSE_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    cors_origins: Vec<String>,
    /// A proxy whose X-Forwarded-For is believed; repeat or separate with commas.
    #[arg(
        long = "trusted-proxy",
        env = "TICKERSENSE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    trusted_proxies: Vec<IpAddr>,
    /// Where rate limits are decided: off, memory://, redis://HOST:PORT/DB,
    /// or auto (Redis when the cache is Redis).
    #[arg(
        long = "rate-limits",
        env = "TICKERSENSE_RATE_LIMITS",
        hide_env_values = true,
        default_value = "auto",
        value_name = "WHERE"
    )]
    rate_limits: String,
    /// A group's budget in requests a minute per client, GROUP=N; repeat or
    /// separate with commas.
    #[arg(long = "rate-limit", env = "TICKERSENSE_RATE_LIMIT", value_delimiter = ',', value_name = "GROUP=N", value_parser = parse_budget)]
    per_minute: Vec<(RouteGroup, u32)>,
    /// The largest request body read, in bytes (413 beyond).
    #[arg(long = "body-limit", env = "TICKERSENSE_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT, value_name = "BYTES", value_parser = parse_body_limit)]
    body_limit: usize,
    /// How long a native handler may take (504 beyond): 30s, 500ms, 2.5.
    #[arg(long, env = "TICKERSENSE_REQUEST_TIMEOUT", default_value = "30s", value_name = "DURATION", value_parser = parse_timeout)]
    timeout: Duration,
    /// A group's own timeout, GROUP=DURATION; repeat or separate with commas.
    #[arg(long = "group-timeout", env = "TICKERSENSE_GROUP_TIMEOUTS", value_delimiter = ',', value_name = "GROUP=DURATION", value_parser = parse_group_timeout)]
    group_timeouts: Vec<(RouteGroup, Duration)>,
    /// How long connecting to the legacy upstream may take (504 beyond).
    #[arg(long = "legacy-connect-timeout", env = "TICKERSENSE_LEGACY_CONNECT_TIMEOUT", default_value = "3s", value_name = "DURATION", value_parser = parse_timeout)]
    legacy_connect_timeout: Duration,
    /// How long the legacy upstream may take to its first byte (504 beyond).
    #[arg(long = "legacy-timeout", env = "TICKERSENSE_LEGACY_TIMEOUT", default_value = "30s", value_name = "DURATION", value_parser = parse_timeout)]
    legacy_timeout: Duration,
    /// How log lines are written: text or json.
    #[arg(long = "log-format", env = "TICKERSENSE_LOG_FORMAT", default_value = "text", value_parser = parse_log_format)]
    log_format: LogFormat,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    match tickersense::url::parse_duration("the timeout", text) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("must be above zero".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_body_limit(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) | Err(_) => Err("must be a number of bytes above zero".into()),
        Ok(n) => Ok(n),
    }
}

fn split_pair(text: &str) -> Result<(RouteGroup, &str), String> {
    let (group, value) = text
        .split_once('=')
        .ok_or_else(|| "must be GROUP=VALUE".to_owned())?;
    let group = group
        .trim()
        .parse::<RouteGroup>()
        .map_err(|e| e.to_string())?;
    Ok((group, value.trim()))
}

fn parse_budget(text: &str) -> Result<(RouteGroup, u32), String> {
    let (group, value) = split_pair(text)?;
    match value.parse::<u32>() {
        Ok(n) if n > 0 => Ok((group, n)),
        _ => Err("the budget must be a whole number of requests above zero".into()),
    }
}

fn parse_group_timeout(text: &str) -> Result<(RouteGroup, Duration), String> {
    let (group, value) = split_pair(text)?;
    Ok((group, parse_timeout(value)?))
}

fn parse_log_format(text: &str) -> Result<LogFormat, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err("expected text or json".into()),
    }
}

/// `off`, `memory://`, `redis://...`/`rediss://...` or `auto`; the value
/// is shown redacted only, as a Redis URL may hold a password.
fn rate_limits(text: &str) -> RateLimitSetting {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "off" => RateLimitSetting::Off,
        "memory" | "memory://" => RateLimitSetting::Memory,
        "auto" => RateLimitSetting::Auto,
        lower if lower.starts_with("redis://") || lower.starts_with("rediss://") => {
            RateLimitSetting::Redis(trimmed.to_owned())
        }
        _ => bad_flag(
            "--rate-limits",
            format!(
                "{} is none of off, memory://, redis://HOST:PORT/DB, auto",
                redact_url(trimmed)
            ),
        ),
    }
}

fn legacy_url(text: &str) -> url::Url {
    match url::Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => url,
        _ => bad_flag(
            "--legacy-url",
            format!("{} is no http:// or https:// URL", redact_url(text.trim())),
        ),
    }
}

fn admin_token(token: String) -> String {
    if token.trim().is_empty() {
        bad_flag("--admin-token", "must not be empty");
    }
    if token.len() > MAX_TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
        bad_flag(
            "--admin-token",
            format!("must be at most {MAX_TOKEN_LEN} visible ASCII characters"),
        );
    }
    token
}

impl ServeArgs {
    /// The client's configuration and the server's settings; a bad flag
    /// exits 2 naming it.
    fn resolve(self) -> (Config, ServerSettings) {
        let config = self.backends.resolve();
        let settings = ServerSettings {
            listen: self.listen,
            admin_token: self.admin_token.map(admin_token),
            legacy_url: self.legacy_url.as_deref().map(legacy_url),
            routes_file: self.routes,
            cors_origins: self
                .cors_origins
                .into_iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            trusted_proxies: self.trusted_proxies,
            rate_limits: rate_limits(&self.rate_limits),
            per_minute: self.per_minute.into_iter().collect::<BTreeMap<_, _>>(),
            body_limit: self.body_limit,
            request_timeout: self.timeout,
            group_timeouts: self.group_timeouts.into_iter().collect(),
            legacy_connect_timeout: self.legacy_connect_timeout,
            legacy_timeout: self.legacy_timeout,
            log_format: self.log_format,
        };
        (config, settings)
    }
}

pub(crate) fn run(args: ServeArgs, runtime: &tokio::runtime::Runtime) -> ExitCode {
    let (config, settings) = args.resolve();
    runtime.block_on(async move {
        let telemetry = match init_telemetry(settings.log_format) {
            Ok(telemetry) => telemetry,
            Err(e) => {
                eprintln!("tickersense: {e}");
                return ExitCode::FAILURE;
            }
        };
        let served = serve(config, settings).await;
        // After the server stopped, so the spans of its last requests go too.
        telemetry.shutdown().await;
        match served {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!(error = %e, "the server could not run");
                eprintln!("tickersense: {e}");
                // A settings problem found only now (a route file that does
                // not parse) is a usage error, as a bad flag is.
                if e.kind() == ErrorKind::InvalidInput {
                    ExitCode::from(2)
                } else {
                    ExitCode::FAILURE
                }
            }
        }
    })
}

async fn serve(config: Config, settings: ServerSettings) -> tickersense::Result<()> {
    let listen = settings.listen;
    tracing::info!(settings = ?settings, "starting");
    let client = Arc::new(Tickersense::new(config)?);
    let state = AppState::new(client, settings)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Error::unavailable(format!("cannot listen on {listen}")).with_source(e))?;
    let local = listener.local_addr().unwrap_or(listen);
    reload_on_hangup(state.clone())?;
    tracing::info!("listening on {local}");
    tickersense::http::serve(state, listener, shutdown_requested()).await
}

/// Re-reads the route file on every SIGHUP, for as long as the process runs.
#[cfg(unix)]
fn reload_on_hangup(state: AppState) -> tickersense::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup())
        .map_err(|e| Error::internal("cannot watch for SIGHUP").with_source(e))?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            match state.reload_routes() {
                Ok(()) => tracing::info!("SIGHUP: route table reloaded"),
                Err(e) => tracing::warn!(
                    error = %e,
                    "SIGHUP: route table not reloaded; the one in force stays"
                ),
            }
        }
    });
    Ok(())
}

/// Without SIGHUP there is nothing to watch: the route file is read at start.
#[cfg(not(unix))]
fn reload_on_hangup(_: AppState) -> tickersense::Result<()> {
    Ok(())
}

/// Completes on the first SIGTERM or Ctrl-C (SIGINT).
#[cfg(unix)]
async fn shutdown_requested() {
    use tokio::signal::unix::{signal, SignalKind};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            // Without a SIGTERM handler, Ctrl-C still stops the server.
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    tokio::select! {
        _ = terminate => tracing::info!("SIGTERM: finishing the requests in flight, then stopping"),
        _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: finishing the requests in flight, then stopping"),
    }
}

/// Completes on the first Ctrl-C.
#[cfg(not(unix))]
async fn shutdown_requested() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("Ctrl-C: finishing the requests in flight, then stopping");
}
