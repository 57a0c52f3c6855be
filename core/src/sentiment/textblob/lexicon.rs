//! pattern's English sentiment lexicon, loaded the way TextBlob 0.20.1 loads
//! it (`textblob._text.Sentiment.load` and `textblob.en.Sentiment.load`),
//! and the emoticons its assessments recognise.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

const XML: &str = include_str!("../../../data/textblob/en-sentiment.xml");

/// What the analyzer needs of one word. TextBlob looks plain strings up with
/// part-of-speech `None`, so only the all-senses average is kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Entry {
    pub polarity: f64,
    pub subjectivity: f64,
    pub intensity: f64,
    /// The word has an adverb (`RB`) sense, so it modifies the next word.
    pub modifier: bool,
}

/// Word to entry; keys are the lexicon's forms plus the derived "-ly" adverbs.
pub(super) struct Lexicon {
    entries: FxHashMap<String, Entry>,
    /// The first bytes of the keys: a token starting otherwise ("!", "$",
    /// an emoji) is not looked up at all.
    first_bytes: [bool; 256],
}

impl Lexicon {
    pub(super) fn get(&self, word: &str) -> Option<&Entry> {
        let first = *word.as_bytes().first()?;
        if !self.first_bytes[first as usize] {
            return None;
        }
        self.entries.get(word)
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let entries = load();
    let mut first_bytes = [false; 256];
    for key in entries.keys() {
        first_bytes[key.as_bytes()[0] as usize] = true;
    }
    Lexicon {
        entries,
        first_bytes,
    }
});

/// One `(polarity, subjectivity, intensity)` triple.
type Psi = [f64; 3];

/// A word's tags with their averaged triple, in first-seen order.
type Tags<'a> = Vec<(Option<&'a str>, Psi)>;

/// A word's senses grouped by part-of-speech tag, in first-seen order, as
/// Python's insertion-ordered dicts keep them. `None` is a missing `pos`
/// attribute, distinct from `pos=""`.
type Senses<'a> = Vec<(Option<&'a str>, Vec<Psi>)>;

fn load() -> FxHashMap<String, Entry> {
    // The file ships inside the crate and is parsed in a test: it is valid.
    let document = roxmltree::Document::parse(XML).expect("en-sentiment.xml is well-formed");
    let mut order: Vec<&str> = Vec::new();
    let mut words: FxHashMap<&str, Senses<'_>> = FxHashMap::default();
    for element in document
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("word"))
    {
        let attr = |name| element.attribute(name);
        let Some(form) = attr("form").filter(|f| !f.is_empty()) else {
            continue;
        };
        let psi = [
            number(attr("polarity"), 0.0),
            number(attr("subjectivity"), 0.0),
            number(attr("intensity"), 1.0),
        ];
        let senses = words.entry(form).or_insert_with(|| {
            order.push(form);
            Vec::new()
        });
        let pos = attr("pos");
        match senses.iter_mut().find(|(p, _)| *p == pos) {
            Some((_, list)) => list.push(psi),
            None => senses.push((pos, vec![psi])),
        }
    }

    // Average the senses of each tag, then all tags into the `None` entry
    // (which replaces, in place, the average of senses that had no `pos`).
    let mut averaged: Vec<(String, Tags<'_>)> = order
        .iter()
        .map(|form| {
            let mut tags: Tags<'_> = words[form]
                .iter()
                .map(|(pos, list)| (*pos, mean(list)))
                .collect();
            let all = mean(&tags.iter().map(|(_, psi)| *psi).collect::<Vec<_>>());
            match tags.iter_mut().find(|(pos, _)| pos.is_none()) {
                Some((_, psi)) => *psi = all,
                None => tags.push((None, all)),
            }
            ((*form).to_owned(), tags)
        })
        .collect();

    // Each adjective also gives an adverb: "terrible" -> "terribly",
    // "happy" -> "happily". `annotate` overwrites the target's `RB` and
    // `None` entries, so a later adjective wins; words made here are not
    // themselves visited.
    let mut index: FxHashMap<String, usize> = averaged
        .iter()
        .enumerate()
        .map(|(i, (form, _))| (form.clone(), i))
        .collect();
    for i in 0..averaged.len() {
        let Some(jj) = tag(&averaged[i].1, Some("JJ")) else {
            continue;
        };
        let adverb = adverb_of(&averaged[i].0);
        let target = *index.entry(adverb.clone()).or_insert_with(|| {
            averaged.push((adverb, Vec::new()));
            averaged.len() - 1
        });
        set_tag(&mut averaged[target].1, Some("RB"), jj);
        set_tag(&mut averaged[target].1, None, jj);
    }

    averaged
        .into_iter()
        .map(|(form, tags)| {
            let [polarity, subjectivity, intensity] =
                tag(&tags, None).expect("every word has a None entry");
            let modifier = tag(&tags, Some("RB")).is_some();
            let entry = Entry {
                polarity,
                subjectivity,
                intensity,
                modifier,
            };
            (form, entry)
        })
        .collect()
}

fn tag(tags: &Tags<'_>, pos: Option<&str>) -> Option<Psi> {
    tags.iter().find(|(p, _)| *p == pos).map(|(_, psi)| *psi)
}

fn set_tag<'a>(tags: &mut Tags<'a>, pos: Option<&'a str>, psi: Psi) {
    match tags.iter_mut().find(|(p, _)| *p == pos) {
        Some((_, slot)) => *slot = psi,
        None => tags.push((pos, psi)),
    }
}

/// `w[:-1] + "i"` for a final "y", then drop a final "le", then add "ly".
fn adverb_of(adjective: &str) -> String {
    let mut stem = adjective.to_owned();
    if stem.ends_with('y') {
        stem.pop();
        stem.push('i');
    }
    if stem.ends_with("le") {
        stem.truncate(stem.len() - 2);
    }
    stem + "ly"
}

/// Python's `avg` per component: `sum(list) / float(len(list) or 1)`,
/// summed left to right as `sum` does.
fn mean(list: &[Psi]) -> Psi {
    let n = list.len().max(1) as f64;
    let mut total = [0.0; 3];
    for psi in list {
        for (t, v) in total.iter_mut().zip(psi) {
            *t += v;
        }
    }
    total.map(|t| t / n)
}

fn number(value: Option<&str>, default: f64) -> f64 {
    value.and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// `EMOTICONS` of `textblob._text`, in its dict order, with the polarity of
/// each expression.
pub(super) const EMOTICONS: &[(f64, &[&str])] = &[
    // (The first bytes of these are listed in `emoticon_polarity`.)
    (1.0, &["<3", "♥"]),
    (
        1.0,
        &[
            ">:D", ":-D", ":D", "=-D", "=D", "X-D", "x-D", "XD", "xD", "8-D",
        ],
    ),
    (
        0.75,
        &[
            ">:P", ":-P", ":P", ":-p", ":p", ":-b", ":b", ":c)", ":o)", ":^)",
        ],
    ),
    (
        0.5,
        &[
            ">:)", ":-)", ":)", "=)", "=]", ":]", ":}", ":>", ":3", "8)", "8-)",
        ],
    ),
    (
        0.25,
        &[">;]", ";-)", ";)", ";-]", ";]", ";D", ";^)", "*-)", "*)"],
    ),
    (
        0.05,
        &[">:o", ":-O", ":O", ":o", ":-o", "o_O", "o.O", "°O°", "°o°"],
    ),
    (
        -0.25,
        &[
            ">:/", ":-/", ":/", ":\\", ">:\\", ":-.", ":-s", ":s", ":S", ":-S", ">.>",
        ],
    ),
    (
        -0.75,
        &[
            ">:[", ":-(", ":(", "=(", ":-[", ":[", ":{", ":-<", ":c", ":-c", "=/",
        ],
    ),
    (-1.0, &[":'(", ":'''(", ";'("]),
];

/// The polarity a lower-cased token scores as an emoticon: the first group
/// whose lower-cased expressions hold it.
///
/// Quirk: the check runs only for tokens that are not `isalpha()`, so "xd"
/// (from "XD" and "xD") never scores; the other conditions of that check
/// (at most 5 characters, not a substring of `PUNCTUATION`) hold for every
/// expression and cannot exclude one.
pub(super) fn emoticon_polarity(lower: &str) -> Option<f64> {
    // Most tokens cannot be one: cheaper to tell than to look up.
    let first_bytes = b"<>:=x8;*o\xE2\xC2";
    if !(2..=5).contains(&lower.len()) || !first_bytes.contains(&lower.as_bytes()[0]) {
        return None;
    }
    static TABLE: LazyLock<FxHashMap<String, f64>> = LazyLock::new(|| {
        let mut table = FxHashMap::default();
        for (polarity, group) in EMOTICONS {
            for e in *group {
                let lower = e.to_lowercase();
                if !lower.chars().all(char::is_alphabetic) {
                    table.entry(lower).or_insert(*polarity);
                }
            }
        }
        table
    });
    TABLE.get(lower).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by TextBlob 0.20.1: `textblob.en.sentiment[w][None]`
    /// and `"RB" in textblob.en.sentiment[w]`.
    #[test]
    fn entries_match_textblob() {
        let entry = |w| *LEXICON.get(w).unwrap();
        let good = entry("good");
        assert_eq!(good.polarity, 0.7);
        assert_eq!(good.subjectivity, 0.6000000000000001);
        assert!(!good.modifier);
        let very = entry("very");
        assert_eq!((very.polarity, very.intensity), (0.2, 1.3));
        assert!(very.modifier);
        // Derived from "terrible" (JJ): an adverb with the adjective's scores.
        let terribly = entry("terribly");
        assert_eq!(terribly.polarity, entry("terrible").polarity);
        assert!(terribly.modifier);
        assert!(LEXICON.get("happily").is_some() && LEXICON.get("!").is_none());
        // `len(textblob.en.sentiment)` once loaded.
        assert_eq!(LEXICON.len(), 2860);
    }

    #[test]
    fn emoticons() {
        assert_eq!(emoticon_polarity(":-d"), Some(1.0));
        assert_eq!(emoticon_polarity(":o)"), Some(0.75));
        assert_eq!(emoticon_polarity("°o°"), Some(0.05));
        assert_eq!(emoticon_polarity("xd"), None);
        assert_eq!(emoticon_polarity(":-)x"), None);
    }
}
