//! Benchmarks of tickersense; see benches/ and RESULTS.md.
