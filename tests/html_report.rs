#![allow(clippy::unwrap_used)]
//! The HTML report in a real browser: headless Chromium (Debian's `chromium`) opens the
//! page the binary wrote, with its console logged; the page must log nothing (it has no
//! script, and its Content-Security-Policy turns any fetch into a logged violation), the
//! parsed DOM must hold every finding, the principals, the heat map and the escalation
//! graphs, and a screenshot must show the page (size, ink, the header's and the heat
//! map's colours; not pixel-exact).
//!
//! Chromium is required in CI (`.ci/run` installs it); elsewhere the tests say they are
//! skipped when it is missing.

mod tools;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.current_dir(repo()).env_remove("NO_COLOR");
    c
}

fn chromium() -> Option<PathBuf> {
    tools::require_one(
        &["chromium", "chromium-browser"],
        "the HTML report's browser test",
    )
}

/// Run Chromium headless on `page` with `args`, its console logged to stderr; returns
/// (stdout, the console messages).
fn browse(chromium: &Path, page: &Path, args: &[&str]) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Chromium logs console messages (errors, CSP violations, uncaught exceptions) as
    // `[…:INFO:CONSOLE:…] "message", source: …`
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (String::from_utf8(out.stdout).unwrap(), console)
}

/// The HTML and JSON reports of the examples (a role with escalation paths, a policy file).
fn reports(dir: &Path) -> (PathBuf, Value) {
    let html = iamlint()
        .args([
            "check",
            "--no-config",
            "--format",
            "html",
            "fixtures/examples",
        ])
        .output()
        .unwrap();
    assert_eq!(html.status.code(), Some(1));
    let page = dir.join("report.html");
    std::fs::write(&page, &html.stdout).unwrap();
    let json = iamlint()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "fixtures/examples",
        ])
        .output()
        .unwrap();
    (page, serde_json::from_slice(&json.stdout).unwrap())
}

#[test]
fn the_console_check_catches_errors_and_fetches() {
    // the check below would be empty words if it could not fail
    let Some(chromium) = chromium() else { return };
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"></head><body><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let (_, console) = browse(&chromium, &bad, &["--dump-dom"]);
    assert!(
        console.iter().any(|l| l.contains("127.0.0.1:9")),
        "the blocked fetch is logged: {console:#?}"
    );
    let worse = d.path().join("worse.html");
    std::fs::write(
        &worse,
        "<!DOCTYPE html><script>undefinedFunction()</script>",
    )
    .unwrap();
    let (_, console) = browse(&chromium, &worse, &["--dump-dom"]);
    assert!(
        console.iter().any(|l| l.contains("undefinedFunction")),
        "{console:#?}"
    );
}

#[test]
fn the_report_renders_without_console_messages_and_holds_every_part() {
    let Some(chromium) = chromium() else { return };
    let d = tempfile::tempdir().unwrap();
    let (page, json) = reports(d.path());
    let (dom, console) = browse(&chromium, &page, &["--dump-dom"]);
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("<h1>iamlint report</h1>"), "the DOM: {dom}");
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(
        dom.matches("<article class=\"finding ").count(),
        diags.len(),
        "every finding is on the page"
    );
    for d in diags {
        let code = d["code"].as_str().unwrap();
        assert!(dom.contains(&format!(">{code} ")), "{code}");
    }
    // the summary line is the human report's
    let e = json["summary"]["errors"].as_u64().unwrap();
    assert!(dom.contains(&format!("{e} error")), "summary");
    // files and principals
    assert!(dom.contains("fixtures/examples/build-role.yaml"));
    assert!(dom.contains("role <code>BuildRole</code>"));
    assert_eq!(dom.matches("<tr class=\"subject\">").count(), 2);
    // and each one's own heat map
    assert_eq!(dom.matches("<details class=\"subject-heat\">").count(), 2);
    // the heat map: a row per service granted, `iam` among them
    let heat = &dom[dom.find("id=\"heatmap\"").unwrap()..];
    let heat = &heat[..heat.find("</table>").unwrap()];
    assert!(heat.contains("<code>iam</code>"));
    assert!(heat.matches("<tr>").count() > 5, "{heat}");
    // the escalation graphs: one per subject holding a path, with the path's actions
    let graphs = dom.matches("<svg").count();
    assert_eq!(graphs, 2, "the role and the policy file");
    assert!(dom.contains("lambda-001 (new-passrole)"));
    assert!(dom.contains(">iam:PassRole</text>"));
    // snippets: the flagged text is marked
    assert!(dom.contains("<mark>iam:PassRole</mark>"));
}

#[test]
fn screenshot_shows_the_page() {
    let Some(chromium) = chromium() else { return };
    let d = tempfile::tempdir().unwrap();
    let (page, _) = reports(d.path());
    let shot = d.path().join("report.png");
    let (_, console) = browse(
        &chromium,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400",
        ],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    // kept for a person to look at
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    std::fs::copy(&shot, &keep).unwrap();

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2400));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let near = |p: &[u8], rgb: [u8; 3]| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 6);
    let total = pixels.len();
    let ink = pixels.iter().filter(|p| !near(p, [255, 255, 255])).count();
    let header = pixels
        .iter()
        .filter(|p| near(p, [0x24, 0x29, 0x2f]))
        .count();
    let deepest = pixels
        .iter()
        .filter(|p| near(p, [0xc8, 0x1e, 0x28]))
        .count();
    assert!(
        ink * 10 > total,
        "a blank page: {ink} of {total} pixels inked"
    );
    // the header bar spans the width
    assert!(header > 1280 * 40, "header pixels: {header}");
    // the heat map's fully granted cells (the examples grant every s3 action)
    assert!(deepest > 2000, "deep red heat-map pixels: {deepest}");
}

/// Every documented path a `privilege-escalation` finding names is a node of a graph, or
/// named under a graph that holds the most it draws (no browser needed).
#[test]
fn the_graph_draws_every_path_the_findings_name() {
    let run = |format: &str| {
        iamlint()
            .args([
                "check",
                "--no-config",
                "--select",
                "privilege-escalation",
                "--format",
                format,
            ])
            .args(["fixtures/rules/privilege-escalation", "fixtures/examples"])
            .output()
            .unwrap()
            .stdout
    };
    let json: Value = serde_json::from_slice(&run("json")).unwrap();
    let html = String::from_utf8(run("html")).unwrap();
    let is_id = |t: &str| {
        t.rsplit_once('-').is_some_and(|(head, n)| {
            !head.is_empty()
                && head
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && n.len() == 3
                && n.bytes().all(|b| b.is_ascii_digit())
        })
    };
    let diags = json["diagnostics"].as_array().unwrap();
    assert!(diags.len() > 10, "{}", diags.len());
    let mut named = 0;
    for d in diags {
        let mut texts = vec![d["message"].as_str().unwrap()];
        texts.extend(
            d["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap()),
        );
        let ids: Vec<&str> = texts
            .iter()
            .flat_map(|t| t.split('`').skip(1).step_by(2))
            .filter(|t| is_id(t))
            .collect();
        assert!(!ids.is_empty(), "a finding naming no path: {d}");
        for id in ids {
            named += 1;
            let listed = html
                .split("Also granted: ")
                .skip(1)
                .any(|rest| rest[..rest.find('<').unwrap()].split(", ").any(|x| x == id));
            assert!(
                html.contains(&format!(">{id} (")) || listed,
                "path {id} not drawn"
            );
        }
    }
    assert!(named >= diags.len());
    assert!(html.matches("<figure class=\"graph\">").count() >= 2);
}
