//! What the stored posts say over time: [`SentimentService::daily`] (the
//! seed's history, one point a UTC day) and [`SentimentService::trend`].

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::{checked_days, SentimentService};
use crate::error::Result;
use crate::model::{DailySentiment, PostQuery, StoredPost, Symbol, Trend, TrendReport};

/// How far the last day's mean score must lie above (below) the week
/// before's to be `rising` (`falling`); within it the trend is `stable`.
/// Scores run from -1 to 1, so this is 2.5% of the scale.
pub const TREND_BAND: f64 = 0.05;
/// The fewest stored posts (scored by the service's analyzer) each window
/// of the trend needs; with fewer in either, the trend is
/// `insufficient_data`. Five posts keep one odd post from turning a trend.
pub const MIN_TREND_POSTS: u64 = 5;
/// The recent window of the trend, in hours.
const RECENT_HOURS: i64 = 24;
/// The baseline window of the trend: the days before the recent window.
const BASELINE_DAYS: i64 = 7;

/// A running mean.
#[derive(Default)]
struct Mean {
    sum: f64,
    count: u64,
}

impl Mean {
    fn add(&mut self, value: f64) {
        self.sum += value;
        self.count += 1;
    }

    fn value(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

impl SentimentService {
    /// The stored posts of `symbol` made in the last `days` UTC days (1 to
    /// 3650; today and the `days - 1` before it, from midnight UTC), summed
    /// up per UTC day of posting, oldest first; only `platform`'s posts
    /// when given. Each day has its distinct posts' count, their mean score
    /// by this service's analyzer (over those it scored; 0 when it scored
    /// none), the seed's confidence `abs(score)`, and the posts per
    /// platform. Days without posts are left out. Analysing again never
    /// changes a day: each post is stored once. The seed's
    /// `/sentiment/{symbol}/history`. One store read (at most
    /// [`MAX_POSTS_READ`](crate::model::MAX_POSTS_READ) posts, the newest),
    /// O(posts).
    pub async fn daily(
        &self,
        symbol: &Symbol,
        days: u32,
        platform: Option<&str>,
    ) -> Result<Vec<DailySentiment>> {
        let days = checked_days(days)?;
        if let Some(name) = platform {
            check_platform(name)?;
        }
        let first = Utc::now().date_naive() - Duration::days(i64::from(days) - 1);
        let query = PostQuery {
            platform: platform.map(str::to_owned),
            ..PostQuery::of(symbol, first.and_time(NaiveTime::MIN).and_utc())
        };
        let posts = self.store.posts(&query).await?;
        Ok(daily_of(&posts, self.analyzer_name()))
    }

    /// The trend of `symbol`: the mean score (by this service's analyzer)
    /// of its stored posts of the last 24 hours against that of the 7 days
    /// before. `rising` or `falling` when the two differ by more than
    /// [`TREND_BAND`], `stable` within it, `insufficient_data` when either
    /// window holds fewer than [`MIN_TREND_POSTS`] posts the analyzer
    /// scored; the report holds both means and counts. One store read of 8
    /// days of posts (at most [`MAX_POSTS_READ`](crate::model::MAX_POSTS_READ),
    /// the newest), O(posts).
    pub async fn trend(&self, symbol: &Symbol) -> Result<TrendReport> {
        let recent_from = Utc::now() - Duration::hours(RECENT_HOURS);
        let since = recent_from - Duration::days(BASELINE_DAYS);
        let posts = self.store.posts(&PostQuery::of(symbol, since)).await?;
        Ok(trend_of(&posts, self.analyzer_name(), recent_from))
    }
}

/// [`SentimentService::daily`]'s figures from `posts`, by `analyzer`'s scores.
fn daily_of(posts: &[StoredPost], analyzer: &str) -> Vec<DailySentiment> {
    #[derive(Default)]
    struct Day {
        mentions: u64,
        score: Mean,
        platforms: BTreeMap<String, u64>,
    }
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for post in posts {
        let day = days.entry(post.created_at.date_naive()).or_default();
        day.mentions += 1;
        if let Some(score) = post.scores.get(analyzer) {
            day.score.add(*score);
        }
        match day.platforms.get_mut(&post.platform) {
            Some(count) => *count += 1,
            None => {
                day.platforms.insert(post.platform.clone(), 1);
            }
        }
    }
    days.into_iter()
        .map(|(date, day)| {
            let score = day.score.value().unwrap_or(0.0);
            DailySentiment {
                date,
                mentions: day.mentions,
                score,
                confidence: score.abs(),
                platforms: day.platforms,
            }
        })
        .collect()
}

/// [`SentimentService::trend`]'s report from `posts`: those made at or
/// after `recent_from` against the others, by `analyzer`'s scores.
fn trend_of(posts: &[StoredPost], analyzer: &str, recent_from: DateTime<Utc>) -> TrendReport {
    let (mut recent, mut baseline) = (Mean::default(), Mean::default());
    for post in posts {
        if let Some(score) = post.scores.get(analyzer) {
            if post.created_at >= recent_from {
                recent.add(*score);
            } else {
                baseline.add(*score);
            }
        }
    }
    let trend = match (recent.value(), baseline.value()) {
        (Some(now), Some(before))
            if recent.count >= MIN_TREND_POSTS && baseline.count >= MIN_TREND_POSTS =>
        {
            match now - before {
                d if d > TREND_BAND => Trend::Rising,
                d if d < -TREND_BAND => Trend::Falling,
                _ => Trend::Stable,
            }
        }
        _ => Trend::InsufficientData,
    };
    TrendReport {
        trend,
        recent_score: recent.value(),
        recent_posts: recent.count,
        baseline_score: baseline.value(),
        baseline_posts: baseline.count,
    }
}

/// A platform name a history may be asked for: 1 to
/// [`MAX_POST_PLATFORM_BYTES`](crate::store::MAX_POST_PLATFORM_BYTES)
/// bytes, no control character (a NUL names no platform, and PostgreSQL's
/// text cannot hold one to compare with). Checked here so every caller,
/// the bindings as much as HTTP, is refused alike.
fn check_platform(name: &str) -> Result<()> {
    let max = crate::store::MAX_POST_PLATFORM_BYTES;
    if name.is_empty() || name.len() > max || name.chars().any(char::is_control) {
        return Err(crate::Error::invalid_input(format!(
            "platform must be 1 to {max} bytes with no control character, not {}",
            crate::error::echo(name)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn post(id: usize, at: DateTime<Utc>, scores: &[(&str, f64)]) -> StoredPost {
        StoredPost {
            platform: if id.is_multiple_of(2) { "x" } else { "reddit" }.into(),
            id: id.to_string(),
            symbol: Symbol::parse("TSLA").unwrap(),
            created_at: at,
            url: String::new(),
            author: None,
            label: None,
            scores: scores.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect(),
            text: None,
        }
    }

    #[test]
    fn the_trend_compares_the_last_day_with_the_week_before() {
        let now = Utc.with_ymd_and_hms(2025, 3, 3, 12, 0, 0).unwrap();
        let from = now - Duration::hours(24);
        let window = |recent: f64, baseline: f64, n: usize| -> Vec<StoredPost> {
            (0..n)
                .flat_map(|i| {
                    [
                        post(i, now - Duration::hours(1), &[("vader", recent)]),
                        post(100 + i, now - Duration::days(3), &[("vader", baseline)]),
                    ]
                })
                .collect()
        };
        let report = trend_of(&window(0.3, 0.1, 5), "vader", from);
        assert_eq!(report.trend, Trend::Rising);
        assert_eq!((report.recent_posts, report.baseline_posts), (5, 5));
        assert_eq!(report.recent_score, Some(0.3));
        assert_eq!(
            trend_of(&window(0.1, 0.3, 5), "vader", from).trend,
            Trend::Falling
        );
        assert_eq!(
            trend_of(&window(0.14, 0.1, 5), "vader", from).trend,
            Trend::Stable
        );
        let thin = trend_of(&window(0.9, 0.1, 4), "vader", from);
        assert_eq!(thin.trend, Trend::InsufficientData);
        assert_eq!(thin.recent_score, Some(0.9));
        let other = trend_of(&window(0.9, 0.1, 5), "textblob", from);
        assert_eq!(
            (other.trend, other.recent_posts),
            (Trend::InsufficientData, 0)
        );
        assert_eq!(other.recent_score, None);
    }

    #[test]
    fn days_count_distinct_posts_and_average_the_analyzer_scores() {
        let day = |d: u32, h: u32| Utc.with_ymd_and_hms(2025, 3, d, h, 0, 0).unwrap();
        let posts = [
            post(0, day(2, 23), &[("vader", 0.5)]),
            post(1, day(2, 1), &[("vader", -0.1), ("textblob", 0.9)]),
            post(2, day(1, 12), &[("textblob", 0.2)]),
        ];
        let daily = daily_of(&posts, "vader");
        assert_eq!(daily.len(), 2);
        let (first, second) = (&daily[0], &daily[1]);
        assert_eq!(first.date, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
        assert_eq!(
            (first.mentions, first.score, first.confidence),
            (1, 0.0, 0.0)
        );
        assert_eq!(second.mentions, 2);
        assert!((second.score - 0.2).abs() < 1e-12 && second.confidence == second.score);
        assert_eq!(
            second.platforms,
            [("reddit".to_owned(), 1), ("x".to_owned(), 1)].into()
        );
    }

    #[test]
    fn a_platform_name_is_checked_for_every_caller() {
        for bad in [
            "",
            "a\0b",
            "tab\there",
            &"p".repeat(crate::store::MAX_POST_PLATFORM_BYTES + 1),
        ] {
            let err = super::check_platform(bad).expect_err(bad);
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
        super::check_platform("reddit").expect("a plain name");
        super::check_platform(&"p".repeat(crate::store::MAX_POST_PLATFORM_BYTES))
            .expect("the longest");
    }
}
