//! Bounds on what one answer of a backend the library does not own (a
//! user's Python or JS provider, mention source or analyzer) may hold, so
//! that a broken or hostile one cannot make the process convert, cache and
//! keep an answer of any size. The bindings check sizes against these
//! before converting an answer, and refuse a larger one as `Upstream`
//! naming the limit. The built-in HTTP providers are bounded by their body
//! cap instead ([`ResiliencePolicy::max_body_bytes`](crate::resilience::ResiliencePolicy::max_body_bytes)).

/// Most bars in one history answer: 100,000, some sixty years of hourly
/// bars or a year of 1-minute bars of a 6.5-hour trading day; far above
/// what providers' range limits give (Yahoo: 1-minute bars for 7 days).
pub const MAX_ANSWER_BARS: usize = 100_000;

/// Most characters of a short text field (currency, time zone, exchange,
/// instrument type, a name, a platform, an author): 256.
pub const MAX_FIELD_CHARS: usize = 256;

/// Most characters of a post's text or a link: 40,000, the longest
/// self-text Reddit allows.
pub const MAX_TEXT_CHARS: usize = 40_000;

/// Most posts in one answer of a mention source: 1,000, ten times what
/// the sentiment service asks one source for.
pub const MAX_ANSWER_POSTS: usize = 1_000;
