//! Scores posts, one per line, and writes one JSON object per post.
//!
//! ```text
//! cargo run --release -p tickersense-examples --example score -- [--analyzer vader|textblob] [--bench] [FILE]
//! ```
//!
//! Reads FILE, or standard input when FILE is absent or `-`. Lines must be
//! UTF-8; a line that is not is reported on standard error with its number
//! and skipped. Each output line is `{"line": N, ...scores}`: `neg`, `neu`,
//! `pos`, `compound` for VADER (the default), `polarity`, `subjectivity` for
//! TextBlob. With `--bench`, nothing is written per post: the program scores
//! all posts repeatedly for about two seconds, on one core and then on all,
//! and prints posts per second.

use std::hint::black_box;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use tickersense::sentiment::{TextBlob, Vader};

const USAGE: &str = "usage: score [--analyzer vader|textblob] [--bench] [FILE]";

#[derive(Clone, Copy)]
enum Analyzer {
    Vader,
    TextBlob,
}

struct Args {
    analyzer: Analyzer,
    bench: bool,
    input: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        analyzer: Analyzer::Vader,
        bench: false,
        input: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => args.bench = true,
            "--analyzer" => {
                args.analyzer = match it.next().as_deref() {
                    Some("vader") => Analyzer::Vader,
                    Some("textblob") => Analyzer::TextBlob,
                    other => return Err(format!("unknown analyzer {other:?}; {USAGE}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            "-" => args.input = None,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}; {USAGE}")),
            path if args.input.is_none() => args.input = Some(path.to_owned()),
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(args)
}

/// The input's lines as text, with the (1-based) numbers of lines that are
/// not UTF-8. A final "\r" is part of the line ending, as in Python.
fn read_lines(bytes: &[u8]) -> (Vec<(usize, &str)>, Vec<usize>) {
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
    out: &mut impl Write,
    posts: &[(usize, &str)],
    scores: Vec<S>,
) -> io::Result<()> {
    for (&(line, _), scores) in posts.iter().zip(scores) {
        serde_json::to_writer(&mut *out, &Row { line, scores })?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn write_scores(
    out: &mut impl Write,
    analyzer: Analyzer,
    posts: &[(usize, &str)],
) -> io::Result<()> {
    let texts: Vec<&str> = posts.iter().map(|(_, t)| *t).collect();
    match analyzer {
        Analyzer::Vader => write_rows(out, posts, Vader::new().polarity_scores_many(&texts)),
        Analyzer::TextBlob => write_rows(out, posts, TextBlob::new().sentiment_many(&texts)),
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

fn bench(analyzer: Analyzer, posts: &[(usize, &str)]) {
    let texts: Vec<&str> = posts.iter().map(|(_, t)| *t).collect();
    if texts.is_empty() {
        println!("no posts to score");
        return;
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let budget = Duration::from_secs(2);
    let rates = |one: &dyn Fn(&str), many: &dyn Fn(&[&str])| {
        let one_core = throughput(&texts, budget, |ts| ts.iter().for_each(|t| one(t)));
        (one_core, throughput(&texts, budget, many))
    };
    let (vader, textblob) = (Vader::new(), TextBlob::new());
    let (one, all) = match analyzer {
        Analyzer::Vader => rates(
            &|t| {
                black_box(vader.polarity_scores(t));
            },
            &|ts| {
                black_box(vader.polarity_scores_many(ts));
            },
        ),
        Analyzer::TextBlob => rates(
            &|t| {
                black_box(textblob.sentiment(t));
            },
            &|ts| {
                black_box(textblob.sentiment_many(ts));
            },
        ),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{} posts, {:.0} bytes on average",
        texts.len(),
        bytes as f64 / texts.len() as f64
    );
    println!("one core:  {one:.0} posts/s");
    println!("all cores ({threads}): {all:.0} posts/s");
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut bytes = Vec::new();
    let read = match &args.input {
        Some(path) => std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)),
        None => io::stdin().lock().read_to_end(&mut bytes),
    };
    if let Err(e) = read {
        eprintln!("cannot read input: {e}");
        return ExitCode::FAILURE;
    }
    let (posts, invalid) = read_lines(&bytes);
    for line in &invalid {
        eprintln!("line {line}: not valid UTF-8, skipped");
    }
    if args.bench {
        bench(args.analyzer, &posts);
    } else if let Err(e) = write_scores(
        &mut BufWriter::new(io::stdout().lock()),
        args.analyzer,
        &posts,
    ) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("cannot write scores: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
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
    }

    #[test]
    fn writes_one_json_line_per_post_with_its_line_number() {
        let posts = [(1, "very good"), (3, "")];
        let mut out = Vec::new();
        write_scores(&mut out, Analyzer::TextBlob, &posts).unwrap();
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
        write_scores(&mut out, Analyzer::Vader, &posts[..1]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(r#"{"line":1,"neg":0.0,"neu":0.238,"pos":0.762,"compound":0.4927}"#),
            "{text}"
        );
    }
}
