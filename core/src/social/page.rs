//! What the paged sources (Reddit, X, StockTwits) do alike with the pages
//! of one call: keep each post once, stop at `since`, count what was left
//! out, decide whether a failing later page ends the paging or the call,
//! and hand back the posts as [`MentionSource::mentions`](super::MentionSource::mentions)
//! promises them. Each source keeps what is its own: its URLs, its
//! answer's shape and its cursor.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::bounds::Skipped;
use super::keep_mention_promise;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Post, Symbol};

/// Most pages asked for `limit` posts at `per_page` a page: one more than
/// the pages `limit` needs, so a short page is forgiven once and a server
/// handing out cursors forever is not followed.
pub(crate) fn page_cap(limit: usize, per_page: usize) -> usize {
    limit.div_ceil(per_page.max(1)) + 1
}

/// Which failures of a page after the first end the paging with the posts
/// already read (logged) instead of failing the call. A failing first page
/// always fails the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LaterPageFailure {
    /// Only a refusal for the rate limit (`RateLimited`) ends the paging.
    RateLimited,
    /// Any failure ends the paging.
    Any,
}

/// What one page added to a [`Gathered`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageTake {
    /// Posts of the page at or after `since` not seen on an earlier page.
    pub(crate) fresh: usize,
    /// Whether the page held a post older than `since`: the pages after it
    /// (older still) hold nothing wanted.
    pub(crate) reached_since: bool,
}

/// The posts one call of a paged source has gathered so far.
#[derive(Debug)]
pub(crate) struct Gathered {
    platform: &'static str,
    symbol: Symbol,
    since: DateTime<Utc>,
    posts: Vec<Post>,
    seen: HashSet<String>,
    skipped: Skipped,
}

impl Gathered {
    /// Nothing yet, for posts of `platform` about `symbol` from `since` on.
    pub(crate) fn new(platform: &'static str, symbol: &Symbol, since: DateTime<Utc>) -> Self {
        Gathered {
            platform,
            symbol: symbol.clone(),
            since,
            posts: Vec::new(),
            seen: HashSet::new(),
            skipped: Skipped::default(),
        }
    }

    /// How many posts are kept so far.
    pub(crate) fn len(&self) -> usize {
        self.posts.len()
    }

    /// Keeps the posts of one page made at or after `since` whose id no
    /// earlier page gave, and counts what the page left out. O(posts).
    pub(crate) fn add_page(&mut self, posts: Vec<Post>, skipped: Skipped) -> PageTake {
        self.skipped.absorb(skipped);
        let mut take = PageTake {
            fresh: 0,
            reached_since: false,
        };
        for post in posts {
            if post.created_at < self.since {
                take.reached_since = true;
            } else if self.seen.insert(post.id.clone()) {
                take.fresh += 1;
                self.posts.push(post);
            }
        }
        take
    }

    /// What to do with `err`, the failure of page `number` (from 0): `Ok`
    /// when it ends the paging with the posts gathered (logged: an info
    /// line for a rate limit, else a warning), else the error for the call.
    pub(crate) fn page_failed(
        &self,
        err: Error,
        number: usize,
        ends_paging: LaterPageFailure,
    ) -> Result<()> {
        let rate_limited = err.kind() == ErrorKind::RateLimited;
        let keep = number > 0 && (rate_limited || ends_paging == LaterPageFailure::Any);
        if !keep {
            return Err(err);
        }
        let (platform, symbol, kept) = (self.platform, &self.symbol, self.posts.len());
        if rate_limited {
            tracing::info!(platform, %symbol, page = number + 1, kept,
                "{platform} stopped paging at page {}, keeping {kept} posts: {}",
                number + 1, err.message());
        } else {
            tracing::warn!(platform, %symbol, page = number + 1, kept,
                "{platform} stopped paging at page {}, keeping {kept} posts: {}",
                number + 1, err.message());
        }
        Ok(())
    }

    /// The posts as `mentions` promises them (none before `since`, newest
    /// first, at most `limit`), after one log line about the `what`s
    /// ("tweets") left out, when any were. One sort.
    pub(crate) fn finish(self, limit: usize, what: &str) -> Vec<Post> {
        self.skipped.report(self.platform, what);
        let mut posts = self.posts;
        keep_mention_promise(&mut posts, self.since, limit);
        posts
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn post(id: &str, at: DateTime<Utc>) -> Post {
        Post::new("x", id, "text", "https://x.com/i/web/status/1", at)
    }

    #[test]
    fn pages_are_capped_one_above_what_the_limit_needs() {
        assert_eq!(page_cap(100, 100), 2);
        assert_eq!(page_cap(30, 25), 3);
        assert_eq!(page_cap(0, 100), 1);
        assert_eq!(page_cap(5, 0), 6);
    }

    #[test]
    fn posts_are_kept_once_and_not_before_since() {
        let now = Utc::now();
        let since = now - Duration::hours(1);
        let symbol = Symbol::parse("TSLA").unwrap();
        let mut gathered = Gathered::new("x", &symbol, since);
        let mut skipped = Skipped::default();
        skipped.add("no id");
        let take = gathered.add_page(vec![post("1", now), post("2", now)], skipped);
        assert_eq!(take.fresh, 2);
        assert!(!take.reached_since);
        let old = post("3", since - Duration::minutes(1));
        let take = gathered.add_page(vec![post("2", now), old], Skipped::default());
        assert_eq!(take.fresh, 0);
        assert!(take.reached_since);
        assert_eq!(gathered.len(), 2);
        assert_eq!(gathered.skipped.count(), 1);
        assert_eq!(gathered.finish(1, "tweets").len(), 1);
    }

    #[test]
    fn only_later_pages_may_end_the_paging() {
        let symbol = Symbol::parse("TSLA").unwrap();
        let gathered = Gathered::new("x", &symbol, Utc::now());
        let limited = || Error::new(ErrorKind::RateLimited, "slow down");
        let down = || Error::new(ErrorKind::Unavailable, "down");
        let rate_limited = LaterPageFailure::RateLimited;
        assert!(gathered.page_failed(limited(), 0, rate_limited).is_err());
        assert!(gathered.page_failed(limited(), 1, rate_limited).is_ok());
        assert!(gathered.page_failed(down(), 1, rate_limited).is_err());
        assert!(gathered
            .page_failed(down(), 1, LaterPageFailure::Any)
            .is_ok());
        assert!(gathered
            .page_failed(down(), 0, LaterPageFailure::Any)
            .is_err());
    }
}
