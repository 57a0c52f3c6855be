//! [`SentimentService::agreement`]: each analyzer's sign against the
//! authors' own Bullish/Bearish labels on the stored posts.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};

use super::{checked_days, SentimentService};
use crate::error::Result;
use crate::model::{
    AnalyzerAgreement, AuthorLabel, LabelAgreement, PostQuery, SentimentAgreement, StoredPost,
    Symbol, MAX_POSTS_READ,
};

/// The labels in the order reports list them.
const LABELS: [AuthorLabel; 2] = [AuthorLabel::Bullish, AuthorLabel::Bearish];

impl SentimentService {
    /// How often each analyzer's sign agrees with the authors' own labels
    /// on the stored labelled posts of the last `days` days (1 to 3650),
    /// of `symbol` or (`None`) of every symbol: for every analyzer that
    /// scored any of them (whichever service stored the score), per label
    /// and overall, the posts it scored, how many it scored with the
    /// label's sign (positive for bullish, negative for bearish), how many
    /// exactly 0 (neutral: counted, never agreeing), and the accuracy.
    /// One store read of labelled posts (at most [`MAX_POSTS_READ`], the
    /// newest), O(posts · analyzers).
    pub async fn agreement(
        &self,
        symbol: Option<&Symbol>,
        days: u32,
    ) -> Result<SentimentAgreement> {
        let days = checked_days(days)?;
        let query = PostQuery {
            symbol: symbol.cloned(),
            since: Utc::now() - Duration::days(i64::from(days)),
            until: None,
            platform: None,
            labelled_only: true,
            limit: MAX_POSTS_READ,
        };
        let posts = self.store.posts(&query).await?;
        Ok(agreement_of(symbol.cloned(), days, &posts))
    }
}

/// Counts for one analyzer and one label.
#[derive(Default, Clone, Copy)]
struct Tally {
    posts: u64,
    agreed: u64,
    neutral: u64,
}

/// `agreed / posts`, `None` without posts.
fn accuracy(agreed: u64, posts: u64) -> Option<f64> {
    (posts > 0).then(|| agreed as f64 / posts as f64)
}

/// [`SentimentService::agreement`]'s figures from `posts` (unlabelled ones
/// are passed over).
fn agreement_of(symbol: Option<Symbol>, days: u32, posts: &[StoredPost]) -> SentimentAgreement {
    let mut tallies: BTreeMap<&str, [Tally; 2]> = BTreeMap::new();
    let mut labelled_posts = 0;
    for post in posts {
        let Some(label) = post.label else { continue };
        labelled_posts += 1;
        let slot = usize::from(label == AuthorLabel::Bearish);
        for (analyzer, score) in &post.scores {
            let tally = &mut tallies.entry(analyzer.as_str()).or_default()[slot];
            tally.posts += 1;
            if *score == 0.0 {
                tally.neutral += 1;
            } else if score.signum() == label.sign() {
                tally.agreed += 1;
            }
        }
    }
    let analyzers = tallies
        .into_iter()
        .map(|(analyzer, tally)| {
            let labels: Vec<LabelAgreement> = LABELS
                .iter()
                .zip(tally)
                .map(|(label, t)| LabelAgreement {
                    label: *label,
                    posts: t.posts,
                    agreed: t.agreed,
                    neutral: t.neutral,
                    accuracy: accuracy(t.agreed, t.posts),
                })
                .collect();
            let posts = labels.iter().map(|l| l.posts).sum();
            let agreed = labels.iter().map(|l| l.agreed).sum();
            AnalyzerAgreement {
                analyzer: analyzer.to_owned(),
                posts,
                agreed,
                accuracy: accuracy(agreed, posts),
                labels,
            }
        })
        .collect();
    SentimentAgreement {
        symbol,
        days,
        labelled_posts,
        analyzers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(label: Option<AuthorLabel>, scores: &[(&str, f64)]) -> StoredPost {
        StoredPost {
            platform: "stocktwits".into(),
            id: "1".into(),
            symbol: Symbol::parse("TSLA").unwrap(),
            created_at: Utc::now(),
            url: String::new(),
            author: None,
            label,
            scores: scores.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect(),
            text: None,
        }
    }

    #[test]
    fn signs_are_counted_against_labels_and_zero_is_neutral() {
        let (bull, bear) = (Some(AuthorLabel::Bullish), Some(AuthorLabel::Bearish));
        let posts = [
            post(bull, &[("vader", 0.4), ("textblob", 0.0)]),
            post(bull, &[("vader", -0.1), ("textblob", 0.2)]),
            post(bear, &[("vader", -0.3)]),
            post(None, &[("vader", 0.9)]),
        ];
        let report = agreement_of(None, 7, &posts);
        assert_eq!(report.labelled_posts, 3);
        let [textblob, vader] = &report.analyzers[..] else {
            panic!("{report:?}")
        };
        assert_eq!(
            (vader.analyzer.as_str(), vader.posts, vader.agreed),
            ("vader", 3, 2)
        );
        assert_eq!(vader.accuracy, Some(2.0 / 3.0));
        assert_eq!(vader.labels[0].label, AuthorLabel::Bullish);
        assert_eq!((vader.labels[0].posts, vader.labels[0].agreed), (2, 1));
        assert_eq!(
            (vader.labels[1].posts, vader.labels[1].accuracy),
            (1, Some(1.0))
        );
        assert_eq!((textblob.posts, textblob.agreed), (2, 1));
        assert_eq!(textblob.labels[0].neutral, 1);
        assert_eq!(
            (textblob.labels[1].posts, textblob.labels[1].accuracy),
            (0, None)
        );
    }
}
