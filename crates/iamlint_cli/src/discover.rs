//! `discover`: turn the command line's paths into the list of inputs to check.
//!
//! A directory is walked, honouring `.gitignore`/`.ignore`; only files whose names some
//! input format claims are read, and whether they hold policies is then decided by their
//! content. A file named on the command line is always
//! read.

use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// One input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Named on the command line: not being a policy is worth a diagnostic.
    Explicit(PathBuf),
    /// Found in a directory walk: not being a policy is skipped silently.
    Walked(PathBuf),
    /// `-`: standard input.
    Stdin,
}

impl Input {
    pub fn display_name(&self) -> String {
        match self {
            Input::Explicit(p) | Input::Walked(p) => display_path(p),
            Input::Stdin => "-".to_string(),
        }
    }

    /// The file's path (`None` for standard input).
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Explicit(p) | Input::Walked(p) => Some(p),
            Input::Stdin => None,
        }
    }

    pub fn is_explicit(&self) -> bool {
        !matches!(self, Input::Walked(_))
    }
}

/// A path as users expect to read it: without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// File names a walk picks up: those some input format may hold
/// ([`iamlint_formats::is_candidate`]).
pub fn is_candidate(path: &Path) -> bool {
    iamlint_formats::is_candidate(path)
}

/// Expand the paths into inputs, sorted and deduplicated. `exclude` filters walked files
/// (config `exclude` globs, matched against the path as displayed).
pub fn discover(paths: &[PathBuf], exclude: &(dyn Fn(&Path) -> bool + Sync)) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        if p.is_dir() {
            // One thread: the walk is a small part of a check (1,645 files: ~2 ms), and a
            // parallel walk would start threads, each with its own allocator heap, for it.
            let walk = WalkBuilder::new(p)
                .hidden(true)
                .git_ignore(true)
                .git_global(false)
                .git_exclude(true)
                .require_git(false)
                .follow_links(false)
                .build();
            let mut found: Vec<Input> = walk
                .flatten()
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(ignore::DirEntry::into_path)
                .filter(|path| is_candidate(path) && !exclude(path))
                .map(Input::Walked)
                .collect();
            // By the path's bytes (as the report orders files by name), not component by
            // component: the walk's order is not reproducible, this one is, and it is cheap.
            found.sort_unstable_by(|a, b| {
                a.path()
                    .map(Path::as_os_str)
                    .cmp(&b.path().map(Path::as_os_str))
            });
            out.extend(found);
        } else {
            out.push(Input::Explicit(p.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert(i.display_name()));
    out
}
