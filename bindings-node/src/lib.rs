//! Node bindings (napi-rs) for tickersense.
//!
//! Each module mirrors a core module and only converts: `client` wraps
//! [`tickersense::Tickersense`]; `market`, `sentiment`, `backfill`, `store`
//! and `cache` hold the plain JS objects the client returns for the core
//! types of the same names (and `sentiment` the analyzers of
//! [`tickersense::sentiment`], `Vader` and `TextBlobAnalyzer`); `error`
//! turns [`tickersense::Error`] into a JS `Error` whose `code` is the error
//! kind's name. `js` turns JS objects into core backends, and `testkit`
//! runs core's conformance suites on them. `args` reads the
//! JS arguments napi's derived conversions would misread, and `promise` runs
//! core futures as promises (panics caught, `AbortSignal`s honoured).

pub mod args;
pub mod backfill;
pub mod cache;
pub mod client;
pub mod defaults;
pub mod error;
pub mod js;
pub mod market;
pub mod promise;
pub mod sentiment;
pub mod store;
pub mod testkit;

use napi::bindgen_prelude::{Env, Function, Object, PromiseRaw};
use napi_derive::napi;

/// Run once on the exports when the addon loads. napi's classes can be
/// called without `new`, and then wrap `globalThis` itself: each class is
/// exported as a JS subclass, which throws a `TypeError` when called so (as
/// every JS class does) and is otherwise the same class. `Client` also gets
/// `Symbol.asyncDispose` (`await using`), which napi cannot declare.
const FINISH_EXPORTS: &str = r#"(function finishExports(exports) {
  'use strict'
  for (const name of Object.keys(exports)) {
    const native = exports[name]
    if (typeof native !== 'function' || !/^[A-Z]/.test(name)) continue
    exports[name] = { [name]: class extends native {} }[name]
  }
  if (typeof Symbol.asyncDispose === 'symbol') {
    Object.defineProperty(exports.Client.prototype, Symbol.asyncDispose, {
      value: function asyncDispose() { return this.close() },
      writable: true,
      configurable: true,
    })
  }
})"#;

/// Finishes the exports (see [`FINISH_EXPORTS`]).
#[napi(module_exports)]
pub fn finish_exports(exports: Object<'_>, env: Env) -> napi::Result<()> {
    let finish: Function<'_, Object<'_>, ()> = env.run_script(FINISH_EXPORTS)?;
    finish.call(exports)
}

/// Test hook, left out of the typings: panics inside the guard every call
/// into core goes through, on the JS thread (`asynchronous` false: throws)
/// or in a spawned future (true: rejects), to show that a panic in core
/// surfaces as an `Internal` error.
#[napi(js_name = "__panicForTests", skip_typescript)]
pub fn panic_for_tests<'env>(
    env: &'env Env,
    asynchronous: bool,
) -> napi::Result<PromiseRaw<'env, ()>> {
    if asynchronous {
        promise::spawn(env, None, async {
            panic!("a panic made on purpose by a test")
        })
    } else {
        error::guard(|| -> tickersense::Result<()> { panic!("a panic made on purpose by a test") })
            .map_err(|e| error::coded_rejection(*env, e))?;
        PromiseRaw::resolve(env, ())
    }
}

/// Test hook, left out of the typings: the defaults the binding applies
/// (see [`defaults::by_name`]), which the docs of `index.d.ts` must state.
#[napi(js_name = "__coreDefaultsForTests", skip_typescript)]
pub fn core_defaults_for_tests() -> std::collections::HashMap<String, String> {
    defaults::by_name()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// Test hook, left out of the typings: core's names for the string-valued
/// fields and options, which the literal unions of `index.d.ts` must list.
#[napi(js_name = "__coreNamesForTests", skip_typescript)]
pub fn core_names_for_tests() -> std::collections::HashMap<String, Vec<String>> {
    use tickersense::{
        AuthorLabel, BackfillState, ErrorKind, Interval, Origin, Period, SourceState, Trend,
    };
    // Exhaustive matches: a variant added in core breaks the build here.
    let origin = |o: Origin| match o {
        Origin::Provider | Origin::Cache | Origin::Store => o.as_str(),
    };
    let trend = |t: Trend| match t {
        Trend::Rising | Trend::Stable | Trend::Falling | Trend::InsufficientData => t.as_str(),
    };
    let source_state = |s: SourceState| match s {
        SourceState::Ok
        | SourceState::Failed
        | SourceState::RateLimited
        | SourceState::TimedOut
        | SourceState::NotConfigured => s.as_str(),
    };
    let label = |l: AuthorLabel| match l {
        AuthorLabel::Bullish | AuthorLabel::Bearish => l.as_str(),
    };
    let state = |s: BackfillState| match s {
        BackfillState::Pending
        | BackfillState::Running
        | BackfillState::Done
        | BackfillState::Failed => s.as_str(),
    };
    let names = |list: Vec<&str>| list.into_iter().map(str::to_owned).collect();
    [
        (
            "Period",
            names(Period::ALL.iter().map(|p| p.as_str()).collect()),
        ),
        (
            "Interval",
            names(Interval::ALL.iter().map(|i| i.as_str()).collect()),
        ),
        (
            "ErrorCode",
            names(ErrorKind::ALL.iter().map(|k| k.as_str()).collect()),
        ),
        (
            "Origin",
            names(
                [Origin::Provider, Origin::Cache, Origin::Store]
                    .map(origin)
                    .to_vec(),
            ),
        ),
        (
            "Trend",
            names(
                [
                    Trend::Rising,
                    Trend::Stable,
                    Trend::Falling,
                    Trend::InsufficientData,
                ]
                .map(trend)
                .to_vec(),
            ),
        ),
        (
            "SourceState",
            names(
                [
                    SourceState::Ok,
                    SourceState::Failed,
                    SourceState::RateLimited,
                    SourceState::TimedOut,
                    SourceState::NotConfigured,
                ]
                .map(source_state)
                .to_vec(),
            ),
        ),
        (
            "AuthorLabel",
            names(
                [AuthorLabel::Bullish, AuthorLabel::Bearish]
                    .map(label)
                    .to_vec(),
            ),
        ),
        (
            "BackfillState",
            names(
                [
                    BackfillState::Pending,
                    BackfillState::Running,
                    BackfillState::Done,
                    BackfillState::Failed,
                ]
                .map(state)
                .to_vec(),
            ),
        ),
        ("BackendRole", names(client::role_names())),
        ("BackendStatus", names(client::status_names())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
