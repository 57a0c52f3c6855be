use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Symbol;

/// A social-media post that mentions a symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// The platform's id for the post.
    pub id: String,
    /// Platform name, e.g. `reddit`, `x`, `stocktwits`, `sample`.
    pub platform: String,
    /// The post's text (title and body joined for Reddit).
    pub text: String,
    /// Link to the post.
    pub url: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The author's name on the platform, when the platform tells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The platform's own engagement figure (Reddit's score, X's likes,
    /// StockTwits' likes), when it has one. Not a sentiment score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement: Option<i64>,
    /// The author's own label (StockTwits' Bullish/Bearish), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<AuthorLabel>,
}

impl Post {
    /// A post with no author, engagement or label.
    pub fn new(
        platform: impl Into<String>,
        id: impl Into<String>,
        text: impl Into<String>,
        url: impl Into<String>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Post {
            id: id.into(),
            platform: platform.into(),
            text: text.into(),
            url: url.into(),
            created_at,
            author: None,
            engagement: None,
            label: None,
        }
    }
}

/// What an author said of their own post: StockTwits' `entities.sentiment.basic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorLabel {
    /// The author expects the price to rise.
    #[serde(alias = "Bullish")]
    Bullish,
    /// The author expects the price to fall.
    #[serde(alias = "Bearish")]
    Bearish,
}

impl AuthorLabel {
    /// Lower-case name: `"bullish"` or `"bearish"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthorLabel::Bullish => "bullish",
            AuthorLabel::Bearish => "bearish",
        }
    }

    /// `Bullish` or `Bearish`, in any case; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("bullish") {
            Some(AuthorLabel::Bullish)
        } else if text.eq_ignore_ascii_case("bearish") {
            Some(AuthorLabel::Bearish)
        } else {
            None
        }
    }

    /// The sign a score agreeing with the label has: +1 bullish, -1 bearish.
    pub const fn sign(self) -> f64 {
        match self {
            AuthorLabel::Bullish => 1.0,
            AuthorLabel::Bearish => -1.0,
        }
    }
}

/// The sentiment of one text: `polarity` in `[-1, 1]`, negative to positive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Negative (-1) to positive (+1).
    pub polarity: f64,
}

/// Sentiment of one platform's posts about a symbol (the seed's `SentimentData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformSentiment {
    /// Platform name.
    pub platform: String,
    /// Mean polarity of the platform's posts.
    pub sentiment_score: f64,
    /// `|sentiment_score|`, as the seed defines it.
    pub confidence: f64,
    /// Number of posts scored.
    pub mention_count: u32,
    /// Up to ten most frequent informative terms.
    pub keywords: Vec<String>,
    /// Up to ten links to the posts scored.
    pub source_urls: Vec<String>,
}

/// Direction of sentiment: the stored posts of the last 24 hours against
/// those of the 7 days before (see `SentimentService::trend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// The last day's mean is above the week before's by more than the band.
    #[serde(alias = "improving")]
    Rising,
    /// Within the band of the week before's mean.
    Stable,
    /// Below the week before's mean by more than the band.
    #[serde(alias = "declining")]
    Falling,
    /// Fewer stored posts than the minimum in either window.
    #[serde(alias = "unknown")]
    InsufficientData,
}

impl Trend {
    /// Snake-case name, e.g. `"rising"`, `"insufficient_data"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Trend::Rising => "rising",
            Trend::Stable => "stable",
            Trend::Falling => "falling",
            Trend::InsufficientData => "insufficient_data",
        }
    }
}

/// The figures a [`Trend`] was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendReport {
    /// The direction.
    pub trend: Trend,
    /// Mean score of the stored posts of the last 24 hours (`None` without any).
    pub recent_score: Option<f64>,
    /// Stored posts of the last 24 hours.
    pub recent_posts: u64,
    /// Mean score of the stored posts of the 7 days before.
    pub baseline_score: Option<f64>,
    /// Stored posts of the 7 days before.
    pub baseline_posts: u64,
}

/// How a source answered during one analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// It answered (possibly with no post).
    Ok,
    /// It failed: down, a bad answer, or an error of its own.
    Failed,
    /// It refused for its rate limit; `retry_after` says until when.
    RateLimited,
    /// It did not answer before the analysis' deadline.
    TimedOut,
    /// Its credentials are not configured; it was not asked.
    NotConfigured,
}

impl SourceState {
    /// Snake-case name, e.g. `"not_configured"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceState::Ok => "ok",
            SourceState::Failed => "failed",
            SourceState::RateLimited => "rate_limited",
            SourceState::TimedOut => "timed_out",
            SourceState::NotConfigured => "not_configured",
        }
    }
}

/// One source's part in an analysis: its platform, how it answered, and
/// why not when it did not. The reason never holds a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// The platform the source's posts carry (`reddit`, `x`, ...).
    pub platform: String,
    /// How it answered.
    pub state: SourceState,
    /// Posts it gave (before de-duplication).
    pub posts: u32,
    /// Why it did not answer, cut short; `None` when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Seconds to wait before asking again, for `RateLimited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
}

/// The seed's `SentimentAnalysis`, with the per-platform detail it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentAnalysis {
    /// The symbol analysed.
    pub symbol: Symbol,
    /// Mention-weighted mean polarity over all platforms.
    pub current_sentiment: f64,
    /// The last day's stored posts against the week before's.
    pub sentiment_trend: Trend,
    /// Posts scored over all platforms.
    pub mention_volume: u32,
    /// When the analysis was made.
    pub analysis_timestamp: DateTime<Utc>,
    /// One entry per platform that had posts.
    pub platforms: Vec<PlatformSentiment>,
    /// One entry per source asked (or not, when unconfigured), in the
    /// order they are configured. Values cached before this field existed
    /// read as empty.
    #[serde(default)]
    pub sources: Vec<SourceStatus>,
    /// False when the sentiment store could not keep the analysis (it was
    /// down): the analysis is still right, but the sentiment history and
    /// the next trend will not include it. Values cached before this field
    /// existed read as `true`.
    #[serde(default = "stored_by_default")]
    pub stored: bool,
}

/// What `stored` reads as when absent (values from before the field).
fn stored_by_default() -> bool {
    true
}

/// One stored per-platform analysis (a row of the seed's `sentiment_data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentRecord {
    /// The symbol analysed.
    pub symbol: Symbol,
    /// When the analysis was made.
    pub timestamp: DateTime<Utc>,
    /// The platform's figures.
    pub detail: PlatformSentiment,
}

/// One post as the post store keeps it: once per platform, id and symbol,
/// with the score each analyzer gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPost {
    /// Platform name.
    pub platform: String,
    /// The platform's id for the post.
    pub id: String,
    /// The symbol it was found for.
    pub symbol: Symbol,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// Link to the post.
    pub url: String,
    /// The author's name, when known.
    pub author: Option<String>,
    /// The author's own label, when given.
    pub label: Option<AuthorLabel>,
    /// Polarity by analyzer name (`vader`, `textblob`, a user's analyzer).
    pub scores: std::collections::BTreeMap<String, f64>,
    /// The text, only when the store is asked to keep texts (`store_texts`).
    pub text: Option<String>,
}

/// Which stored posts a read returns; see `SentimentStore::posts`.
#[derive(Debug, Clone, PartialEq)]
pub struct PostQuery {
    /// Only this symbol's posts; `None` for every symbol's.
    pub symbol: Option<Symbol>,
    /// Posts made at or after this instant.
    pub since: DateTime<Utc>,
    /// Posts made before this instant; `None` for no upper bound.
    pub until: Option<DateTime<Utc>>,
    /// Only this platform's posts.
    pub platform: Option<String>,
    /// Only posts carrying an author's label.
    pub labelled_only: bool,
    /// At most this many posts, the newest.
    pub limit: usize,
}

impl PostQuery {
    /// The posts of `symbol` made at or after `since`, any platform, up to
    /// [`MAX_POSTS_READ`].
    pub fn of(symbol: &Symbol, since: DateTime<Utc>) -> Self {
        PostQuery {
            symbol: Some(symbol.clone()),
            since,
            until: None,
            platform: None,
            labelled_only: false,
            limit: MAX_POSTS_READ,
        }
    }
}

/// The most posts one store read returns: history, trend and agreement
/// read at most this many (the newest).
pub const MAX_POSTS_READ: usize = 200_000;

/// The stored posts of one symbol made on one UTC day: the seed's
/// sentiment history, one point a day. Computed from distinct posts, so
/// analysing again never changes a day's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailySentiment {
    /// The UTC date the posts were made.
    pub date: NaiveDate,
    /// Distinct posts made that day.
    pub mentions: u64,
    /// Mean score of those posts by the analyzer asked for (0 when none of
    /// them has its score).
    pub score: f64,
    /// `|score|`, the seed's confidence.
    pub confidence: f64,
    /// Posts by platform.
    pub platforms: std::collections::BTreeMap<String, u64>,
}

/// How often one analyzer's sign agrees with authors' labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelAgreement {
    /// The label.
    pub label: AuthorLabel,
    /// Stored posts carrying it that the analyzer scored.
    pub posts: u64,
    /// Of those, posts whose score has the label's sign.
    pub agreed: u64,
    /// Of those, posts scored exactly 0 (neither sign; counted as not agreeing).
    pub neutral: u64,
    /// `agreed / posts`; `None` without posts.
    pub accuracy: Option<f64>,
}

/// One analyzer's agreement with authors' labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerAgreement {
    /// The analyzer's name.
    pub analyzer: String,
    /// Labelled posts it scored.
    pub posts: u64,
    /// Of those, posts whose score has the label's sign.
    pub agreed: u64,
    /// `agreed / posts`; `None` without posts.
    pub accuracy: Option<f64>,
    /// The same per label, bullish first.
    pub labels: Vec<LabelAgreement>,
}

/// Agreement of every analyzer that scored labelled posts, over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentAgreement {
    /// The symbol asked for; `None` for all symbols.
    pub symbol: Option<Symbol>,
    /// The look-back in days.
    pub days: u32,
    /// Labelled posts in the window.
    pub labelled_posts: u64,
    /// One entry per analyzer, by name.
    pub analyzers: Vec<AnalyzerAgreement>,
}

/// Posts a caller brought, scored: one polarity per post in their order,
/// and the per-platform report an analysis would give for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostScores {
    /// The analyzer's name.
    pub analyzer: String,
    /// One polarity per post, in the order given.
    pub scores: Vec<f64>,
    /// Mention-weighted mean over the platforms (0 without posts).
    pub overall: f64,
    /// One entry per platform among the posts, by name.
    pub platforms: Vec<PlatformSentiment>,
}
