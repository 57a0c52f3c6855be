//! The lexicons of vaderSentiment 3.3.2, parsed once at first use the way
//! its `make_lex_dict` / `make_emoji_dict` read them.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

const WORDS: &str = include_str!("../../../data/vader/vader_lexicon.txt");
const EMOJI_FILE: &str = include_str!("../../../data/vader/emoji_utf8_lexicon.txt");

/// Single-code-point emoji to its description. Longer keys exist in the
/// file but can never match: the Python code looks emojis up one character
/// at a time.
pub(super) static EMOJIS: LazyLock<FxHashMap<char, &'static str>> = LazyLock::new(emojis);

/// `make_lex_dict`: skip empty lines, strip each line, take the first two
/// tab-separated fields; a repeated word keeps its last value at the place
/// where it first appeared (dict assignment).
/// Word (as written in the file) and valence, in the dict's order.
pub(super) fn valences() -> Vec<(&'static str, f64)> {
    let mut words: Vec<(&'static str, f64)> = Vec::with_capacity(7_600);
    let mut seen: FxHashMap<&'static str, usize> = FxHashMap::default();
    for line in WORDS.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            continue;
        }
        let mut fields = crate::sentiment::python_str::py_strip(line).split('\t');
        if let (Some(word), Some(measure)) = (fields.next(), fields.next()) {
            if let Ok(value) = measure.parse::<f64>() {
                match seen.get(word) {
                    Some(&at) => words[at].1 = value,
                    None => {
                        seen.insert(word, words.len());
                        words.push((word, value));
                    }
                }
            }
        }
    }
    words
}

/// `make_emoji_dict`: the same reading, no empty-line skip (the file has none).
fn emojis() -> FxHashMap<char, &'static str> {
    let mut map = FxHashMap::default();
    for line in EMOJI_FILE.trim_end_matches('\n').split('\n') {
        let mut fields = crate::sentiment::python_str::py_strip(line).split('\t');
        if let (Some(emoji), Some(description)) = (fields.next(), fields.next()) {
            let mut chars = emoji.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                map.insert(c, description);
            }
        }
    }
    map
}
