//! Core's conformance kit ([`tickersense::testkit`]) for backends written
//! in JS, as the namespace `testkit`: each function takes the object (or
//! function) a `Client` would take, runs the suite of its role on it, and
//! resolves to a report of every check. The checks are the built-in
//! backends' own; a check that fails names what was asked and what came
//! back. A value that is no backend of the role rejects as `new Client`
//! would throw (a `TypeError` naming the method missing).

use std::sync::Arc;

use napi::bindgen_prelude::{Env, PromiseRaw, Unknown};
use napi_derive::napi;

use crate::args::{Options, Refusal};
use crate::js::check;
use crate::promise;

/// One clause of a backend role's contract, checked.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TestkitCheck {
    /// A stable dotted name, `suite.clause` (`market_data.quote_names_the_symbol`).
    pub name: String,
    /// Whether the backend did what the clause says.
    pub passed: bool,
    /// Why not (what was asked, what came back), when it failed.
    pub message: Option<String>,
}

/// What a suite found on one backend.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TestkitReport {
    /// The suite: `market_data`, `mention_source` or `analyzer`.
    pub suite: String,
    /// The backend's name (`name`, or a mention source's `platform`).
    pub backend: String,
    /// True when every check passed.
    pub passed: bool,
    /// Every check, in the order run.
    pub checks: Vec<TestkitCheck>,
}

impl From<tickersense::testkit::Report> for TestkitReport {
    fn from(report: tickersense::testkit::Report) -> Self {
        TestkitReport {
            passed: report.passed(),
            checks: report
                .checks
                .iter()
                .map(|c| TestkitCheck {
                    name: c.name.clone(),
                    passed: c.passed(),
                    message: c.failure().map(str::to_owned),
                })
                .collect(),
            suite: report.suite,
            backend: report.backend,
        }
    }
}

/// What only the author of a market-data provider knows, for its suite.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Clone, Default)]
pub struct MarketDataCheckOptions {
    /// A symbol the provider serves (default `"AAPL"`).
    pub known: Option<String>,
    /// A valid symbol it does not know (default `"ZZZZ9"`).
    pub unknown: Option<String>,
    /// A search query it finds something for (default: `known`).
    pub query: Option<String>,
}

/// What the suite of a mention source needs.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Clone, Default)]
pub struct MentionSourceCheckOptions {
    /// A symbol it has recent posts about (default `"AAPL"`).
    pub symbol: Option<String>,
}

/// The symbol the suites ask about when not told.
const KNOWN: &str = "AAPL";
/// A valid symbol no provider lists, for the not-found checks.
const UNKNOWN: &str = "ZZZZ9";

/// Runs the market-data suite on `provider` (a `MarketDataSource`): its
/// quotes, histories (ranges, order, bounds) and searches, some dozens of
/// calls. Resolves to the report; rejects only for a `provider` that is no
/// `MarketDataSource` or options of the wrong shape.
#[napi(
    namespace = "testkit",
    ts_args_type = "provider: MarketDataSource, options?: MarketDataCheckOptions | undefined | null",
    ts_return_type = "Promise<TestkitReport>"
)]
pub fn check_market_data<'env>(
    env: &'env Env,
    provider: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, TestkitReport>> {
    promise::call(env, || {
        const CALL: &str = "testkit.checkMarketData";
        let options = match Options::read(env, options, CALL, &["known", "unknown", "query"])? {
            Some(o) => MarketDataCheckOptions {
                known: o.string("known")?,
                unknown: o.string("unknown")?,
                query: o.string("query")?,
            },
            None => MarketDataCheckOptions::default(),
        };
        let provider = Arc::new(check::market_data(
            env,
            provider,
            &format!("{CALL}: provider"),
        )?);
        let known = options.known.unwrap_or_else(|| KNOWN.to_owned());
        let unknown = options.unknown.unwrap_or_else(|| UNKNOWN.to_owned());
        let query = options.query.unwrap_or_else(|| known.clone());
        let work = async move {
            let report =
                tickersense::testkit::market_data(provider.clone(), known, unknown, query).await;
            provider.release();
            Ok(TestkitReport::from(report))
        };
        Ok((None, work))
    })
}

/// Runs the mention-source suite on `source` (a `MentionSource`): its
/// platform, the limit, newest first, nothing before `since`. Resolves to
/// the report; rejects only for a `source` that is no `MentionSource`.
#[napi(
    namespace = "testkit",
    ts_args_type = "source: MentionSource, options?: MentionSourceCheckOptions | undefined | null",
    ts_return_type = "Promise<TestkitReport>"
)]
pub fn check_mention_source<'env>(
    env: &'env Env,
    source: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, TestkitReport>> {
    promise::call(env, || {
        const CALL: &str = "testkit.checkMentionSource";
        let symbol = match Options::read(env, options, CALL, &["symbol"])? {
            Some(o) => o.string("symbol")?,
            None => None,
        };
        let what = format!("{CALL}: source");
        let source = Arc::new(check::mention_source(env, source, &what, "source")?);
        let symbol = symbol.unwrap_or_else(|| KNOWN.to_owned());
        let work = async move {
            let report = tickersense::testkit::mention_source(source.clone(), symbol).await;
            source.release();
            Ok(TestkitReport::from(report))
        };
        Ok((None, work))
    })
}

/// Runs the analyzer suite on `analyzer` (an `AnalyzerFunction` or an
/// `Analyzer`): scores from -1 to 1, the same score twice, batches agreeing
/// with single texts (some 600 texts, a few times over). Resolves to the
/// report; rejects only for a value that is no analyzer.
#[napi(
    namespace = "testkit",
    ts_args_type = "analyzer: AnalyzerFunction | Analyzer",
    ts_return_type = "Promise<TestkitReport>"
)]
pub fn check_analyzer<'env>(
    env: &'env Env,
    analyzer: Unknown<'_>,
) -> napi::Result<PromiseRaw<'env, TestkitReport>> {
    promise::call(env, || -> Result<_, Refusal> {
        let analyzer = Arc::new(check::analyzer(
            env,
            analyzer,
            "testkit.checkAnalyzer: analyzer",
        )?);
        let work = async move {
            let report = tickersense::testkit::analyzer(analyzer.clone()).await;
            analyzer.release();
            Ok(TestkitReport::from(report))
        };
        Ok((None, work))
    })
}
