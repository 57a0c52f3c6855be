//! `sample://`: synthetic posts for offline demos and tests.

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::MentionSource;
use crate::error::Result;
use crate::model::{stable_hash, Post, Symbol};

const BULLISH: &[&str] = &[
    "${s} looking strong after earnings, great quarter and I'm loading up 🚀",
    "Bought more ${s} today. Excellent guidance, love this company!",
    "${s} breaking out, really bullish on the new product line",
    "Impressive growth numbers from ${s}. Long and happy.",
    "${s} is a solid buy at these levels, fantastic margins",
    "Upgraded ${s} price target, the momentum looks good",
];
const BEARISH: &[&str] = &[
    "${s} guidance was weak, I'm out. Terrible quarter.",
    "Not a good look for ${s}, sales are falling and debt is rising",
    "${s} is overvalued, expecting a painful drop 📉",
    "Sold all my ${s}. Bad management, awful execution.",
    "${s} missed again. Disappointing and risky.",
    "Worried about ${s} lawsuits, this could get ugly",
];
const NEUTRAL: &[&str] = &[
    "What do you all think about ${s} before the call tomorrow?",
    "${s} trading sideways today, volume is average",
    "Anyone holding ${s} through the dividend date?",
    "${s} options chain for next week, thoughts?",
    "Reading the ${s} 10-Q tonight",
];

/// Deterministic posts per symbol and UTC day: each symbol gets a mood for
/// the day (seeded by symbol and date), so repeated calls agree within a day
/// and trends move from one day to the next. Texts are templates; every post
/// says `platform: "sample"` and links under `https://example.invalid/`.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    _private: (),
}

impl Sample {
    /// A new sample source.
    pub fn new() -> Self {
        Sample::default()
    }

    /// The posts as of `now` made at or after `since`, at most `limit`,
    /// newest first: the testable core of [`MentionSource::mentions`]. The
    /// day's posts all lie in the 24 hours before `now`.
    pub fn mentions_at(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Vec<Post> {
        let day = now.date_naive();
        let seed = stable_hash(
            symbol.as_str(),
            u64::from(day.num_days_from_ce().unsigned_abs()),
        );
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mood: f64 = rng.random_range(-1.0..1.0);
        let count = rng.random_range(15..=40usize);
        let mut posts = Vec::with_capacity(count);
        for i in 0..count {
            let roll: f64 = rng.random_range(-1.0..1.0) + 0.6 * mood;
            let pool = if roll > 0.35 {
                BULLISH
            } else if roll < -0.35 {
                BEARISH
            } else {
                NEUTRAL
            };
            let template = pool.choose(&mut rng).copied().unwrap_or("${s}");
            let minutes_ago = rng.random_range(0..24 * 60) as i64;
            let id = format!(
                "{}-{}-{i}",
                symbol.as_str().to_lowercase(),
                day.format("%Y%m%d")
            );
            posts.push(Post::new(
                "sample",
                id.clone(),
                template.replace("{s}", symbol.as_str()),
                format!("https://example.invalid/sample/{id}"),
                now - Duration::minutes(minutes_ago),
            ));
        }
        // The whole day is drawn whatever the window, so a post is the
        // same post whichever `since` and `limit` pick it.
        posts.retain(|p| p.created_at >= since);
        posts.sort_by_key(|p| std::cmp::Reverse(p.created_at));
        posts.truncate(limit);
        posts
    }
}

#[async_trait::async_trait]
impl MentionSource for Sample {
    fn platform(&self) -> &str {
        "sample"
    }

    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        Ok(self.mentions_at(symbol, since, limit, Utc::now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_deterministic_within_a_day_and_mention_the_symbol() {
        let s = Sample::new();
        let sym = Symbol::parse("TSLA").unwrap();
        let now: DateTime<Utc> = "2025-03-03T15:00:00Z".parse().unwrap();
        let week_ago = now - Duration::days(7);
        let a = s.mentions_at(&sym, week_ago, 100, now);
        let b = s.mentions_at(&sym, week_ago, 100, now);
        assert_eq!(a, b);
        assert!((15..=40).contains(&a.len()));
        assert!(a.iter().all(|p| p.text.contains("$TSLA")));
        assert_eq!(s.mentions_at(&sym, week_ago, 5, now), a[..5]);
        let next_day = s.mentions_at(&sym, week_ago, 100, now + Duration::days(1));
        assert_ne!(a, next_day);
    }

    #[test]
    fn posts_before_since_are_left_out() {
        let s = Sample::new();
        let sym = Symbol::parse("TSLA").unwrap();
        let now: DateTime<Utc> = "2025-03-03T15:00:00Z".parse().unwrap();
        let all = s.mentions_at(&sym, now - Duration::days(7), 100, now);
        let since = all[all.len() / 2].created_at;
        let recent = s.mentions_at(&sym, since, 100, now);
        assert!(!recent.is_empty() && recent.len() < all.len());
        assert!(recent.iter().all(|p| p.created_at >= since));
        assert_eq!(recent, all[..recent.len()]);
        assert!(s
            .mentions_at(&sym, now + Duration::seconds(1), 100, now)
            .is_empty());
    }
}
