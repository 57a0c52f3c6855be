//! Sentiment scoring throughput on a corpus of ~115-byte finance posts.
//!
//! The corpus comes from `benches/sentiment/make_corpus.py` (the Python peers
//! score the same file); `benches/sentiment/run.sh` makes it and runs this
//! bench with `TICKERSENSE_CORPUS` pointing at it.
//!
//! `TICKERSENSE_CORPUS=corpus.txt cargo bench -p tickersense-benches --bench sentiment`
//!
//! `vader_long_text` needs no corpus: one 1 MB text with and without "but".

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use tickersense::sentiment::{TextBlob, Vader};

fn corpus() -> Option<Vec<String>> {
    let path = std::env::var("TICKERSENSE_CORPUS").ok()?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    Some(text.lines().map(str::to_owned).collect())
}

/// Scores `texts` one after another on the calling thread.
fn one_core(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    texts: &[&String],
    score: impl Fn(&str) -> f64,
) {
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function(name, |b| {
        b.iter(|| texts.iter().map(|t| score(t)).sum::<f64>())
    });
}

/// One long text (1 MB of words) with and without "but": Python's
/// `_but_check` is quadratic in it (16.8 s); the port stays linear.
fn long_text(c: &mut Criterion) {
    let vader = Vader::new();
    let words = "good stock, bad day, okay guidance, terrible fills ".repeat(20_000);
    let mut group = c.benchmark_group("vader_long_text");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(words.len() as u64));
    for (name, text) in [
        ("without_but", format!("{words} nice")),
        ("with_but", format!("{words} but nice")),
    ] {
        group.bench_function(name, |b| b.iter(|| vader.polarity_scores(&text).compound));
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let Some(texts) = corpus() else {
        eprintln!(
            "sentiment bench skipped: set TICKERSENSE_CORPUS (benches/sentiment/run.sh does)"
        );
        return;
    };
    let single: Vec<&String> = texts.iter().take(20_000).collect();
    let vader = Vader::new();
    vader.polarity_scores("warm the lexicons up");

    let mut group = c.benchmark_group("vader");
    group.sample_size(10);
    one_core(&mut group, "tickersense_one_core", &single, |t| {
        vader.polarity_scores(t).compound
    });
    let theirs = vader_sentiment::SentimentIntensityAnalyzer::new();
    one_core(&mut group, "vader_sentiment_crate_one_core", &single, |t| {
        theirs.polarity_scores(t)["compound"]
    });
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("tickersense_score_many_all_cores", |b| {
        b.iter(|| vader.polarity_scores_many(&texts).len())
    });
    group.finish();

    // No Rust port of TextBlob exists to run alongside; its peer is the
    // Python package, run by compare.py on the same corpus.
    let textblob = TextBlob::new();
    textblob.sentiment("warm the lexicon up");
    let mut group = c.benchmark_group("textblob");
    group.sample_size(10);
    one_core(&mut group, "tickersense_one_core", &single, |t| {
        textblob.sentiment(t).polarity
    });
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("tickersense_sentiment_many_all_cores", |b| {
        b.iter(|| textblob.sentiment_many(&texts).len())
    });
    group.finish();
}

criterion_group!(benches, long_text, bench);
criterion_main!(benches);
