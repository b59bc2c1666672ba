//! One self-contained HTML page: the summary, a table of the files and one of the
//! principals (and documents no principal holds) with what each is granted, a heat map of
//! the actions granted per service and access level, the privilege-escalation paths as
//! SVG graphs, and every finding with its snippet.
//!
//! Nothing is loaded from elsewhere: the styles are inline, there is no script, and the
//! page's Content-Security-Policy forbids every fetch, so a viewer opened from an
//! artifact store or an e-mail shows the same page offline.

mod graph;

use super::xml::{attr, text};
use super::{display_path, help_uri, summary_line, RenderOptions};
use crate::overview::{Overview, ServiceAccess, ACCESS_LEVELS};
use crate::{Diagnostic, Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Services listed in the heat map before the rest is folded away.
const HEAT_SHOWN: usize = 40;
/// Lines of context around a snippet's flagged lines.
const CONTEXT: usize = 2;
/// Flagged lines shown before a snippet is cut.
const MAX_FLAGGED_LINES: usize = 12;

const STYLE: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa;
  --error: #cf222e; --warning: #9a6700; --info: #0969da; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; line-height: 1.45; }
header { background: #24292f; color: #fff; padding: 16px 24px; }
header h1 { margin: 0 0 4px 0; font-size: 22px; }
header p { margin: 0; }
header nav a { color: #c9d1d9; margin-right: 16px; }
main { padding: 8px 24px 32px 24px; max-width: 1400px; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td:not(.n) { overflow-wrap: anywhere; }
th { white-space: nowrap; }
th { background: var(--soft); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: var(--muted); }
.heat td.cell { text-align: center; min-width: 88px; font-variant-numeric: tabular-nums; }
.heat td.na { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eaeef2 4px, #eaeef2 8px); color: var(--muted); }
.legend span { display: inline-block; width: 28px; height: 14px; border: 1px solid var(--line); vertical-align: middle; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 90%; background: var(--soft);
  padding: 0 3px; border-radius: 3px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-size: 12px;
  font-weight: 600; vertical-align: middle; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); }
article.finding { border: 1px solid var(--line); border-left: 4px solid var(--info); border-radius: 4px;
  margin: 12px 0; padding: 8px 12px; }
article.finding.error { border-left-color: var(--error); }
article.finding.warning { border-left-color: var(--warning); }
article.finding h3 { margin: 0; font-size: 15px; }
article.finding p { margin: 4px 0; }
.loc { color: var(--muted); font-size: 13px; }
pre.snippet { background: var(--soft); border: 1px solid var(--line); padding: 6px 0; overflow-x: auto;
  font-size: 13px; margin: 6px 0; }
pre.snippet span.ln { display: inline-block; width: 4em; padding-right: 8px; text-align: right;
  color: var(--muted); user-select: none; }
pre.snippet mark { background: #ffd8d3; border-bottom: 2px solid var(--error); }
figure.graph { margin: 12px 0; border: 1px solid var(--line); border-radius: 4px; padding: 8px; overflow-x: auto; }
figure.graph figcaption { font-weight: 600; margin-bottom: 6px; }
figure.graph svg { max-width: 100%; height: auto; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.muted { color: var(--muted); }
"#;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>iamlint report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>iamlint report</h1>\n");
    let _ = writeln!(out, "<p id=\"summary\">{}</p>", text(&summary_line(report)));
    out.push_str("<nav><a href=\"#files\">Files</a><a href=\"#principals\">Principals</a><a href=\"#access\">Access by service</a><a href=\"#escalation\">Privilege escalation</a><a href=\"#findings\">Findings</a></nav>\n</header>\n<main>\n");
    let anchors = finding_anchors(report);
    files_section(&mut out, report, opts, &anchors);
    let empty = Overview::default();
    let overview = report.overview.as_ref();
    subjects_section(
        &mut out,
        overview.unwrap_or(&empty),
        opts,
        overview.is_some(),
    );
    heat_section(
        &mut out,
        overview.unwrap_or(&empty),
        opts,
        overview.is_some(),
    );
    escalation_section(
        &mut out,
        overview.unwrap_or(&empty),
        opts,
        overview.is_some(),
    );
    findings_section(&mut out, report, opts, &anchors);
    let _ = writeln!(
        out,
        "</main>\n<footer class=\"muted\" style=\"padding: 0 24px 16px 24px\">iamlint {}</footer>\n</body>\n</html>",
        text(&opts.tool_version)
    );
    out
}

/// The anchor of each finding, in report order: `f1`, `f2`, ...
fn finding_anchors(report: &Report) -> Vec<String> {
    (1..=report.diagnostics.len())
        .map(|i| format!("f{i}"))
        .collect()
}

/// `text` with its backticked parts as `<code>`, escaped. An unmatched backtick stays.
fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let unmatched = parts.len() % 2 == 0;
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&text(part));
        } else if unmatched && i == parts.len() - 1 {
            out.push('`');
            out.push_str(&text(part));
        } else {
            let _ = write!(out, "<code>{}</code>", text(part));
        }
    }
    out
}

fn count_cell(n: usize) -> String {
    if n == 0 {
        "<td class=\"n zero\">0</td>".to_owned()
    } else {
        format!("<td class=\"n\">{n}</td>")
    }
}

fn files_section(out: &mut String, report: &Report, opts: &RenderOptions, anchors: &[String]) {
    // file as shown → (errors, warnings, infos, first finding)
    let mut files: BTreeMap<String, ([usize; 3], Option<&str>)> = BTreeMap::new();
    for f in &report.files {
        files.entry(display_path(f, opts)).or_default();
    }
    for (d, anchor) in report.diagnostics.iter().zip(anchors) {
        let e = files.entry(display_path(&d.file.name, opts)).or_default();
        let i = match d.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        e.0[i] += 1;
        e.1.get_or_insert(anchor.as_str());
    }
    out.push_str("<section id=\"files\">\n<h2>Files</h2>\n");
    if files.is_empty() {
        out.push_str("<p class=\"muted\">No file was checked.</p>\n</section>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr><th>file</th><th class=\"n\">errors</th><th class=\"n\">warnings</th><th class=\"n\">infos</th></tr></thead>\n<tbody>\n");
    for (name, (counts, first)) in &files {
        let cell = match first {
            Some(a) => format!("<a href=\"#{a}\"><code>{}</code></a>", text(name)),
            None => format!("<code>{}</code>", text(name)),
        };
        let _ = writeln!(
            out,
            "<tr><td>{cell}</td>{}{}{}</tr>",
            count_cell(counts[0]),
            count_cell(counts[1]),
            count_cell(counts[2])
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn not_computed(out: &mut String) {
    out.push_str("<p class=\"muted\">Not computed for this report.</p>\n</section>\n");
}

fn subjects_section(out: &mut String, o: &Overview, opts: &RenderOptions, computed: bool) {
    out.push_str("<section id=\"principals\">\n<h2>Principals and policies</h2>\n");
    if !computed {
        return not_computed(out);
    }
    if o.subjects.is_empty() {
        out.push_str("<p class=\"muted\">No policy was read.</p>\n</section>\n");
        return;
    }
    out.push_str("<p class=\"muted\">Each user, group and role with every policy it holds (AWS managed ones included, within its permissions boundary), each trust policy and each document no principal holds: the distinct actions granted after unconditional <code>Deny</code>s, by access level.</p>\n");
    out.push_str(
        "<table>\n<thead><tr><th>what</th><th>file</th><th>kind</th><th class=\"n\">actions</th>",
    );
    for l in ACCESS_LEVELS {
        let _ = write!(out, "<th class=\"n\">{}</th>", text(l));
    }
    out.push_str("<th class=\"n\">services</th><th>notes</th></tr></thead>\n<tbody>\n");
    for s in &o.subjects {
        let _ = write!(
            out,
            "<tr class=\"subject\"><td>{}</td><td><code>{}</code></td><td>{}</td>{}",
            inline(&s.label),
            text(&display_path(&s.file, opts)),
            text(&s.kind),
            count_cell(s.actions_granted)
        );
        for n in s.levels {
            out.push_str(&count_cell(n));
        }
        out.push_str(&count_cell(s.services));
        let mut notes: Vec<String> = Vec::new();
        if !s.trusted.is_empty() {
            notes.push(format!("assumed by {}", inline(&s.trusted.join(", "))));
        }
        for i in &s.incomplete {
            notes.push(format!("incomplete: {}", inline(i)));
        }
        let _ = writeln!(out, "<td>{}</td></tr>", notes.join("<br>"));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The background of a heat-map cell: white to deep red with the share granted.
fn heat_color(granted: usize, total: usize) -> String {
    if granted == 0 || total == 0 {
        return "#ffffff".to_owned();
    }
    #[allow(clippy::cast_precision_loss)]
    let share = (granted as f64 / total as f64).clamp(0.0, 1.0);
    // a single action stands out already; all of them is the deepest shade
    let t = 0.2 + 0.8 * share;
    let mix = |from: f64, to: f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = (from + (to - from) * t).round() as u8;
        v
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(255.0, 200.0),
        mix(255.0, 30.0),
        mix(255.0, 40.0)
    )
}

/// Dark text on light cells, light text on dark ones.
fn heat_text(granted: usize, total: usize) -> &'static str {
    if total > 0 && granted * 2 > total {
        "#ffffff"
    } else {
        "#1f2328"
    }
}

fn heat_row(out: &mut String, s: &ServiceAccess) {
    let _ = write!(
        out,
        "<tr><th title=\"{}\"><code>{}</code></th>",
        attr(&s.name),
        text(&s.service)
    );
    for (g, t) in s.granted.iter().zip(&s.total) {
        if *t == 0 {
            out.push_str(
                "<td class=\"cell na\" title=\"the service has no action at this level\">–</td>",
            );
        } else {
            let _ = write!(
                out,
                "<td class=\"cell\" style=\"background:{};color:{}\" title=\"{g} of {t}\">{g}</td>",
                heat_color(*g, *t),
                heat_text(*g, *t)
            );
        }
    }
    let total: usize = s.total.iter().sum();
    let _ = writeln!(
        out,
        "<td class=\"n\">{} / {total}</td></tr>",
        s.granted_total()
    );
}

/// The heat-map table of `rows` (most granted first), the rows past [`HEAT_SHOWN`] folded.
fn heat_table(out: &mut String, rows: &[ServiceAccess], id: Option<&str>) {
    let mut rows: Vec<&ServiceAccess> = rows.iter().filter(|s| s.granted_total() > 0).collect();
    rows.sort_by(|a, b| {
        b.granted_total()
            .cmp(&a.granted_total())
            .then_with(|| a.service.cmp(&b.service))
    });
    let head = {
        let mut h = String::from("<thead><tr><th>service</th>");
        for l in ACCESS_LEVELS {
            let _ = write!(h, "<th>{}</th>", text(l));
        }
        h.push_str("<th class=\"n\">granted</th></tr></thead>\n");
        h
    };
    match id {
        Some(id) => {
            let _ = writeln!(out, "<table class=\"heat\" id=\"{id}\">");
        }
        None => out.push_str("<table class=\"heat\">\n"),
    }
    out.push_str(&head);
    out.push_str("<tbody>\n");
    for s in rows.iter().take(HEAT_SHOWN) {
        heat_row(out, s);
    }
    out.push_str("</tbody>\n</table>\n");
    if rows.len() > HEAT_SHOWN {
        let _ = writeln!(
            out,
            "<details><summary>{} more services</summary>\n<table class=\"heat\">",
            rows.len() - HEAT_SHOWN
        );
        out.push_str(&head);
        out.push_str("<tbody>\n");
        for s in rows.iter().skip(HEAT_SHOWN) {
            heat_row(out, s);
        }
        out.push_str("</tbody>\n</table>\n</details>\n");
    }
}

fn heat_section(out: &mut String, o: &Overview, opts: &RenderOptions, computed: bool) {
    out.push_str("<section id=\"access\">\n<h2>Access by service</h2>\n");
    if !computed {
        return not_computed(out);
    }
    let granted = o.services.iter().filter(|s| s.granted_total() > 0).count();
    if granted == 0 {
        out.push_str("<p class=\"muted\">No action of the catalog is granted.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"muted\">The actions granted to some principal or by some policy above, per service and access level (a cell: actions granted; its shade: the share of the service's actions at that level). {granted} services.</p>"
    );
    out.push_str("<p class=\"legend muted\">none <span style=\"background:#ffffff\"></span> one <span style=\"background:");
    out.push_str(&heat_color(1, 100));
    out.push_str("\"></span> half <span style=\"background:");
    out.push_str(&heat_color(1, 2));
    out.push_str("\"></span> all <span style=\"background:");
    out.push_str(&heat_color(1, 1));
    out.push_str("\"></span></p>\n");
    heat_table(out, &o.services, Some("heatmap"));
    let each: Vec<_> = o
        .subjects
        .iter()
        .filter(|s| !s.by_service.is_empty())
        .collect();
    if !each.is_empty() {
        out.push_str("<h3>Each principal and policy</h3>\n");
        for s in each {
            let _ = writeln!(
                out,
                "<details class=\"subject-heat\"><summary>{} <span class=\"muted\">in <code>{}</code>: {} of {}</span></summary>",
                inline(&s.label),
                text(&display_path(&s.file, opts)),
                super::plural(s.actions_granted, "action", "actions"),
                super::plural(s.by_service.len(), "service", "services")
            );
            heat_table(out, &s.by_service, None);
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>\n");
}

fn escalation_section(out: &mut String, o: &Overview, opts: &RenderOptions, computed: bool) {
    out.push_str("<section id=\"escalation\">\n<h2>Privilege-escalation paths</h2>\n");
    if !computed {
        return not_computed(out);
    }
    if o.escalations.is_empty() {
        out.push_str("<p class=\"muted\">No documented privilege-escalation path is granted (rule <code>privilege-escalation</code>).</p>\n</section>\n");
        return;
    }
    out.push_str("<p class=\"muted\">From the <code>privilege-escalation</code> findings: who holds the path, the actions it takes in order, and the documented path they complete.</p>\n");
    for (i, e) in o.escalations.iter().enumerate() {
        let _ = writeln!(
            out,
            "<figure class=\"graph\">\n<figcaption>{} <span class=\"muted\">in <code>{}</code>: {}</span></figcaption>",
            inline(&e.subject),
            text(&display_path(&e.file, opts)),
super::plural(e.paths.len(), "path", "paths")
        );
        out.push_str(&graph::svg(e, i));
        out.push_str("</figure>\n");
    }
    out.push_str("</section>\n");
}

fn findings_section(out: &mut String, report: &Report, opts: &RenderOptions, anchors: &[String]) {
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if report.diagnostics.is_empty() {
        out.push_str("<p>No problems found.</p>\n</section>\n");
        return;
    }
    for (d, anchor) in report.diagnostics.iter().zip(anchors) {
        finding(out, report, d, anchor, opts);
    }
    out.push_str("</section>\n");
}

fn finding(out: &mut String, report: &Report, d: &Diagnostic, anchor: &str, opts: &RenderOptions) {
    let sev = d.severity.as_str();
    let (start, _) = d.range();
    let _ = writeln!(
        out,
        "<article class=\"finding {sev}\" id=\"{anchor}\">\n<h3><span class=\"badge {sev}\">{sev}</span> <a href=\"{}\">{} {}</a></h3>",
        attr(&help_uri(report, d)),
        text(d.code),
        text(d.name)
    );
    let mut loc = format!(
        "<code>{}:{}:{}</code>",
        text(&display_path(&d.file.name, opts)),
        start.line,
        start.column
    );
    if !d.path.is_empty() {
        let _ = write!(loc, " · <code>{}</code>", text(&d.path));
    }
    let _ = writeln!(out, "<p class=\"loc\">{loc}</p>");
    let _ = writeln!(out, "<p class=\"msg\">{}</p>", inline(&d.message));
    if let Some(p) = &d.primary {
        snippet(out, d, p.span.start, p.span.end);
    }
    if !d.secondary.is_empty() {
        out.push_str("<ul class=\"secondary\">\n");
        for l in &d.secondary {
            let at = d.file.line_col(l.span.start);
            let _ = writeln!(
                out,
                "<li><code>{}:{}</code> {}</li>",
                at.line,
                at.column,
                inline(&l.message)
            );
        }
        out.push_str("</ul>\n");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "<p class=\"help\"><b>help:</b> {}</p>", inline(h));
    }
    for n in &d.notes {
        let _ = writeln!(out, "<p class=\"note\"><b>note:</b> {}</p>", inline(n));
    }
    out.push_str("</article>\n");
}

/// The lines around `start..end` with line numbers, the flagged text marked. Lines are
/// found with the file's line index, and a line longer than `LONG_LINE` characters is
/// shown in windows around the flagged text's edges with `…` where text was left out, so
/// a snippet's size does not depend on the file's (a finding on a 10 MB one-line policy
/// copied the whole line before).
fn snippet(out: &mut String, d: &Diagnostic, start: u32, end: u32) {
    let src = d.file.text.as_str();
    if src.is_empty() || d.file.is_text_dropped() {
        return;
    }
    let range = super::clamp_range(src, start, end);
    let index = &d.file.line_index;
    // lines as `split_inclusive('\n')` counts them: no empty line after a final break
    let count = index.line_count() - usize::from(src.ends_with('\n'));
    let line_of = |pos: usize| {
        index
            .line_of(u32::try_from(pos).unwrap_or(u32::MAX))
            .min(count.saturating_sub(1))
    };
    let bounds = |i: usize| {
        let ls = (index.line_start(i) as usize).min(src.len());
        let next = if i + 1 < index.line_count() {
            (index.line_start(i + 1) as usize).clamp(ls, src.len())
        } else {
            src.len()
        };
        let body = src
            .get(ls..next)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        (ls, ls + body.len())
    };
    let first = line_of(range.start);
    let last = line_of(range.end.saturating_sub(1).max(range.start));
    let cut = last.saturating_sub(first) >= MAX_FLAGGED_LINES;
    let shown_last = if cut {
        first + MAX_FLAGGED_LINES - 1
    } else {
        last
    };
    let from = first.saturating_sub(CONTEXT);
    let to = (shown_last + CONTEXT).min(count.saturating_sub(1));
    out.push_str("<pre class=\"snippet\">");
    for i in from..=to {
        let (ls, le) = bounds(i);
        let body = src.get(ls..le).unwrap_or("");
        let _ = write!(out, "<span class=\"ln\">{}</span>", i + 1);
        let ms = range.start.clamp(ls, le);
        let me = range.end.clamp(ls, le);
        let marked = i >= first && i <= shown_last && (ms < me || (range.is_empty() && i == first));
        let windows = if super::is_long_line(body) {
            super::line_windows(body, [ms - ls, me - ls].into_iter())
        } else {
            std::iter::once(0..body.len()).collect()
        };
        for (k, w) in windows.iter().enumerate() {
            if k > 0 || w.start > 0 {
                out.push('…');
            }
            let (ws, we) = (ls + w.start, ls + w.end);
            if marked && ms < me && ms < we && me > ws {
                let (a, b) = (ms.max(ws), me.min(we));
                out.push_str(&text(src.get(ws..a).unwrap_or("")));
                out.push_str("<mark>");
                out.push_str(&text(src.get(a..b).unwrap_or("")));
                out.push_str("</mark>");
                out.push_str(&text(src.get(b..we).unwrap_or("")));
            } else {
                out.push_str(&text(src.get(ws..we).unwrap_or("")));
            }
        }
        if windows.last().is_some_and(|w| w.end < body.len()) {
            out.push('…');
        }
        out.push('\n');
        if cut && i == shown_last {
            let _ = writeln!(
                out,
                "<span class=\"ln\">…</span><span class=\"muted\">{} more flagged lines</span>",
                last - shown_last
            );
        }
    }
    out.push_str("</pre>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_spans() {
        assert_eq!(inline("a `b<c` d"), "a <code>b&lt;c</code> d");
        assert_eq!(inline("odd ` tick"), "odd ` tick");
        assert_eq!(inline("`x` and `y"), "<code>x</code> and `y");
    }

    #[test]
    fn heat_shades_grow_with_the_share() {
        assert_eq!(heat_color(0, 10), "#ffffff");
        let light = heat_color(1, 100);
        let dark = heat_color(100, 100);
        assert_ne!(light, dark);
        assert_eq!(dark, "#c81e28");
        assert_eq!(heat_text(100, 100), "#ffffff");
        assert_eq!(heat_text(1, 100), "#1f2328");
    }
}
