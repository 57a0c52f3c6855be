//! The social platforms' credentials: from the environment or given in
//! code, never from a URL, never shown.

use std::fmt;

/// Credentials of the platforms that need them. Each is read from its
/// environment variable by [`SocialCredentials::from_env`] or set in code;
/// a source whose credentials are missing is built all the same and
/// reported `not_configured` by every analysis (it is never asked).
///
/// `Debug` shows only which are set: a credential never reaches a log
/// line, an error or a `repr`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SocialCredentials {
    /// Reddit app id (`REDDIT_CLIENT_ID`).
    pub reddit_client_id: Option<String>,
    /// Reddit app secret (`REDDIT_CLIENT_SECRET`).
    pub reddit_client_secret: Option<String>,
    /// The `User-Agent` Reddit asks every client to send
    /// (`REDDIT_USER_AGENT`); a descriptive default when unset.
    pub reddit_user_agent: Option<String>,
    /// X API v2 app bearer token (`X_BEARER_TOKEN`).
    pub x_bearer_token: Option<String>,
}

/// The variables [`SocialCredentials::from_env`] reads.
pub const CREDENTIAL_VARS: [&str; 4] = [
    "REDDIT_CLIENT_ID",
    "REDDIT_CLIENT_SECRET",
    "REDDIT_USER_AGENT",
    "X_BEARER_TOKEN",
];

impl SocialCredentials {
    /// Each credential from its variable; an empty or unset one is `None`.
    /// Reads four variables.
    pub fn from_env() -> Self {
        Self::from_vars(&|name| std::env::var(name).ok())
    }

    /// Each credential from `read(variable)`; an empty one is `None`.
    pub(crate) fn from_vars(read: &dyn Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            read(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        SocialCredentials {
            reddit_client_id: var(CREDENTIAL_VARS[0]),
            reddit_client_secret: var(CREDENTIAL_VARS[1]),
            reddit_user_agent: var(CREDENTIAL_VARS[2]),
            x_bearer_token: var(CREDENTIAL_VARS[3]),
        }
    }

    /// Each credential of `self`, else `other`'s.
    pub fn or(self, other: SocialCredentials) -> Self {
        SocialCredentials {
            reddit_client_id: self.reddit_client_id.or(other.reddit_client_id),
            reddit_client_secret: self.reddit_client_secret.or(other.reddit_client_secret),
            reddit_user_agent: self.reddit_user_agent.or(other.reddit_user_agent),
            x_bearer_token: self.x_bearer_token.or(other.x_bearer_token),
        }
    }

    /// Every secret value held, for scrubbing text that might quote one
    /// (the user agent is not a secret).
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        [
            &self.reddit_client_id,
            &self.reddit_client_secret,
            &self.x_bearer_token,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }
}

impl fmt::Debug for SocialCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| if v.is_some() { "set" } else { "unset" };
        f.debug_struct("SocialCredentials")
            .field("reddit_client_id", &shown(&self.reddit_client_id))
            .field("reddit_client_secret", &shown(&self.reddit_client_secret))
            .field("reddit_user_agent", &self.reddit_user_agent)
            .field("x_bearer_token", &shown(&self.x_bearer_token))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_which_are_set_and_no_value() {
        let creds = SocialCredentials {
            reddit_client_id: Some("id-123".into()),
            reddit_client_secret: Some("shh-456".into()),
            reddit_user_agent: None,
            x_bearer_token: Some("AAAA-789".into()),
        };
        let shown = format!("{creds:?}");
        for secret in creds.secrets() {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("\"set\""), "{shown}");
        let partial = SocialCredentials {
            x_bearer_token: None,
            ..creds
        };
        let shown = format!("{partial:?}");
        assert!(shown.contains("x_bearer_token: \"unset\""), "{shown}");
    }
}
