//! The social fixtures' times, moved to the present.
//!
//! Social sources are asked for the posts of the last days, so fixtures
//! dated once and for all would soon hold nothing to find. Each set of
//! social fixtures is therefore written as if recorded at one instant (a
//! [`Recording`]), and every time in it that lies in the [`WINDOW`] before
//! that instant is served moved forward by a whole number of days
//! ([`Recording::shift_seconds`]), so that the instant lands within the last
//! day: spacing and time of day stay as written. Times outside the window
//! (an old post, the Yahoo fixtures of November 2024) are served as written.
//!
//! The shift is fixed for the life of the process (from its first use), so
//! all the pages of one test agree; another process computes the same shift
//! unless a UTC midnight passes between the two.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

/// How far before its [`Recording`] instant a fixture's time is moved: 14 days.
pub const WINDOW: i64 = 14 * DAY;
const DAY: i64 = 86_400;

/// The instant a set of fixtures is written as if recorded at, and the
/// rule that moves their times to the present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recording {
    at: i64,
}

/// StockTwits, the news feeds and Yahoo's news items: recorded at
/// 2024-01-05T16:00:00Z.
pub const FEEDS_AND_STOCKTWITS: Recording = Recording::at(1_704_470_400);

/// Reddit and X: recorded at 2024-12-06T21:00:00Z, the time of the newest
/// TSLA post.
pub const REDDIT_AND_X: Recording = Recording::at(1_733_518_800);

impl Recording {
    /// Fixtures recorded at `epoch` (seconds since the epoch).
    pub const fn at(epoch: i64) -> Self {
        Recording { at: epoch }
    }

    /// The instant recorded at, in seconds since the epoch.
    pub fn recorded_at(self) -> i64 {
        self.at
    }

    /// The seconds added to a time in the window: the whole days from the
    /// recording to now, as of this process's first use of any recording.
    pub fn shift_seconds(self) -> i64 {
        (first_use() - self.at).div_euclid(DAY) * DAY
    }

    /// `epoch` (seconds) as served: moved by [`Recording::shift_seconds`]
    /// when it lies in the [`WINDOW`] before the recording, else as it is.
    pub fn replay_epoch(self, epoch: i64) -> i64 {
        if (self.at - WINDOW..=self.at).contains(&epoch) {
            epoch + self.shift_seconds()
        } else {
            epoch
        }
    }

    /// A fixture's time as served ([`Recording::replay_epoch`]), its
    /// fraction of a second kept.
    pub fn replay_time(self, time: DateTime<Utc>) -> DateTime<Utc> {
        let moved = self.replay_epoch(time.timestamp()) - time.timestamp();
        time + chrono::Duration::seconds(moved)
    }

    /// An RFC 3339 time (`2024-01-02T15:04:05Z`) as served, written in UTC
    /// with `Z` and `digits` ([`SecondsFormat`]); text that is no such time
    /// comes back unchanged.
    pub(crate) fn replay_rfc3339(self, text: &str, digits: SecondsFormat) -> String {
        match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(t) => self
                .replay_time(t.with_timezone(&Utc))
                .to_rfc3339_opts(digits, true),
            Err(_) => text.to_owned(),
        }
    }

    /// An RFC 2822 time (`Tue, 02 Jan 2024 15:04:05 +0000`) as served, in
    /// UTC; text that is no such time comes back unchanged.
    pub(crate) fn replay_rfc2822(self, text: &str) -> String {
        match DateTime::parse_from_rfc2822(text.trim()) {
            Ok(t) => self.replay_time(t.with_timezone(&Utc)).to_rfc2822(),
            Err(_) => text.to_owned(),
        }
    }
}

/// Seconds since the epoch at this process's first call: the "now" every
/// shift is counted to.
fn first_use() -> i64 {
    static FIRST_USE: OnceLock<i64> = OnceLock::new();
    *FIRST_USE.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_window_move_by_whole_days_to_the_last_day() {
        for recording in [FEEDS_AND_STOCKTWITS, REDDIT_AND_X] {
            let at = recording.recorded_at();
            let shift = recording.shift_seconds();
            assert_eq!(shift % DAY, 0);
            let served = recording.replay_epoch(at);
            let now = Utc::now().timestamp();
            assert!(served <= now && served > now - DAY, "{served} vs {now}");
            assert_eq!(
                recording.replay_epoch(at - WINDOW - 1),
                at - WINDOW - 1,
                "older than the window"
            );
            assert_eq!(recording.replay_epoch(at + 1), at + 1, "after it");
        }
        let recording = FEEDS_AND_STOCKTWITS;
        let shift = recording.shift_seconds();
        assert_eq!(recording.replay_epoch(1_731_676_953), 1_731_676_953);
        let moved = recording.replay_rfc3339("2024-01-05T10:00:00+01:00", SecondsFormat::Secs);
        let back = DateTime::parse_from_rfc3339(&moved).unwrap().timestamp();
        assert_eq!(back, recording.recorded_at() - 7 * 3600 + shift);
        assert!(moved.ends_with(":00Z"), "{moved}");
        assert_eq!(
            recording.replay_rfc3339("soon", SecondsFormat::Secs),
            "soon"
        );
        let moved = recording.replay_rfc2822("Fri, 05 Jan 2024 16:00:00 GMT");
        assert_eq!(
            DateTime::parse_from_rfc2822(&moved).unwrap().timestamp(),
            recording.replay_epoch(recording.recorded_at())
        );
        let millis = REDDIT_AND_X.replay_rfc3339("2024-12-06T10:07:10.250Z", SecondsFormat::Millis);
        assert!(millis.ends_with(":10.250Z"), "{millis}");
    }
}
