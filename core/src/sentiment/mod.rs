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

pub use keywords::top_keywords;
pub use textblob::{TextBlob, TextBlobSentiment};
pub use vader::{Vader, VaderScores};

/// Scores the sentiment of short texts. Implementations are pure CPU work,
/// thread-safe, and never fail: any text, including an empty one, has a score.
pub trait Analyzer: Send + Sync {
    /// The analyzer's name as given in [`Config::analyzer`](crate::Config::analyzer).
    fn name(&self) -> &str;

    /// Scores one text.
    fn score(&self, text: &str) -> Score;

    /// Scores many texts; the default scores them one after another.
    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        texts.iter().map(|t| self.score(t)).collect()
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

/// The analyzer called `name`, or `InvalidInput` listing the known names.
pub fn analyzer_by_name(name: &str) -> Result<Arc<dyn Analyzer>> {
    match name.trim() {
        "vader" => Ok(Arc::new(Vader::new())),
        "textblob" => Ok(Arc::new(TextBlob::new())),
        other => Err(Error::invalid_input(format!(
            "unknown analyzer {other:?}; expected one of: textblob, vader"
        ))),
    }
}
