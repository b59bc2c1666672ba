//! Benchmarks live in `benches/` beside this file; see docs/performance.md.
