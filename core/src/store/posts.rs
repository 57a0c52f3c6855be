//! What every built-in store does to a batch of posts before writing it:
//! the bounds on each field, one post per key, and how a post already kept
//! takes in a new copy of itself. Kept here once so memory, SQLite and
//! PostgreSQL store the same rows from the same batch.

use std::collections::HashMap;

use crate::error::{echo, Error, Result};
use crate::model::{PostQuery, StoredPost, MAX_POSTS_READ};

/// The longest platform name a stored post may carry, in bytes.
pub const MAX_POST_PLATFORM_BYTES: usize = 64;
/// The longest post id a stored post may carry, in bytes (the platforms'
/// ids are a few dozen characters at most).
pub const MAX_POST_ID_BYTES: usize = 256;
/// The longest analyzer name a stored score may carry, in bytes.
pub const MAX_ANALYZER_NAME_BYTES: usize = 128;
/// The most analyzer scores one stored post may carry.
pub const MAX_SCORES_PER_POST: usize = 32;
/// Longer URLs are cut to this many bytes when stored.
pub const MAX_POST_URL_BYTES: usize = 2048;
/// Longer author names are cut to this many bytes when stored.
pub const MAX_POST_AUTHOR_BYTES: usize = 256;
/// Longer texts are cut to this many bytes when stored, and
/// [`SentimentService::score_posts`](crate::service::SentimentService::score_posts)
/// refuses them. Reddit's own limit for a self post is 40,000 characters.
pub const MAX_POST_TEXT_BYTES: usize = 40_000;

/// Why `post` cannot be stored as it is (an empty or oversized key, or one
/// holding a NUL, which PostgreSQL's text cannot; too many scores, an
/// oversized analyzer name or a non-finite score), or `None` when it can.
/// Keys are never cut short: a cut id would name another post. O(scores).
pub fn post_problem(post: &StoredPost) -> Option<String> {
    let key = |what: &str, value: &str, max: usize| -> Option<String> {
        if value.is_empty() {
            Some(format!("a post has an empty {what}"))
        } else if value.contains('\0') {
            Some(format!("the post {what} {} holds a NUL", echo(value)))
        } else if value.len() > max {
            Some(format!(
                "the post {what} {} is over {max} bytes",
                echo(value)
            ))
        } else {
            None
        }
    };
    key("platform", &post.platform, MAX_POST_PLATFORM_BYTES)
        .or_else(|| key("id", &post.id, MAX_POST_ID_BYTES))
        .or_else(|| {
            (post.scores.len() > MAX_SCORES_PER_POST).then(|| {
                format!(
                    "the post {} has {} scores, over the {MAX_SCORES_PER_POST} a post keeps",
                    echo(&post.id),
                    post.scores.len()
                )
            })
        })
        .or_else(|| {
            post.scores.iter().find_map(|(name, score)| {
                key("analyzer name", name, MAX_ANALYZER_NAME_BYTES).or_else(|| {
                    (!score.is_finite()).then(|| {
                        format!(
                            "the post {} has a score of {score} by {}",
                            echo(&post.id),
                            echo(name)
                        )
                    })
                })
            })
        })
}

/// `text` without NULs (no PostgreSQL text holds one, and no post means
/// one), cut to at most `max` bytes at a character boundary.
pub(crate) fn cut(text: &mut String, max: usize) {
    if text.contains('\0') {
        text.retain(|c| c != '\0');
    }
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// `post` with its URL, author and text cut to their bounds ([`cut`]).
fn bounded(mut post: StoredPost) -> StoredPost {
    cut(&mut post.url, MAX_POST_URL_BYTES);
    if let Some(author) = &mut post.author {
        cut(author, MAX_POST_AUTHOR_BYTES);
    }
    if let Some(text) = &mut post.text {
        cut(text, MAX_POST_TEXT_BYTES);
    }
    post
}

/// Folds `new`, a later copy of the post `row`, into `row`, as the
/// [`SentimentStore::upsert_posts`](super::SentimentStore::upsert_posts)
/// contract says: every score of `new` is taken (replacing the same
/// analyzer's), and the label, URL, author and text where `row` has none.
/// The row keeps its own time. O(scores).
pub(crate) fn merge(row: &mut StoredPost, new: StoredPost) {
    row.scores.extend(new.scores);
    if row.label.is_none() {
        row.label = new.label;
    }
    if row.url.is_empty() {
        row.url = new.url;
    }
    if row.author.is_none() {
        row.author = new.author;
    }
    if row.text.is_none() {
        row.text = new.text;
    }
}

/// `posts` as a store writes them: each checked ([`post_problem`]; the
/// first problem is `InvalidInput`), cut to the bounds, and one per
/// (platform, id, symbol), later copies folded into the first as
/// [`merge`] does. First-seen order. O(posts).
pub(crate) fn posts_to_store(posts: &[StoredPost]) -> Result<Vec<StoredPost>> {
    if let Some(problem) = posts.iter().find_map(post_problem) {
        return Err(Error::invalid_input(problem));
    }
    let mut out: Vec<StoredPost> = Vec::with_capacity(posts.len());
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::with_capacity(posts.len());
    for post in posts {
        let key = (
            post.platform.as_str(),
            post.id.as_str(),
            post.symbol.as_str(),
        );
        match seen.get(&key) {
            Some(&at) => merge(&mut out[at], bounded(post.clone())),
            None => {
                seen.insert(key, out.len());
                out.push(bounded(post.clone()));
            }
        }
    }
    Ok(out)
}

/// `posts` in runs of at most `max_posts` posts and about `max_bytes` bytes
/// of text and URLs (a run holds at least one post), so no statement grows
/// past a bound whatever the batch.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn runs(
    posts: &[StoredPost],
    max_posts: usize,
    max_bytes: usize,
) -> impl Iterator<Item = &[StoredPost]> {
    let mut rest = posts;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let mut len = 0;
        for post in rest.iter().take(max_posts) {
            let size = post.url.len() + post.text.as_ref().map_or(0, String::len) + 64;
            if len > 0 && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            len += 1;
        }
        let (run, later) = rest.split_at(len);
        rest = later;
        Some(run)
    })
}

/// The most posts a read of `query` returns: its limit, at most
/// [`MAX_POSTS_READ`].
pub(crate) fn read_limit(query: &PostQuery) -> usize {
    query.limit.min(MAX_POSTS_READ)
}

/// Whether `post` is one `query` asks for (symbol, time, platform, label).
pub(crate) fn wanted(query: &PostQuery, post: &StoredPost) -> bool {
    query.symbol.as_ref().is_none_or(|s| *s == post.symbol)
        && post.created_at >= query.since
        && query.until.is_none_or(|until| post.created_at < until)
        && query
            .platform
            .as_deref()
            .is_none_or(|platform| platform == post.platform)
        && (!query.labelled_only || post.label.is_some())
}

/// The order of [`SentimentStore::posts`](super::SentimentStore::posts) on
/// every built-in store: newest first, then by platform, id and symbol,
/// each descending (byte order).
pub(crate) fn newest_first(a: &StoredPost, b: &StoredPost) -> std::cmp::Ordering {
    (b.created_at, &b.platform, &b.id, b.symbol.as_str()).cmp(&(
        a.created_at,
        &a.platform,
        &a.id,
        a.symbol.as_str(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthorLabel, Symbol};
    use chrono::{TimeZone, Utc};

    fn post(id: &str, scores: &[(&str, f64)]) -> StoredPost {
        StoredPost {
            platform: "x".into(),
            id: id.into(),
            symbol: Symbol::parse("TSLA").unwrap(),
            created_at: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            url: String::new(),
            author: None,
            label: None,
            scores: scores.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect(),
            text: None,
        }
    }

    #[test]
    fn a_batch_keeps_each_key_once_and_folds_later_copies_in() {
        let mut later = post("1", &[("vader", 0.5), ("textblob", 0.1)]);
        later.label = Some(AuthorLabel::Bearish);
        later.url = "https://example.invalid/1".into();
        let batch = [post("1", &[("vader", -0.2)]), post("2", &[]), later];
        let stored = posts_to_store(&batch).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].scores.get("vader"), Some(&0.5));
        assert_eq!(stored[0].scores.get("textblob"), Some(&0.1));
        assert_eq!(stored[0].label, Some(AuthorLabel::Bearish));
        assert_eq!(stored[0].url, "https://example.invalid/1");
        assert_eq!(stored[1].id, "2");
    }

    #[test]
    fn keys_are_refused_and_the_rest_cut() {
        assert!(posts_to_store(&[post("", &[])]).is_err());
        let long = "9".repeat(MAX_POST_ID_BYTES + 1);
        let err = posts_to_store(&[post(&long, &[])]).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(err.message().len() < 200, "{err}");
        assert!(posts_to_store(&[post("1", &[("vader", f64::NAN)])]).is_err());
        let mut big = post("1", &[]);
        big.text = Some("é".repeat(MAX_POST_TEXT_BYTES));
        big.url = "u".repeat(MAX_POST_URL_BYTES * 2);
        let stored = posts_to_store(&[big]).unwrap();
        let text = stored[0].text.as_deref().unwrap();
        assert_eq!(
            text.len(),
            MAX_POST_TEXT_BYTES,
            "cut at a character boundary"
        );
        assert_eq!(stored[0].url.len(), MAX_POST_URL_BYTES);
    }

    #[test]
    fn runs_are_bounded_by_count_and_bytes() {
        let posts: Vec<StoredPost> = (0..10).map(|n| post(&n.to_string(), &[])).collect();
        let lens: Vec<usize> = runs(&posts, 4, usize::MAX).map(<[_]>::len).collect();
        assert_eq!(lens, [4, 4, 2]);
        let lens: Vec<usize> = runs(&posts, 100, 130).map(<[_]>::len).collect();
        assert_eq!(lens, [2, 2, 2, 2, 2]);
        let lens: Vec<usize> = runs(&posts, 100, 1).map(<[_]>::len).collect();
        assert_eq!(lens, [1; 10], "a run holds at least one post");
    }
}
