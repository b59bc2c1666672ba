//! Snapshots of every format for the shared fixture report.

mod common;

use iamlint_report::{render, Format, RenderOptions, Report};
use std::path::PathBuf;

fn opts() -> RenderOptions {
    RenderOptions {
        color: false,
        summary: true,
        base_dir: Some(PathBuf::from("/work/repo")),
        tool_version: "0.1.0".to_owned(),
    }
}

#[test]
fn human() {
    let out = render(&common::fixture_report(), Format::Human, &opts());
    assert!(!out.contains('\u{1b}'), "no escape codes without colour");
    insta::assert_snapshot!("human", out);
}

#[test]
fn human_color_has_escape_codes_and_same_text() {
    let report = common::fixture_report();
    let plain = render(&report, Format::Human, &opts());
    let colored = render(
        &report,
        Format::Human,
        &RenderOptions {
            color: true,
            ..opts()
        },
    );
    assert!(colored.contains("\u{1b}["));
    // stripping the escape sequences gives back the plain text
    let mut stripped = String::new();
    let mut chars = colored.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(c);
        }
    }
    // ... up to the trailing spaces the plain output trims
    let trimmed: Vec<&str> = stripped.lines().map(str::trim_end).collect();
    assert_eq!(trimmed, plain.lines().collect::<Vec<_>>());
}

#[test]
fn human_empty_report() {
    let report = Report {
        files_checked: 4,
        ..Report::default()
    };
    assert_eq!(
        render(&report, Format::Human, &opts()),
        "no problems found in 4 files\n"
    );
    let no_summary = RenderOptions {
        summary: false,
        ..opts()
    };
    assert_eq!(render(&report, Format::Human, &no_summary), "");
}

#[test]
fn json() {
    insta::assert_snapshot!(
        "json",
        render(&common::fixture_report(), Format::Json, &opts())
    );
}

#[test]
fn sarif() {
    insta::assert_snapshot!(
        "sarif",
        render(&common::fixture_report(), Format::Sarif, &opts())
    );
}

#[test]
fn github() {
    insta::assert_snapshot!(
        "github",
        render(&common::fixture_report(), Format::Github, &opts())
    );
}

#[test]
fn compact() {
    insta::assert_snapshot!(
        "compact",
        render(&common::fixture_report(), Format::Compact, &opts())
    );
}

#[test]
fn junit() {
    insta::assert_snapshot!(
        "junit",
        render(&common::fixture_report(), Format::Junit, &opts())
    );
}

#[test]
fn gitlab() {
    insta::assert_snapshot!(
        "gitlab",
        render(&common::fixture_report(), Format::Gitlab, &opts())
    );
}
