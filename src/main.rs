//! The `iamlint` binary. Everything is in the `iamlint_cli` library; this package exists
//! so that `cargo install --path .` (what pre-commit's `language: rust` runs) works on the
//! repository root.

/// mimalloc: the checker allocates many small, short-lived sets and strings per statement;
/// measured in docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamlint_cli::main()
}
