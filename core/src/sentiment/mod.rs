//! Sentiment scoring: the [`Analyzer`] trait, the analyzers, and
//! [`top_keywords`] for the per-platform report.
//!
//! - `vader` — [`Vader`]: vaderSentiment 3.3.2's `polarity_scores`, score for score.
//! - `textblob` — [`TextBlob`]: TextBlob 0.20.1's `TextBlob(text).sentiment`, score for score.

mod keywords;
mod python_str;
mod textblob;
mod vader;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::Score;

pub use keywords::{top_keywords, top_keywords_excluding};
pub use textblob::{TextBlob, TextBlobSentiment};
pub use vader::{Vader, VaderScores};

/// Scores the sentiment of short texts. The built-in ones are pure CPU work,
/// thread-safe, and never fail: any text, including an empty one, has a
/// score. An analyzer that can fail (a user's model behind a call, say)
/// overrides [`Analyzer::try_score_many`], which the sentiment service uses.
pub trait Analyzer: Send + Sync {
    /// The analyzer's name as given in [`Config::analyzer`](crate::Config::analyzer).
    fn name(&self) -> &str;

    /// Scores one text.
    fn score(&self, text: &str) -> Score;

    /// Scores many texts; the default scores them one after another.
    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        texts.iter().map(|t| self.score(t)).collect()
    }

    /// Scores many texts, one score per text in order, or says why it
    /// could not. The sentiment service calls this, so an error here fails
    /// the analysis with it (give it the kind that fits; `Internal` when
    /// nothing else does). The default never fails: `Ok(score_many(texts))`.
    fn try_score_many(&self, texts: &[&str]) -> Result<Vec<Score>> {
        Ok(self.score_many(texts))
    }
}

/// `score` of every text, spread over all cores (rayon) in runs of at least
/// 256 texts; the order of the results is the order of `texts`.
fn score_all<S, T>(texts: &[S], score: impl Fn(&str) -> T + Sync) -> Vec<T>
where
    S: AsRef<str> + Sync,
    T: Send,
{
    use rayon::prelude::*;
    texts
        .par_iter()
        .with_min_len(256)
        .map(|t| score(t.as_ref()))
        .collect()
}

/// Where a batch is cut into chunks, for a caller that scores a long batch
/// chunk by chunk to do something in between: check for Ctrl-C, give an
/// event loop its turn, report progress. A chunk ends once it holds
/// [`Chunks::MAX_BYTES`] bytes of text or [`Chunks::MAX_TEXTS`] texts, which
/// the analyzers score in some 10–50 ms on one core (a single longer text
/// makes a chunk of its own).
///
/// Feed it each text's length in order; [`Chunks::full`] says when the chunk
/// so far should be scored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Chunks {
    bytes: usize,
    texts: usize,
}

impl Chunks {
    /// Bytes of text after which a chunk ends.
    pub const MAX_BYTES: usize = 1 << 20;
    /// Texts after which a chunk ends (short texts cost per text, not per byte).
    pub const MAX_TEXTS: usize = 16_384;

    /// Counts one more text of `len` bytes in the current chunk; `true`
    /// when the chunk is full, and the count starts again for the next one.
    pub fn full(&mut self, len: usize) -> bool {
        self.bytes += len;
        self.texts += 1;
        if self.bytes >= Self::MAX_BYTES || self.texts >= Self::MAX_TEXTS {
            *self = Chunks::default();
            return true;
        }
        false
    }
}

/// The analyzer called `name`, in any case (`"VADER"`, `"TextBlob"`), or
/// `InvalidInput` listing the known names.
pub fn analyzer_by_name(name: &str) -> Result<Arc<dyn Analyzer>> {
    Ok(AnalyzerKind::parse(name)?.build())
}

/// A built-in analyzer, chosen by name (the analyzer knob). Parsing
/// ignores case and surrounding space; `Display` gives the name in lower
/// case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum AnalyzerKind {
    /// `textblob` (the default): [`TextBlob`], the port of TextBlob's
    /// PatternAnalyzer.
    #[default]
    TextBlob,
    /// `vader`: [`Vader`], the port of vaderSentiment 3.3.2.
    Vader,
}

impl AnalyzerKind {
    /// Every built-in analyzer.
    pub const ALL: [AnalyzerKind; 2] = [AnalyzerKind::TextBlob, AnalyzerKind::Vader];

    /// The analyzer called `name`, in any case, or `InvalidInput` listing
    /// the known names (the name echoed truncated).
    pub fn parse(name: &str) -> Result<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::invalid_input(format!(
                    "unknown analyzer {}; expected one of: textblob, vader",
                    crate::error::echo(name)
                ))
            })
    }

    /// The name, in lower case: `"textblob"`, `"vader"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AnalyzerKind::TextBlob => "textblob",
            AnalyzerKind::Vader => "vader",
        }
    }

    /// A new analyzer of this kind.
    pub fn build(self) -> Arc<dyn Analyzer> {
        match self {
            AnalyzerKind::TextBlob => Arc::new(TextBlob::new()),
            AnalyzerKind::Vader => Arc::new(Vader::new()),
        }
    }
}

impl std::str::FromStr for AnalyzerKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        Self::parse(name)
    }
}

impl std::fmt::Display for AnalyzerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Chunks;

    #[test]
    fn chunks_end_by_bytes_or_by_count() {
        let mut chunks = Chunks::default();
        assert!((0..Chunks::MAX_TEXTS - 1).all(|_| !chunks.full(1)));
        assert!(chunks.full(1), "the count ends a chunk of short texts");
        assert!(!chunks.full(Chunks::MAX_BYTES - 1) && chunks.full(1));
        assert!(
            chunks.full(Chunks::MAX_BYTES * 4),
            "a long text is a chunk of its own"
        );
    }
}
