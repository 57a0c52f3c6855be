//! Helpers shared by the integration tests: the real services' URLs and
//! per-test isolation on them.

use sqlx::Connection;

/// The URL in `var`, exported by `.ci/run`. Unset on a developer machine the
/// test is skipped with a loud message; unset under CI (`CI` set) it fails.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{var} is not set; CI must provide the real service")
        }
        _ => {
            // Written past the test harness's capture so the skip is seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: {var} is not set; this test needs the real service (see .ci/run)"
            );
            None
        }
    }
}

/// A fresh PostgreSQL schema for one test, dropped by [`PgSchema::drop_now`].
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    /// Creates `ts_test_<unique>` on the server at `base`.
    pub async fn create(base: &str) -> Self {
        let name = format!(
            "ts_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let mut conn = sqlx::PgConnection::connect(base)
            .await
            .expect("connect to the test postgres");
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut conn)
            .await
            .expect("create schema");
        PgSchema {
            base: base.to_owned(),
            name,
        }
    }

    /// A store URL whose connections use only this schema.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }

    /// Drops the schema and everything in it.
    pub async fn drop_now(self) {
        let mut conn = sqlx::PgConnection::connect(&self.base)
            .await
            .expect("connect to the test postgres");
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut conn)
            .await
            .expect("drop schema");
    }
}
