//! The tokenizer TextBlob's sentiment uses: pattern's `find_tokens` (with
//! TextBlob's English settings), then `" ".join(sentences).split()`.
//!
//! In order: a space before every "n't"; spaces around every quote
//! character; `\r\n` to `\n`; two or more `\n` end a sentence; white space
//! separates words; leading and trailing punctuation is split off each word
//! (a final period only when the word is not an abbreviation); sentences end
//! at ".", "!", "?", "..."; then each sentence goes through [`close_up`].

use super::closeup::close_up;
use crate::sentiment::python_str::py_isspace;

/// pattern's marker for a paragraph break; a word of the text spelled the
/// same way is taken for one too.
const EOS: &str = "END-OF-SENTENCE";

/// `PUNCTUATION` without ".", as `find_tokens` splits it off words.
fn is_split_punctuation(b: u8) -> bool {
    static TABLE: [bool; 256] = {
        let chars = b",;:!?()[]{}`'\"@#$^&*+-|=~_";
        let mut table = [false; 256];
        let mut i = 0;
        while i < chars.len() {
            table[chars[i] as usize] = true;
            i += 1;
        }
        table
    };
    TABLE[b as usize]
}

/// `ABBREVIATIONS`: words whose final period stays on.
const ABBREVIATIONS: &[&str] = &[
    "a.", "adj.", "adv.", "al.", "a.m.", "c.", "cf.", "comp.", "conf.", "def.", "ed.", "e.g.",
    "esp.", "etc.", "ex.", "f.", "fig.", "gen.", "id.", "i.e.", "int.", "l.", "m.", "Med.", "Mil.",
    "Mr.", "n.", "n.q.", "orig.", "pl.", "pred.", "pres.", "p.m.", "ref.", "v.", "vs.", "w/",
];

/// What the sentence splitter needs to know of a token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    /// "...", ".", "!", "?": ends a sentence.
    End,
    /// A paragraph break (or a word spelled like pattern's marker for one).
    Break,
    /// "”", "’", ")": kept with the sentence that just ended.
    Closer,
}

#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
}

impl Token {
    #[inline(always)]
    fn new(text: &str, start: usize, end: usize) -> Token {
        let kind = match &text.as_bytes()[start..end] {
            b"." | b"!" | b"?" | b"..." => Kind::End,
            // ")", "”", "’"
            b")" | b"\xE2\x80\x9D" | b"\xE2\x80\x99" => Kind::Closer,
            word if word == EOS.as_bytes() => Kind::Break,
            _ => Kind::Word,
        };
        Token { start, end, kind }
    }

    fn paragraph_break() -> Token {
        Token {
            start: 0,
            end: 0,
            kind: Kind::Break,
        }
    }

    fn text<'a>(&self, text: &'a str) -> &'a str {
        match self.kind {
            Kind::Break => EOS,
            _ => &text[self.start..self.end],
        }
    }
}

/// Buffers reused from one text to the next.
#[derive(Default)]
pub(super) struct Scratch {
    tokens: Vec<Token>,
    sentence: String,
    closed_a: String,
    closed_b: String,
}

/// Calls `each` with every token of `text`, in order, as TextBlob's
/// sentiment sees them before lower-casing.
pub(super) fn for_each_token(text: &str, scratch: &mut Scratch, mut each: impl FnMut(&str)) {
    let Scratch {
        tokens,
        sentence,
        closed_a,
        closed_b,
    } = scratch;
    tokens.clear();
    words(text, tokens);

    // Sentences only matter to the substitutions: without any, the tokens
    // are the words less the paragraph breaks (see the splitter below).
    let kept = tokens.iter().filter(|t| t.kind != Kind::Break);
    if !may_close_up(text, kept.clone()) {
        kept.for_each(|t| each(t.text(text)));
        return;
    }

    let mut emit_sentence = |range: &[Token], drop_breaks: bool| {
        let kept = || {
            range
                .iter()
                .filter(move |t| !(drop_breaks && t.kind == Kind::Break))
        };
        if !may_close_up(text, kept()) {
            kept().for_each(|t| each(t.text(text)));
            return;
        }
        sentence.clear();
        for t in kept() {
            if !sentence.is_empty() {
                sentence.push(' ');
            }
            sentence.push_str(t.text(text));
        }
        match close_up(sentence, closed_a, closed_b) {
            Some(s) => s.split(' ').filter(|w| !w.is_empty()).for_each(&mut each),
            None => kept().for_each(|t| each(t.text(text))),
        }
    };

    // pattern's sentence splitter, step for step. Its final sentence keeps
    // paragraph breaks and the token after each sentence is never checked,
    // but neither can matter: every break ends a sentence that drops it, and
    // the unchecked token is a quote or not a sentence end.
    let ends = |t: &Token| matches!(t.kind, Kind::End | Kind::Break);
    let (mut i, mut j) = (0, 0);
    while j < tokens.len() {
        if ends(&tokens[j]) {
            // Quirk: pattern means to keep a closing quote only while the
            // sentence's quotes are unbalanced, but counts them in the new,
            // still empty sentence: a quote always stops the run.
            while j < tokens.len() && (ends(&tokens[j]) || tokens[j].kind == Kind::Closer) {
                j += 1;
            }
            emit_sentence(&tokens[i..j], true);
            i = j;
        }
        j += 1;
    }
    emit_sentence(&tokens[i.min(tokens.len())..], false);
}

/// Whether [`close_up`] could change the sentence made of `tokens`: only a
/// match that spans a space does, and then the last character of a token
/// and the first of the next are adjacent characters of an emoticon (or
/// the "(" and "!" of "( ! )"). Most sentences have no such pair and skip the substitutions.
fn may_close_up<'a>(text: &str, tokens: impl Iterator<Item = &'a Token>) -> bool {
    let mut previous_last_byte: Option<u8> = None;
    for t in tokens {
        let bytes = t.text(text).as_bytes();
        if let (Some(last), Some(&first)) = (previous_last_byte, bytes.first()) {
            if ADJACENT.contains(last, first) {
                return true;
            }
        }
        previous_last_byte = bytes.last().copied();
    }
    false
}

/// Pairs of bytes `(a, b)` where `b` starts a character that follows the
/// character `a` ends, in some emoticon expression or in "(!".
struct AdjacentBytes([[u64; 4]; 256]);

impl AdjacentBytes {
    fn contains(&self, a: u8, b: u8) -> bool {
        self.0[a as usize][b as usize / 64] & (1 << (b % 64)) != 0
    }
}

static ADJACENT: std::sync::LazyLock<AdjacentBytes> = std::sync::LazyLock::new(|| {
    let mut pairs = AdjacentBytes([[0; 4]; 256]);
    let expressions = super::lexicon::EMOTICONS
        .iter()
        .flat_map(|(_, group)| group.iter().copied());
    // "( ! )" spans a space only where "(" ends a token and "!" begins the
    // next: neither "(" nor "!" can be the last character of a longer token.
    for e in expressions.chain(["(!"]) {
        for w in e.as_bytes().windows(2) {
            let starts_char = w[1] & 0xC0 != 0x80;
            if starts_char {
                pairs.0[w[0] as usize][w[1] as usize / 64] |= 1 << (w[1] % 64);
            }
        }
    }
    pairs
});

/// Appends the tokens of each white-space separated word (after the quote
/// and "n't" spacing) to `tokens`, and a break for each paragraph break (two
/// or more newlines once `\r\n` is read as `\n`).
fn words(text: &str, tokens: &mut Vec<Token>) {
    // (One closure, not a callback parameter: inlined, it saves a call per word.)
    let mut word = |range: Option<(usize, usize)>| match range {
        Some((start, end)) => split_punctuation(text, start, end, tokens),
        None => tokens.push(Token::paragraph_break()),
    };
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut newlines = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if is_plain(b) {
            // The common case, a run of ASCII that is inside a word.
            if newlines >= 2 {
                word(None);
            }
            newlines = 0;
            start.get_or_insert(i);
            i += 1;
            while i < bytes.len() && is_plain(bytes[i]) {
                i += 1;
            }
            continue;
        }
        let (c, len) = if b.is_ascii() {
            (b as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (c, c.len_utf8())
        };
        let at = i;
        i += len;
        let quote = matches!(c, '\'' | '"' | '“' | '”' | '‘' | '’');
        let space = py_isspace(c);
        if space || quote || (b == b'n' && bytes[i..].starts_with(b"'t")) {
            if let Some(s) = start.take() {
                word(Some((s, at)));
            }
        }
        if b == b'\n' {
            newlines += 1;
            continue;
        }
        if b == b'\r' && bytes.get(i) == Some(&b'\n') {
            // "\r\n" is read as "\n": this "\r" does not interrupt a run.
            continue;
        }
        if newlines >= 2 {
            word(None);
        }
        newlines = 0;
        if quote {
            word(Some((at, i)));
        } else if !space && start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        word(Some((s, text.len())));
    }
    if newlines >= 2 {
        word(None);
    }
}

/// An ASCII byte that continues or starts a word and needs no other
/// thought: not white space, not a quote, not the "n" of "n't".
fn is_plain(b: u8) -> bool {
    static PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 128 {
            table[b] = !matches!(b as u8, b' ' | b'\t'..=b'\r' | 0x1c..=0x1f | b'\'' | b'"' | b'n');
            b += 1;
        }
        table
    };
    PLAIN[b as usize]
}

/// Splits one word into tokens the way `find_tokens` does and appends them.
#[inline(always)]
fn split_punctuation(text: &str, start: usize, end: usize, tokens: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let (first, last) = (bytes[start], bytes[end - 1]);
    if !is_split_punctuation(first) && !is_split_punctuation(last) && last != b'.' {
        // Most words: nothing to split.
        tokens.push(Token::new(text, start, end));
        return;
    }
    let (mut a, mut b) = (start, end);
    while a < b && is_split_punctuation(bytes[a]) {
        tokens.push(Token::new(text, a, a + 1));
        a += 1;
    }
    // Split-off tail tokens, last first; at most a few per word.
    let mut tail: smallvec::SmallVec<[(usize, usize); 8]> = smallvec::SmallVec::new();
    while a < b && (is_split_punctuation(bytes[b - 1]) || bytes[b - 1] == b'.') {
        if is_split_punctuation(bytes[b - 1]) {
            tail.push((b - 1, b));
            b -= 1;
        }
        if bytes[a..b].ends_with(b"...") {
            tail.push((b - 3, b));
            b -= 3;
            while b > a && bytes[b - 1] == b'.' {
                b -= 1;
            }
        }
        if bytes[a..b].ends_with(b".") {
            if is_abbreviation(&text[a..b]) {
                break;
            }
            tail.push((b - 1, b));
            b -= 1;
        }
    }
    if a < b {
        tokens.push(Token::new(text, a, b));
    }
    for &(x, y) in tail.iter().rev() {
        tokens.push(Token::new(text, x, y));
    }
}

/// A word ending in "." that keeps its period: a listed abbreviation, one
/// letter ("T."), letters with periods ("U.S."), or a capital and consonants
/// ("Mr.", "Ltd.").
fn is_abbreviation(word: &str) -> bool {
    let b = word.as_bytes();
    let n = b.len();
    ABBREVIATIONS.contains(&word)
        || (n >= 2 && n.is_multiple_of(2) && b.chunks(2).all(|p| p[0].is_ascii_alphabetic() && p[1] == b'.'))
        // Quirk: the consonant class of `RE_ABBR3` is written with "|"
        // between the letters, so "|" counts as a consonant too.
        || (n >= 3
            && b[0].is_ascii_uppercase()
            && b[1..n - 1].iter().all(|c| b"bcdfghjklmnpqrstvwxz|".contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_token(text, &mut Scratch::default(), |t| out.push(t.to_owned()));
        out
    }

    /// Expected values printed by TextBlob 0.20.1:
    /// `" ".join(textblob.en.sentiment.tokenizer(text)).split()`.
    #[test]
    fn tokens_match_textblob() {
        assert_eq!(
            tokens("I don't like $AAPL..."),
            ["I", "do", "n", "'", "t", "like", "$", "AAPL", "..."]
        );
        assert_eq!(
            tokens("Mr. Smith (!) is great :- )"),
            ["Mr.", "Smith", "(!)", "is", "great", ":-)"]
        );
        assert_eq!(
            tokens("U.S. stocks,up!!\n\nEND"),
            ["U.S.", "stocks,up", "!", "!", "END"]
        );
        assert_eq!(tokens("a....b c.. (8)"), ["a....b", "c.", ".", "(", "8)"]);
        assert_eq!(tokens("buy. \" now\n\n"), ["buy", ".", "\"", "now"]);
        assert_eq!(tokens("x.\n\n\" END-OF-SENTENCE y"), ["x.", "\"", "y"]);
        assert_eq!(
            tokens("Inc. Corp. T. e.g. A|. ok."),
            ["Inc.", "Corp", ".", "T.", "e.g.", "A|.", "ok", "."]
        );
        assert_eq!(tokens("a\r\n\r\nb\n\r\nc"), ["a", "b", "c"]);
        assert!(tokens(" \t ").is_empty());
    }
}
