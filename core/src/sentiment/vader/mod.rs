//! `Vader`: the rules of vaderSentiment 3.3.2's
//! `SentimentIntensityAnalyzer.polarity_scores`, reproduced so that every
//! text gets the same `neg`, `neu`, `pos` and `compound` as the Python
//! package (see the differential tests).
//!
//! The Python implementation has quirks that change scores; they are part of
//! the specification and each is kept and marked `Quirk:` below.

mod lexicon;
mod text;

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::python_str::{py_split, py_strip};
use super::Analyzer;
use crate::model::Score;
use lexicon::EMOJIS;
use text::{py_isupper, strip_punc_if_word};

/// Mean intensity added by a booster word ("very").
const B_INCR: f64 = 0.293;
/// Mean intensity removed by a dampener word ("slightly").
const B_DECR: f64 = -0.293;
/// Intensity added by writing a word in capitals among others that are not.
const C_INCR: f64 = 0.733;
/// Factor applied by a negation.
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// What the rules ask of one lower-cased word: its lexicon valence, its
/// `BOOSTER_DICT` value, whether it negates. One look-up answers all three.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct WordInfo {
    valence: Option<f64>,
    boost: Option<f64>,
    negation: bool,
}

/// Every word the rules know, lower-cased, with what they ask of it.
type WordTable = FxHashMap<Cow<'static, str>, WordInfo>;

/// The table for a lexicon: its valences, then the boosters and negations
/// (which are constants of the Python module, not part of the lexicon).
fn word_table(valences: impl IntoIterator<Item = (Cow<'static, str>, f64)>) -> WordTable {
    let valences = valences.into_iter();
    let mut table =
        WordTable::with_capacity_and_hasher(valences.size_hint().0 + 140, Default::default());
    for (word, valence) in valences {
        table.entry(word).or_default().valence = Some(valence);
    }
    for (words, boost) in [(BOOSTERS_UP, B_INCR), (BOOSTERS_DOWN, B_DECR)] {
        for word in words {
            table.entry(Cow::Borrowed(*word)).or_default().boost = Some(boost);
        }
    }
    for word in NEGATE {
        table.entry(Cow::Borrowed(*word)).or_default().negation = true;
    }
    table
}

/// The table of the built-in lexicon, made once per process.
fn builtin_table() -> &'static WordTable {
    static TABLE: LazyLock<WordTable> = LazyLock::new(|| {
        word_table(
            lexicon::valences()
                .into_iter()
                .map(|(word, valence)| (Cow::Borrowed(word), valence)),
        )
    });
    &TABLE
}

fn word_info(table: &WordTable, word: &str) -> WordInfo {
    let mut info = table.get(word).copied().unwrap_or_default();
    // `negated`: any word containing "n't" negates too.
    info.negation |= word.as_bytes().windows(3).any(|w| w == b"n't");
    info
}

/// The single-word keys of `BOOSTER_DICT` worth `B_INCR`.
const BOOSTERS_UP: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

/// The single-word keys of `BOOSTER_DICT` worth `B_DECR`.
const BOOSTERS_DOWN: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sorta",
    "sortof",
    "sort-of",
];

/// The two-word keys of `BOOSTER_DICT` ("just enough", "kind of", "sort of").
fn booster_pair(a: &str, b: &str) -> Option<f64> {
    match (a, b) {
        ("just", "enough") | ("kind", "of") | ("sort", "of") => Some(B_DECR),
        _ => None,
    }
}

/// Two-word `SPECIAL_CASES`. (Its one-word key "badass" is never looked up:
/// the code only forms sequences of two or three words.)
fn special_pair(a: &str, b: &str) -> Option<f64> {
    match (a, b) {
        ("the", "shit") | ("the", "bomb") => Some(3.0),
        ("bad", "ass") => Some(1.5),
        ("bus", "stop") => Some(0.0),
        ("yeah", "right") => Some(-2.0),
        ("beating", "heart") => Some(3.5),
        _ => None,
    }
}

/// Three-word `SPECIAL_CASES`.
fn special_triple(a: &str, b: &str, c: &str) -> Option<f64> {
    match (a, b, c) {
        ("kiss", "of", "death") => Some(-1.5),
        ("to", "die", "for") => Some(3.0),
        _ => None,
    }
}

/// VADER's four figures for one text, rounded as the Python package rounds
/// them: `neg`, `neu`, `pos` to 3 decimals, `compound` to 4.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VaderScores {
    /// Share of negative intensity.
    pub neg: f64,
    /// Share of neutral words.
    pub neu: f64,
    /// Share of positive intensity.
    pub pos: f64,
    /// Normalised sum of all valences, in `[-1, 1]`.
    pub compound: f64,
}

/// The VADER analyzer (`analyzer = "vader"`). Cheap to make and to clone:
/// the built-in lexicons (7,500 words, 3,500 emojis) are parsed once per
/// process, at first use; an analyzer with its own lexicon
/// ([`Vader::with_lexicon`]) shares its table between clones.
#[derive(Clone, Default)]
pub struct Vader {
    /// `None`: the built-in lexicon.
    table: Option<Arc<WordTable>>,
}

impl std::fmt::Debug for Vader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.table {
            None => f.write_str("Vader { lexicon: built-in }"),
            Some(table) => write!(
                f,
                "Vader {{ lexicon: {} words }}",
                table.values().filter(|i| i.valence.is_some()).count()
            ),
        }
    }
}

impl Vader {
    /// A VADER analyzer with vaderSentiment's own lexicon.
    pub fn new() -> Self {
        Vader::default()
    }

    /// A VADER analyzer whose lexicon is `words` (word and valence) instead
    /// of the built-in one, as when a vaderSentiment user edits
    /// `SentimentIntensityAnalyzer().lexicon`: start from
    /// [`Vader::builtin_lexicon`] to extend or override it. A word repeated
    /// keeps its last valence. Words are looked up lower-cased, as in the
    /// Python package, so a word with capitals never matches.
    ///
    /// Costs one hash-table insert per word (about a millisecond for the
    /// full lexicon); scoring then costs what it costs with the built-in one.
    pub fn with_lexicon<K: Into<Cow<'static, str>>>(
        words: impl IntoIterator<Item = (K, f64)>,
    ) -> Self {
        Vader {
            table: Some(Arc::new(word_table(
                words.into_iter().map(|(w, v)| (w.into(), v)),
            ))),
        }
    }

    /// vaderSentiment 3.3.2's lexicon, word and valence, in the order of
    /// its `lexicon` dict (the order of the file). Builds the list anew.
    pub fn builtin_lexicon() -> Vec<(&'static str, f64)> {
        lexicon::valences()
    }

    fn table(&self) -> &WordTable {
        match &self.table {
            Some(table) => table,
            None => builtin_table(),
        }
    }

    /// `SentimentIntensityAnalyzer().polarity_scores(text)`.
    ///
    /// Costs one pass over the text and one table look-up per word, in time
    /// linear in the length of the text (also with "but": see
    /// `but_check`). The buffers are per thread and reused, so a call
    /// allocates nothing once they have grown, except for a text holding
    /// emojis (the copy with their descriptions), for each word that is not
    /// ASCII (its lower-cased form) and for a text with "but" (an index of
    /// its valences).
    pub fn polarity_scores(&self, text: &str) -> VaderScores {
        let replaced = replace_emojis(text);
        let text = py_strip(&replaced);
        let table = self.table();
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => score_text(table, text, &mut scratch),
            // Only reachable if scoring re-entered itself on this thread.
            Err(_) => score_text(table, text, &mut Scratch::default()),
        })
    }
}

thread_local! {
    /// Per-thread buffers reused between calls, so scoring allocates nothing.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

#[derive(Default)]
struct Scratch {
    /// Every word's `str.lower()`, one after another.
    lower: String,
    tokens: Vec<Token>,
    sentiments: Vec<f64>,
}

/// One word and what the rules ask of it, looked up once; its lower-cased
/// text is a byte range of [`Scratch::lower`].
#[derive(Clone, Copy)]
struct Token {
    lower: (usize, usize),
    /// Lexicon valence of the lower-cased word, if it is in the lexicon.
    valence: Option<f64>,
    /// `BOOSTER_DICT` value of the lower-cased word.
    boost: Option<f64>,
    /// The word negates (`negated([word])`).
    negation: bool,
    /// `str.isupper()` of the word.
    caps: bool,
}

/// The words of one text, readable by index.
struct Tokens<'a> {
    lower_text: &'a str,
    tokens: &'a [Token],
}

impl Tokens<'_> {
    fn len(&self) -> usize {
        self.tokens.len()
    }
    fn lower(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].lower;
        &self.lower_text[a..b]
    }
    fn caps(&self, i: usize) -> bool {
        self.tokens[i].caps
    }
    fn valence(&self, i: usize) -> Option<f64> {
        self.tokens[i].valence
    }
    fn boost(&self, i: usize) -> Option<f64> {
        self.tokens[i].boost
    }
    fn negation(&self, i: usize) -> bool {
        self.tokens[i].negation
    }
}

fn score_text(table: &WordTable, text: &str, scratch: &mut Scratch) -> VaderScores {
    let Scratch {
        lower,
        tokens,
        sentiments,
    } = scratch;
    lower.clear();
    tokens.clear();
    sentiments.clear();
    for w in py_split(text).map(strip_punc_if_word) {
        let start = lower.len();
        // Unicode lower-casing may change a word's length and depends on
        // context (a final sigma): only non-ASCII words take that path.
        if w.is_ascii() {
            lower.push_str(w);
            lower[start..].make_ascii_lowercase();
        } else {
            lower.push_str(&w.to_lowercase());
        }
        let info = word_info(table, &lower[start..]);
        tokens.push(Token {
            lower: (start, lower.len()),
            valence: info.valence,
            boost: info.boost,
            negation: info.negation,
            caps: py_isupper(w),
        });
    }
    let t = Tokens {
        lower_text: lower,
        tokens,
    };
    let n = t.len();
    let caps = t.tokens.iter().filter(|x| x.caps).count();
    let is_cap_diff = caps > 0 && caps < n;
    for i in 0..n {
        // Boosters and "kind of" carry no valence of their own.
        if t.boost(i).is_some() || (t.lower(i) == "kind" && i + 1 < n && t.lower(i + 1) == "of") {
            sentiments.push(0.0);
            continue;
        }
        sentiments.push(sentiment_valence(&t, i, is_cap_diff));
    }
    but_check(&t, sentiments);
    score_valence(sentiments, text)
}

impl Vader {
    /// [`Vader::polarity_scores`] of every text, spread over all cores
    /// (rayon); the order of the results is the order of `texts`.
    pub fn polarity_scores_many<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<VaderScores> {
        super::score_all(texts, |t| self.polarity_scores(t))
    }
}

impl Analyzer for Vader {
    fn name(&self) -> &str {
        "vader"
    }

    /// The `compound` score.
    fn score(&self, text: &str) -> Score {
        Score {
            polarity: self.polarity_scores(text).compound,
        }
    }

    fn score_many(&self, texts: &[&str]) -> Vec<Score> {
        self.polarity_scores_many(texts)
            .into_iter()
            .map(|s| Score {
                polarity: s.compound,
            })
            .collect()
    }
}

/// Replaces each single-code-point emoji by its description.
/// Quirk: a space is put before a description unless the previous
/// character was a space, but none after it, so "😁ok" becomes
/// "beaming face with smiling eyesok".
fn replace_emojis(text: &str) -> Cow<'_, str> {
    let emojis = &*EMOJIS;
    // The emoji lexicon has no ASCII keys.
    if text.is_ascii()
        || !text
            .chars()
            .any(|c| !c.is_ascii() && emojis.contains_key(&c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut prev_space = true;
    for c in text.chars() {
        match emojis.get(&c) {
            Some(description) => {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(description);
                prev_space = false;
            }
            None => {
                out.push(c);
                prev_space = c == ' ';
            }
        }
    }
    Cow::Owned(out)
}

/// `sentiment_valence`: the valence of word `i` after negation, capitals,
/// preceding boosters, idioms and "least".
fn sentiment_valence(t: &Tokens<'_>, i: usize, is_cap_diff: bool) -> f64 {
    let Some(base) = t.valence(i) else { return 0.0 };
    let n = t.len();
    let mut valence = base;
    // "no" before another lexicon word negates it instead of counting itself.
    if t.lower(i) == "no" && i != n - 1 && t.valence(i + 1).is_some() {
        valence = 0.0;
    }
    if (i > 0 && t.lower(i - 1) == "no")
        || (i > 1 && t.lower(i - 2) == "no")
        || (i > 2 && t.lower(i - 3) == "no" && matches!(t.lower(i - 1), "or" | "nor"))
    {
        valence = base * N_SCALAR;
    }
    // Quirk: a zero valence in capitals is pushed down, not up (`else` branch).
    if is_cap_diff && t.caps(i) {
        valence = if valence > 0.0 {
            valence + C_INCR
        } else {
            valence - C_INCR
        };
    }
    for start_i in 0..3 {
        let Some(j) = i.checked_sub(start_i + 1) else {
            break;
        };
        if t.valence(j).is_some() {
            continue;
        }
        let mut s = scalar_inc_dec(t.boost(j), t.caps(j), valence, is_cap_diff);
        if start_i == 1 && s != 0.0 {
            s *= 0.95;
        }
        if start_i == 2 && s != 0.0 {
            s *= 0.9;
        }
        valence += s;
        valence = negation_check(valence, t, start_i, i);
        if start_i == 2 {
            valence = special_idioms_check(valence, t, i);
        }
    }
    least_check(t, valence, i)
}

/// `scalar_inc_dec`: what a booster or dampener before a word adds.
fn scalar_inc_dec(boost: Option<f64>, word_is_upper: bool, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(mut scalar) = boost else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar = -scalar;
    }
    if word_is_upper && is_cap_diff {
        scalar = if valence > 0.0 {
            scalar + C_INCR
        } else {
            scalar - C_INCR
        };
    }
    scalar
}

/// `_negation_check` for the word `start_i + 1` places before word `i`.
fn negation_check(valence: f64, t: &Tokens<'_>, start_i: usize, i: usize) -> f64 {
    let w = |k: usize| t.lower(k);
    match start_i {
        0 if t.negation(i - 1) => valence * N_SCALAR,
        1 if w(i - 2) == "never" && matches!(w(i - 1), "so" | "this") => valence * 1.25,
        1 if w(i - 2) == "without" && w(i - 1) == "doubt" => valence,
        1 if t.negation(i - 2) => valence * N_SCALAR,
        // Quirk: Python's `and`/`or` precedence makes "so" or "this" right
        // before the word boost it even without "never".
        2 if (w(i - 3) == "never" && matches!(w(i - 2), "so" | "this"))
            || matches!(w(i - 1), "so" | "this") =>
        {
            valence * 1.25
        }
        2 if w(i - 3) == "without" && (w(i - 2) == "doubt" || w(i - 1) == "doubt") => valence,
        2 if t.negation(i - 3) => valence * N_SCALAR,
        _ => valence,
    }
}

/// `_special_idioms_check`, reached only when `i >= 3`.
fn special_idioms_check(valence: f64, t: &Tokens<'_>, i: usize) -> f64 {
    let w = |k: usize| t.lower(k);
    let n = t.len();
    let mut valence = special_pair(w(i - 1), w(i))
        .or_else(|| special_triple(w(i - 2), w(i - 1), w(i)))
        .or_else(|| special_pair(w(i - 2), w(i - 1)))
        .or_else(|| special_triple(w(i - 3), w(i - 2), w(i - 1)))
        .or_else(|| special_pair(w(i - 3), w(i - 2)))
        .unwrap_or(valence);
    if n - 1 > i {
        if let Some(v) = special_pair(w(i), w(i + 1)) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = special_triple(w(i), w(i + 1), w(i + 2)) {
            valence = v;
        }
    }
    // Booster bigrams before the word ("kind of good") dampen it.
    for (a, b) in [(i - 3, i - 2), (i - 2, i - 1)] {
        if let Some(v) = booster_pair(w(a), w(b)) {
            valence += v;
        }
    }
    valence
}

/// `_least_check`: "least good" negates, "at least" and "very least" do not.
fn least_check(t: &Tokens<'_>, valence: f64, i: usize) -> f64 {
    if i > 1 && t.valence(i - 1).is_none() && t.lower(i - 1) == "least" {
        if t.lower(i - 2) != "at" && t.lower(i - 2) != "very" {
            return valence * N_SCALAR;
        }
        valence
    } else if i > 0 && t.valence(i - 1).is_none() && t.lower(i - 1) == "least" {
        valence * N_SCALAR
    } else {
        valence
    }
}

/// `_but_check`: halves what comes before the first "but" and adds half to
/// what comes after it.
/// Quirk: Python walks the list and rewrites `sentiments.index(value)`, the
/// first entry *equal* to the current value, not the current position; with
/// repeated values (zeros, mostly) an earlier entry is scaled again and a
/// later one not at all.
///
/// Python's search makes that quadratic; here each value keeps a min-heap of
/// the positions that may hold it, so each step finds the first one in
/// logarithmic time. A heap entry is checked against the list when it is
/// read (an entry whose value has since changed is dropped then), and a
/// position is added to a heap when it takes that value: positions after
/// the current one still hold their own value and are never the first.
fn but_check(t: &Tokens<'_>, sentiments: &mut [f64]) {
    // `words_and_emoticons_lower.index('but')`: the first, in any case.
    if let Some(bi) = (0..t.len()).position(|i| t.lower(i) == "but") {
        scale_around(bi, sentiments);
    }
}

/// The loop of [`but_check`] for a "but" at word `bi`.
fn scale_around(bi: usize, sentiments: &mut [f64]) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    // Equal floats, one key: 0.0 and -0.0 are one value for `==`.
    let key = |x: f64| if x == 0.0 { 0 } else { x.to_bits() };
    let mut holders: FxHashMap<u64, BinaryHeap<Reverse<usize>>> = FxHashMap::default();
    for k in 0..sentiments.len() {
        let value = sentiments[k];
        // NaN equals nothing: `index` finds the entry itself (by identity).
        let si = if value.is_nan() {
            k
        } else {
            let heap = holders.entry(key(value)).or_default();
            heap.push(Reverse(k));
            loop {
                // `k` itself holds `value`, so the loop ends by it at the latest.
                match heap.peek() {
                    Some(&Reverse(p)) if sentiments[p] == value => break p,
                    Some(_) => {
                        heap.pop();
                    }
                    None => break k,
                }
            }
        };
        let scaled = match si.cmp(&bi) {
            std::cmp::Ordering::Less => value * 0.5,
            std::cmp::Ordering::Greater => value * 1.5,
            std::cmp::Ordering::Equal => continue,
        };
        sentiments[si] = scaled;
        if !scaled.is_nan() && key(scaled) != key(value) {
            holders.entry(key(scaled)).or_default().push(Reverse(si));
        }
    }
}

/// `_punctuation_emphasis`: up to four "!" and two or more "?" intensify.
fn punctuation_emphasis(text: &str) -> f64 {
    let ep_count = text.bytes().filter(|&b| b == b'!').count().min(4);
    let qm_count = text.bytes().filter(|&b| b == b'?').count();
    let qm = match qm_count {
        0 | 1 => 0.0,
        2 | 3 => qm_count as f64 * 0.18,
        _ => 0.96,
    };
    ep_count as f64 * 0.292 + qm
}

fn normalize(score: f64) -> f64 {
    (score / (score * score + 15.0).sqrt()).clamp(-1.0, 1.0)
}

/// `score_valence`: the four figures from the per-word valences.
fn score_valence(sentiments: &[f64], text: &str) -> VaderScores {
    if sentiments.is_empty() {
        return VaderScores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    // Quirk: Python 3.11's `sum` adds left to right (3.12+ compensates).
    let mut sum_s: f64 = sentiments.iter().fold(0.0, |acc, s| acc + s);
    let amplifier = punctuation_emphasis(text);
    if sum_s > 0.0 {
        sum_s += amplifier;
    } else if sum_s < 0.0 {
        sum_s -= amplifier;
    }
    let compound = normalize(sum_s);
    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0_f64, 0.0_f64, 0_u32);
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += amplifier;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= amplifier;
    }
    let total = pos_sum + neg_sum.abs() + f64::from(neu_count);
    VaderScores {
        neg: py_round((neg_sum / total).abs(), 3),
        neu: py_round((f64::from(neu_count) / total).abs(), 3),
        pos: py_round((pos_sum / total).abs(), 3),
        compound: py_round(compound, 4),
    }
}

/// Python's `round(x, digits)`: the double nearest to `x` correctly rounded
/// to `digits` decimals (ties to even on the exact binary value).
///
/// Away from a tie, `x * 10^digits` rounded to the nearest integer and
/// divided back is that double: the product is off by far less than the
/// margin checked, and dividing an integer by 10^digits rounds correctly.
/// Near a tie only exact decimal formatting can decide, and Rust's
/// fixed-precision formatting rounds the exact value the way Python does.
fn py_round(x: f64, digits: usize) -> f64 {
    let scale = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6][digits.min(6)];
    let scaled = x * scale;
    if (scaled - scaled.floor() - 0.5).abs() > 1e-6 && scaled.abs() < 1e15 {
        scaled.round() / scale
    } else {
        format!("{x:.digits$}").parse().unwrap_or(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures printed by vaderSentiment 3.3.2 for its own examples.
    #[test]
    fn the_packages_own_examples() {
        let v = Vader::new();
        let cases = [
            ("VADER is smart, handsome, and funny.", (0.0, 0.254, 0.746, 0.8316)),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", (0.0, 0.233, 0.767, 0.9342)),
            ("VADER is not smart, handsome, nor funny.", (0.646, 0.354, 0.0, -0.7424)),
            ("The book was only kind of good.", (0.0, 0.697, 0.303, 0.3832)),
            ("The plot was good, but the characters are uncompelling and the dialog is not great.", (0.327, 0.579, 0.094, -0.7042)),
            ("Today only kinda sux! But I'll get by, lol", (0.127, 0.556, 0.317, 0.5249)),
            ("Catch utf-8 emoji such as 💘 and 💋 and 😁", (0.0, 0.583, 0.417, 0.875)),
            ("", (0.0, 0.0, 0.0, 0.0)),
        ];
        for (text, (neg, neu, pos, compound)) in cases {
            assert_eq!(
                v.polarity_scores(text),
                VaderScores {
                    neg,
                    neu,
                    pos,
                    compound
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn booster_table_holds_every_word_once() {
        let all: std::collections::HashSet<_> = BOOSTERS_UP.iter().chain(BOOSTERS_DOWN).collect();
        assert_eq!(
            all.len(),
            81,
            "the single-word keys of BOOSTER_DICT, none twice"
        );
        assert_eq!(BOOSTERS_UP.len() + BOOSTERS_DOWN.len(), 81);
        assert_eq!(word_info(builtin_table(), "very").boost, Some(B_INCR));
        assert_eq!(word_info(builtin_table(), "kinda").boost, Some(B_DECR));
        assert_eq!(word_info(builtin_table(), "good").boost, None);
        assert!(
            word_info(builtin_table(), "never").negation
                && word_info(builtin_table(), "isn't").negation
        );
        assert!(word_info(builtin_table(), "good").valence.is_some());
    }

    /// `_but_check` as Python runs it: a search from the start at each step.
    fn quadratic_but_check(bi: usize, sentiments: &mut [f64]) {
        for k in 0..sentiments.len() {
            let value = sentiments[k];
            let si = sentiments.iter().position(|&x| x == value).unwrap_or(k);
            if si < bi {
                sentiments[si] = value * 0.5;
            } else if si > bi {
                sentiments[si] = value * 1.5;
            }
        }
    }

    #[test]
    fn but_check_rewrites_what_pythons_index_search_rewrites() {
        // Few distinct values, so that scaled values meet other entries
        // (2.0 * 0.5 == 1.0, 1.0 * 1.5 == 1.5, ...) and zeros of both signs.
        let values = [
            0.0,
            -0.0,
            1.0,
            2.0,
            0.5,
            1.5,
            0.75,
            -1.0,
            -2.0,
            -0.5,
            3.0,
            2.25,
            f64::NAN,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = 1 + (next() % 24) as usize;
            let bi = (next() % n as u64) as usize;
            let mut ours: Vec<f64> = (0..n)
                .map(|_| values[(next() % values.len() as u64) as usize])
                .collect();
            let mut theirs = ours.clone();
            quadratic_but_check(bi, &mut theirs);
            scale_around(bi, &mut ours);
            let bits = |v: &[f64]| {
                v.iter()
                    .map(|x| if x.is_nan() { 1 } else { x.to_bits() })
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(&ours), bits(&theirs), "but at {bi}");
        }
    }

    #[test]
    fn but_check_takes_linear_time() {
        // 400,000 words, a "but" in the middle and many repeated values:
        // Python's search makes this 10^11 steps; here it is instant.
        let v = Vader::new();
        let half = "good stock, bad day, okay ".repeat(25_000);
        let text = format!("{half} but {half}");
        let started = std::time::Instant::now();
        let with_but = v.polarity_scores(&text);
        let elapsed = started.elapsed();
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
        assert!(with_but.compound > 0.99, "{with_but:?}");
    }

    #[test]
    fn an_own_lexicon_changes_the_scores() {
        let builtin = Vader::builtin_lexicon();
        assert_eq!(
            builtin.len(),
            7_506,
            "vaderSentiment's dict holds 7,506 words"
        );
        assert_eq!(builtin[0], ("$:", -1.5));
        let plain = Vader::new();
        assert_eq!(plain.polarity_scores("tesla").compound, 0.0);
        let own = Vader::with_lexicon(builtin.iter().copied().chain([("tesla", 3.0)]));
        assert_eq!(own.polarity_scores("tesla").compound, 0.6124);
        assert_eq!(own.polarity_scores("good"), plain.polarity_scores("good"));
        // Boosters and negations are not part of the lexicon: they stay.
        assert!(own.polarity_scores("not tesla").compound < 0.0);
        let without_good =
            Vader::with_lexicon(builtin.iter().copied().filter(|(w, _)| *w != "good"));
        assert_eq!(without_good.polarity_scores("good").compound, 0.0);
    }

    #[test]
    fn python_round_ties_to_even_on_the_exact_value() {
        assert_eq!(py_round(0.25, 1), 0.2);
        assert_eq!(py_round(0.35, 1), 0.3, "0.35 is stored just below .35");
        assert_eq!(py_round(-0.00004, 4), -0.0);
        assert!(py_round(-0.00004, 4).is_sign_negative());
        // The fast path and exact formatting agree everywhere else.
        let mut x = -1.0;
        while x <= 1.0 {
            for digits in [3, 4] {
                assert_eq!(
                    py_round(x, digits),
                    format!("{x:.digits$}").parse::<f64>().unwrap(),
                    "{x}"
                );
            }
            x += 0.000_013_7;
        }
    }
}
