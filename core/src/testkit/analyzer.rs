//! The [`Analyzer`] suite: scores in [-1, 1], deterministic, and the batch
//! methods agreeing with one text at a time.

use std::sync::Arc;

use super::run::{ensure, Called, Suite};
use super::Report;
use crate::model::Score;
use crate::sentiment::Analyzer;

/// Texts any analyzer must score: ordinary posts, the edge cases of
/// tokenisers (empty, blank, punctuation, emoji, other scripts, control
/// characters, a negation, shouting) and one long text.
fn corpus() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        "   ",
        "$AAPL looking strong after earnings, great quarter 🚀",
        "Terrible guidance. I'm out, this is awful!!!",
        "What do you all think about $MSFT before the call?",
        "not bad at all, but not great either",
        "THIS IS THE BEST STOCK EVER!!! :) :D",
        "😡😡😡 💩",
        "Aktien steigen heute stark, très bien, 非常好",
        "\u{0}\u{7}\t\r\n\u{feff}\u{202e}",
        "!!!???...,,,;;;",
        "12345 67.89 -0.5e10",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    texts.push("good but bad ".repeat(8_000));
    texts
}

/// Runs every [`Analyzer`] check on `analyzer` and reports each.
///
/// Needs nothing but the analyzer. Costs scoring some 600 short texts and
/// one of 100,000 characters, a few times over (on the calling thread).
pub async fn analyzer(analyzer: Arc<dyn Analyzer>) -> Report {
    let analyzer = &*analyzer;
    let mut suite = Suite::new("analyzer", analyzer.name());
    let corpus = corpus();
    let texts: Vec<&str> = corpus.iter().map(String::as_str).collect();
    // More texts than the 256 a parallel scorer may take as one run, the
    // long one once.
    let (long, short) = texts
        .split_last()
        .map_or((None, &texts[..]), |(l, s)| (Some(*l), s));
    let many: Vec<&str> = short
        .iter()
        .cycle()
        .take(short.len() * 50)
        .copied()
        .chain(long)
        .collect();

    suite
        .check_given("name_is_given", "name()", analyzer.name())
        .await;

    suite
        .check("scores_are_finite_and_in_range", async {
            for text in &texts {
                let Score { polarity } = analyzer.score(text);
                ensure!(
                    polarity.is_finite() && (-1.0..=1.0).contains(&polarity),
                    "the text {} scored {polarity}, outside [-1, 1]",
                    crate::error::echo(text)
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("scores_are_deterministic", async {
            for text in &texts {
                let (first, second) = (analyzer.score(text), analyzer.score(text));
                ensure!(
                    first.polarity.to_bits() == second.polarity.to_bits(),
                    "the text {} scored {} then {}",
                    crate::error::echo(text),
                    first.polarity,
                    second.polarity
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("score_many_agrees_with_score", async {
            agrees(&many, &analyzer.score_many(&many), analyzer, "score_many")
        })
        .await;

    suite
        .check("try_score_many_agrees_with_score", async {
            let scores = analyzer.try_score_many(&many).called("try_score_many")?;
            agrees(&many, &scores, analyzer, "try_score_many")
        })
        .await;

    suite
        .check("an_empty_batch_gives_nothing", async {
            let none = analyzer.score_many(&[]);
            ensure!(
                none.is_empty(),
                "score_many of no text gave {} scores",
                none.len()
            );
            let none = analyzer.try_score_many(&[]).called("try_score_many")?;
            ensure!(
                none.is_empty(),
                "try_score_many of no text gave {} scores",
                none.len()
            );
            Ok(())
        })
        .await;

    suite.finish()
}

/// `Ok` when `scores` holds `score` of each of `texts`, in order.
fn agrees(
    texts: &[&str],
    scores: &[Score],
    analyzer: &dyn Analyzer,
    call: &str,
) -> super::run::Verdict {
    ensure!(
        scores.len() == texts.len(),
        "{call} of {} texts gave {} scores",
        texts.len(),
        scores.len()
    );
    let differs = texts.iter().zip(scores).position(|(text, score)| {
        analyzer.score(text).polarity.to_bits() != score.polarity.to_bits()
    });
    if let Some(i) = differs {
        return Err(format!(
            "{call} gave text #{i} ({}) the score {}, score gives {}",
            crate::error::echo(texts[i]),
            scores[i].polarity,
            analyzer.score(texts[i]).polarity
        ));
    }
    Ok(())
}
