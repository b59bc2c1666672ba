//! Running the rules over one file.

use crate::context::{Budget, DocContext, FileContext, Finding, Sink};
use crate::data::RuleData;
use crate::reference::Reference;
use crate::registry::all_rules;
use crate::suppress::{self, ConfigSuppression};
use crate::{Rule, RuleInput};
use iamlint_formats::ReadError;
use iamlint_policy::PolicyFile;
use iamlint_report::{Diagnostic, Label, RuleInfo, Severity, SourceFile};
use iamlint_semantic::Semantic;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Which rules run, and at what severity.
#[derive(Clone, Debug, Default)]
pub struct RuleSelection {
    /// `--select`: codes, code prefixes (`IAM2`) or names. Empty: the rules enabled by
    /// default. `ALL` selects every rule.
    pub select: Vec<String>,
    /// `--ignore`: codes, prefixes or names.
    pub ignore: Vec<String>,
    /// Config `enable`: rules turned on in addition to the defaults.
    pub enable: Vec<String>,
    /// Severity overrides by code or name.
    pub severity: BTreeMap<String, Severity>,
    /// Inputs given to the check (a reference policy): the rules that compare with them
    /// are turned on, as by `enable`.
    pub inputs: Vec<RuleInput>,
    /// How many findings one file may report before its check stops
    /// (`too-many-findings`); `None`: the default, 10,000.
    pub max_findings_per_file: Option<usize>,
}

fn matches_selector(info: &RuleInfo, sel: &str) -> bool {
    sel.eq_ignore_ascii_case("ALL")
        || sel == info.name
        || info.code.eq_ignore_ascii_case(sel)
        || (sel.len() < info.code.len()
            && info
                .code
                .to_ascii_uppercase()
                .starts_with(&sel.to_ascii_uppercase()))
}

impl RuleSelection {
    pub fn is_enabled(&self, info: &RuleInfo) -> bool {
        let by_input = || {
            !self.inputs.is_empty()
                && all_rules()
                    .iter()
                    .find(|r| r.info().code == info.code)
                    .and_then(|r| r.input())
                    .is_some_and(|i| self.inputs.contains(&i))
        };
        let selected = if self.select.is_empty() {
            info.enabled_by_default
                || self.enable.iter().any(|s| matches_selector(info, s))
                || by_input()
        } else {
            self.select.iter().any(|s| matches_selector(info, s))
        };
        selected && !self.ignore.iter().any(|s| matches_selector(info, s))
    }

    /// Whether `--ignore` (or the configuration's `ignore`) names the rule.
    pub fn is_ignored(&self, info: &RuleInfo) -> bool {
        self.ignore.iter().any(|s| matches_selector(info, s))
    }

    pub fn severity_of(&self, info: &RuleInfo) -> Severity {
        self.severity
            .get(info.code)
            .or_else(|| self.severity.get(info.name))
            .copied()
            .unwrap_or(info.default_severity)
    }

    /// The rules that run.
    pub fn rules(&self) -> Vec<&'static dyn Rule> {
        let mut rules = Vec::with_capacity(all_rules().len());
        rules.extend(
            all_rules()
                .iter()
                .copied()
                .filter(|r| self.is_enabled(r.info())),
        );
        rules
    }

    /// Selectors that name no rule (typos in `--select`/config), for a usage error.
    pub fn unknown_selectors(&self) -> Vec<String> {
        self.select
            .iter()
            .chain(&self.ignore)
            .chain(&self.enable)
            .chain(self.severity.keys())
            .filter(|s| !all_rules().iter().any(|r| matches_selector(r.info(), s)))
            .cloned()
            .collect()
    }
}

/// Everything the engine needs besides the file: loaded once by the program and shared by
/// every file of a run.
#[derive(Clone, Copy)]
pub struct CheckOptions<'a> {
    /// The run's semantic layer, over its catalog.
    pub semantic: &'a Semantic<'a>,
    /// The curated knowledge of `rules/` (see [`RuleData::load`]).
    pub data: &'a RuleData<'a>,
    /// The reference policy the file is compared with (`exceeds-reference`).
    pub reference: Option<&'a Reference>,
    /// The deployment role compared with the run's templates (`--deploy-role`).
    pub deploy_role: Option<&'a crate::DeployRole>,
    pub selection: &'a RuleSelection,
    /// Suppressions from the configuration (JSON files have no comments).
    pub config_suppressions: &'a [ConfigSuppression],
}

/// Run every selected rule over one file and return its diagnostics (unsorted).
pub fn check_file(
    opts: &CheckOptions<'_>,
    source: &Arc<SourceFile>,
    file: Result<&PolicyFile, &ReadError>,
    explicit: bool,
) -> Vec<Diagnostic> {
    let rules = opts.selection.rules();
    let fcx = FileContext {
        catalog: opts.semantic.catalog(),
        semantic: opts.semantic,
        data: opts.data,
        reference: opts.reference,
        deploy_role: opts.deploy_role,
        source,
        file,
        explicit,
    };
    let mut raw: Vec<(&'static RuleInfo, Finding)> = Vec::new();
    // the document each finding is about (`None`: the file), for `Fn::If` branches
    let mut found_in: Vec<Option<usize>> = Vec::new();
    let limit = opts
        .selection
        .max_findings_per_file
        .unwrap_or(crate::rules::too_many_findings::DEFAULT_LIMIT);
    let budget = Budget::new(limit);
    for r in &rules {
        let mut sink = Sink::with_budget(&budget);
        r.check_file(&fcx, &mut sink);
        raw.extend(sink.findings.into_iter().map(|f| (r.info(), f)));
    }
    found_in.resize(raw.len(), None);
    if let Ok(pf) = file {
        let documents: Vec<_> = pf
            .documents
            .iter()
            .map(|d| opts.semantic.document(d))
            .collect();
        for (d, (doc, facts)) in pf.documents.iter().zip(&documents).enumerate() {
            if budget.exceeded() {
                break;
            }
            let dcx = DocContext {
                file: &fcx,
                doc,
                facts,
                grants: std::cell::OnceCell::new(),
                budget: Some(budget.clone()),
            };
            for r in &rules {
                if budget.exceeded() {
                    break;
                }
                let mut sink = Sink::with_budget(&budget);
                r.check_document(&dcx, &mut sink);
                // a document found in a guide, a script or an account dump says what it is
                match &doc.about {
                    Some(about) => raw.extend(
                        sink.findings
                            .into_iter()
                            .map(|f| (r.info(), f.note(format!("in {about}")))),
                    ),
                    None => raw.extend(sink.findings.into_iter().map(|f| (r.info(), f))),
                }
                found_in.resize(raw.len(), Some(d));
            }
        }
        raw = crate::branches::finish(pf, raw, &found_in);
        crate::principal_context::check_principals(&rules, &fcx, pf, &documents, &mut raw, &budget);
    }
    let sup = suppress::collect(source, file.ok(), opts.config_suppressions);
    let mut out = Vec::new();
    let mut used = vec![false; sup.len()];
    for (info, f) in raw {
        if let Some(i) = suppress::find(&sup, info, &f) {
            used[i] = true;
            continue;
        }
        out.push(to_diagnostic(
            info,
            opts.selection.severity_of(info),
            source,
            f,
        ));
    }
    let too_many = &crate::rules::too_many_findings::TooManyFindings::INFO;
    if budget.exceeded() && !opts.selection.is_ignored(too_many) {
        // reported whatever the selection (the findings asked for are cut short), unless
        // the rule is ignored by name
        let f = Finding::file_level(format!(
            "this file gives more than {} findings: the first {} are reported and the rest of the file is not checked",
            thousands(limit),
            thousands(limit)
        ))
        .help("check what generated the file, or raise `[rules.options.too-many-findings] limit`");
        out.push(to_diagnostic(
            too_many,
            opts.selection.severity_of(too_many),
            source,
            f,
        ));
    }
    let unused = &crate::rules::unused_suppression::UnusedSuppression::INFO;
    // (a file checked only in part may not use its suppressions: none is called unused)
    if opts.selection.is_enabled(unused) && !budget.exceeded() {
        for (s, used) in sup.iter().zip(used) {
            if !used && s.reports_unused(opts.selection) {
                let f = s.unused_finding();
                out.push(to_diagnostic(
                    unused,
                    opts.selection.severity_of(unused),
                    source,
                    f,
                ));
            }
        }
    }
    out
}

/// A finding of rule `info` dressed as a diagnostic at `severity` (lowered by the finding's
/// own cap), for a program that runs a rule's logic outside [`check_file`] (`iamlint
/// diff` reports excess grants as `exceeds-reference`).
pub fn diagnostic(
    info: &'static RuleInfo,
    severity: Severity,
    source: &Arc<SourceFile>,
    f: Finding,
) -> Diagnostic {
    to_diagnostic(info, severity, source, f)
}

pub(crate) fn to_diagnostic(
    info: &'static RuleInfo,
    severity: Severity,
    source: &Arc<SourceFile>,
    f: Finding,
) -> Diagnostic {
    let severity = f.at_most.map_or(severity, |m| m.min(severity));
    let mut d = Diagnostic {
        code: info.code,
        name: info.name,
        severity,
        message: f.message,
        file: Arc::clone(source),
        primary: f.span.map(|s| Label::new(s, f.label)),
        secondary: f.secondary,
        path: f.path,
        help: f.help,
        notes: f.notes,
        fixes: f.fixes,
        fingerprint: String::new(),
    };
    d.fingerprint = d.compute_fingerprint();
    d
}

/// `12345` → `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
