//! Sentiment scoring throughput on a corpus of ~115-byte finance posts.
//!
//! The corpus comes from `benches/sentiment/make_corpus.py` (the Python peers
//! score the same file); `benches/sentiment/run.sh` makes it and runs this
//! bench with `TICKERSENSE_CORPUS` pointing at it.
//!
//! `TICKERSENSE_CORPUS=corpus.txt cargo bench -p tickersense-benches --bench sentiment`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tickersense::sentiment::{TextBlob, Vader};

fn corpus() -> Option<Vec<String>> {
    let path = std::env::var("TICKERSENSE_CORPUS").ok()?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    Some(text.lines().map(str::to_owned).collect())
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
    group.throughput(Throughput::Elements(single.len() as u64));
    group.bench_function("tickersense_one_core", |b| {
        b.iter(|| {
            single
                .iter()
                .map(|t| vader.polarity_scores(t).compound)
                .sum::<f64>()
        })
    });
    let theirs = vader_sentiment::SentimentIntensityAnalyzer::new();
    group.bench_function("vader_sentiment_crate_one_core", |b| {
        b.iter(|| {
            single
                .iter()
                .map(|t| theirs.polarity_scores(t)["compound"])
                .sum::<f64>()
        })
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
    group.throughput(Throughput::Elements(single.len() as u64));
    group.bench_function("tickersense_one_core", |b| {
        b.iter(|| {
            single
                .iter()
                .map(|t| textblob.sentiment(t).polarity)
                .sum::<f64>()
        })
    });
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("tickersense_sentiment_many_all_cores", |b| {
        b.iter(|| textblob.sentiment_many(&texts).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
