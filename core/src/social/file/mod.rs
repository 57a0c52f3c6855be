//! `file://posts.jsonl`: posts from a JSON Lines file, one post a line:
//!
//! ```text
//! {"platform":"reddit","id":"t3_abc","symbol":"TSLA","text":"...","created_at":"2024-01-02T15:04:05Z",
//!  "url":"https://...","author":"u1","score":42,"label":"bullish"}
//! ```
//!
//! `platform`, `id` (string or number), `symbol`, `text`, `created_at`
//! (RFC 3339) and `url` (`http(s)`) are required; `author`, `score` (the
//! platform's engagement figure) and `label` (`bullish` / `bearish`, any
//! case) are optional; other fields are ignored.
//!
//! - **Platforms.** Each post keeps its own line's platform, so a file
//!   exported from several platforms keeps their figures apart; the source
//!   itself is then called `file`, and is the one source whose posts need
//!   not carry its name. With `?platform=NAME` only the lines of that
//!   platform are read and the source is called `NAME`, as every other is.
//! - **Per call** the file is read again, whole, on the blocking pool
//!   (`spawn_blocking` over `std::fs`: a buffered line reader beats tokio's
//!   file, which is `std::fs` on the same pool one chunk at a time), so an
//!   edited file is seen by the next call. O(file size).
//! - **Lines** about other symbols, blank ones and those before `since`
//!   are passed over; a line that is no post (bad JSON, a bad date, a line
//!   longer than `max_line`) is skipped with a warning naming its number
//!   and why (values shown only truncated), the first
//!   [`WARNED_LINES`] one by one, then counted in one warning.
//! - **Caps**: a file larger than `max_bytes` is refused (`InvalidInput`)
//!   before it is read; the newest `min(limit, max_posts)` posts are kept
//!   as the file is read (a bounded heap), so memory never follows the
//!   file's size.
//! - **A missing file** is `NotFound` at the call, not when the source is
//!   built (the file may be written later); a folder is `InvalidInput`,
//!   one not readable `Forbidden`.
//!
//! | option | default | meaning |
//! |---|---|---|
//! | `platform` | every platform | read only the lines of this platform, and call the source so |
//! | `max_bytes` | 64 MiB | largest file read |
//! | `max_line` | 256 KiB | longest line read, in bytes |
//! | `max_posts` | 10000 | most posts kept per call |

mod line;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{keep_mention_promise, off_workers, MentionSource, SocialCredentials};
use crate::error::{echo, Error, ErrorKind, Result};
use crate::model::{Post, Symbol};
use crate::resilience::ResiliencePolicy;
use crate::url::BackendUrl;

/// The name of the source (its posts keep their own platforms).
pub const SOURCE_NAME: &str = "file";
/// Bad lines warned about one by one before the rest are only counted.
pub const WARNED_LINES: usize = 10;
const DEFAULT_MAX_BYTES: u64 = 64 << 20;
const DEFAULT_MAX_LINE: usize = 256 << 10;
const DEFAULT_MAX_POSTS: usize = 10_000;

/// What a `file://` URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOptions {
    /// The JSON Lines file, one post a line.
    pub path: PathBuf,
    /// `?platform=NAME`: only the lines of this platform, and the
    /// source's name; `None` for every line (the source is then `file`).
    pub platform: Option<String>,
    /// `?max_bytes=N`: the largest file read.
    pub max_bytes: u64,
    /// `?max_line=N`: the longest line read, in bytes.
    pub max_line: usize,
    /// `?max_posts=N`: the most posts kept per call.
    pub max_posts: usize,
}

impl FileOptions {
    /// Every option a `file://` URL takes.
    pub const KNOWN: [&'static str; 4] = ["platform", "max_bytes", "max_line", "max_posts"];

    /// Reads the URL: `file://posts.jsonl` (relative to the working
    /// folder) or `file:///abs/posts.jsonl`. No I/O: the file need not
    /// exist yet. `InvalidInput` without a path, for an unknown option or
    /// a bad value.
    pub(super) fn from_url(url: &BackendUrl) -> Result<Self> {
        let path = url.location().trim();
        if path.is_empty() {
            return Err(Error::invalid_input(
                "file:// needs a path, e.g. file://posts.jsonl",
            ));
        }
        let mut options = url.options();
        let platform = options
            .take("platform")?
            .map(|name| line::platform(&name).map_err(Error::invalid_input))
            .transpose()?;
        let above_zero = "a whole number above 0";
        let max_bytes = options
            .take_parsed("max_bytes", above_zero, |n: &u64| *n > 0)?
            .unwrap_or(DEFAULT_MAX_BYTES);
        let max_line = options
            .take_parsed("max_line", above_zero, |n: &usize| *n > 0)?
            .unwrap_or(DEFAULT_MAX_LINE);
        let max_posts = options
            .take_parsed("max_posts", above_zero, |n: &usize| *n > 0)?
            .unwrap_or(DEFAULT_MAX_POSTS);
        options.finish(&Self::KNOWN)?;
        Ok(FileOptions {
            path: PathBuf::from(path),
            platform,
            max_bytes,
            max_line,
            max_posts,
        })
    }
}

/// Builds the source. No I/O (a missing file shows at the first call).
pub(super) fn connect(
    options: &FileOptions,
    _credentials: &SocialCredentials,
    _policy: ResiliencePolicy,
) -> Result<Arc<dyn MentionSource>> {
    Ok(Arc::new(PostsFile {
        name: options
            .platform
            .clone()
            .unwrap_or_else(|| SOURCE_NAME.to_owned()),
        options: Arc::new(options.clone()),
    }))
}

struct PostsFile {
    name: String,
    options: Arc<FileOptions>,
}

#[async_trait]
impl MentionSource for PostsFile {
    fn platform(&self) -> &str {
        &self.name
    }

    /// Reads the whole file on the blocking pool: O(file size) time,
    /// O(min(limit, max_posts)) posts held.
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let options = self.options.clone();
        let symbol = symbol.clone();
        let mut posts = off_workers("reading the posts file", move || {
            read_posts(&options, &symbol, since, limit.min(options.max_posts))
        })
        .await?;
        keep_mention_promise(&mut posts, since, limit);
        Ok(posts)
    }
}

/// A post ordered by its time alone, for the heap of the newest.
struct ByTime(Post);

impl PartialEq for ByTime {
    fn eq(&self, other: &Self) -> bool {
        self.0.created_at == other.0.created_at
    }
}
impl Eq for ByTime {}
impl PartialOrd for ByTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.created_at.cmp(&other.0.created_at)
    }
}

/// The newest `keep` posts about `symbol` from `since` on, in no order.
/// Blocking I/O.
fn read_posts(
    options: &FileOptions,
    symbol: &Symbol,
    since: DateTime<Utc>,
    keep: usize,
) -> Result<Vec<Post>> {
    let path = &options.path;
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    let size = file.metadata().map_err(|e| io_error(path, &e))?;
    if size.is_dir() {
        return Err(Error::invalid_input(format!(
            "posts file {} is a folder",
            shown(path)
        )));
    }
    if size.len() > options.max_bytes {
        return Err(Error::invalid_input(format!(
            "posts file {} is {} bytes, above the limit of {} (max_bytes)",
            shown(path),
            size.len(),
            options.max_bytes
        )));
    }
    // The file may grow while it is read: the cap holds all the same.
    let mut reader = BufReader::new(file.take(options.max_bytes));
    let mut newest: BinaryHeap<Reverse<ByTime>> = BinaryHeap::with_capacity(keep.min(1024));
    let mut bad = 0usize;
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        number += 1;
        let outcome =
            next_line(&mut reader, &mut buf, options.max_line).map_err(|e| io_error(path, &e))?;
        let why = match outcome {
            Line::End => break,
            Line::TooLong => format!("longer than {} bytes (max_line)", options.max_line),
            Line::Whole => match line::read(&buf, symbol) {
                line::Read::Post(post) => {
                    let wanted = options
                        .platform
                        .as_ref()
                        .is_none_or(|p| *p == post.platform);
                    if wanted && post.created_at >= since {
                        newest.push(Reverse(ByTime(post)));
                        if newest.len() > keep {
                            newest.pop();
                        }
                    }
                    continue;
                }
                line::Read::OtherSymbol | line::Read::Blank => continue,
                line::Read::Bad(why) => why,
            },
        };
        bad += 1;
        if bad <= WARNED_LINES {
            tracing::warn!(
                source = SOURCE_NAME,
                line = number,
                "posts file {}: line {number} skipped: {why}",
                shown(path)
            );
        }
    }
    if bad > 0 {
        tracing::warn!(
            source = SOURCE_NAME,
            skipped = bad,
            "posts file {}: {bad} bad lines skipped",
            shown(path)
        );
    }
    Ok(newest.into_iter().map(|Reverse(ByTime(p))| p).collect())
}

/// How reading one line went.
enum Line {
    /// `buf` holds a whole line, without its line break.
    Whole,
    /// The line was longer than the cap; it was read past, not kept.
    TooLong,
    /// Nothing is left.
    End,
}

/// Reads the next line into `buf`, holding at most `max` bytes of it.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Line> {
    buf.clear();
    let read = reader
        .by_ref()
        .take(max as u64 + 1)
        .read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if buf.len() <= max {
        return Ok(Line::Whole);
    }
    // Past the cap: skip to the end of the line without keeping it.
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        match chunk.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                break;
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
    buf.clear();
    Ok(Line::TooLong)
}

/// The path as messages show it.
fn shown(path: &Path) -> String {
    echo(&path.display().to_string())
}

/// An I/O failure on the posts file as a library error of its kind.
fn io_error(path: &Path, err: &std::io::Error) -> Error {
    let (kind, why) = match err.kind() {
        std::io::ErrorKind::NotFound => (ErrorKind::NotFound, "does not exist"),
        std::io::ErrorKind::PermissionDenied => {
            (ErrorKind::Forbidden, "cannot be read (permission denied)")
        }
        std::io::ErrorKind::IsADirectory => (ErrorKind::InvalidInput, "is a folder"),
        _ => (ErrorKind::Unavailable, "could not be read"),
    };
    Error::new(kind, format!("posts file {} {why}", shown(path)))
}

#[cfg(test)]
mod tests;
