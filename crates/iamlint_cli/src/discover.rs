//! `discover`: turn the command line's paths into the list of inputs to check.
//!
//! A directory is walked, honouring `.gitignore`/`.ignore`; only regular files whose
//! names some input format claims are read, and whether they hold policies is then
//! decided by their content. A file named on the command line is always read (a FIFO,
//! socket or device is refused by `iamlint_formats::read_text` without waiting on it).
//!
//! Every input gets an id ([`Input::id`]): its path relative to the project's root
//! ([`project_root`]), whatever path named it. Fingerprints, and so baselines, use it,
//! and inputs are deduplicated by the file they name: a file named twice, or by two
//! paths, is checked once.
//!
//! A directory the walk cannot read is an input of its own that fails to load
//! ([`ReadError::Directory`]): reported, and the run exits with 2, never a clean result
//! over the files that happened to be readable.

use iamlint_formats::ReadError;
use ignore::WalkBuilder;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// One input.
#[derive(Debug)]
pub struct Input {
    pub kind: InputKind,
    /// The path as named or found (`-` for standard input).
    path: PathBuf,
    /// See [`Input::id`]; `None` for standard input.
    id: Option<String>,
}

#[derive(Debug)]
pub enum InputKind {
    /// Named on the command line: not being a policy is worth a diagnostic.
    Explicit,
    /// Found in a directory walk: not being a policy is skipped silently.
    Walked,
    /// `-`: standard input.
    Stdin,
    /// What a walk could not read (a directory without read permission, an I/O error).
    Unreadable(ReadError),
}

impl Input {
    pub fn display_name(&self) -> String {
        match self.kind {
            InputKind::Stdin => "-".to_string(),
            _ => display_path(&self.path),
        }
    }

    /// The file's path (`None` for standard input and for what a walk could not read).
    pub fn path(&self) -> Option<&Path> {
        match self.kind {
            InputKind::Explicit | InputKind::Walked => Some(&self.path),
            InputKind::Stdin | InputKind::Unreadable(_) => None,
        }
    }

    /// The file's identity across runs: its path relative to the project's root, with
    /// `/` between components, the same whether the file was named relatively,
    /// absolutely, from a subdirectory or through a symbolic link. `None` for standard
    /// input (its name, `-`, is its id).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn is_explicit(&self) -> bool {
        !matches!(self.kind, InputKind::Walked)
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

/// The directory ids are relative to, canonical: the directory of the configuration
/// file in use (`config_dir`), else the top of the git work tree holding `start` (the
/// first path checked; the nearest directory with a `.git`), else the current
/// directory. docs/configuration.md#baselines says why in this order.
pub fn project_root(config_dir: Option<&Path>, start: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| absolute(&cwd, p));
    if let Some(dir) = config_dir {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        return canonical(dir);
    }
    let start = canonical(start);
    let from = if start.is_dir() {
        start.as_path()
    } else {
        start.parent().unwrap_or(&start)
    };
    from.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| canonical(&cwd))
}

/// `p` made absolute against `cwd` and cleaned of `.` and `..` without asking the file
/// system (for paths that do not exist, where there is nothing to resolve).
fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(p).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` (both absolute and clean), with `/` between components and
/// `..` where `path` is outside `base`; the whole path when they share no root.
fn relative_id(path: &Path, base: &Path) -> String {
    let p: Vec<Component<'_>> = path.components().collect();
    let b: Vec<Component<'_>> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Expand the paths into inputs, deduplicated by the file they name (the first naming
/// is kept). Walked files are sorted; `exclude` filters them (config `exclude` globs,
/// matched against the path as displayed). Ids are relative to `root`
/// ([`project_root`], canonical).
pub fn discover(
    paths: &[PathBuf],
    exclude: &(dyn Fn(&Path) -> bool + Sync),
    root: &Path,
) -> Vec<Input> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut out = Vec::new();
    // the canonical path of each input, to check a file once however it is named
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stdin = false;
    for p in paths {
        if p.as_os_str() == "-" {
            if !std::mem::replace(&mut stdin, true) {
                out.push(Input {
                    kind: InputKind::Stdin,
                    path: p.clone(),
                    id: None,
                });
            }
            continue;
        }
        if p.is_dir() {
            walk(p, exclude, root, &cwd, &mut seen, &mut out);
            continue;
        }
        // named: resolved through the file system (links, `..`), else cleaned as written
        let canonical = std::fs::canonicalize(p).unwrap_or_else(|_| absolute(&cwd, p));
        if seen.insert(canonical.clone()) {
            out.push(Input {
                kind: InputKind::Explicit,
                path: p.clone(),
                id: Some(relative_id(&canonical, root)),
            });
        }
    }
    out
}

/// Walk directory `dir`: its candidate files (sorted), and an input for each directory
/// that could not be read. Walked files are never symbolic links (links are not
/// followed), so a file's canonical path is the walk root's followed by the rest.
fn walk(
    dir: &Path,
    exclude: &(dyn Fn(&Path) -> bool + Sync),
    root: &Path,
    cwd: &Path,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<Input>,
) {
    let canonical_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| absolute(cwd, dir));
    // One thread: the walk is a small part of a check (1,645 files: ~2 ms), and a
    // parallel walk would start threads, each with its own allocator heap, for it.
    let walker = WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .build();
    let canonical_of = |path: &Path| match path.strip_prefix(dir) {
        Ok(rest) if !rest.as_os_str().is_empty() => canonical_dir.join(rest),
        _ => std::fs::canonicalize(path).unwrap_or_else(|_| absolute(cwd, path)),
    };
    let mut found: Vec<Input> = Vec::new();
    let mut failed: Vec<Input> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let (path, error) = walk_error(&err, dir);
                let canonical = canonical_of(&path);
                if seen.insert(canonical.clone()) {
                    failed.push(Input {
                        kind: InputKind::Unreadable(error),
                        id: Some(relative_id(&canonical, root)),
                        path,
                    });
                }
                continue;
            }
        };
        // an ignore file of this directory that could not be read or parsed: its
        // patterns are not applied (more files are read, none is missed)
        if let Some(err) = entry.error() {
            eprintln!("warning: {err}; its patterns are not applied");
        }
        // a FIFO, socket or device is never read in a walk; links are not followed
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.into_path();
        if !is_candidate(&path) || exclude(&path) {
            continue;
        }
        let canonical = canonical_of(&path);
        if seen.insert(canonical.clone()) {
            found.push(Input {
                kind: InputKind::Walked,
                path,
                id: Some(relative_id(&canonical, root)),
            });
        }
    }
    // By the path's bytes (as the report orders files by name), not component by
    // component: the walk's order is not reproducible, this one is, and it is cheap.
    found.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    out.extend(found);
    out.extend(failed);
}

/// What a walk error is about (the directory it names, else the walk's root) and why,
/// as a read error: [`ReadError::Directory`] for a directory (its files were not
/// checked), the I/O error otherwise.
pub fn walk_error(err: &ignore::Error, walk_root: &Path) -> (PathBuf, ReadError) {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Partial(errs) => errs.iter().find_map(path_of),
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    let path = path_of(err).unwrap_or(walk_root).to_path_buf();
    // a walk's I/O error wraps the error of the file system call, which says it all
    // (the wrapper's text repeats the path)
    let io = err.io_error().map(|io| {
        io.get_ref()
            .and_then(|e| e.source())
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .unwrap_or(io)
    });
    let why = match io {
        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "permission denied".to_string()
        }
        Some(io) => io.to_string().to_lowercase(),
        None => err.to_string(),
    };
    // a walk fails on reading a directory (its entries), rarely on one entry: a path
    // that cannot even be asked about is taken as the directory it mostly is
    let not_a_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir());
    let error = if not_a_dir {
        ReadError::Io(why)
    } else {
        ReadError::Directory(why)
    };
    (path, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walk error becomes an input that names the directory and says why; an error
    /// naming no path is put on the walk's root.
    #[test]
    fn walk_errors_name_the_directory() {
        let dir = std::env::temp_dir().join(format!("iamlint-walk-error-{}", std::process::id()));
        let locked = dir.join("locked");
        std::fs::create_dir_all(&locked).expect("temp dir");
        let denied = ignore::Error::WithDepth {
            depth: 1,
            err: Box::new(ignore::Error::WithPath {
                path: locked.clone(),
                err: Box::new(ignore::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let (path, error) = walk_error(&denied, &dir);
        assert_eq!(path, locked);
        assert_eq!(
            error.to_string(),
            "cannot read this directory, so its files were not checked: permission denied"
        );
        let io = ignore::Error::Io(std::io::Error::other("Input/output error"));
        let (path, error) = walk_error(&io, &dir);
        assert_eq!(path, dir);
        assert!(matches!(error, ReadError::Directory(ref m) if m == "input/output error"));
        // a path that is a file: the error as it is
        let file = dir.join("p.json");
        std::fs::write(&file, "{}").expect("write");
        let on_file = ignore::Error::WithPath {
            path: file,
            err: Box::new(ignore::Error::Io(std::io::Error::other(
                "Input/output error",
            ))),
        };
        assert!(matches!(walk_error(&on_file, &dir).1, ReadError::Io(_)));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn ids_are_relative_to_the_root() {
        let root = Path::new("/repo");
        assert_eq!(relative_id(Path::new("/repo/p/a.json"), root), "p/a.json");
        assert_eq!(
            relative_id(Path::new("/other/a.json"), root),
            "../other/a.json"
        );
        assert_eq!(relative_id(Path::new("/repo"), root), ".");
        assert_eq!(
            absolute(Path::new("/repo/sub"), Path::new("../p/./a.json")),
            Path::new("/repo/p/a.json")
        );
    }
}
