use super::Analyzer;
use crate::model::Score;

/// A stand-in analyzer: sums the valences of a few dozen finance words,
/// flips a word after a negation, and squashes the sum into `[-1, 1]`.
///
/// Its numbers match no published analyzer; do not build thresholds on them.
#[derive(Debug, Clone, Default)]
pub struct Placeholder {
    _private: (),
}

const WORDS: &[(&str, f64)] = &[
    ("awful", -2.5),
    ("bad", -2.0),
    ("bearish", -1.5),
    ("bullish", 1.5),
    ("buy", 0.8),
    ("crash", -2.5),
    ("disappointing", -2.0),
    ("drop", -1.2),
    ("excellent", 2.7),
    ("falling", -1.2),
    ("fantastic", 2.6),
    ("good", 1.9),
    ("great", 2.6),
    ("growth", 1.0),
    ("happy", 2.2),
    ("impressive", 2.2),
    ("love", 2.8),
    ("lawsuits", -1.3),
    ("miss", -1.2),
    ("missed", -1.2),
    ("overvalued", -1.3),
    ("painful", -1.8),
    ("risky", -1.0),
    ("sold", -0.5),
    ("solid", 1.3),
    ("strong", 1.8),
    ("terrible", -2.8),
    ("ugly", -2.2),
    ("weak", -1.7),
    ("worried", -1.8),
    ("🚀", 1.5),
    ("📉", -1.5),
];
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "isn't", "wasn't", "don't", "didn't", "can't", "won't",
];

impl Placeholder {
    /// A new placeholder analyzer.
    pub fn new() -> Self {
        Placeholder::default()
    }
}

impl Analyzer for Placeholder {
    fn name(&self) -> &str {
        "placeholder"
    }

    fn score(&self, text: &str) -> Score {
        let mut sum = 0.0;
        let mut negate = false;
        for raw in text.split_whitespace() {
            let word = raw
                .trim_matches(|c: char| c.is_ascii_punctuation())
                .to_lowercase();
            if NEGATIONS.contains(&word.as_str()) {
                negate = true;
                continue;
            }
            if let Some((_, v)) = WORDS.iter().find(|(w, _)| *w == word) {
                sum += if negate { -0.74 * v } else { *v };
            }
            negate = false;
        }
        Score {
            polarity: sum / (sum * sum + 15.0).sqrt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_follow_the_words_and_negation_flips() {
        let a = Placeholder::new();
        assert!(a.score("great quarter, love it").polarity > 0.5);
        assert!(a.score("terrible and weak").polarity < -0.5);
        assert!(a.score("not good").polarity < 0.0);
        assert_eq!(a.score("").polarity, 0.0);
        assert!(a.score(&"great ".repeat(10_000)).polarity <= 1.0);
    }
}
