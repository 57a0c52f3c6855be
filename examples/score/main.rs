//! Scores posts, one per line, and writes one JSON object per post. The
//! job is [`tickersense::jobs::score`], the one `tickersense score` runs;
//! this program only reads its command line.
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

use std::io::{self, BufWriter, Read};
use std::process::ExitCode;

use tickersense::sentiment::AnalyzerKind;

const USAGE: &str = "usage: score [--analyzer vader|textblob] [--bench] [FILE]";

struct Args {
    analyzer: AnalyzerKind,
    bench: bool,
    input: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        analyzer: AnalyzerKind::Vader,
        bench: false,
        input: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => args.bench = true,
            "--analyzer" => {
                args.analyzer = match it.next().as_deref() {
                    Some("vader") => AnalyzerKind::Vader,
                    Some("textblob") => AnalyzerKind::TextBlob,
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
    let mut out = BufWriter::new(io::stdout().lock());
    match tickersense::jobs::score::run(
        &bytes,
        args.analyzer,
        args.bench,
        &mut out,
        &mut io::stderr().lock(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write scores: {e}");
            ExitCode::FAILURE
        }
    }
}
