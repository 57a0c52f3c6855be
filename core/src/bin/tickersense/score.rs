//! `tickersense score`: the job of [`tickersense::jobs::score`].

use std::io::{self, BufWriter, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use tickersense::sentiment::AnalyzerKind;

#[derive(clap::Args)]
pub(crate) struct ScoreArgs {
    /// The analyzer: vader or textblob.
    #[arg(long, default_value = "vader", value_parser = AnalyzerKind::parse)]
    analyzer: AnalyzerKind,
    /// Print posts per second (one core, then all) instead of scores.
    #[arg(long)]
    bench: bool,
    /// The posts, one per line; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

pub(crate) fn run(args: ScoreArgs) -> ExitCode {
    let mut bytes = Vec::new();
    let read = match args.input.as_deref() {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes))
        }
        _ => io::stdin().lock().read_to_end(&mut bytes),
    };
    if let Err(e) = read {
        eprintln!("tickersense: cannot read the posts: {e}");
        return ExitCode::FAILURE;
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let mut errors = io::stderr().lock();
    match tickersense::jobs::score::run(&bytes, args.analyzer, args.bench, &mut out, &mut errors) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tickersense: cannot write the scores: {e}");
            ExitCode::FAILURE
        }
    }
}
