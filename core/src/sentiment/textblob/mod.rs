//! `TextBlob`: the default analyzer of TextBlob 0.20.1 (`PatternAnalyzer`,
//! pattern's English sentiment), reproduced so that every text gets the
//! polarity and subjectivity of `TextBlob(text).sentiment` (see the
//! differential tests).
//!
//! Each known word is an assessment with the average polarity, subjectivity
//! and intensity of its senses; an adverb before it multiplies it by its
//! intensity ("very good"), a negation before it flips and halves it ("not
//! good"), "!" strengthens the one before, emoticons and "(!)" are
//! assessments of their own; the result is the mean over assessments.
//! Quirks of the Python implementation are kept and marked `Quirk:`.

mod closeup;
mod lexicon;
mod tokens;

use serde::{Deserialize, Serialize};

use super::Analyzer;
use crate::model::Score;
use lexicon::{emoticon_polarity, LEXICON};

/// TextBlob's two figures for one text (`TextBlob(text).sentiment`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TextBlobSentiment {
    /// Negative (-1) to positive (+1); 0 when no word is known.
    pub polarity: f64,
    /// Objective (0) to subjective (1); 0 when no word is known.
    pub subjectivity: f64,
}

/// The TextBlob analyzer (`analyzer = "textblob"`). Cheap to make: the
/// lexicon (2,900 words) is parsed once per process, at first use.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextBlob {
    _private: (),
}

impl TextBlob {
    /// A TextBlob analyzer.
    pub fn new() -> Self {
        TextBlob::default()
    }

    /// `TextBlob(text).sentiment`: polarity and subjectivity.
    ///
    /// Costs one pass over the text and one lexicon look-up per word; the
    /// buffers are per thread and reused, so a call allocates nothing once
    /// they have grown to the size of the longest text seen.
    pub fn sentiment(&self, text: &str) -> TextBlobSentiment {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => score_text(text, &mut scratch),
            // Only reachable if scoring re-entered itself on this thread.
            Err(_) => score_text(text, &mut Scratch::default()),
        })
    }

    /// [`TextBlob::sentiment`] of every text, spread over all cores
    /// (rayon); the order of the results is the order of `texts`.
    pub fn sentiment_many<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<TextBlobSentiment> {
        super::score_all(texts, |t| self.sentiment(t))
    }
}

impl Analyzer for TextBlob {
    fn name(&self) -> &str {
        "textblob"
    }

    /// The polarity.
    fn score(&self, text: &str) -> Score {
        Score {
            polarity: self.sentiment(text).polarity,
        }
    }

    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        self.sentiment_many(texts)
            .into_iter()
            .map(|s| Score {
                polarity: s.polarity,
            })
            .collect()
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

#[derive(Default)]
struct Scratch {
    tokens: tokens::Scratch,
    lower: String,
    assessments: Vec<Assessment>,
}

/// One scored chunk: a known word with the modifier or negation before it,
/// an emoticon, or "(!)".
#[derive(Clone, Copy)]
struct Assessment {
    polarity: f64,
    subjectivity: f64,
    intensity: f64,
    negated: bool,
}

impl Assessment {
    fn fixed(polarity: f64) -> Self {
        Assessment {
            polarity,
            subjectivity: 1.0,
            intensity: 1.0,
            negated: false,
        }
    }
}

fn clamp(x: f64) -> f64 {
    x.clamp(-1.0, 1.0)
}

fn score_text(text: &str, scratch: &mut Scratch) -> TextBlobSentiment {
    let Scratch {
        tokens,
        lower,
        assessments: a,
    } = scratch;
    a.clear();
    // The pending modifier (an adverb just seen): whether it ends in "ly".
    let mut modifier: Option<bool> = None;
    // A negation seen and not yet used or cancelled.
    let mut negation = false;

    let lexicon = &*LEXICON;
    tokens::for_each_token(text, tokens, |token| {
        let class = ByteClass::of(token);
        let w = if class.lower_ascii() {
            token
        } else {
            py_lower(token, lower)
        };
        let is_negation = w.starts_with('n') && matches!(w, "no" | "not" | "n't" | "never");
        if let Some(e) = lexicon.get(w) {
            match (modifier, a.last_mut()) {
                (Some(_), Some(last)) => {
                    last.polarity = clamp(e.polarity * last.intensity);
                    last.subjectivity = clamp(e.subjectivity * last.intensity);
                    last.intensity = e.intensity;
                }
                _ => a.push(Assessment {
                    polarity: e.polarity,
                    subjectivity: e.subjectivity,
                    intensity: e.intensity,
                    negated: false,
                }),
            }
            if negation {
                if let Some(last) = a.last_mut() {
                    last.intensity = 1.0 / last.intensity;
                    last.negated = true;
                }
            }
            modifier = e.modifier.then(|| w.ends_with("ly"));
            negation = is_negation;
            return;
        }
        if is_negation {
            negation = true;
        } else if negation && class.char_count(w.trim_matches('\'')) > 1 {
            // A longer unknown word ends the negation; "not a good" keeps it.
            negation = false;
        }
        if negation && modifier == Some(true) {
            // "really not good": the negation joins the adverb's assessment.
            if let Some(last) = a.last_mut() {
                last.negated = true;
            }
            negation = false;
        } else if modifier.is_some() && class.char_count(w) > 2 {
            modifier = None;
        }
        if w == "!" {
            if let Some(last) = a.last_mut() {
                last.polarity = clamp(last.polarity * 1.25);
            }
        }
        if w == "(!)" {
            a.push(Assessment::fixed(0.0));
        }
        // Every emoticon has a character that is not an ASCII letter or digit.
        if class.maybe_emoticon() {
            if let Some(polarity) = emoticon_polarity(w) {
                a.push(Assessment::fixed(polarity));
            }
        }
    });

    // "not good" is slightly bad, "not bad" slightly good; then the plain
    // means, summed left to right as Python does.
    let n = a.len().max(1) as f64;
    // (Python's sum starts from 0, not -0.0 as `Iterator::sum` does.)
    let polarity = a
        .iter()
        .map(|x| {
            if x.negated {
                x.polarity * -0.5
            } else {
                x.polarity
            }
        })
        .fold(0.0, |sum, p| sum + p);
    let subjectivity = a.iter().fold(0.0, |sum, x| sum + x.subjectivity);
    TextBlobSentiment {
        polarity: polarity / n,
        subjectivity: subjectivity / n,
    }
}

/// What one pass over a token's bytes tells: whether it needs lower-casing,
/// whether it is ASCII, whether it could be an emoticon.
#[derive(Clone, Copy)]
struct ByteClass(u8);

const UPPER: u8 = 1;
const NON_ASCII: u8 = 2;
const NOT_ALPHANUMERIC: u8 = 4;

static BYTE_CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if !byte.is_ascii() {
            NON_ASCII | NOT_ALPHANUMERIC
        } else if byte.is_ascii_uppercase() {
            UPPER
        } else if byte.is_ascii_alphanumeric() {
            0
        } else {
            NOT_ALPHANUMERIC
        };
        b += 1;
    }
    table
};

impl ByteClass {
    fn of(token: &str) -> ByteClass {
        ByteClass(
            token
                .bytes()
                .fold(0, |class, b| class | BYTE_CLASSES[b as usize]),
        )
    }

    /// ASCII without capitals: its own `str.lower()`.
    fn lower_ascii(self) -> bool {
        self.0 & (UPPER | NON_ASCII) == 0
    }

    fn maybe_emoticon(self) -> bool {
        self.0 & NOT_ALPHANUMERIC != 0
    }

    /// Python's `len(s)` (code points) of `s`, a part of the token or of
    /// its lower-cased form.
    fn char_count(self, s: &str) -> usize {
        if self.0 & NON_ASCII == 0 {
            s.len()
        } else {
            s.chars().count()
        }
    }
}

/// `str.lower()`, into `buf` when it changes anything. Python also applies the final-sigma rule,
/// which only chooses between two non-ASCII sigmas of one character each:
/// neither a look-up nor a length here can tell them apart.
fn py_lower<'a>(word: &str, buf: &'a mut String) -> &'a str {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentiment(text: &str) -> (f64, f64) {
        let s = TextBlob::new().sentiment(text);
        (s.polarity, s.subjectivity)
    }

    /// Expected values printed by TextBlob 0.20.1: `TextBlob(text).sentiment`.
    #[test]
    fn matches_textblob() {
        assert_eq!(sentiment(""), (0.0, 0.0));
        assert_eq!(sentiment("good"), (0.7, 0.6000000000000001));
    }
}
