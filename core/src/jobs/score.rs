//! Scoring posts, one per line, into one JSON object per post: the job of
//! `tickersense score` and of the `score` example.
//!
//! Each output line is `{"line": N, ...scores}`: `neg`, `neu`, `pos`,
//! `compound` for VADER, `polarity`, `subjectivity` for TextBlob. A line
//! that is not UTF-8 is reported on the error stream with its number and
//! skipped.

use std::hint::black_box;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::sentiment::{AnalyzerKind, TextBlob, Vader};

/// The input's lines as text, with the (1-based) numbers of lines that are
/// not UTF-8. A final "\r" is part of the line ending, as in Python.
/// O(input), borrowing from `bytes`.
pub fn read_lines(bytes: &[u8]) -> (Vec<(usize, &str)>, Vec<usize>) {
    let (mut posts, mut invalid) = (Vec::new(), Vec::new());
    if bytes.is_empty() {
        return (posts, invalid);
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match std::str::from_utf8(line) {
            Ok(text) => posts.push((i + 1, text)),
            Err(_) => invalid.push(i + 1),
        }
    }
    (posts, invalid)
}

#[derive(Serialize)]
struct Row<S> {
    line: usize,
    #[serde(flatten)]
    scores: S,
}

fn write_rows<S: Serialize>(
    out: &mut dyn Write,
    posts: &[(usize, &str)],
    scores: Vec<S>,
) -> io::Result<()> {
    for (&(line, _), scores) in posts.iter().zip(scores) {
        serde_json::to_writer(&mut *out, &Row { line, scores })?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Writes one JSON line per post of `posts` (line number, text) scored by
/// `analyzer`, all posts scored in parallel first (rayon).
pub fn write_scores(
    out: &mut dyn Write,
    analyzer: AnalyzerKind,
    posts: &[(usize, &str)],
) -> io::Result<()> {
    let texts: Vec<&str> = posts.iter().map(|(_, t)| *t).collect();
    match analyzer {
        AnalyzerKind::Vader => write_rows(out, posts, Vader::new().polarity_scores_many(&texts)),
        AnalyzerKind::TextBlob => write_rows(out, posts, TextBlob::new().sentiment_many(&texts)),
    }
}

/// Posts per second: whole passes over `texts` for at least `budget`.
fn throughput(texts: &[&str], budget: Duration, pass: impl Fn(&[&str])) -> f64 {
    pass(texts); // warm-up: lexicons, buffers, thread pool
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < budget {
        pass(texts);
        done += texts.len();
    }
    done as f64 / start.elapsed().as_secs_f64()
}

/// Scores every post repeatedly for about `budget`, on one core and then
/// on all, and writes posts per second to `out`. Costs about twice
/// `budget` of CPU time (all cores for the second half).
pub fn bench(
    out: &mut dyn Write,
    analyzer: AnalyzerKind,
    posts: &[(usize, &str)],
    budget: Duration,
) -> io::Result<()> {
    let texts: Vec<&str> = posts.iter().map(|(_, t)| *t).collect();
    if texts.is_empty() {
        return writeln!(out, "no posts to score");
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let rates = |one: &dyn Fn(&str), many: &dyn Fn(&[&str])| {
        let one_core = throughput(&texts, budget, |ts| ts.iter().for_each(|t| one(t)));
        (one_core, throughput(&texts, budget, many))
    };
    let (vader, textblob) = (Vader::new(), TextBlob::new());
    let (one, all) = match analyzer {
        AnalyzerKind::Vader => rates(
            &|t| {
                black_box(vader.polarity_scores(t));
            },
            &|ts| {
                black_box(vader.polarity_scores_many(ts));
            },
        ),
        AnalyzerKind::TextBlob => rates(
            &|t| {
                black_box(textblob.sentiment(t));
            },
            &|ts| {
                black_box(textblob.sentiment_many(ts));
            },
        ),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    writeln!(
        out,
        "{} posts, {:.0} bytes on average",
        texts.len(),
        bytes as f64 / texts.len() as f64
    )?;
    writeln!(out, "one core:  {one:.0} posts/s")?;
    writeln!(out, "all cores ({threads}): {all:.0} posts/s")
}

/// The whole job over `input`: lines that are not UTF-8 reported on
/// `errors`, then the scores (or, with `bench`, the throughput) written
/// to `out`. A closed `out` (a pipe into `head`) ends the job quietly.
pub fn run(
    input: &[u8],
    analyzer: AnalyzerKind,
    bench_run: bool,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> io::Result<()> {
    let (posts, invalid) = read_lines(input);
    for line in &invalid {
        writeln!(errors, "line {line}: not valid UTF-8, skipped")?;
    }
    let written = if bench_run {
        bench(out, analyzer, &posts, Duration::from_secs(2))
    } else {
        write_scores(out, analyzer, &posts)
    };
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_lines_are_reported_by_number_and_skipped() {
        let input = b"good stock\r\n\xff\xfe bad bytes\nnot bad\n\n";
        let (posts, invalid) = read_lines(input);
        assert_eq!(posts, [(1, "good stock"), (3, "not bad"), (4, "")]);
        assert_eq!(invalid, [2]);
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        run(input, AnalyzerKind::TextBlob, false, &mut out, &mut errors).unwrap();
        assert_eq!(
            String::from_utf8(errors).unwrap(),
            "line 2: not valid UTF-8, skipped\n"
        );
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 3);
    }

    #[test]
    fn writes_one_json_line_per_post_with_its_line_number() {
        let posts = [(1, "very good"), (3, "")];
        let mut out = Vec::new();
        write_scores(&mut out, AnalyzerKind::TextBlob, &posts).unwrap();
        // TextBlob("very good").sentiment from TextBlob 0.20.1, digit for digit.
        assert_eq!(
            String::from_utf8(out).unwrap(),
            concat!(
                r#"{"line":1,"polarity":0.9099999999999999,"subjectivity":0.7800000000000001}"#,
                "\n",
                r#"{"line":3,"polarity":0.0,"subjectivity":0.0}"#,
                "\n"
            )
        );

        let mut out = Vec::new();
        write_scores(&mut out, AnalyzerKind::Vader, &posts[..1]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(r#"{"line":1,"neg":0.0,"neu":0.238,"pos":0.762,"compound":0.4927}"#),
            "{text}"
        );
    }
}
