use async_trait::async_trait;
use sqlx::error::ErrorKind as DbErrorKind;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::PostgresStore;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    check_password_hash, normalize_email, normalize_name, Credentials, NewUser, Symbol, User,
    UserId, WatchlistItem,
};
use crate::store::on_violation;
use crate::store::UserStore;

fn no_user() -> Error {
    Error::not_found("user not found")
}

fn user_from_row(row: &PgRow) -> Result<User> {
    Ok(User {
        id: UserId::from_uuid(row.try_get("id")?),
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

// Timestamps come from the server (now(), RETURNING): what a write returns is
// then exactly what TIMESTAMPTZ keeps, to the microsecond.
#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user(&self, new: &NewUser) -> Result<User> {
        let new = new.normalized()?;
        let row = sqlx::query(
            "INSERT INTO users (id, email, password_hash, first_name, last_name) \
             VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, email, first_name, last_name, created_at, updated_at",
        )
        .bind(UserId::generate().as_uuid())
        .bind(&new.email)
        .bind(&new.password_hash)
        .bind(&new.first_name)
        .bind(&new.last_name)
        .fetch_one(&self.pool)
        .await
        .map_err(|err| {
            on_violation(err, |kind| {
                (kind == DbErrorKind::UniqueViolation)
                    .then(|| Error::new(ErrorKind::Conflict, "email already registered"))
            })
        })?;
        user_from_row(&row)
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, email, first_name, last_name, created_at, updated_at \
             FROM users WHERE id = $1",
        )
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        let email = normalize_email(email)?;
        let row = sqlx::query(
            "SELECT id, email, first_name, last_name, created_at, updated_at, password_hash \
             FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Credentials {
                user: user_from_row(&row)?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn update_profile(
        &self,
        id: &UserId,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<User> {
        let first_name = normalize_name("first name", first_name)?;
        let last_name = normalize_name("last name", last_name)?;
        // GREATEST: a clock stepped back must not make the profile look older.
        let row = sqlx::query(
            "UPDATE users SET first_name = $1, last_name = $2, updated_at = GREATEST(updated_at, now()) \
             WHERE id = $3 \
             RETURNING id, email, first_name, last_name, created_at, updated_at",
        )
        .bind(first_name)
        .bind(last_name)
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(user_from_row)
            .transpose()?
            .ok_or_else(no_user)
    }

    async fn set_password_hash(&self, id: &UserId, password_hash: &str) -> Result<()> {
        let password_hash = check_password_hash(password_hash)?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(no_user());
        }
        Ok(())
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_to_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<WatchlistItem> {
        let added_at = sqlx::query_scalar(
            "INSERT INTO watchlists (user_id, symbol) VALUES ($1, $2) RETURNING added_at",
        )
        .bind(id.as_uuid())
        .bind(symbol.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(|err| {
            on_violation(err, |kind| match kind {
                DbErrorKind::UniqueViolation => Some(Error::new(
                    ErrorKind::Conflict,
                    format!("{symbol} is already in watchlist"),
                )),
                DbErrorKind::ForeignKeyViolation => Some(no_user()),
                _ => None,
            })
        })?;
        Ok(WatchlistItem {
            symbol: symbol.clone(),
            added_at,
        })
    }

    async fn remove_from_watchlist(&self, id: &UserId, symbol: &Symbol) -> Result<()> {
        let done = sqlx::query("DELETE FROM watchlists WHERE user_id = $1 AND symbol = $2")
            .bind(id.as_uuid())
            .bind(symbol.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found(format!("{symbol} is not in watchlist")));
        }
        Ok(())
    }

    async fn watchlist(&self, id: &UserId) -> Result<Vec<WatchlistItem>> {
        let rows = sqlx::query(
            "SELECT symbol, added_at FROM watchlists WHERE user_id = $1 ORDER BY added_at, id",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WatchlistItem {
                    symbol: Symbol::parse(row.try_get("symbol")?)?,
                    added_at: row.try_get("added_at")?,
                })
            })
            .collect()
    }
}
