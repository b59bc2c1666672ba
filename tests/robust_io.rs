#![allow(clippy::unwrap_used)]
//! Inputs that must not hang, crash or pass silently, through the real binary: special
//! files, unreadable directories, UTF-16 and byte-order marks, the same file named by
//! several paths (and its baseline), symbolic link loops, a reader that closes the pipe.
//! Each test also checks that the other files of the run are still checked.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.env_remove("NO_COLOR")
        // a fixed day, before the catalog's: no note on an old catalog
        .env("IAMLINT_TODAY", "2000-01-01")
        // safety net only: a regression that blocks fails instead of hanging the suite
        .timeout(std::time::Duration::from_secs(120));
    c
}

/// A policy with one finding (`invalid-version`, IAM102) on line 1.
const V: &str = r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// (exit code, stdout, stderr)
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", p.display());
}

/// A FIFO, a socket and a device named on the command line are each reported as what
/// they are, without waiting on them; the other file is checked. A walk skips them.
#[cfg(unix)]
#[test]
fn special_files_are_refused_and_the_run_goes_on() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "v.json", V.as_bytes());
    mkfifo(&d.path().join("fifo.json"));
    let _socket = std::os::unix::net::UnixListener::bind(d.path().join("socket.json")).unwrap();
    let (code, out, _) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "compact",
        "fifo.json",
        "socket.json",
        "/dev/null",
        "v.json",
    ]));
    assert_eq!(code, 2, "{out}");
    for expected in [
        "fifo.json:1:1: error[IAM002 unreadable-file] cannot read this file: not a regular file: a FIFO, so it is not read",
        "socket.json:1:1: error[IAM002 unreadable-file] cannot read this file: not a regular file: a socket",
        "/dev/null:1:1: error[IAM002 unreadable-file] cannot read this file: not a regular file: a character device",
        "v.json:1:13: error[IAM102 invalid-version]",
    ] {
        assert!(out.contains(expected), "{expected}\nin\n{out}");
    }
    // a walk passes them over: only the policy's finding, exit 1
    let (code, out, err) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "compact",
        ".",
    ]));
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("v.json:1:13: error[IAM102"), "{out}");
}

/// A directory the walk cannot read is an error naming it (exit 2), never a clean run;
/// the readable files are still checked. Made unreadable by a path longer than the
/// system allows (`ENAMETOOLONG`), which stops root too.
#[cfg(target_os = "linux")]
#[test]
fn a_directory_the_walk_cannot_read_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "tree/v.json", V.as_bytes());
    // two chains of 12 directories with 200-byte names, the second moved to the end of
    // the first: every call here names a path under the system's limit (PATH_MAX, 4096
    // bytes), the deepest directory's path is over it
    let name = "x".repeat(200);
    let chain = |top: &Path| {
        let mut p = top.to_path_buf();
        for _ in 0..12 {
            p.push(&name);
        }
        std::fs::create_dir_all(&p).unwrap();
        p
    };
    let first = chain(&d.path().join("tree"));
    let second_top = d.path().join("b");
    chain(&second_top);
    std::fs::rename(&second_top, first.join("b")).unwrap();
    let (code, out, err) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "compact",
        "tree",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("IAM002"))
        .unwrap_or_else(|| panic!("no IAM002 in {out}"));
    assert!(line.starts_with(&format!("tree/{name}/")), "{line}");
    assert!(
        line.ends_with(
            "error[IAM002 unreadable-file] cannot read this directory, so its files were not checked: file name too long (os error 36)"
        ),
        "{line}"
    );
    assert!(out.contains("tree/v.json:1:13: error[IAM102"), "{out}");
    // every format carries it: JSON names the directory as the finding's file
    let (code, out, _) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "tree",
    ]));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.starts_with(&format!("tree/{name}"))),
        "{files:?}"
    );
}

/// The same with a directory without read permission, as a user other than root meets
/// it. Root reads it anyway: then there is nothing to test, and the test says so.
#[cfg(unix)]
#[test]
fn a_directory_without_permission_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "tree/v.json", V.as_bytes());
    write(d.path(), "tree/locked/p.json", V.as_bytes());
    let locked = d.path().join("tree/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok();
    let result = (!readable).then(|| {
        run(iamlint().current_dir(d.path()).args([
            "check",
            "--no-config",
            "--format",
            "compact",
            "tree",
        ]))
    });
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Some((code, out, err)) = result else {
        eprintln!("skipped: a directory without permission is readable here (root)");
        return;
    };
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("tree/locked:1:1: error[IAM002 unreadable-file] cannot read this directory, so its files were not checked: permission denied"),
        "{out}"
    );
    assert!(out.contains("tree/v.json:1:13: error[IAM102"), "{out}");
}

/// UTF-16 (with or without a byte-order mark) is named, with how to convert it; the
/// other files are checked.
#[test]
fn utf16_is_named_with_how_to_convert_it() {
    let d = tempfile::tempdir().unwrap();
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(V.bytes().flat_map(|b| [b, 0]))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(V.bytes().flat_map(|b| [0, b]))
        .collect();
    write(d.path(), "le.json", &le);
    write(d.path(), "be.json", &be);
    write(d.path(), "bare.json", &le[2..]);
    write(d.path(), "v.json", V.as_bytes());
    let (code, out, _) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "compact",
        ".",
    ]));
    assert_eq!(code, 2, "{out}");
    for expected in [
        "le.json:1:1: error[IAM002 unreadable-file] cannot read this file: file is UTF-16 LE (with a byte-order mark), not UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 FILE > NEW`",
        "be.json:1:1: error[IAM002 unreadable-file] cannot read this file: file is UTF-16 BE (with a byte-order mark), not UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 FILE > NEW`",
        "bare.json:1:1: error[IAM002 unreadable-file] cannot read this file: file is UTF-16 LE (without a byte-order mark), not UTF-8: convert it with `iconv -f UTF-16LE -t UTF-8 FILE > NEW`",
        "v.json:1:13: error[IAM102",
    ] {
        assert!(out.contains(expected), "{expected}\nin\n{out}");
    }
    assert!(!out.contains("binary"), "{out}");
}

/// A finding on line 1 of a file with a UTF-8 byte-order mark has the columns it has
/// without one, in every report that gives columns.
#[test]
fn a_utf8_byte_order_mark_does_not_shift_columns() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "plain.json", V.as_bytes());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(V.as_bytes());
    write(d.path(), "bom.json", &bom);
    let positions = |name: &str, format: &str| {
        let (code, out, _) = run(iamlint().current_dir(d.path()).args([
            "check",
            "--no-config",
            "--format",
            format,
            name,
        ]));
        assert_eq!(code, 1, "{out}");
        out
    };
    let json = |name: &str| -> Vec<(u64, u64, u64, u64)> {
        let v: serde_json::Value = serde_json::from_str(&positions(name, "json")).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let n = |k: &str| d[k].as_u64().unwrap();
                (n("line"), n("column"), n("end_line"), n("end_column"))
            })
            .collect()
    };
    let plain = json("plain.json");
    assert_eq!(plain, [(1, 13, 1, 25)], "`\"2012-10-18\"` at 15..27");
    assert_eq!(json("bom.json"), plain);
    assert_eq!(
        positions("bom.json", "compact").replace("bom.json", "plain.json"),
        positions("plain.json", "compact")
    );
    let sarif_region = |name: &str| {
        let v: serde_json::Value = serde_json::from_str(&positions(name, "sarif")).unwrap();
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].clone()
    };
    assert_eq!(sarif_region("bom.json"), sarif_region("plain.json"));
}

/// The same file named relatively, absolutely, through `..` or from a subdirectory keeps
/// its baseline: every finding stays hidden. The root ids are relative to: the
/// configuration's directory, else the git work tree's top.
#[test]
fn a_baseline_holds_however_the_file_is_named() {
    for layout in ["config", "git"] {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        match layout {
            "config" => drop(write(&root, "iamlint.toml", b"fail-on = \"warning\"\n")),
            _ => std::fs::create_dir(root.join(".git")).unwrap(),
        }
        write(&root, "policies/p.json", V.as_bytes());
        let extra: &[&str] = if layout == "git" {
            &["--no-config"]
        } else {
            &[]
        };
        let (code, _, err) = run(iamlint()
            .current_dir(&root)
            .args(["check", "--write-baseline", "baseline.json"])
            .args(extra)
            .arg("policies"));
        assert_eq!(code, 0, "{err}");
        let baseline = root.join("baseline.json");
        let abs = root.join("policies/p.json");
        let namings: [(&Path, &str); 5] = [
            (&root, "policies/p.json"),
            (&root, "./policies/../policies/p.json"),
            (&root, abs.to_str().unwrap()),
            (&root.join("policies"), "p.json"),
            (&root.join("policies"), "."),
        ];
        for (cwd, path) in namings {
            let (code, out, err) = run(iamlint()
                .current_dir(cwd)
                .args(["check", "--format", "compact", "--baseline"])
                .arg(&baseline)
                .args(extra)
                .arg(path));
            assert_eq!(
                code,
                0,
                "{layout}: {path} from {}: {out}{err}",
                cwd.display()
            );
            assert!(out.is_empty(), "{layout}: {path}: {out}");
        }
        // without the baseline the finding is there (it is the baseline that hides it)
        let (code, out, _) = run(iamlint()
            .current_dir(root.join("policies"))
            .args(["check", "--format", "compact", "p.json"])
            .args(extra));
        assert_eq!(code, 1, "{out}");
    }
}

/// A file named twice, or by several paths (and found by a walk too), is checked once.
#[test]
fn a_file_named_twice_is_checked_once() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    write(&root, "p/v.json", V.as_bytes());
    let mut names: Vec<String> = vec![
        "p/v.json".into(),
        "./p/v.json".into(),
        "p/../p/v.json".into(),
        root.join("p/v.json").display().to_string(),
        "p".into(),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("p/v.json", root.join("link.json")).unwrap();
        names.push("link.json".into());
    }
    let (code, out, _) = run(iamlint()
        .current_dir(&root)
        .args(["check", "--no-config", "--format", "json"])
        .args(&names));
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{out}");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1, "{out}");
    assert_eq!(
        v["diagnostics"][0]["file"], "p/v.json",
        "the first naming is shown"
    );
}

/// A symbolic link loop named on the command line is called a loop (and a broken link a
/// broken link); the other file is checked.
#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_called_a_loop() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "v.json", V.as_bytes());
    std::os::unix::fs::symlink("b.json", d.path().join("a.json")).unwrap();
    std::os::unix::fs::symlink("a.json", d.path().join("b.json")).unwrap();
    std::os::unix::fs::symlink("nowhere.json", d.path().join("broken.json")).unwrap();
    let (code, out, _) = run(iamlint().current_dir(d.path()).args([
        "check",
        "--no-config",
        "--format",
        "compact",
        "a.json",
        "broken.json",
        "v.json",
    ]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "a.json:1:1: error[IAM002 unreadable-file] cannot read this file: symbolic link loop"
        ),
        "{out}"
    );
    assert!(
        out.contains("broken.json:1:1: error[IAM002 unreadable-file] cannot read this file: broken symbolic link"),
        "{out}"
    );
    assert!(out.contains("v.json:1:13: error[IAM102"), "{out}");
}

/// A pipe whose reading end is closed before anything is written: its only reader, a
/// child that exits at once, is gone.
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    let mut reader = std::process::Command::new("sh")
        .args(["-c", "exit 0"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

/// Every command whose reader stops early (`| head -1`) ends quietly: no panic, no
/// error message, and the exit code it has when its output is read.
#[cfg(unix)]
#[test]
fn every_command_is_quiet_on_a_closed_pipe() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "v.json", V.as_bytes());
    write(
        d.path(),
        "wide.json",
        br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy/templates/app.yaml");
    let template = template.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", "--no-config", "v.json", "wide.json"],
        vec!["check", "--no-config", "--format", "json", "wide.json"],
        vec!["check", "--no-config", "--format", "sarif", "wide.json"],
        vec!["check", "--no-config", "--format", "html", "wide.json"],
        vec!["expand", "*"],
        vec!["expand", "--format", "json", "s3:*"],
        vec!["expand", "--not", "s3:*"],
        vec!["catalog", "info"],
        vec!["catalog", "show", "s3:GetObject"],
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["explain", "service-wildcard"],
        vec!["managed", "list"],
        vec!["managed", "show", "AdministratorAccess"],
        vec!["references"],
        vec!["inspect", "wide.json"],
        vec!["inspect", "--format", "json", "wide.json"],
        vec!["summarize", "wide.json"],
        vec!["summarize", "--format", "json", "wide.json"],
        vec!["diff", "--reference", "v.json", "wide.json"],
        vec!["tighten", "--reference", "v.json", "wide.json"],
        vec!["deploy-policy", template],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in commands {
        let (expected, _, _) = run(iamlint().current_dir(d.path()).args(&args));
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("iamlint"))
            .current_dir(d.path())
            .env("IAMLINT_TODAY", "2000-01-01")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {err}");
    }
}

/// `--version` names the catalog's data date; `check` notes an embedded catalog more
/// than 180 days old on standard error, in one line, and still checks.
#[test]
fn the_version_names_the_catalog_and_an_old_catalog_is_noted() {
    let catalog = iamlint_catalog::Catalog::embedded();
    let date = catalog.provenance().data_date.clone();
    let (code, out, _) = run(iamlint().arg("--version"));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "iamlint {} (AWS catalog {date})\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "v.json", V.as_bytes());
    let check = |today: &str| {
        run(iamlint()
            .current_dir(d.path())
            .env("IAMLINT_TODAY", today)
            .args(["check", "--no-config", "--format", "compact", "v.json"]))
    };
    let (code, out, err) = check(&date);
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    // 180 days later: not yet; 181: the note
    let later = |days: i64| {
        // the catalog's date plus `days`, by the calendar (no library: day by day)
        let (mut y, mut m, mut dd): (i64, i64, i64) = (
            date[..4].parse().unwrap(),
            date[5..7].parse().unwrap(),
            date[8..].parse().unwrap(),
        );
        for _ in 0..days {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][usize::try_from(m - 1).unwrap()];
            dd += 1;
            if dd > len {
                dd = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        format!("{y:04}-{m:02}-{dd:02}")
    };
    let (_, _, err) = check(&later(180));
    assert_eq!(err, "", "180 days is not too old");
    let (code, out, err) = check(&later(181));
    assert_eq!(code, 1, "the file is still checked");
    assert!(out.contains("v.json:1:13: error[IAM102"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "note: the embedded AWS catalog is 181 days old (data of {date})"
        )),
        "{err}"
    );
}

/// `iamlint rules`: a table whose columns line up, one rule per line, sorted by code.
#[test]
fn the_rules_table_is_aligned_and_sorted_by_code() {
    let (code, out, _) = run(iamlint().arg("rules"));
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    let columns: Vec<usize> = ["code", "name", "group", "severity", "on", "summary"]
        .iter()
        .map(|h| header.find(h).unwrap())
        .collect();
    assert_eq!(columns[0], 0);
    let mut codes = Vec::new();
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in columns.iter().enumerate() {
            assert!(chars[c] != ' ', "column {i} starts at {c}: {line:?}");
            if c > 0 {
                assert!(chars[c - 1] == ' ', "column {i} starts at {c}: {line:?}");
            }
        }
        assert!(!line.ends_with(' '), "{line:?}");
        codes.push(line[..6].to_owned());
    }
    assert!(codes.len() > 50);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

/// A `[[suppress]]` entry without `reason` is reported as a suppression comment without
/// one is (`unused-suppression`, a finding), not as a configuration error; it is not
/// honoured, and the files are checked.
#[test]
fn a_toml_suppression_without_a_reason_is_a_finding() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "iamlint.toml",
        b"[[suppress]]\nfile = \"v.json\"\nrule = \"invalid-version\"\n",
    );
    write(d.path(), "v.json", V.as_bytes());
    write(d.path(), "w.json", V.as_bytes());
    let (code, out, err) = run(iamlint()
        .current_dir(d.path())
        .args(["check", "--format", "compact", "v.json", "w.json"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("v.json:1:1: warning[IAM503 unused-suppression] configuration suppression of `invalid-version` has no reason, so it is not honoured; give it a `reason`"),
        "{out}"
    );
    assert!(
        out.contains("v.json:1:13: error[IAM102"),
        "not honoured: {out}"
    );
    assert!(out.contains("w.json:1:13: error[IAM102"), "{out}");
}
