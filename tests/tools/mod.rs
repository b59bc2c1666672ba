//! External programs some tests drive (a validator, a browser).

use std::path::PathBuf;

/// `name` found on `PATH`.
pub fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The first of `names` on `PATH`. In CI (`CI` set) a missing program fails the test,
/// since `.ci/run` installs it; elsewhere the test says it is skipped and passes.
#[allow(dead_code)]
pub fn require_one(names: &[&str], what: &str) -> Option<PathBuf> {
    if let Some(p) = names.iter().find_map(|n| find(n)) {
        return Some(p);
    }
    let msg = format!(
        "{what} needs `{}` (Debian: see .ci/run for the packages)",
        names.join("` or `")
    );
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false"),
        "{msg}: not found, and CI requires it"
    );
    eprintln!("skipped: {msg}, not found");
    None
}

/// [`require_one`] of one program.
#[allow(dead_code)]
pub fn require(name: &str, what: &str) -> Option<PathBuf> {
    require_one(&[name], what)
}
