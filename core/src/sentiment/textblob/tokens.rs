//! The tokenizer TextBlob's sentiment uses: pattern's `find_tokens` (with
//! TextBlob's English settings), then `" ".join(sentences).split()`.
//!
//! In order: a space before every "n't"; spaces around every quote
//! character; `\r\n` to `\n`; two or more `\n` end a sentence; white space
//! separates words; leading and trailing punctuation is split off each word
//! (a final period only when the word is not an abbreviation); sentences end
//! at ".", "!", "?", "..."; within each sentence "( ! )" becomes "(!)" and an
//! emoticon written with spaces between its characters is closed up.

use super::lexicon::EMOTICONS;
use crate::sentiment::python_str::py_isspace;

/// pattern's marker for a paragraph break; a word of the text spelled the
/// same way is taken for one too.
const EOS: &str = "END-OF-SENTENCE";

/// `PUNCTUATION` without ".", as `find_tokens` splits it off words.
fn is_split_punctuation(b: u8) -> bool {
    b".,;:!?()[]{}`'\"@#$^&*+-|=~_".contains(&b) && b != b'.'
}

/// `ABBREVIATIONS`: words whose final period stays on.
const ABBREVIATIONS: &[&str] = &[
    "a.", "adj.", "adv.", "al.", "a.m.", "c.", "cf.", "comp.", "conf.", "def.", "ed.", "e.g.",
    "esp.", "etc.", "ex.", "f.", "fig.", "gen.", "id.", "i.e.", "int.", "l.", "m.", "Med.", "Mil.",
    "Mr.", "n.", "n.q.", "orig.", "pl.", "pred.", "pres.", "p.m.", "ref.", "v.", "vs.", "w/",
];

/// A word of the token list: a slice of the text, or a sentence break.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Text(usize, usize),
    Eos,
}

/// Buffers reused from one text to the next.
#[derive(Default)]
pub(super) struct Scratch {
    tokens: Vec<Token>,
    sentence: String,
    sarcasm: String,
    emoticons: String,
}

/// Calls `each` with every token of `text`, in order, as TextBlob's
/// sentiment sees them before lower-casing.
pub(super) fn for_each_token(text: &str, scratch: &mut Scratch, mut each: impl FnMut(&str)) {
    let Scratch {
        tokens,
        sentence,
        sarcasm,
        emoticons,
    } = scratch;
    tokens.clear();
    words(text, |word| match word {
        Some((start, end)) => split_punctuation(text, start, end, tokens),
        None => tokens.push(Token::Eos),
    });
    let str_of = |t: Token| match t {
        Token::Text(a, b) => &text[a..b],
        Token::Eos => EOS,
    };

    let mut emit_sentence = |range: &[Token], drop_eos: bool| {
        sentence.clear();
        for &t in range.iter().filter(|&&t| !(drop_eos && t == Token::Eos)) {
            if !sentence.is_empty() {
                sentence.push(' ');
            }
            sentence.push_str(str_of(t));
        }
        let s = close_up_sarcasm(sentence, sarcasm).unwrap_or(sentence);
        let s = close_up_emoticons(s, emoticons).unwrap_or(s);
        s.split(' ').filter(|w| !w.is_empty()).for_each(&mut each);
    };

    // pattern's sentence splitter, step for step. (Its final sentence keeps
    // sentence breaks and the token after each sentence is never checked,
    // but neither can matter: every break ends a sentence that drops it, and
    // the unchecked token is a quote or not a sentence end.)
    let is_end = |t: Token| t == Token::Eos || matches!(str_of(t), "..." | "." | "!" | "?");
    let (mut i, mut j) = (0, 0);
    while j < tokens.len() {
        if is_end(tokens[j]) {
            while j < tokens.len() {
                let t = str_of(tokens[j]);
                // Quirk: pattern means to keep a closing quote only while
                // the sentence's quotes are unbalanced, but counts them in
                // the new, still empty sentence: a quote always stops here.
                if t == "'" || t == "\"" {
                    break;
                }
                if !(is_end(tokens[j]) || matches!(t, "”" | "’" | ")")) {
                    break;
                }
                j += 1;
            }
            emit_sentence(&tokens[i..j], true);
            i = j;
        }
        j += 1;
    }
    emit_sentence(&tokens[i.min(tokens.len())..], false);
}

/// Calls `word` with the byte range of each white-space separated word
/// after the quote and "n't" spacing, and with `None` for a paragraph break
/// (two or more newlines once `\r\n` is read as `\n`).
fn words(text: &str, mut word: impl FnMut(Option<(usize, usize)>)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut newlines = 0usize;
    for (i, c) in text.char_indices() {
        if c == '\r' && bytes.get(i + 1) == Some(&b'\n') {
            // Dropped ("\r\n" is read as "\n"): it ends a word but does
            // not interrupt a run of newlines.
            if let Some(s) = start.take() {
                word(Some((s, i)));
            }
            continue;
        }
        let ends_word = c == '\n'
            || py_isspace(c)
            || matches!(c, '\'' | '"' | '“' | '”' | '‘' | '’')
            || (c == 'n' && bytes[i + 1..].starts_with(b"'t"));
        if ends_word {
            if let Some(s) = start.take() {
                word(Some((s, i)));
            }
        }
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines >= 2 {
            word(None);
        }
        newlines = 0;
        if matches!(c, '\'' | '"' | '“' | '”' | '‘' | '’') {
            word(Some((i, i + c.len_utf8())));
        } else if start.is_none() && !py_isspace(c) {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        word(Some((s, text.len())));
    }
    if newlines >= 2 {
        word(None);
    }
}

/// Splits one word into tokens the way `find_tokens` does and appends them.
fn split_punctuation(text: &str, start: usize, end: usize, tokens: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let push = |tokens: &mut Vec<Token>, a: usize, b: usize| {
        tokens.push(if &text[a..b] == EOS {
            Token::Eos
        } else {
            Token::Text(a, b)
        });
    };
    let (mut a, mut b) = (start, end);
    while a < b && is_split_punctuation(bytes[a]) {
        push(tokens, a, a + 1);
        a += 1;
    }
    // Split-off tail tokens, last first; at most a few per word.
    let mut tail: smallvec::SmallVec<[(usize, usize); 8]> = smallvec::SmallVec::new();
    while a < b && (is_split_punctuation(bytes[b - 1]) || bytes[b - 1] == b'.') {
        if is_split_punctuation(bytes[b - 1]) {
            tail.push((b - 1, b));
            b -= 1;
        }
        if text[a..b].ends_with("...") {
            tail.push((b - 3, b));
            b -= 3;
            while b > a && bytes[b - 1] == b'.' {
                b -= 1;
            }
        }
        if text[a..b].ends_with('.') {
            if is_abbreviation(&text[a..b]) {
                break;
            }
            tail.push((b - 1, b));
            b -= 1;
        }
    }
    if a < b {
        push(tokens, a, b);
    }
    for &(x, y) in tail.iter().rev() {
        push(tokens, x, y);
    }
}

/// A word ending in "." that keeps its period: a listed abbreviation, one
/// letter ("T."), letters with periods ("U.S."), or a capital and consonants
/// ("Mr.", "Ltd.").
fn is_abbreviation(word: &str) -> bool {
    let b = word.as_bytes();
    let n = b.len();
    ABBREVIATIONS.contains(&word)
        || (n >= 2 && n % 2 == 0 && b.chunks(2).all(|p| p[0].is_ascii_alphabetic() && p[1] == b'.'))
        // Quirk: the consonant class of `RE_ABBR3` is written with "|"
        // between the letters, so "|" counts as a consonant too.
        || (n >= 3
            && b[0].is_ascii_uppercase()
            && b[1..n - 1].iter().all(|c| b"bcdfghjklmnpqrstvwxz|".contains(c)))
}

/// `re.sub` of a pattern whose matches `match_at` finds (the end of the
/// match at a byte offset, if any), writing `replace(matched)` for each into
/// `out`; `None` (and `out` untouched) when nothing matched.
fn substitute<'a>(
    s: &str,
    out: &'a mut String,
    may_start: impl Fn(u8) -> bool,
    match_at: impl Fn(&[u8], usize) -> Option<usize>,
    replace: impl Fn(&str, &mut String),
) -> Option<&'a str> {
    let b = s.as_bytes();
    let (mut copied, mut p, mut found) = (0, 0, false);
    while p < b.len() {
        let end = if may_start(b[p]) {
            match_at(b, p)
        } else {
            None
        };
        let Some(end) = end else {
            p += 1;
            continue;
        };
        if !found {
            out.clear();
            found = true;
        }
        out.push_str(&s[copied..p]);
        replace(&s[p..end], out);
        (copied, p) = (end, end);
    }
    found.then(|| {
        out.push_str(&s[copied..]);
        out.as_str()
    })
}

/// `RE_SARCASM.sub("(!)", s)`: "(", "!", ")" with optional single spaces.
fn close_up_sarcasm<'a>(s: &str, out: &'a mut String) -> Option<&'a str> {
    let match_at = |b: &[u8], p: usize| {
        let mut i = p + 1;
        for want in [b'!', b')'] {
            if b.get(i) == Some(&b' ') {
                i += 1;
            }
            if b.get(i) != Some(&want) {
                return None;
            }
            i += 1;
        }
        Some(i)
    };
    substitute(
        s,
        out,
        |c| c == b'(',
        match_at,
        |_, out| out.push_str("(!)"),
    )
}

/// `RE_EMOTICONS.sub(...)`: at each position, the first expression (in
/// `EMOTICONS` order) that matches with optional single spaces between its
/// characters and is followed by a space or the end is written without
/// those spaces; the following space is part of the match.
///
/// Within one group the order of expressions is Python's set order, which
/// varies by process; it cannot change a result, because no expression of a
/// group is a prefix of another of the same group.
fn close_up_emoticons<'a>(s: &str, out: &'a mut String) -> Option<&'a str> {
    let match_at = |b: &[u8], p: usize| {
        let end = EMOTICONS
            .iter()
            .flat_map(|(_, group)| group.iter())
            .find_map(|e| match_spaced(b, p, e))?;
        Some(if b.get(end) == Some(&b' ') {
            end + 1
        } else {
            end
        })
    };
    let replace = |m: &str, out: &mut String| {
        let body = m.strip_suffix(' ');
        out.extend(body.unwrap_or(m).chars().filter(|&c| c != ' '));
        if body.is_some() {
            out.push(' ');
        }
    };
    substitute(s, out, starts_emoticon, match_at, replace)
}

/// First bytes of the expressions: a cheap test before trying them all.
fn starts_emoticon(b: u8) -> bool {
    // '♥' and '°' begin with 0xE2 and 0xC2 in UTF-8.
    matches!(
        b,
        b'<' | b'>' | b':' | b'=' | b'X' | b'x' | b'8' | b';' | b'*' | b'o' | 0xE2 | 0xC2
    )
}

/// The end of `expression` matched at `p` with an optional space between
/// characters, if it is followed by a space or the end of `s`.
fn match_spaced(s: &[u8], p: usize, expression: &str) -> Option<usize> {
    let mut i = p;
    for (k, c) in expression.chars().enumerate() {
        if k > 0 && s.get(i) == Some(&b' ') {
            i += 1;
        }
        let mut buf = [0; 4];
        let c = c.encode_utf8(&mut buf).as_bytes();
        if !s[i..].starts_with(c) {
            return None;
        }
        i += c.len();
    }
    (i == s.len() || s[i] == b' ').then_some(i)
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
        assert!(tokens(" \t ").is_empty());
    }
}
