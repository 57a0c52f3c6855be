//! What a `postgres://` URL says: where the server is and how to log in
//! (handed to the driver), and how this library uses it (read here).

use std::str::FromStr;
use std::time::Duration;

use super::super::MigrationMode;
use crate::error::{echo, Error, Result};
use crate::url::{redact_url, BackendUrl, RedactedUrl};

/// Connections in the pool unless the URL's `?pool=` says otherwise.
pub const DEFAULT_POOL_SIZE: u32 = 8;

/// The largest `?pool=` accepted: far past what one server serves well,
/// low enough that a typo does not open thousands of connections.
pub const MAX_POOL_SIZE: u32 = 1000;

/// How long connecting, and waiting for a pooled connection, may take
/// unless the URL's `?connect_timeout=` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The connection parameters the driver (sqlx 0.8's `PgConnectOptions`)
/// reads from the URL's query, as libpq spells them, with sqlx's aliases.
/// They are handed on to it as given; `options[NAME]=VALUE` (one server
/// setting each) is handed on too.
pub const DRIVER_PARAMETERS: [&str; 18] = [
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// The options of a PostgreSQL store URL,
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?OPTIONS]`:
///
/// | option | default | meaning |
/// |---|---|---|
/// | `pool` | [`DEFAULT_POOL_SIZE`] (8) | most connections open at once (1 to [`MAX_POOL_SIZE`]) |
/// | `connect_timeout` | [`DEFAULT_CONNECT_TIMEOUT`] (5 s) | longest wait to connect, and for a free pooled connection (`500ms`, `2s`, or seconds as libpq writes them) |
/// | `migrations` | `apply` | `apply` the embedded migrations, or only `check` them ([`MigrationMode`]) |
/// | [`DRIVER_PARAMETERS`] | the driver's | `sslmode`, `application_name`, `options`, ... handed to the driver |
///
/// Any other option is `InvalidInput`. Its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The URL as the driver takes it: ours taken out, the driver's kept.
    driver_url: String,
    /// Most connections open at once.
    pub pool: u32,
    /// Longest wait to connect, and for a free pooled connection.
    pub connect_timeout: Duration,
    /// Apply or only check the schema.
    pub migrations: MigrationMode,
}

impl PostgresOptions {
    /// The options this library reads itself.
    pub const OWN: [&'static str; 3] = ["pool", "connect_timeout", MigrationMode::OPTION];

    /// Reads a `postgres://` URL's options and checks what the driver
    /// will read of it. No I/O; `InvalidInput` for an unknown option, a
    /// bad value, or a URL the driver refuses (shown redacted).
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        let mut options = url.options();
        let pool = options
            .take_parsed(
                "pool",
                &format!("a whole number from 1 to {MAX_POOL_SIZE}"),
                |n: &u32| (1..=MAX_POOL_SIZE).contains(n),
            )?
            .unwrap_or(DEFAULT_POOL_SIZE);
        let connect_timeout = options
            .take_duration("connect_timeout")?
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let migrations = MigrationMode::take(&mut options)?;
        let passed = options.take_passed_on(|key| {
            DRIVER_PARAMETERS.contains(&key) || (key.starts_with("options[") && key.ends_with(']'))
        });
        let known: Vec<&str> = Self::OWN
            .iter()
            .chain(DRIVER_PARAMETERS.iter())
            .copied()
            .chain(["options[NAME]"])
            .collect();
        options.finish(&known)?;
        let driver_url = url.with_query(&passed);
        sqlx::postgres::PgConnectOptions::from_str(&driver_url).map_err(|_| {
            Error::invalid_input(format!(
                "invalid postgres URL {}",
                echo(&redact_url(&driver_url))
            ))
        })?;
        Ok(PostgresOptions {
            driver_url,
            pool,
            connect_timeout,
            migrations,
        })
    }

    /// Reads `text` as a `postgres://` or `postgresql://` URL (see
    /// [`PostgresOptions::from_url`]).
    pub fn parse(text: &str) -> Result<Self> {
        let accepted = "postgres://USER@HOST/DB";
        let url = BackendUrl::parse_scheme(text, "store", accepted, &["postgres", "postgresql"])?;
        Self::from_url(&url)
    }

    /// The URL handed to the driver (it may hold a password).
    pub fn driver_url(&self) -> &str {
        &self.driver_url
    }
}

impl std::fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("url", &RedactedUrl(&self.driver_url))
            .field("pool", &self.pool)
            .field("connect_timeout", &self.connect_timeout)
            .field("migrations", &self.migrations)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use sqlx::postgres::PgConnectOptions;

    use super::*;
    use crate::ErrorKind;

    #[test]
    fn defaults_are_the_named_constants() {
        let options = PostgresOptions::parse("postgres://u@h/db").unwrap();
        assert_eq!(options.pool, DEFAULT_POOL_SIZE);
        assert_eq!(options.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(options.migrations, MigrationMode::Apply);
        assert_eq!(options.driver_url(), "postgres://u@h/db");
    }

    #[test]
    fn our_options_are_taken_out_and_the_drivers_kept() {
        let options = PostgresOptions::parse(
            "postgresql://bob:pw@h:5433/app?pool=16&sslmode=disable&connect_timeout=2\
             &migrations=check&application_name=my%20app&options=-c%20a%3D1&options[b]=2",
        )
        .unwrap();
        assert_eq!(options.pool, 16);
        assert_eq!(options.connect_timeout, Duration::from_secs(2));
        assert_eq!(options.migrations, MigrationMode::Check);
        assert_eq!(
            options.driver_url(),
            "postgresql://bob:pw@h:5433/app?sslmode=disable&application_name=my+app\
             &options=-c+a%3D1&options%5Bb%5D=2"
        );
        let driver = PgConnectOptions::from_str(options.driver_url()).unwrap();
        assert_eq!(driver.get_application_name(), Some("my app"));
        assert_eq!(driver.get_options(), Some("-c a=1 -c b=2"));
        assert!(!format!("{options:?}").contains(":pw@"), "{options:?}");
        let timeout = PostgresOptions::parse("postgres://h/db?connect_timeout=750ms").unwrap();
        assert_eq!(timeout.connect_timeout, Duration::from_millis(750));
    }

    #[test]
    fn bad_options_are_refused() {
        for bad in [
            "pool=0",
            "pool=1001",
            "pool=many",
            "connect_timeout=0",
            "connect_timeout=-5",
            "migrations=later",
            "sslmode=sometimes",
            "port=high",
            "poool=2",
            "pool=1&pool=2",
        ] {
            let err =
                PostgresOptions::parse(&format!("postgres://u:hunter2@h/db?{bad}")).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
            assert!(!err.message().contains("hunter2"), "{bad}: {err}");
        }
        let err = PostgresOptions::parse("postgres://h/db?poool=2").unwrap_err();
        assert!(
            err.message()
                .contains("known: pool, connect_timeout, migrations, sslmode"),
            "{err}"
        );
        let huge = format!("postgres://h/db?{}=1", "x".repeat(1 << 20));
        assert!(PostgresOptions::parse(&huge).unwrap_err().message().len() < 600);
    }
}
