//! An exchange's clock, as the providers that stamp daily bars at midnight
//! of the exchange's date need it: a named IANA zone, or only a fixed UTC
//! offset when that is all an answer or a file tells.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The clock daily bars are stamped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// An IANA zone, with its daylight-saving rules.
    Named(Tz),
    /// A fixed offset east of UTC.
    Fixed(FixedOffset),
}

impl Zone {
    /// The IANA name pandas and chrono-tz understand: the zone's own name,
    /// `Etc/GMT-9` for a fixed +09:00 (Etc zones invert the sign and exist
    /// for whole hours only), `UTC` for any other fixed offset.
    pub(crate) fn name(self) -> String {
        match self {
            Zone::Named(tz) => tz.name().to_owned(),
            Zone::Fixed(off) => {
                let secs = off.local_minus_utc();
                if secs % 3600 == 0 && secs != 0 {
                    format!("Etc/GMT{:+}", -secs / 3600)
                } else {
                    "UTC".to_owned()
                }
            }
        }
    }

    /// Hour and minute of `t` on this clock.
    #[cfg(feature = "yahoo")]
    pub(crate) fn hour_and_minute(self, t: DateTime<Utc>) -> (u32, u32) {
        use chrono::Timelike;
        match self {
            Zone::Named(tz) => {
                let l = t.with_timezone(&tz);
                (l.hour(), l.minute())
            }
            Zone::Fixed(off) => {
                let l = t.with_timezone(&off);
                (l.hour(), l.minute())
            }
        }
    }

    /// The date `t` falls on, on this clock.
    #[cfg(feature = "yahoo")]
    pub(crate) fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Named(tz) => t.with_timezone(&tz).date_naive(),
            Zone::Fixed(off) => t.with_timezone(&off).date_naive(),
        }
    }

    /// Midnight starting `date` on this clock, in UTC. Where the clocks skip
    /// midnight (a DST change at 00:00) the day starts at the first instant
    /// that exists.
    pub(crate) fn midnight(self, date: NaiveDate) -> Option<DateTime<Utc>> {
        let local = date.and_hms_opt(0, 0, 0)?;
        let start = |hour: u32| date.and_hms_opt(hour, 0, 0);
        match self {
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| start(1).and_then(|l| tz.from_local_datetime(&l).earliest()))
                .map(|t| t.with_timezone(&Utc)),
            Zone::Fixed(off) => off
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}
