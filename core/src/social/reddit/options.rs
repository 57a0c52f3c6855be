//! What a `reddit://` or `reddit+http://HOST:PORT` URL says.

use crate::error::{echo, Error, Result};
use crate::url::{BackendUrl, RedactedUrl};

/// Most subreddits one source searches: their names go into one URL path.
const MAX_SUBREDDITS: usize = 25;
/// Longest subreddit name Reddit allows.
const MAX_SUBREDDIT_CHARS: usize = 21;

/// What a `reddit://` URL says: `reddit://` (Reddit's public hosts:
/// `https://www.reddit.com` for the token, `https://oauth.reddit.com` for
/// the API) or `reddit+http://HOST:PORT` (both at that base: replay
/// servers, tests).
///
/// | option | default | meaning |
/// |---|---|---|
/// | `subreddits` | all of Reddit | comma-separated names (`wallstreetbets,stocks`, an `r/` prefix allowed), at most 25; the search is then restricted to them |
///
/// Any other option is `InvalidInput`. Its `Debug` form hides a password
/// in the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct RedditOptions {
    /// `reddit+http://HOST:PORT`: the API (and token endpoint) at this base.
    pub base: Option<String>,
    /// `?subreddits=a,b`: search only these subreddits; all of Reddit when empty.
    pub subreddits: Vec<String>,
}

impl RedditOptions {
    /// Every option a Reddit URL takes.
    pub const KNOWN: [&'static str; 1] = ["subreddits"];

    /// Reads a parsed `reddit://` or `reddit+http(s)://` URL. No I/O;
    /// `InvalidInput` for a host after `reddit://`, an unknown option or a
    /// subreddit name Reddit would not have (letters, digits and `_`, at
    /// most 21). Names are kept in the order given, without repeats.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        if url.base().is_none() && !url.location().trim_matches('/').is_empty() {
            return Err(Error::invalid_input(
                "reddit:// takes no host; use reddit+http://HOST:PORT for another base URL",
            ));
        }
        let mut options = url.options();
        let subreddits = match options.take("subreddits")? {
            Some(list) => parse_subreddits(&list)?,
            None => Vec::new(),
        };
        options.finish(&Self::KNOWN)?;
        Ok(RedditOptions {
            base: url.base().map(str::to_owned),
            subreddits,
        })
    }
}

/// `a,b,r/c` as names, checked, repeats (any case) dropped.
fn parse_subreddits(list: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let name = name
            .strip_prefix("/r/")
            .or_else(|| name.strip_prefix("r/"))
            .unwrap_or(name);
        let valid = (1..=MAX_SUBREDDIT_CHARS).contains(&name.chars().count())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(Error::invalid_input(format!(
                "subreddits in the reddit:// URL: {} is not a subreddit name (letters, digits and _, at most {MAX_SUBREDDIT_CHARS})",
                echo(name)
            )));
        }
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    if names.len() > MAX_SUBREDDITS {
        return Err(Error::invalid_input(format!(
            "subreddits in the reddit:// URL names {} subreddits; at most {MAX_SUBREDDITS} are searched at once",
            names.len()
        )));
    }
    Ok(names)
}

impl std::fmt::Debug for RedditOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedditOptions")
            .field("base", &self.base.as_deref().map(RedactedUrl))
            .field("subreddits", &self.subreddits)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::social::{SourceBackend, SourceUrl};
    use crate::ErrorKind;

    use super::*;

    fn options(url: &str) -> Result<RedditOptions> {
        match SourceUrl::parse(url)?.backend() {
            SourceBackend::Reddit(options) => Ok(options.clone()),
            other => panic!("{url} gave {other:?}"),
        }
    }

    #[test]
    fn public_hosts_and_a_base_override() {
        assert_eq!(
            options("reddit://").unwrap(),
            RedditOptions {
                base: None,
                subreddits: vec![]
            }
        );
        let local = options("reddit+http://127.0.0.1:8080").unwrap();
        assert_eq!(local.base.as_deref(), Some("http://127.0.0.1:8080"));
        let err = options("reddit://oauth.reddit.com").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("takes no host"), "{}", err.message());
    }

    #[test]
    fn subreddits_are_checked_and_kept_in_order_without_repeats() {
        let o =
            options("reddit://?subreddits=wallstreetbets,%20stocks,r/investing,Stocks,,").unwrap();
        assert_eq!(o.subreddits, ["wallstreetbets", "stocks", "investing"]);
        let o = options("reddit+http://127.0.0.1:1?subreddits=a_b").unwrap();
        assert_eq!(o.subreddits, ["a_b"]);
        for bad in ["a+b", "../x", "has%20space", "waytoolongforasubredditname"] {
            let err = options(&format!("reddit://?subreddits={bad}")).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
            assert!(
                err.message().contains("not a subreddit name"),
                "{}",
                err.message()
            );
        }
        let many: Vec<String> = (0..=MAX_SUBREDDITS).map(|i| format!("s{i}")).collect();
        let err = options(&format!("reddit://?subreddits={}", many.join(","))).unwrap_err();
        assert!(err.message().contains("at most 25"), "{}", err.message());
    }

    #[test]
    fn unknown_and_repeated_options_are_refused() {
        let err = options("reddit://?subredits=stocks").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("subredits"), "{}", err.message());
        assert!(
            err.message().contains("known: subreddits"),
            "{}",
            err.message()
        );
        let err = options("reddit://?subreddits=a&subreddits=b").unwrap_err();
        assert!(err.message().contains("twice"), "{}", err.message());
    }

    #[test]
    fn debug_hides_a_password_in_the_base() {
        let o = options("reddit+http://user:pw@127.0.0.1:9").unwrap();
        let shown = format!("{o:?}");
        assert!(!shown.contains("pw"), "{shown}");
    }
}
