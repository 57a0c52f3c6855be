//! The two substitutions `find_tokens` runs on each sentence (its tokens
//! joined by single spaces): `RE_SARCASM` turns "( ! )" into "(!)", then
//! `RE_EMOTICONS` closes up an emoticon written with spaces between its
//! characters (": - )" becomes ":-)"). Both can also join tokens that only
//! happen to spell an emoticon: "(8)" tokenizes as "(", "8)".

use std::sync::LazyLock;

use super::lexicon::EMOTICONS;

/// Runs both substitutions on `sentence`, using `a` and `b` as buffers;
/// `None` when neither matched, so the tokens are unchanged.
pub(super) fn close_up<'a>(
    sentence: &'a str,
    a: &'a mut String,
    b: &'a mut String,
) -> Option<&'a str> {
    match sarcasm(sentence, a) {
        Some(s) => Some(emoticons(s, b).unwrap_or(s)),
        None => emoticons(sentence, b),
    }
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
fn sarcasm<'a>(s: &str, out: &'a mut String) -> Option<&'a str> {
    if !s.as_bytes().contains(&b'(') {
        return None;
    }
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

/// The expressions of `EMOTICONS` grouped by first byte, each group in
/// `EMOTICONS` order, so a position is only tried against expressions that
/// can start there.
struct ByFirstByte {
    expressions: Vec<&'static [u8]>,
    /// `expressions[start..end]` for each first byte.
    groups: [(u8, u8); 256],
}

static BY_FIRST_BYTE: LazyLock<ByFirstByte> = LazyLock::new(|| {
    let all: Vec<&'static [u8]> = EMOTICONS
        .iter()
        .flat_map(|(_, group)| group.iter().map(|e| e.as_bytes()))
        .collect();
    let mut expressions = Vec::with_capacity(all.len());
    let mut groups = [(0u8, 0u8); 256];
    for first in 0..=255u8 {
        let start = expressions.len() as u8;
        expressions.extend(all.iter().filter(|e| e[0] == first));
        groups[first as usize] = (start, expressions.len() as u8);
    }
    ByFirstByte {
        expressions,
        groups,
    }
});

/// `RE_EMOTICONS.sub(...)`: at each position, the first expression (in
/// `EMOTICONS` order) that matches with optional single spaces between its
/// characters and is followed by a space or the end is written without
/// those spaces; the following space is part of the match.
///
/// Within one group the order of expressions is Python's set order, which
/// varies by process; it cannot change a result, because no expression of a
/// group is a prefix of another of the same group.
fn emoticons<'a>(s: &str, out: &'a mut String) -> Option<&'a str> {
    let index = &*BY_FIRST_BYTE;
    let may_start = |c: u8| {
        let (start, end) = index.groups[c as usize];
        start < end
    };
    let match_at = |b: &[u8], p: usize| {
        let (start, end) = index.groups[b[p] as usize];
        // Every expression has a second byte: comparing it first rules out
        // most of the group at once.
        let second = match b.get(p + 1) {
            Some(b' ') => *b.get(p + 2)?,
            Some(&c) => c,
            None => return None,
        };
        let end = index.expressions[start as usize..end as usize]
            .iter()
            .filter(|e| e[1] == second)
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
    substitute(s, out, may_start, match_at, replace)
}

/// The end of `expression` matched at `p`, allowing one space before each
/// of its characters but the first, if a space or the end of `s` follows.
fn match_spaced(s: &[u8], p: usize, expression: &[u8]) -> Option<usize> {
    let mut i = p;
    for (k, &want) in expression.iter().enumerate() {
        // A UTF-8 continuation byte is inside a character: no space there.
        let char_start = want & 0xC0 != 0x80;
        if k > 0 && char_start && s.get(i) == Some(&b' ') {
            i += 1;
        }
        if s.get(i) != Some(&want) {
            return None;
        }
        i += 1;
    }
    (i == s.len() || s[i] == b' ').then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(s: &str) -> String {
        let (mut a, mut b) = (String::new(), String::new());
        close_up(s, &mut a, &mut b).unwrap_or(s).to_owned()
    }

    /// Expected values printed by Python 3.11 with TextBlob 0.20.1's
    /// `RE_EMOTICONS` and `RE_SARCASM`.
    #[test]
    fn matches_pattern_regexes() {
        assert_eq!(closed("good : ) : - ( x"), "good :) :-( x");
        assert_eq!(closed("( 8 )"), "( 8)");
        assert_eq!(closed("wow ( ! ) : ("), "wow (!) :(");
        assert_eq!(closed(": o )"), ":o)");
        assert_eq!(closed("> : o )"), ">:o )");
        assert_eq!(closed("° o °"), "°o°");
        assert_eq!(closed("plain words"), "plain words");
        assert_eq!(closed(":)x"), ":)x");
    }

    /// What makes Python's varying set order within a group irrelevant.
    #[test]
    fn no_expression_is_a_prefix_of_another_in_its_group() {
        for (_, group) in EMOTICONS {
            for a in *group {
                for b in *group {
                    assert!(a == b || !b.starts_with(a), "{a} / {b}");
                }
            }
        }
    }
}
