//! Feeds arbitrary bytes to every parser of Yahoo's answers. The first byte
//! picks the parser and the bar interval; a panic, an abort or a hang is a bug.
//!
//! Run from `core/`: `cargo +nightly fuzz run yahoo_answers fuzz/corpus/yahoo_answers`
//! (the corpus is seeded from `fixtures/yahoo` by `fuzz/seed-corpus.sh`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tickersense::provider::yahoo::{parse_chart, parse_quote, parse_search};
use tickersense::{Interval, Symbol};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let symbol = Symbol::parse("AAPL").expect("a valid symbol");
    let interval = Interval::ALL[usize::from(selector >> 2) % Interval::ALL.len()];
    match selector & 3 {
        0 | 1 => {
            if let Ok(history) = parse_chart(body, &symbol, interval) {
                // What the parser promises about what it gives back.
                assert!(history.bars.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
                assert!(history.bars.iter().all(|b| [b.open, b.high, b.low, b.close].iter().all(|p| p.is_finite())));
            }
        }
        2 => {
            let _ = parse_quote(body, &symbol);
        }
        _ => {
            let _ = parse_search(body);
        }
    }
});
