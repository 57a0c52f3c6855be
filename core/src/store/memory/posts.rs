//! The memory store's `sentiment_posts`: each symbol's posts in time
//! order, and where each key's row lies.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use chrono::{DateTime, Utc};

use crate::model::{PostQuery, StoredPost, Symbol};
use crate::store::posts::{merge, newest_first, read_limit, wanted};

/// (platform, id, symbol): what makes a post one post.
type PostKey = (String, String, Symbol);
/// A row's place in its symbol's time order: (created_at, platform, id).
type TimeKey = (DateTime<Utc>, String, String);

/// The posts, by symbol and time, with each key's time for the lookups
/// of an upsert.
#[derive(Default)]
pub(super) struct PostTable {
    times: HashMap<PostKey, DateTime<Utc>>,
    by_symbol: HashMap<Symbol, BTreeMap<TimeKey, StoredPost>>,
}

impl PostTable {
    /// Writes `posts` (checked and one per key already), each new one
    /// added and each known one folded into its row; returns how many were
    /// new. O(posts · log rows of the symbol).
    pub(super) fn upsert(&mut self, posts: Vec<StoredPost>) -> u64 {
        let mut new = 0;
        for post in posts {
            let key = (post.platform.clone(), post.id.clone(), post.symbol.clone());
            let series = self.by_symbol.entry(post.symbol.clone()).or_default();
            match self.times.get(&key) {
                Some(&at) => {
                    if let Some(row) = series.get_mut(&(at, key.0, key.1)) {
                        merge(row, post);
                    }
                }
                None => {
                    self.times.insert(key, post.created_at);
                    let at = (post.created_at, post.platform.clone(), post.id.clone());
                    series.insert(at, post);
                    new += 1;
                }
            }
        }
        new
    }

    /// The posts `query` asks for, newest first, at most its limit (and
    /// [`MAX_POSTS_READ`](crate::model::MAX_POSTS_READ)).
    pub(super) fn read(&self, query: &PostQuery) -> Vec<StoredPost> {
        let limit = read_limit(query);
        let lower = (query.since, String::new(), String::new());
        let upper = match query.until {
            // (until, "", "") sorts before every row made at `until`.
            Some(until) if until <= query.since => return Vec::new(),
            Some(until) => Bound::Excluded((until, String::new(), String::new())),
            None => Bound::Unbounded,
        };
        let range = (Bound::Included(lower), upper);
        let of_symbol = |series: &BTreeMap<TimeKey, StoredPost>| -> Vec<StoredPost> {
            series
                .range(range.clone())
                .rev()
                .map(|(_, post)| post)
                .filter(|post| wanted(query, post))
                .take(limit)
                .cloned()
                .collect()
        };
        match &query.symbol {
            Some(symbol) => self
                .by_symbol
                .get(symbol)
                .map(of_symbol)
                .unwrap_or_default(),
            None => {
                let mut all: Vec<StoredPost> =
                    self.by_symbol.values().flat_map(of_symbol).collect();
                all.sort_by(newest_first);
                all.truncate(limit);
                all
            }
        }
    }
}
