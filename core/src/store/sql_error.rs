//! How database driver errors become the library's [`Error`]: by the
//! driver's error variant and the database's codes, never by message text,
//! and with the driver's error kept as the hidden source (it can quote a
//! connection string).

use crate::error::{Error, ErrorKind};

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        let (kind, message) = match &err {
            E::RowNotFound => (ErrorKind::NotFound, "row not found".to_owned()),
            E::PoolTimedOut => (
                ErrorKind::Timeout,
                "timed out waiting for a database connection".to_owned(),
            ),
            E::PoolClosed => (ErrorKind::Unavailable, "database pool is closed".to_owned()),
            E::Io(_) | E::Tls(_) => (
                ErrorKind::Unavailable,
                "cannot reach the database".to_owned(),
            ),
            #[cfg(feature = "sqlite")]
            E::Database(db) if sqlite_busy(db.as_ref()) => (
                ErrorKind::Unavailable,
                "the database is locked by another writer; try again".to_owned(),
            ),
            E::Database(db) if db.is_unique_violation() => (
                ErrorKind::Conflict,
                "a row with the same key exists".to_owned(),
            ),
            E::Database(db) => (
                ErrorKind::Internal,
                format!("database error: {}", db.message()),
            ),
            E::Configuration(_) => (
                ErrorKind::InvalidInput,
                "invalid database configuration".to_owned(),
            ),
            E::Migrate(_) => (ErrorKind::Internal, "database migration failed".to_owned()),
            _ => (ErrorKind::Internal, "database error".to_owned()),
        };
        Error::new(kind, message).with_source(err)
    }
}

/// True for SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED` (primary or
/// extended codes, read from the driver's code, not its message): another
/// connection holds the lock past the busy timeout, a transient state.
#[cfg(feature = "sqlite")]
fn sqlite_busy(db: &dyn sqlx::error::DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .and_then(sqlx::error::DatabaseError::code)
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// `err` as the error `classify` makes of the constraint it broke (by the
/// driver's [`sqlx::error::ErrorKind`], never by message text), or the
/// generic conversion when it broke none or `classify` declines. Lets a
/// store answer "email already registered" where the generic conversion
/// could only say a key exists. The driver's error stays the hidden source.
pub(crate) fn on_violation(
    err: sqlx::Error,
    classify: impl FnOnce(sqlx::error::ErrorKind) -> Option<Error>,
) -> Error {
    let broke = err.as_database_error().map(|db| db.kind());
    match broke.and_then(classify) {
        Some(mapped) => mapped.with_source(err),
        None => err.into(),
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Error::internal(format!("database migration failed: {err}"))
    }
}
