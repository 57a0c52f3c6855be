use std::collections::HashMap;

const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "for",
    "from", "get", "got", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i",
    "i'm", "if", "in", "into", "is", "it", "it's", "its", "just", "me", "more", "my", "next", "no",
    "not", "now", "of", "on", "one", "or", "our", "out", "over", "really", "she", "so", "some",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "today", "tomorrow", "too", "up", "very", "was", "we", "week", "were", "what",
    "when", "which", "who", "why", "will", "with", "would", "you", "your", "anyone", "think",
    "thoughts", "levels", "look", "looks", "looking",
];

/// The `n` most frequent informative terms in `texts`: cashtags (`$TSLA`,
/// kept upper-case) and lower-cased words of three or more letters that are
/// not stop words. Ties are broken alphabetically, so the result is
/// deterministic. Costs one pass over the text and a sort of distinct terms.
pub fn top_keywords<S: AsRef<str>>(texts: &[S], n: usize) -> Vec<String> {
    top_keywords_excluding(texts, n, &[])
}

/// [`top_keywords`] without the terms of `exclude` (compared ignoring
/// ASCII case): e.g. `["tsla", "$TSLA"]`, the symbol's own ticker and
/// cashtag, which every post about it carries and so says nothing. Costs
/// as [`top_keywords`], plus a comparison per distinct term and excluded one.
pub fn top_keywords_excluding<S: AsRef<str>>(
    texts: &[S],
    n: usize,
    exclude: &[&str],
) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        for raw in text.as_ref().split_whitespace() {
            let term = if let Some(tag) = raw.strip_prefix('$') {
                let tag: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                // "$AAPL." ends a sentence: the dot is not part of the tag.
                let tag = tag.trim_end_matches(['.', '-']);
                if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                format!("${}", tag.to_ascii_uppercase())
            } else {
                let word = raw
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                if word.chars().count() < 3
                    || !word.chars().any(char::is_alphabetic)
                    || STOP_WORDS.contains(&word.as_str())
                {
                    continue;
                }
                word
            };
            *counts.entry(term).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(term, _)| !exclude.iter().any(|x| x.eq_ignore_ascii_case(term)))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.into_iter().take(n).map(|(term, _)| term).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cashtags_and_words_without_stop_words() {
        let texts = [
            "$tsla to the moon, Tesla deliveries strong",
            "$TSLA deliveries beat",
            "the and of $100",
            "sold $TSLA.",
        ];
        let top = top_keywords(&texts, 3);
        assert_eq!(top, vec!["$TSLA", "deliveries", "beat"]);
        assert_eq!(
            top_keywords(&texts, 1),
            vec!["$TSLA"],
            "three mentions, one with a full stop"
        );
        assert!(top_keywords::<&str>(&[], 10).is_empty());
    }

    #[test]
    fn excluded_terms_are_left_out_in_any_case() {
        let texts = ["$TSLA tsla Tesla deliveries", "$tsla TSLA deliveries"];
        assert_eq!(
            top_keywords_excluding(&texts, 3, &["tsla", "$TSLA"]),
            vec!["deliveries", "tesla"]
        );
        assert_eq!(top_keywords(&texts, 1), vec!["$TSLA"]);
    }
}
