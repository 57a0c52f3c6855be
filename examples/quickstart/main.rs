//! The quickstart: quotes, a month of history and social sentiment for a few
//! symbols, with nothing installed or configured.
//!
//! Defaults: offline sample data (`sample://`), an in-memory cache and a
//! SQLite file `tickersense.db` in the working directory. Run it twice: the
//! second run reads the month of bars back from SQLite and only tops up the
//! newest ones. Any `TICKERSENSE_*` variable (see `tickersense::Config`)
//! switches a backend, e.g. `TICKERSENSE_STORE=postgres://127.0.0.1/test`.
//!
//! ```text
//! cargo run --release --example quickstart
//! ```

use tickersense::{Config, Interval, Origin, Period, Tickersense};

const SYMBOLS: [&str; 4] = ["AAPL", "MSFT", "TSLA", "BTC-USD"];

#[tokio::main]
async fn main() -> Result<(), tickersense::Error> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .init();

    let ts = Tickersense::connect(Config::from_env()?).await?;
    let config = ts.config();
    println!("tickersense quickstart");
    println!(
        "  market data: {}   social: {}   analyzer: {}",
        config.market_data,
        config.social_display(),
        config.analyzer
    );
    println!(
        "  store: {}   cache: {}",
        ts.describe_store().await?,
        config.cache
    );
    println!();

    for symbol in SYMBOLS {
        let quote = ts.quote(symbol).await?;
        let history = ts.history(symbol, Period::Mo1, Interval::D1).await?;
        let mood = ts.sentiment(symbol).await?;

        println!(
            "{:<8} {:>12.2} {}  {:+.2} ({:+.2}%)  volume {}",
            quote.symbol,
            quote.price,
            quote.currency,
            quote.change,
            quote.change_percent,
            quote.volume
        );
        if let (Some(first), Some(last)) = (history.bars.first(), history.bars.last()) {
            let low = history
                .bars
                .iter()
                .map(|b| b.low)
                .fold(f64::INFINITY, f64::min);
            let high = history
                .bars
                .iter()
                .map(|b| b.high)
                .fold(f64::NEG_INFINITY, f64::max);
            let origin = match history.origin {
                Origin::Store => "read from the store, newest bars fetched",
                Origin::Cache => "from the cache",
                Origin::Provider => "fetched and stored",
            };
            println!(
                "         1mo: {} bars {} .. {}, low {:.2} high {:.2}, {:+.2}% ({origin})",
                history.bars.len(),
                first.timestamp.format("%Y-%m-%d"),
                last.timestamp.format("%Y-%m-%d"),
                low,
                high,
                (last.close / first.open - 1.0) * 100.0,
            );
        }
        println!(
            "         sentiment {:+.3} ({}) from {} mentions; keywords: {}",
            mood.current_sentiment,
            mood.sentiment_trend.as_str(),
            mood.mention_volume,
            mood.platforms
                .first()
                .map(|p| p
                    .keywords
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default(),
        );
    }

    let hits = ts.search("bank", 3).await?;
    println!();
    println!(
        "search \"bank\": {}",
        hits.iter()
            .map(|h| format!("{} ({})", h.symbol, h.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!();
    println!("Prices and posts from sample:// are synthetic (deterministic per symbol), for trying the library offline.");
    Ok(())
}
