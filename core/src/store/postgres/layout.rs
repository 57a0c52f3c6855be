//! Whether prices, sentiment and posts live in TimescaleDB hypertables or
//! in plain tables. The migrations always make plain tables (composite
//! primary keys that include the time, plus BRIN or B-tree indexes on
//! time), so the schema is the same everywhere; on a server that has
//! TimescaleDB they are then turned into hypertables, chunked by time.

use std::fmt;

use sqlx::PgPool;

use crate::error::Result;
use crate::store::MigrationMode;

/// The tables that hold time series, each with its time column.
const TIME_TABLES: [(&str, &str); 3] = [
    ("price_bars", "ts"),
    ("sentiment_data", "ts"),
    ("sentiment_posts", "created_at"),
];

/// How the time-series tables are laid out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TimeLayout {
    /// Every time-series table is a TimescaleDB hypertable.
    Hypertables,
    /// Plain tables with BRIN time indexes, for the reason given.
    Plain { why: String },
}

impl fmt::Display for TimeLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeLayout::Hypertables => {
                f.write_str("prices and sentiment in TimescaleDB hypertables")
            }
            TimeLayout::Plain { why } => write!(
                f,
                "prices and sentiment in plain tables with BRIN time indexes ({why})"
            ),
        }
    }
}

impl TimeLayout {
    /// Finds the layout in force; with [`MigrationMode::Apply`], first turns
    /// the tables into hypertables when the server offers TimescaleDB. A
    /// refusal (no privilege to create the extension, the library not
    /// preloaded) is not an error: the plain layout works, only slower on
    /// very long series, and the reason is reported.
    pub(super) async fn settle(pool: &PgPool, migrations: MigrationMode) -> Result<TimeLayout> {
        let available: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')",
        )
        .fetch_one(pool)
        .await?;
        if !available {
            return Ok(TimeLayout::Plain {
                why: "the server has no timescaledb extension".to_owned(),
            });
        }
        if migrations == MigrationMode::Apply {
            if let Err(why) = make_hypertables(pool).await {
                tracing::warn!(%why, "timescaledb is available but hypertables could not be made");
                return Ok(TimeLayout::Plain { why });
            }
        }
        let installed: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
        )
        .fetch_one(pool)
        .await?;
        if !installed {
            return Ok(TimeLayout::Plain {
                why: "timescaledb is available but not created in this database".to_owned(),
            });
        }
        let hypertables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM timescaledb_information.hypertables \
             WHERE hypertable_schema = current_schema() AND hypertable_name = ANY($1)",
        )
        .bind(TIME_TABLES.map(|(table, _)| table).to_vec())
        .fetch_one(pool)
        .await?;
        Ok(if hypertables == TIME_TABLES.len() as i64 {
            TimeLayout::Hypertables
        } else {
            TimeLayout::Plain {
                why: "timescaledb is created but these tables are not hypertables".to_owned(),
            }
        })
    }
}

/// Creates the extension and converts every time-series table, moving rows
/// already in them into chunks. Idempotent: a table converted before (a
/// database made by an earlier version, which had fewer such tables) is
/// left as it is. The error is the server's reason, which
/// names no secret (the URL is never part of it).
async fn make_hypertables(pool: &PgPool) -> std::result::Result<(), String> {
    let reason = |err: sqlx::Error| match err.as_database_error() {
        Some(db) => db.message().to_owned(),
        None => "the server did not answer".to_owned(),
    };
    sqlx::query("CREATE EXTENSION IF NOT EXISTS timescaledb")
        .execute(pool)
        .await
        .map_err(reason)?;
    for (table, time) in TIME_TABLES {
        sqlx::query(
            "SELECT create_hypertable($1::regclass, $2::name, if_not_exists => TRUE, migrate_data => TRUE)",
        )
        .bind(table)
        .bind(time)
        .execute(pool)
        .await
        .map_err(reason)?;
    }
    Ok(())
}
