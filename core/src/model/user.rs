use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Symbol;
use crate::error::{Error, Result};

/// A user's id: a random (version 4) UUID chosen by the library when the user
/// is created, so every backend hands out ids of the same shape. `Copy`,
/// 16 bytes; serialises as the hyphenated lower-case text form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(Uuid);

impl UserId {
    /// A fresh random id. Costs one read of the thread's random generator.
    pub fn generate() -> Self {
        UserId(Uuid::new_v4())
    }

    /// Parses the text form (hyphenated or not, any case); anything else is
    /// an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput).
    pub fn parse(raw: &str) -> Result<Self> {
        Uuid::try_parse(raw.trim()).map(UserId).map_err(|_| {
            Error::invalid_input(format!("user id {} is not a UUID", crate::error::echo(raw)))
        })
    }

    /// Wraps an existing UUID, e.g. one read from another system. Free.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        UserId(uuid)
    }

    /// The UUID inside. Free.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl FromStr for UserId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        UserId::parse(s)
    }
}

impl From<Uuid> for UserId {
    fn from(uuid: Uuid) -> Self {
        UserId(uuid)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({})", self.0.hyphenated())
    }
}

/// A registered user as every caller may see it: no password hash (that only
/// travels in [`Credentials`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The id the library gave the user.
    pub id: UserId,
    /// The email, normalised by [`normalize_email`].
    pub email: String,
    /// Given name, trimmed; `None` when not given.
    pub first_name: Option<String>,
    /// Family name, trimmed; `None` when not given.
    pub last_name: Option<String>,
    /// When the user registered.
    pub created_at: DateTime<Utc>,
    /// When the profile last changed (equal to `created_at` until then).
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// The longest email accepted, in characters (the RFC 5321 path limit).
    pub const EMAIL_MAX_CHARS: usize = 254;

    /// The longest first or last name accepted, in characters (the seed's
    /// `VARCHAR(100)`).
    pub const NAME_MAX_CHARS: usize = 100;
}

/// What it takes to register a user. The password is already hashed: the
/// store keeps the hash as an opaque string and never looks inside it.
///
/// `Debug` shows the hash as `<redacted>`.
#[derive(Clone, PartialEq)]
pub struct NewUser {
    /// The email; validated and normalised when the user is created.
    pub email: String,
    /// The password hash (e.g. an argon2id PHC string).
    pub password_hash: String,
    /// Given name, optional.
    pub first_name: Option<String>,
    /// Family name, optional.
    pub last_name: Option<String>,
}

impl NewUser {
    /// The longest password hash accepted, in bytes: argon2id and bcrypt
    /// strings are under 128, so anything near this is not a hash.
    pub const PASSWORD_HASH_MAX_LEN: usize = 1024;

    /// A user with an email and password hash and no names. Nothing is
    /// checked until [`NewUser::normalized`] or the store does it.
    pub fn new(email: impl Into<String>, password_hash: impl Into<String>) -> Self {
        NewUser {
            email: email.into(),
            password_hash: password_hash.into(),
            first_name: None,
            last_name: None,
        }
    }

    /// The same user with these names. Free.
    pub fn with_names(mut self, first_name: Option<&str>, last_name: Option<&str>) -> Self {
        self.first_name = first_name.map(str::to_owned);
        self.last_name = last_name.map(str::to_owned);
        self
    }

    /// A checked copy: the email normalised by [`normalize_email`], names
    /// trimmed (blank ones become `None`, at most [`User::NAME_MAX_CHARS`]
    /// characters), the hash non-empty and at most [`NewUser::PASSWORD_HASH_MAX_LEN`]
    /// bytes. Every store calls this before it writes; a bad field is an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) that names
    /// the field but never quotes the hash. Costs a few small allocations.
    pub fn normalized(&self) -> Result<NewUser> {
        Ok(NewUser {
            email: normalize_email(&self.email)?,
            password_hash: check_password_hash(&self.password_hash)?.to_owned(),
            first_name: normalize_name("first name", self.first_name.as_deref())?,
            last_name: normalize_name("last name", self.last_name.as_deref())?,
        })
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("password_hash", &Redacted)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .finish()
    }
}

/// A user with the stored password hash, for the login check and nothing
/// else. Not serialisable, and `Debug` shows the hash as `<redacted>`, so it
/// cannot leak into a response or a log line by accident.
#[derive(Clone, PartialEq)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The hash stored for the user's password.
    pub password_hash: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password_hash", &Redacted)
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One symbol on a user's watchlist (the seed's `WatchlistItem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchlistItem {
    /// The symbol watched.
    pub symbol: Symbol,
    /// When it was added.
    pub added_at: DateTime<Utc>,
}

/// Checks `raw` as an email and returns the form stores keep and compare:
/// trimmed and lower-cased, so `Ann@Example.COM` and `ann@example.com` are one
/// user. Accepts non-empty text of at most [`User::EMAIL_MAX_CHARS`] characters with
/// exactly one `@` between a non-empty local part and domain, and no white
/// space or control characters; anything else is an
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput). This is a
/// sanity check, not RFC 5322: only a sent mail proves an address. Costs one
/// pass and one allocation.
pub fn normalize_email(raw: &str) -> Result<String> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(Error::invalid_input("email is empty"));
    }
    let count = email.chars().count();
    if count > User::EMAIL_MAX_CHARS {
        return Err(Error::invalid_input(format!(
            "email is {count} characters long; at most {} are allowed",
            User::EMAIL_MAX_CHARS
        )));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_input(
            "email must not contain white space or control characters",
        ));
    }
    let (local, domain) = email.split_once('@').unwrap_or_default();
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err(Error::invalid_input(
            "email must be one '@' between a local part and a domain, e.g. ann@example.com",
        ));
    }
    Ok(email.to_lowercase())
}

/// A name trimmed, `None` when blank; longer than [`User::NAME_MAX_CHARS`] or
/// holding control characters is invalid input naming `field`.
pub(crate) fn normalize_name(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    let Some(name) = raw.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let count = name.chars().count();
    if count > User::NAME_MAX_CHARS {
        return Err(Error::invalid_input(format!(
            "{field} is {count} characters long; at most {} are allowed",
            User::NAME_MAX_CHARS
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(Some(name.to_owned()))
}

/// `hash` when it is non-empty and at most [`NewUser::PASSWORD_HASH_MAX_LEN`] bytes.
/// The messages never quote it.
pub(crate) fn check_password_hash(hash: &str) -> Result<&str> {
    if hash.trim().is_empty() {
        return Err(Error::invalid_input("password hash is empty"));
    }
    if hash.len() > NewUser::PASSWORD_HASH_MAX_LEN {
        return Err(Error::invalid_input(format!(
            "password hash is longer than {} bytes",
            NewUser::PASSWORD_HASH_MAX_LEN
        )));
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Ann.Lee+Stocks@Example.COM \n").unwrap(),
            "ann.lee+stocks@example.com"
        );
        let longest = format!("{}@example.com", "a".repeat(User::EMAIL_MAX_CHARS - 12));
        assert_eq!(normalize_email(&longest).unwrap(), longest);
    }

    #[test]
    fn bad_emails_are_invalid_input() {
        let too_long = format!("{}@example.com", "a".repeat(User::EMAIL_MAX_CHARS));
        for bad in [
            "",
            "   ",
            "ann",
            "@example.com",
            "ann@",
            "ann@@example.com",
            "a@b@example.com",
            "ann lee@example.com",
            "ann@exa\tmple.com",
            "ann\u{7}@example.com",
            too_long.as_str(),
        ] {
            let err = normalize_email(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            normalize_name("first name", Some("  Ann "))
                .unwrap()
                .as_deref(),
            Some("Ann")
        );
        assert_eq!(normalize_name("first name", Some("   ")).unwrap(), None);
        assert_eq!(normalize_name("first name", None).unwrap(), None);
        let long = "é".repeat(User::NAME_MAX_CHARS);
        assert_eq!(
            normalize_name("last name", Some(&long)).unwrap(),
            Some(long)
        );
        let err =
            normalize_name("last name", Some(&"x".repeat(User::NAME_MAX_CHARS + 1))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("last name"), "{}", err.message());
    }

    #[test]
    fn new_user_is_checked_and_never_shows_its_hash() {
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
        let new = NewUser::new(" Bob@Example.com", hash).with_names(Some(" Bob "), Some(""));
        let checked = new.normalized().unwrap();
        assert_eq!(checked.email, "bob@example.com");
        assert_eq!(checked.first_name.as_deref(), Some("Bob"));
        assert_eq!(checked.last_name, None);
        assert_eq!(checked.password_hash, hash);
        for shown in [
            format!("{new:?}"),
            format!("{checked:?}"),
            format!("{new:#?}"),
        ] {
            assert!(!shown.contains(hash), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }

        let err = NewUser::new("bob@example.com", "  ")
            .normalized()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let huge = "h".repeat(NewUser::PASSWORD_HASH_MAX_LEN + 1);
        let err = NewUser::new("bob@example.com", huge.as_str())
            .normalized()
            .unwrap_err();
        assert!(!err.message().contains(&huge));
    }

    #[test]
    fn user_ids_round_trip_through_text_and_serde() {
        let id = UserId::generate();
        assert_ne!(id, UserId::generate());
        assert_eq!(id.as_uuid().get_version_num(), 4);
        assert_eq!(UserId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(UserId::parse(&id.to_string().to_uppercase()).unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        assert_eq!(
            UserId::parse("not-a-uuid").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
}
