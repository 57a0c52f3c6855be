//! The stretch of time a backfill wants, and what to fetch of it given what
//! the store covers already: pure functions of dates, tested here.

use chrono::{DateTime, Utc};

use crate::model::{HistoryRange, Interval};
use crate::store::Coverage;

/// The stretch of time one run wants, fixed when it starts.
pub(super) struct Window {
    range: HistoryRange,
    /// `range`'s bounds at `now`.
    start: Option<DateTime<Utc>>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    pub(super) interval: Interval,
}

/// What to ask the provider for, and the coverage to record once stored.
pub(super) struct FetchPlan {
    pub(super) range: HistoryRange,
    /// `None` when the fetch leaves a gap against what was covered before:
    /// a gap must never be recorded as covered.
    pub(super) records: Option<Coverage>,
}

impl Window {
    /// The window `range` names at `now`, for bars of `interval`.
    pub(super) fn new(range: HistoryRange, interval: Interval, now: DateTime<Utc>) -> Self {
        let (start, end) = range.bounds(now);
        Window {
            range,
            start,
            end,
            now,
            interval,
        }
    }

    /// True when the range holds no instant (start not before end).
    pub(super) fn is_empty(&self) -> bool {
        self.start.is_some_and(|start| start >= self.end)
    }

    /// True when `coverage` holds every bar of the window that has begun:
    /// it starts at or before the window and reaches to within one bar of its end.
    pub(super) fn is_covered_by(&self, coverage: Coverage) -> bool {
        coverage.starts_by(self.start)
            && coverage.to + self.interval.longest_span() >= self.end.min(self.now)
    }

    /// The fetch that completes `coverage` to the whole window. When the
    /// covered stretch begins in time, only its tail is fetched, from the
    /// newest stored bar on (that bar may have been partial). Otherwise the
    /// whole window is fetched, reaching on to the covered stretch when it
    /// lies later, so the result joins it without a gap.
    pub(super) fn fetch_plan(
        &self,
        coverage: Option<Coverage>,
        newest: Option<DateTime<Utc>>,
    ) -> FetchPlan {
        let fetched_to = self.end.min(self.now);
        let whole = FetchPlan {
            range: self.range,
            records: Some(Coverage {
                from: self.start,
                to: fetched_to,
            }),
        };
        let Some(covered) = coverage else {
            return whole;
        };
        if covered.starts_by(self.start) {
            let tail_from = newest.unwrap_or(covered.to).min(covered.to);
            // Bars before the window are asked for only to bridge a gap
            // between the covered stretch and the window.
            let tail_from = match self.start {
                Some(start) if covered.to >= start => tail_from.max(start),
                _ => tail_from,
            };
            let tail = HistoryRange::Between {
                start: tail_from,
                end: self.end.max(tail_from + chrono::Duration::seconds(1)),
            };
            // A tail reaching further back than intraday bars exist would
            // be refused: fetch the window alone and record nothing joined.
            if tail.check_lookback(self.interval, self.now).is_ok() {
                return FetchPlan {
                    range: tail,
                    records: Some(Coverage {
                        from: Some(tail_from),
                        to: fetched_to,
                    }),
                };
            }
            return FetchPlan {
                records: None,
                ..whole
            };
        }
        // The window begins before the covered stretch.
        let covered_from = covered.from.unwrap_or(self.end);
        match self.start {
            Some(start) if covered_from > self.end => FetchPlan {
                range: HistoryRange::Between {
                    start,
                    end: covered_from,
                },
                records: Some(Coverage {
                    from: Some(start),
                    to: covered_from,
                }),
            },
            _ => whole,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, d, 0, 0, 0).single().unwrap()
    }

    /// Daily bars wanted from the 10th to the 20th, at midnight on the 25th.
    fn window() -> Window {
        let range = HistoryRange::Between {
            start: day(10),
            end: day(20),
        };
        Window::new(range, Interval::D1, day(25))
    }

    fn covered(from: u32, to: u32) -> Coverage {
        Coverage {
            from: Some(day(from)),
            to: day(to),
        }
    }

    fn asked(plan: &FetchPlan) -> (DateTime<Utc>, DateTime<Utc>) {
        match plan.range {
            HistoryRange::Between { start, end } => (start, end),
            HistoryRange::Period(p) => panic!("asked a period {p}"),
        }
    }

    #[test]
    fn covered_means_from_the_start_to_within_one_bar_of_the_end() {
        let w = window();
        assert!(w.is_covered_by(covered(1, 20)));
        assert!(w.is_covered_by(covered(10, 19)));
        assert!(!w.is_covered_by(covered(10, 18)));
        assert!(!w.is_covered_by(covered(11, 20)));
        assert!(w.is_covered_by(Coverage {
            from: None,
            to: day(20)
        }));
    }

    #[test]
    fn nothing_covered_fetches_the_window_and_records_it() {
        let plan = window().fetch_plan(None, None);
        assert_eq!(asked(&plan), (day(10), day(20)));
        assert_eq!(plan.records, Some(covered(10, 20)));
    }

    #[test]
    fn a_covered_start_fetches_the_tail_from_the_newest_bar() {
        let plan = window().fetch_plan(Some(covered(1, 15)), Some(day(14)));
        assert_eq!(asked(&plan), (day(14), day(20)));
        assert_eq!(plan.records, Some(covered(14, 20)));
        // The newest bar never moves the fetch before the window.
        let plan = window().fetch_plan(Some(covered(1, 15)), Some(day(3)));
        assert_eq!(asked(&plan), (day(10), day(20)));
    }

    #[test]
    fn coverage_ending_before_the_window_is_bridged_not_skipped() {
        let plan = window().fetch_plan(Some(covered(1, 5)), Some(day(4)));
        assert_eq!(asked(&plan), (day(4), day(20)));
        // The recorded stretch joins the old one: no gap from the 5th to the 10th.
        let joined = covered(1, 5).union(plan.records.unwrap());
        assert_eq!(joined, covered(1, 20));
    }

    #[test]
    fn coverage_starting_after_the_window_is_reached() {
        // Covered from the 22nd: the fetch runs on to it.
        let plan = window().fetch_plan(Some(covered(22, 24)), Some(day(23)));
        assert_eq!(asked(&plan), (day(10), day(22)));
        assert_eq!(plan.records, Some(covered(10, 22)));
        // Covered from the 15th: the window overlaps it, fetched whole.
        let plan = window().fetch_plan(Some(covered(15, 24)), Some(day(23)));
        assert_eq!(asked(&plan), (day(10), day(20)));
        assert_eq!(plan.records, Some(covered(10, 20)));
    }

    #[test]
    fn an_intraday_bridge_past_the_look_back_records_nothing() {
        let range = HistoryRange::Between {
            start: day(20),
            end: day(25),
        };
        let w = Window::new(range, Interval::M1, day(25));
        // Covered up to the 1st: bridging would ask 1m bars 24 days back.
        let plan = w.fetch_plan(Some(covered(1, 1)), Some(day(1)));
        assert_eq!(asked(&plan), (day(20), day(25)));
        assert_eq!(plan.records, None);
    }
}
