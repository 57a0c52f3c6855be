//! The instruments [`super::Sample`] knows, with rough 2025 price levels so
//! its synthetic series look like the real instruments.

/// What kind of market an instrument trades in; decides its calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Market {
    /// US exchange hours, weekdays 09:30–16:00 New York time.
    UsEquity,
    /// Weekdays around the clock.
    Currency,
    /// Every day around the clock.
    Crypto,
}

pub(crate) struct Ticker {
    pub symbol: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub exchange: &'static str,
    pub market: Market,
    /// Price level on 2025-01-01, around which the series wanders.
    pub level: f64,
    /// Annualised volatility.
    pub volatility: f64,
    /// Typical shares (or units) traded per day.
    pub daily_volume: f64,
}

const fn t(
    symbol: &'static str,
    name: &'static str,
    kind: &'static str,
    exchange: &'static str,
    market: Market,
    level: f64,
    volatility: f64,
    daily_volume: f64,
) -> Ticker {
    Ticker { symbol, name, kind, exchange, market, level, volatility, daily_volume }
}

use Market::{Crypto, Currency, UsEquity};

pub(crate) const TICKERS: &[Ticker] = &[
    t("AAPL", "Apple Inc.", "EQUITY", "NMS", UsEquity, 245.0, 0.25, 55e6),
    t("MSFT", "Microsoft Corporation", "EQUITY", "NMS", UsEquity, 420.0, 0.24, 22e6),
    t("GOOGL", "Alphabet Inc.", "EQUITY", "NMS", UsEquity, 190.0, 0.30, 28e6),
    t("GOOG", "Alphabet Inc.", "EQUITY", "NMS", UsEquity, 191.0, 0.30, 20e6),
    t("AMZN", "Amazon.com, Inc.", "EQUITY", "NMS", UsEquity, 220.0, 0.32, 40e6),
    t("META", "Meta Platforms, Inc.", "EQUITY", "NMS", UsEquity, 590.0, 0.38, 15e6),
    t("NVDA", "NVIDIA Corporation", "EQUITY", "NMS", UsEquity, 135.0, 0.50, 250e6),
    t("TSLA", "Tesla, Inc.", "EQUITY", "NMS", UsEquity, 400.0, 0.60, 95e6),
    t("NFLX", "Netflix, Inc.", "EQUITY", "NMS", UsEquity, 890.0, 0.35, 3.5e6),
    t("AMD", "Advanced Micro Devices, Inc.", "EQUITY", "NMS", UsEquity, 120.0, 0.50, 40e6),
    t("INTC", "Intel Corporation", "EQUITY", "NMS", UsEquity, 20.0, 0.45, 60e6),
    t("ORCL", "Oracle Corporation", "EQUITY", "NYQ", UsEquity, 165.0, 0.33, 9e6),
    t("CRM", "Salesforce, Inc.", "EQUITY", "NYQ", UsEquity, 335.0, 0.33, 6e6),
    t("ADBE", "Adobe Inc.", "EQUITY", "NMS", UsEquity, 445.0, 0.32, 3e6),
    t("IBM", "International Business Machines Corporation", "EQUITY", "NYQ", UsEquity, 220.0, 0.22, 4e6),
    t("CSCO", "Cisco Systems, Inc.", "EQUITY", "NMS", UsEquity, 59.0, 0.20, 18e6),
    t("QCOM", "QUALCOMM Incorporated", "EQUITY", "NMS", UsEquity, 155.0, 0.35, 8e6),
    t("AVGO", "Broadcom Inc.", "EQUITY", "NMS", UsEquity, 230.0, 0.45, 25e6),
    t("PLTR", "Palantir Technologies Inc.", "EQUITY", "NMS", UsEquity, 75.0, 0.65, 80e6),
    t("UBER", "Uber Technologies, Inc.", "EQUITY", "NYQ", UsEquity, 60.0, 0.40, 20e6),
    t("JPM", "JPMorgan Chase & Co.", "EQUITY", "NYQ", UsEquity, 240.0, 0.22, 9e6),
    t("BAC", "Bank of America Corporation", "EQUITY", "NYQ", UsEquity, 44.0, 0.26, 38e6),
    t("WFC", "Wells Fargo & Company", "EQUITY", "NYQ", UsEquity, 70.0, 0.27, 16e6),
    t("GS", "The Goldman Sachs Group, Inc.", "EQUITY", "NYQ", UsEquity, 575.0, 0.27, 2.3e6),
    t("V", "Visa Inc.", "EQUITY", "NYQ", UsEquity, 315.0, 0.19, 7e6),
    t("MA", "Mastercard Incorporated", "EQUITY", "NYQ", UsEquity, 525.0, 0.20, 3e6),
    t("PYPL", "PayPal Holdings, Inc.", "EQUITY", "NMS", UsEquity, 85.0, 0.38, 14e6),
    t("BRK-B", "Berkshire Hathaway Inc.", "EQUITY", "NYQ", UsEquity, 455.0, 0.16, 4e6),
    t("JNJ", "Johnson & Johnson", "EQUITY", "NYQ", UsEquity, 145.0, 0.16, 7e6),
    t("PFE", "Pfizer Inc.", "EQUITY", "NYQ", UsEquity, 26.5, 0.25, 40e6),
    t("UNH", "UnitedHealth Group Incorporated", "EQUITY", "NYQ", UsEquity, 505.0, 0.28, 4e6),
    t("LLY", "Eli Lilly and Company", "EQUITY", "NYQ", UsEquity, 770.0, 0.33, 3.5e6),
    t("MRK", "Merck & Co., Inc.", "EQUITY", "NYQ", UsEquity, 99.0, 0.22, 9e6),
    t("WMT", "Walmart Inc.", "EQUITY", "NYQ", UsEquity, 90.0, 0.18, 15e6),
    t("COST", "Costco Wholesale Corporation", "EQUITY", "NMS", UsEquity, 915.0, 0.20, 2e6),
    t("KO", "The Coca-Cola Company", "EQUITY", "NYQ", UsEquity, 62.0, 0.14, 13e6),
    t("PEP", "PepsiCo, Inc.", "EQUITY", "NMS", UsEquity, 152.0, 0.16, 6e6),
    t("MCD", "McDonald's Corporation", "EQUITY", "NYQ", UsEquity, 290.0, 0.17, 3e6),
    t("NKE", "NIKE, Inc.", "EQUITY", "NYQ", UsEquity, 75.0, 0.32, 11e6),
    t("DIS", "The Walt Disney Company", "EQUITY", "NYQ", UsEquity, 111.0, 0.27, 9e6),
    t("XOM", "Exxon Mobil Corporation", "EQUITY", "NYQ", UsEquity, 107.0, 0.24, 15e6),
    t("CVX", "Chevron Corporation", "EQUITY", "NYQ", UsEquity, 145.0, 0.24, 8e6),
    t("BA", "The Boeing Company", "EQUITY", "NYQ", UsEquity, 177.0, 0.38, 9e6),
    t("CAT", "Caterpillar Inc.", "EQUITY", "NYQ", UsEquity, 363.0, 0.28, 3e6),
    t("GME", "GameStop Corp.", "EQUITY", "NYQ", UsEquity, 31.0, 0.90, 10e6),
    t("AMC", "AMC Entertainment Holdings, Inc.", "EQUITY", "NYQ", UsEquity, 4.0, 0.90, 15e6),
    t("SPY", "SPDR S&P 500 ETF Trust", "ETF", "PCX", UsEquity, 586.0, 0.15, 45e6),
    t("QQQ", "Invesco QQQ Trust", "ETF", "NMS", UsEquity, 511.0, 0.20, 35e6),
    t("^GSPC", "S&P 500", "INDEX", "SNP", UsEquity, 5880.0, 0.15, 3.5e9),
    t("^IXIC", "NASDAQ Composite", "INDEX", "NIM", UsEquity, 19300.0, 0.20, 7e9),
    t("^DJI", "Dow Jones Industrial Average", "INDEX", "DJI", UsEquity, 42500.0, 0.14, 4e8),
    t("BTC-USD", "Bitcoin USD", "CRYPTOCURRENCY", "CCC", Crypto, 94000.0, 0.55, 3e10),
    t("ETH-USD", "Ethereum USD", "CRYPTOCURRENCY", "CCC", Crypto, 3350.0, 0.65, 1.5e10),
    t("EURUSD=X", "EUR/USD", "CURRENCY", "CCY", Currency, 1.035, 0.07, 0.0),
    t("USDJPY=X", "USD/JPY", "CURRENCY", "CCY", Currency, 157.0, 0.09, 0.0),
];

/// The ticker named `symbol` (already upper-case), if the sample knows it.
pub(crate) fn find(symbol: &str) -> Option<&'static Ticker> {
    TICKERS.iter().find(|t| t.symbol == symbol)
}
