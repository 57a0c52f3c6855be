use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order yfinance documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The yfinance spelling, e.g. `"1mo"`.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(Error::invalid_input(format!(
                        concat!("unknown ", $what, " {}; expected one of: {}"),
                        crate::error::echo(other),
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self> { s.parse() }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

string_enum!(
    /// How far back a history request reaches, in yfinance's spelling.
    Period, "period" {
        /// One day.
        D1 = "1d",
        /// Five days.
        D5 = "5d",
        /// One month.
        Mo1 = "1mo",
        /// Three months.
        Mo3 = "3mo",
        /// Six months.
        Mo6 = "6mo",
        /// One year.
        Y1 = "1y",
        /// Two years.
        Y2 = "2y",
        /// Five years.
        Y5 = "5y",
        /// Ten years.
        Y10 = "10y",
        /// Since the first of January of the current year.
        Ytd = "ytd",
        /// Everything the provider has.
        Max = "max",
    }
);

string_enum!(
    /// The width of one bar, in yfinance's spelling.
    Interval, "interval" {
        /// One minute.
        M1 = "1m",
        /// Two minutes.
        M2 = "2m",
        /// Five minutes.
        M5 = "5m",
        /// Fifteen minutes.
        M15 = "15m",
        /// Thirty minutes.
        M30 = "30m",
        /// Sixty minutes.
        M60 = "60m",
        /// Ninety minutes.
        M90 = "90m",
        /// One hour (the same bars as `60m`).
        H1 = "1h",
        /// One trading day.
        D1 = "1d",
        /// Five trading days.
        D5 = "5d",
        /// One week.
        Wk1 = "1wk",
        /// One month.
        Mo1 = "1mo",
        /// Three months.
        Mo3 = "3mo",
    }
);

/// The period of a history call when the caller does not say: one month,
/// as yfinance's `Ticker.history`.
pub const DEFAULT_PERIOD: Period = Period::Mo1;
/// The bar interval of a history call when the caller does not say: one
/// day, as yfinance's `Ticker.history`.
pub const DEFAULT_INTERVAL: Interval = Interval::D1;

impl Default for Period {
    /// [`DEFAULT_PERIOD`].
    fn default() -> Self {
        DEFAULT_PERIOD
    }
}

impl Default for Interval {
    /// [`DEFAULT_INTERVAL`].
    fn default() -> Self {
        DEFAULT_INTERVAL
    }
}

impl Period {
    /// How many trading sessions a day period means: `1d` the last session,
    /// `5d` the last five, as Yahoo and yfinance count them (on a Tuesday
    /// before the open, `1d` is Monday's session, not an empty day).
    /// `None` for calendar periods, which count back from now ([`Period::start`]).
    pub const fn sessions(self) -> Option<usize> {
        match self {
            Period::D1 => Some(1),
            Period::D5 => Some(5),
            _ => None,
        }
    }

    /// The first instant this period covers when asked at `now`; `None` for
    /// [`Period::Max`]. Calendar periods count back calendar months and years.
    /// Day periods count back calendar days here; providers that know the
    /// trading calendar count [`Period::sessions`] instead.
    pub fn start(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let months_back = |m: u32| now.checked_sub_months(chrono::Months::new(m));
        match self {
            Period::D1 => Some(now - Duration::days(1)),
            Period::D5 => Some(now - Duration::days(5)),
            Period::Mo1 => months_back(1),
            Period::Mo3 => months_back(3),
            Period::Mo6 => months_back(6),
            Period::Y1 => months_back(12),
            Period::Y2 => months_back(24),
            Period::Y5 => months_back(60),
            Period::Y10 => months_back(120),
            Period::Ytd => NaiveDate::from_ymd_opt(now.year(), 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc()),
            Period::Max => None,
        }
    }
}

impl Interval {
    /// True for minute and hour bars.
    pub const fn is_intraday(self) -> bool {
        matches!(
            self,
            Interval::M1
                | Interval::M2
                | Interval::M5
                | Interval::M15
                | Interval::M30
                | Interval::M60
                | Interval::M90
                | Interval::H1
        )
    }

    /// Minutes in one intraday bar; `None` for daily and longer bars.
    pub const fn minutes(self) -> Option<u32> {
        match self {
            Interval::M1 => Some(1),
            Interval::M2 => Some(2),
            Interval::M5 => Some(5),
            Interval::M15 => Some(15),
            Interval::M30 => Some(30),
            Interval::M60 | Interval::H1 => Some(60),
            Interval::M90 => Some(90),
            _ => None,
        }
    }

    /// The longest time one bar spans (a month bar: 31 days). A series
    /// fetched up to within this of now holds every bar that has begun.
    pub fn longest_span(self) -> Duration {
        match (self.minutes(), self) {
            (Some(minutes), _) => Duration::minutes(i64::from(minutes)),
            (None, Interval::D5) => Duration::days(5),
            (None, Interval::Wk1) => Duration::days(7),
            (None, Interval::Mo1) => Duration::days(31),
            (None, Interval::Mo3) => Duration::days(92),
            (None, _) => Duration::days(1),
        }
    }
}

/// How far back Yahoo serves bars of an intraday `interval` (1m: 7 days;
/// 2m–90m: 60 days; 1h/60m: 730 days); `None` for daily and longer bars.
/// Providers check this before fetching so the error names the limit.
pub fn intraday_lookback(interval: Interval) -> Option<Duration> {
    match interval {
        Interval::M1 => Some(Duration::days(7)),
        Interval::M60 | Interval::H1 => Some(Duration::days(730)),
        i if i.is_intraday() => Some(Duration::days(60)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn parses_every_yfinance_spelling() {
        for p in Period::ALL {
            assert_eq!(p.as_str().parse::<Period>().unwrap(), *p);
        }
        for i in Interval::ALL {
            assert_eq!(i.as_str().parse::<Interval>().unwrap(), *i);
        }
        assert_eq!(Period::ALL.len(), 11);
        assert_eq!(Interval::ALL.len(), 13);
    }

    #[test]
    fn unknown_spelling_lists_the_valid_ones() {
        let err = "2w".parse::<Period>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("1mo"), "{}", err.message());
        assert_eq!(
            "1M".parse::<Interval>().unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }

    #[test]
    fn huge_spellings_are_echoed_short() {
        let huge = "1".repeat(1 << 20);
        for message in [
            huge.parse::<Period>().unwrap_err().message().to_owned(),
            huge.parse::<Interval>().unwrap_err().message().to_owned(),
            crate::Symbol::parse(&huge)
                .unwrap_err()
                .message()
                .to_owned(),
            crate::Symbol::parse("A!").unwrap_err().message().to_owned(),
            huge.parse::<crate::UserId>()
                .unwrap_err()
                .message()
                .to_owned(),
            crate::model::HistoryRange::from_args(Some(&huge), None, None)
                .unwrap_err()
                .message()
                .to_owned(),
        ] {
            assert!(message.len() < 200, "{} characters", message.len());
        }
        let err = huge.parse::<Period>().unwrap_err();
        assert!(
            err.message().contains("(1048576 characters)"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn period_start_counts_back() {
        let now = "2024-03-31T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            Period::Mo1.start(now).unwrap().to_rfc3339(),
            "2024-02-29T12:00:00+00:00"
        );
        assert_eq!(
            Period::Ytd.start(now).unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
        assert!(Period::Max.start(now).is_none());
    }
}
