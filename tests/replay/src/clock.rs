//! The social fixtures' times, moved to the present.
//!
//! Social sources are asked for the posts of the last days, so fixtures
//! dated once and for all would soon hold nothing to find. The social
//! fixtures are therefore written as if recorded at [`RECORDED_AT`], and
//! every time in them that lies in the [`WINDOW`] before that instant is
//! served moved forward by a whole number of days ([`shift_seconds`]), so
//! that [`RECORDED_AT`] lands within the last day. Times outside the window
//! (an old post, the Yahoo fixtures of November 2024) are served as written.
//!
//! The shift is fixed for the life of the process (on first use), so all
//! the pages of one test agree; another process computes the same shift
//! unless a UTC midnight passes between the two.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

/// The instant the social fixtures are written as if recorded at:
/// 2024-01-05T16:00:00Z, in epoch seconds.
pub const RECORDED_AT: i64 = 1_704_470_400;
/// How far before [`RECORDED_AT`] a fixture's time is moved: 14 days.
pub const WINDOW: i64 = 14 * DAY;
const DAY: i64 = 86_400;

/// The seconds added to a fixture time in the window: the whole days from
/// [`RECORDED_AT`] to now, as of this process's first use.
pub fn shift_seconds() -> i64 {
    static SHIFT: OnceLock<i64> = OnceLock::new();
    *SHIFT.get_or_init(|| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(RECORDED_AT, |d| d.as_secs() as i64);
        (now - RECORDED_AT).div_euclid(DAY) * DAY
    })
}

/// `epoch` (seconds) as served: moved by [`shift_seconds`] when it lies in
/// the [`WINDOW`] before [`RECORDED_AT`], else as it is.
pub fn replay_epoch(epoch: i64) -> i64 {
    if (RECORDED_AT - WINDOW..=RECORDED_AT).contains(&epoch) {
        epoch + shift_seconds()
    } else {
        epoch
    }
}

/// A fixture's time as served ([`replay_epoch`]).
pub fn replay_time(time: DateTime<Utc>) -> DateTime<Utc> {
    let moved = replay_epoch(time.timestamp()) - time.timestamp();
    time + chrono::Duration::seconds(moved)
}

/// An RFC 3339 time (`2024-01-02T15:04:05Z`) as served, written in UTC
/// with `Z`; text that is no such time comes back unchanged.
pub(crate) fn replay_rfc3339(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(t) => replay_time(t.with_timezone(&Utc)).to_rfc3339_opts(SecondsFormat::Secs, true),
        Err(_) => text.to_owned(),
    }
}

/// An RFC 2822 time (`Tue, 02 Jan 2024 15:04:05 +0000`) as served, in
/// UTC; text that is no such time comes back unchanged.
pub(crate) fn replay_rfc2822(text: &str) -> String {
    match DateTime::parse_from_rfc2822(text.trim()) {
        Ok(t) => replay_time(t.with_timezone(&Utc)).to_rfc2822(),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_window_move_by_whole_days_to_the_last_day() {
        let shift = shift_seconds();
        assert_eq!(shift % DAY, 0);
        let served = replay_epoch(RECORDED_AT);
        let now = Utc::now().timestamp();
        assert!(served <= now && served > now - DAY, "{served} vs {now}");
        assert_eq!(
            replay_epoch(RECORDED_AT - WINDOW - 1),
            RECORDED_AT - WINDOW - 1
        );
        assert_eq!(replay_epoch(1_731_676_953), 1_731_676_953);
        let moved = replay_rfc3339("2024-01-05T10:00:00+01:00");
        let back = DateTime::parse_from_rfc3339(&moved).unwrap().timestamp();
        assert_eq!(back, RECORDED_AT - 7 * 3600 + shift);
        assert!(moved.ends_with('Z'));
        assert_eq!(replay_rfc3339("soon"), "soon");
        let moved = replay_rfc2822("Fri, 05 Jan 2024 16:00:00 GMT");
        assert_eq!(
            DateTime::parse_from_rfc2822(&moved).unwrap().timestamp(),
            served
        );
    }
}
