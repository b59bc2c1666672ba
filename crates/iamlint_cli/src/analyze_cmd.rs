//! `diff`, `summarize`, `tighten` and `references`: the least-privilege analyzer's commands.
//!
//! Each answers per principal (a user, group or role with every policy it holds, AWS
//! managed ones included, and its permissions boundary), per trust policy and per
//! document no principal holds: documents of different principals or kinds are never
//! pooled. `--principal NAME` picks one principal.

use iamlint_analyzer::{Analyzed, Diff, RiskData, Subject, SubjectOf, Summary, VarTable};
use iamlint_catalog::Catalog;
use iamlint_formats::LoadOptions;
use iamlint_policy::{FileKind, PolicyKind};
use iamlint_report::{Diagnostic, Report, Severity, SourceFile};
use iamlint_rules::rules::exceeds_reference::{excess_findings, ExceedsReference};
use iamlint_rules::{Reference, RuleData};
use iamlint_semantic::Semantic;
use std::path::Path;
use std::process::ExitCode;

/// `1 action`, `1,234 actions`.
fn plural(n: usize, one: &str, many: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {}", if n == 1 { one } else { many })
}

/// The curated data of `rules/` for `catalog`.
pub fn rule_data(catalog: &Catalog) -> RuleData<'_> {
    RuleData::new(catalog)
}

/// The semantic layer of an analyzer run: attached AWS managed policies resolve against
/// the embedded snapshot.
fn semantic(catalog: &Catalog) -> Semantic<'_> {
    Semantic::with_managed(catalog, iamlint_managed::ManagedPolicies::embedded())
}

fn read(path: &Path, opts: &LoadOptions) -> Result<(String, String), String> {
    let name = path.display().to_string();
    if name == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        let text = iamlint_formats::bytes_to_text(bytes).map_err(|e| format!("`-`: {e}"))?;
        return Ok((name, text));
    }
    let text = iamlint_formats::read_text(path, opts.max_file_size)
        .map_err(|e| format!("`{name}`: {e}"))?;
    Ok((name, text))
}

/// Read, load and analyze a file that must hold a policy or a principal.
fn analyze<'s>(
    semantic: &'s Semantic<'s>,
    path: &Path,
    opts: &LoadOptions,
) -> Result<Analyzed<'s>, String> {
    let (name, text) = read(path, opts)?;
    let file = iamlint_formats::load_text(&name, &text, opts);
    if file.kind == FileKind::Unparsed {
        let message = file
            .syntax_errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "syntax error".into());
        return Err(format!("`{name}` could not be parsed: {message}"));
    }
    if file.documents.is_empty() && file.principals.is_empty() {
        return Err(format!("`{name}` holds no policy document"));
    }
    Ok(Analyzed::new(semantic, &name, &text, file))
}

/// The subjects of a file: one principal's (`--principal`), or every one.
fn subjects(
    a: &Analyzed<'_>,
    principal: Option<&str>,
    vars: &mut VarTable,
) -> Result<Vec<Subject>, String> {
    match principal {
        Some(p) => Ok(a.principal_subjects(a.find_principal(p)?, vars)),
        None => Ok(a.subjects(vars)),
    }
}

/// How a verdict names a subject: the file for a whole-file policy, else the subject
/// and its file.
fn subject_name(a: &Analyzed<'_>, s: &Subject) -> String {
    match s.of {
        SubjectOf::Document(d)
            if a.file
                .documents
                .get(d)
                .is_some_and(|d| d.origin.path.is_empty()) =>
        {
            format!("`{}`", a.name)
        }
        _ => format!("{} in `{}`", s.label, a.name),
    }
}

/// Diagnostics for every excess of a diff, as `exceeds-reference` reports them.
pub fn diagnostics(
    catalog: &Catalog,
    diff: &Diff,
    source: &std::sync::Arc<SourceFile>,
) -> Vec<Diagnostic> {
    let help =
        "remove the extra grants, or run `iamlint tighten` for a policy within the reference";
    excess_findings(catalog, diff, help)
        .into_iter()
        .map(|f| iamlint_rules::diagnostic(&ExceedsReference::INFO, Severity::Error, source, f))
        .collect()
}

/// `iamlint diff --reference REF [--principal NAME] POLICY`: every grant of each
/// principal (or document) beyond the reference; exit 1 when there is any, 0 when all
/// are within it. Permissions are compared with the reference's permissions, trust
/// policies with its trust policy only.
pub fn diff(
    catalog: &Catalog,
    reference: &str,
    policy: &Path,
    principal: Option<&str>,
    json: bool,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let semantic = &semantic(catalog);
    let data = &rule_data(catalog);
    let r = Reference::load(semantic, data, reference, &opts.vars, opts.max_file_size)?;
    let a = analyze(semantic, policy, opts)?;
    let mut vars = r.vars().clone();
    let mut compared: Vec<(Subject, Diff)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for s in subjects(&a, principal, &mut vars)? {
        match r.for_kind(s.kind) {
            Some(against) => {
                let d = iamlint_analyzer::diff(catalog, &s.policy, against, &vars);
                compared.push((s, d));
            }
            None => skipped.push(format!(
                "{} is a {} policy and the reference `{}` has none: not compared",
                subject_name(&a, &s),
                s.kind.as_str(),
                r.name()
            )),
        }
    }
    if compared.is_empty() {
        return Err(format!(
            "nothing in `{}` compares with the reference `{}`: {}",
            a.name,
            r.name(),
            skipped.join("; ")
        ));
    }
    let within = compared.iter().all(|(_, d)| d.within_reference);
    if json {
        let mut values: Vec<serde_json::Value> = compared
            .iter()
            .map(|(s, d)| {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                if let serde_json::Value::Object(m) = &mut v {
                    if !matches!(s.of, SubjectOf::Document(_)) || compared.len() > 1 {
                        m.insert("subject".into(), serde_json::Value::from(s.label.clone()));
                    }
                    if !s.incomplete.is_empty() {
                        m.insert("incomplete".into(), serde_json::json!(s.incomplete));
                    }
                }
                v
            })
            .collect();
        let doc = if values.len() == 1 {
            values.pop().unwrap_or_default()
        } else {
            serde_json::Value::Array(values)
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
        );
    } else {
        let mut report = Report {
            files_checked: 1,
            ..Report::default()
        };
        for (s, d) in &compared {
            let mut diags = diagnostics(catalog, d, &a.source);
            if s.principal().is_some() {
                for g in &mut diags {
                    g.notes.push(format!(
                        "compared as part of {}, with every policy it holds",
                        s.label
                    ));
                }
            }
            report.diagnostics.extend(diags);
        }
        report.sort();
        let out = iamlint_report::render(
            &report,
            iamlint_report::Format::Human,
            &iamlint_report::RenderOptions {
                summary: false,
                ..Default::default()
            },
        );
        out!("{out}");
        for (s, d) in &compared {
            for n in &d.notes {
                outln!("note: {}:{}:{}: {}", n.file, n.line, n.column, n.message);
            }
            for i in &s.incomplete {
                outln!("note: {} is incomplete: {i}", s.label);
            }
        }
        for i in r.incomplete() {
            outln!("note: the reference `{}` is incomplete: {i}", r.name());
        }
        for n in &skipped {
            outln!("note: {n}");
        }
        for (s, d) in &compared {
            let who = subject_name(&a, s);
            if d.within_reference {
                outln!("{who} is within the reference `{}`", r.name());
            } else {
                let possible = d.excess.iter().filter(|e| e.possible).count();
                outln!(
                    "{who} grants beyond the reference `{}`: {} excess grant{}{}",
                    r.name(),
                    d.excess.len(),
                    if d.excess.len() == 1 { "" } else { "s" },
                    if possible > 0 {
                        format!(" ({possible} possible)")
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    Ok(if within {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The curated risk lists of `rules/`.
pub fn risk_data(data: &RuleData<'_>) -> RiskData {
    let s = data.sensitive();
    RiskData {
        escalation_paths: data
            .escalation_paths()
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.actions.clone()))
            .collect(),
        credentials: s
            .credentials_exposure
            .actions
            .iter()
            .map(|a| a.action.clone())
            .collect(),
        exfiltration: s
            .data_exfiltration
            .actions
            .iter()
            .map(|a| a.action.clone())
            .collect(),
    }
}

/// The summaries of one file: each principal (its permissions, who may assume it), and
/// each document no principal holds.
fn file_summaries(
    catalog: &Catalog,
    a: &Analyzed<'_>,
    principal: Option<&str>,
    risks: &iamlint_analyzer::RiskSets,
    sink: &mut dyn FnMut(Summary),
) -> Result<(), String> {
    let mut vars = VarTable::default();
    // one subject at a time, each summary handed on when the next one starts: an account
    // dump's thousands of roles are never held as policies or summaries all at once. The
    // summary waiting is its principal's, so that the trust policy (the subject after it)
    // can add who may assume the role.
    let mut pending: Option<(Option<usize>, Summary)> = None;
    let mut add = |s: Subject| {
        let whole_file = matches!(s.of, SubjectOf::Document(d)
            if a.file.documents.get(d).is_some_and(|d| d.origin.path.is_empty()));
        if let SubjectOf::Trust(i) = s.of {
            if let Some((_, owner)) = pending.as_mut().filter(|(p, _)| *p == Some(i)) {
                let t = iamlint_analyzer::summarize_with(catalog, &s.policy, risks);
                owner.trusted = t.trusted;
                owner.instance_profiles = s.instance_profiles;
                return;
            }
        }
        let mut sum = iamlint_analyzer::summarize_with(catalog, &s.policy, risks);
        if !whole_file {
            sum.subject = Some(s.label.clone());
        }
        if s.kind != PolicyKind::Trust || sum.kind != "trust" {
            sum.kind = s.kind.as_str().to_string();
        }
        let owner = s.principal();
        sum.policies = s.policies;
        sum.incomplete = s.incomplete;
        sum.instance_profiles = s.instance_profiles;
        if let Some((_, done)) = pending.replace((owner, sum)) {
            sink(done);
        }
    };
    match principal {
        Some(p) => {
            for s in a.principal_subjects(a.find_principal(p)?, &mut vars) {
                add(s);
            }
        }
        None => a.for_each_subject(&mut vars, &mut add),
    }
    if let Some((_, done)) = pending {
        sink(done);
    }
    Ok(())
}

/// Standard output for a stream of summaries: buffered, quiet on a closed pipe (a reader
/// that stops early is not an error), any other write error kept for the end.
struct SummaryOut {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
    /// JSON: the first summary, held until a second one says the output is an array.
    first: Option<Summary>,
    written: usize,
    error: Option<std::io::Error>,
}

/// serde_json's pretty layout (two spaces an indentation level), starting `level` levels
/// in: a summary written as an element of the array, in the array's layout, straight
/// into the output.
struct PrettyAt {
    level: usize,
    has_value: bool,
}

impl PrettyAt {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for PrettyAt {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

impl SummaryOut {
    fn new(json: bool) -> SummaryOut {
        SummaryOut {
            w: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            json,
            first: None,
            written: 0,
            error: None,
        }
    }

    fn put(&mut self, text: &str) {
        use std::io::Write;
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(text.as_bytes()) {
                self.error = Some(e);
            }
        }
    }

    /// Write `s` as JSON, `level` indentation levels in.
    fn put_json(&mut self, s: &Summary, level: usize) {
        use serde::Serialize;
        if self.error.is_some() {
            return;
        }
        let formatter = PrettyAt {
            level,
            has_value: false,
        };
        let mut ser = serde_json::Serializer::with_formatter(&mut self.w, formatter);
        if let Err(e) = s.serialize(&mut ser) {
            self.error = Some(e.into());
        }
    }

    fn summary(&mut self, s: Summary) {
        if !self.json {
            let mut text = String::new();
            write_summary(&mut text, &s);
            self.put(&text);
            return;
        }
        self.written += 1;
        if self.written == 1 {
            self.first = Some(s);
            return;
        }
        if let Some(first) = self.first.take() {
            self.put("[\n  ");
            self.put_json(&first, 1);
        }
        self.put(",\n  ");
        self.put_json(&s, 1);
    }

    /// Close the output (the JSON array, or the one summary as an object).
    fn finish(mut self) -> Result<(), String> {
        use std::io::Write;
        if self.json {
            match self.first.take() {
                Some(one) => self.put_json(&one, 0),
                None if self.written == 0 => self.put("[]"),
                None => self.put("\n]"),
            }
            self.put("\n");
        }
        let flushed = self.w.flush();
        match self.error.take().map_or(flushed, Err) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(format!("cannot write the output: {e}"))
            }
            _ => Ok(()),
        }
    }
}

/// `iamlint summarize [--principal NAME] POLICY...`.
pub fn summarize(
    catalog: &Catalog,
    paths: &[std::path::PathBuf],
    principal: Option<&str>,
    json: bool,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let risks = iamlint_analyzer::RiskSets::new(catalog, &risk_data(&rule_data(catalog)));
    let semantic = &semantic(catalog);
    // each summary is written as soon as it is complete (20 MB of JSON for an account
    // dump of 5,000 roles is never held, nor are the summaries behind it)
    let mut out = SummaryOut::new(json);
    let mut result = Ok(());
    for path in paths {
        result = analyze(semantic, path, opts)
            .and_then(|a| file_summaries(catalog, &a, principal, &risks, &mut |s| out.summary(s)));
        if result.is_err() {
            break;
        }
    }
    // what was written stays well-formed (a JSON array closed) before an error is told
    out.finish()?;
    result.map(|()| ExitCode::SUCCESS)
}

fn write_summary(out: &mut String, s: &Summary) {
    use std::fmt::Write;
    let what = match &s.subject {
        Some(subject) => format!("{}: {subject}", s.file),
        None => s.file.clone(),
    };
    if s.kind == "trust" {
        let _ = writeln!(out, "{what}: trust policy");
    } else {
        let _ = writeln!(
            out,
            "{what}: {} granted",
            plural(s.actions_granted, "action", "actions")
        );
    }
    if !s.policies.is_empty() {
        let _ = writeln!(out, "  policies: {}", s.policies.join(", "));
    }
    for i in &s.incomplete {
        let _ = writeln!(out, "  incomplete, not counted: {i}");
    }
    if !s.services.is_empty() {
        let _ = writeln!(
            out,
            "  {:<22} {:>9}  {:<40} risks",
            "service", "actions", "access levels"
        );
    }
    for svc in &s.services {
        let levels = svc
            .access_levels
            .iter()
            .map(|(l, n)| format!("{n} {l}"))
            .collect::<Vec<_>>()
            .join(", ");
        let risks = svc
            .risks
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "  {:<22} {:>4}/{:<4}  {:<40} {}",
            svc.service, svc.actions_granted, svc.actions_total, levels, risks
        );
        let _ = writeln!(out, "      on: {}", svc.resources.join(", "));
        if !svc.granted_by.is_empty() {
            let _ = writeln!(out, "      by: {}", svc.granted_by.join(", "));
        }
        if !svc.conditions.is_empty() {
            let mut c = svc.conditions.join("; or ");
            if svc.unconditional {
                c.push_str("; and without conditions");
            }
            let _ = writeln!(out, "      when: {c}");
        }
        for d in &svc.possibly_denied {
            let _ = writeln!(out, "      possibly denied: {d}");
        }
    }
    for p in &s.escalation_paths {
        let _ = writeln!(out, "  privilege escalation path fully granted: {p}");
    }
    if !s.unresolved_actions.is_empty() {
        let _ = writeln!(
            out,
            "  not counted (unknown values or not in the catalog): {}",
            s.unresolved_actions.join(", ")
        );
    }
    for t in &s.trusted {
        let who = if t.except {
            format!("everyone but {} `{}`", t.principal_type, t.principal)
        } else {
            format!("{} `{}`", t.principal_type, t.principal)
        };
        let verb = if t.effect == "Deny" { "may not" } else { "may" };
        let when = if t.conditions.is_empty() {
            String::new()
        } else {
            format!(" when {}", t.conditions.join(" and "))
        };
        let actions: Vec<String> = t.actions.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(out, "  trusted: {who} {verb} {}{when}", actions.join(", "));
    }
    for ip in &s.instance_profiles {
        let _ = writeln!(
            out,
            "  instance profile: {ip} (EC2 instances launched with it act as the role)"
        );
    }
}

/// `iamlint tighten --reference REF [--principal NAME] POLICY`: the intersection as a
/// policy, in the policy's syntax. One principal or document at a time: with several
/// comparable subjects, `--principal` chooses.
pub fn tighten(
    catalog: &Catalog,
    reference: &str,
    policy: &Path,
    principal: Option<&str>,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let semantic = &semantic(catalog);
    let data = &rule_data(catalog);
    let r = Reference::load(semantic, data, reference, &opts.vars, opts.max_file_size)?;
    let a = analyze(semantic, policy, opts)?;
    let mut vars = r.vars().clone();
    let mut comparable: Vec<(Subject, &iamlint_analyzer::Policy)> =
        subjects(&a, principal, &mut vars)?
            .into_iter()
            .filter_map(|s| r.for_kind(s.kind).map(|against| (s, against)))
            .collect();
    // a role's permissions and its trust policy are two policies: with nothing in one of
    // them, the other; with something in both, the permissions (a trust reference
    // tightens the trust policy)
    comparable.retain(|(s, _)| !s.policy.statements.is_empty());
    if comparable.len() == 2 && comparable[0].0.principal() == comparable[1].0.principal() {
        if let Some(trust) = comparable
            .iter()
            .position(|(s, _)| s.kind == PolicyKind::Trust)
        {
            let (t, _) = comparable.remove(trust);
            eprintln!(
                "note: {} is not tightened here: give a trust policy as the reference for it",
                t.label
            );
        }
    }
    let (s, against) = match comparable.len() {
        0 => {
            return Err(format!(
                "nothing in `{}` compares with the reference `{}` (a trust policy compares only with a trust reference)",
                a.name,
                r.name()
            ))
        }
        1 => comparable.remove(0),
        _ => {
            let labels: Vec<String> = comparable.iter().map(|(s, _)| s.label.clone()).collect();
            return Err(format!(
                "`{}` holds {} policies to tighten ({}): choose a principal with `--principal NAME`",
                a.name,
                labels.len(),
                labels.join(", ")
            ));
        }
    };
    let t = iamlint_analyzer::tighten(catalog, &s.policy, against, &vars);
    for n in &t.notes {
        eprintln!("note: {n}");
    }
    if t.is_empty() {
        if t.notes.is_empty() {
            eprintln!(
                "error: {} and the reference `{}` allow nothing in common: no policy to write",
                subject_name(&a, &s),
                r.name()
            );
        } else {
            eprintln!(
                "error: what {} and the reference `{}` allow in common cannot be written as a policy (the notes above say where): no policy to write",
                subject_name(&a, &s),
                r.name()
            );
        }
        return Ok(ExitCode::from(1));
    }
    out!("{}", t.render(a.file.syntax));
    Ok(ExitCode::SUCCESS)
}

/// `iamlint references`: the built-in reference policies and principals.
pub fn references(catalog: &Catalog, json: bool) -> Result<ExitCode, String> {
    let data = rule_data(catalog);
    let refs = data.references();
    let principals = data.reference_principals();
    if json {
        let mut v: Vec<serde_json::Value> = refs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "reference": format!("builtin:{}", r.name),
                    "kind": kind_str(r.kind),
                    "title": r.title,
                    "source": r.source,
                    "placeholders": r.placeholders,
                })
            })
            .collect();
        v.extend(principals.iter().map(|p| {
            serde_json::json!({
                "name": p.name,
                "reference": format!("builtin:{}", p.name),
                "kind": p.principal,
                "principal_name": p.principal_name,
                "title": p.title,
                "source": p.source,
                "policies": p.policies,
                "managed": p.managed,
                "trust": p.trust,
                "unpublished": p.unpublished,
            })
        }));
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for r in refs {
        outln!("builtin:{:<45} {:<9} {}", r.name, kind_str(r.kind), r.title);
    }
    for p in principals {
        outln!("builtin:{:<45} {:<9} {}", p.name, p.principal, p.title);
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_str(k: iamlint_rules::data::ReferenceKind) -> &'static str {
    match k {
        iamlint_rules::data::ReferenceKind::Identity => "identity",
        iamlint_rules::data::ReferenceKind::Trust => "trust",
    }
}
