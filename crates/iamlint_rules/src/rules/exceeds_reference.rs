use crate::data::ReferenceKind;
use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};
use iamlint_analyzer::{Policy, VarTable};
use iamlint_catalog::Catalog;
use iamlint_policy::{LoadOptions, PolicyKind, Vars};
use std::path::Path;
use std::sync::Arc;

declare_rule! {
    /// ## What it does
    /// Compares each policy document with a reference policy (a documented policy that the
    /// deployment is meant to stay within) and reports every statement that grants
    /// something the reference does not: actions beyond it, resources beyond its
    /// resources, or the reference's actions without the conditions it puts on them. Each
    /// finding names the excess actions (grouped by service and access level) and a
    /// witness, a concrete request that the policy allows and the reference denies.
    ///
    /// The rule is off until a reference is given: `iamlint check --reference REF`, where
    /// `REF` is a policy file or `builtin:NAME` (`iamlint references` lists the built-in
    /// ones), or a `[references]` table in `iamlint.toml` mapping path globs to references.
    /// Only documents of the reference's kind are compared (an identity reference is not
    /// compared with a trust policy of the same template). Placeholders in the reference
    /// (`<REGION>`, `<AWS ACCOUNT ID>`) match any value of one ARN segment unless bound
    /// with `--var`; the semantics are those of `iamlint diff` (docs/analyzer.md). An
    /// excess the analyzer confirmed with a witness is an error; one it could not confirm
    /// (it depends on unbound placeholders, CloudFormation values or conditions it cannot
    /// decide) is a warning that says "possibly".
    ///
    /// ## Why is this bad?
    /// Reference policies are copied and then edited. A grant beyond the documented one is
    /// either a deliberate, reviewed change or drift toward more privilege than the
    /// workload was designed with.
    ///
    /// ## Example
    /// With `--reference builtin:parallelcluster/user-awsbatch` (the first line below says
    /// so to the documentation tests), the `ecr:*` statement is within the reference, which
    /// grants `ecr:*` too; the statement that lets the user create access keys is not:
    ///
    /// ```yaml expect_diagnostic
    /// # iamlint-test: option:exceeds-reference.reference=builtin:parallelcluster/user-awsbatch
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Action: ecr:*
    ///     Resource: "*"
    ///   - Effect: Allow
    ///     Action: iam:CreateAccessKey
    ///     Resource: "*"
    /// ```
    ///
    /// Use instead: only what the reference grants (`iamlint tighten` writes it), or a
    /// reference that documents the extra grant.
    ///
    /// ## Options
    /// - `reference`: the reference (set by `--reference`).
    pub ExceedsReference {
        code: "IAM601",
        name: "exceeds-reference",
        group: "least-privilege",
        severity: Error,
        enabled: false,
        summary: "a grant beyond the reference policy given with `--reference`",
    }
}

const NAME: &str = "exceeds-reference";

/// The reference text: `builtin:NAME` or a file path. Returns (display name, text, the kind
/// of a built-in reference).
///
/// # Errors
/// A message naming what is wrong (no such built-in, unreadable file).
pub fn resolve_reference(
    spec: &str,
    max_file_size: u64,
) -> Result<(String, String, Option<PolicyKind>), String> {
    if let Some(name) = spec.strip_prefix("builtin:") {
        return match crate::data::reference(name) {
            Some(r) => Ok((
                format!("builtin:{}", r.name),
                r.text.to_string(),
                Some(match r.kind {
                    ReferenceKind::Identity => PolicyKind::Identity,
                    ReferenceKind::Trust => PolicyKind::Trust,
                }),
            )),
            None => Err(format!(
                "no built-in reference `{name}` (list them with `iamlint references`)"
            )),
        };
    }
    let text = iamlint_policy::read_text(Path::new(spec), max_file_size)
        .map_err(|e| format!("reference `{spec}`: {e}"))?;
    Ok((spec.to_string(), text, None))
}

/// A loaded reference: a run over many files compares each with the same one, so it is
/// loaded once per process (per reference and placeholder bindings).
struct Loaded {
    policy: Policy,
    vars: VarTable,
    kind: PolicyKind,
    name: String,
}

/// Load the reference `spec` (`builtin:NAME` or a path) with placeholder values `vars`.
fn load(catalog: &Catalog, spec: &str, vars: &Vars) -> Result<Loaded, String> {
    let (name, text, forced) = resolve_reference(spec, LoadOptions::default().max_file_size)?;
    let opts = LoadOptions {
        forced_kind: forced,
        vars: vars.clone(),
        ..LoadOptions::default()
    };
    let file = iamlint_policy::load_text(&name, &text, &opts);
    let kind = forced.unwrap_or_else(|| {
        file.documents
            .first()
            .map_or(PolicyKind::Identity, |d| d.kind)
    });
    let mut table = VarTable::default();
    let policy = Policy::from_file(catalog, &name, &text, &file, &mut table)
        .map_err(|e| format!("cannot use the reference: {e}"))?;
    Ok(Loaded {
        policy,
        vars: table,
        kind,
        name,
    })
}

/// Whether `spec` names a readable reference that holds a policy, for the command line to
/// stop with a usage error before checking any file. The loaded reference is kept for the
/// rule, which then does not load it again.
///
/// # Errors
/// What is wrong with the reference.
pub fn validate_reference(catalog: &Catalog, spec: &str, vars: &Vars) -> Result<(), String> {
    load_once(catalog, spec, vars).map(|_| ())
}

type Cache = std::sync::Mutex<Vec<((String, Vars), Arc<Loaded>)>>;

/// [`load`], once per process for each reference and placeholder bindings (a run compares
/// every file with the same reference). Only references loaded against the embedded
/// catalog are kept: a loaded reference holds sets over its catalog's actions.
fn load_once(catalog: &Catalog, spec: &str, vars: &Vars) -> Result<Arc<Loaded>, String> {
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let Some(cache) = catalog.per_process(&CACHE, Cache::default) else {
        return load(catalog, spec, vars).map(Arc::new);
    };
    let key = (spec.to_string(), vars.clone());
    if let Ok(c) = cache.lock() {
        if let Some((_, l)) = c.iter().find(|(k, _)| *k == key) {
            return Ok(l.clone());
        }
    }
    let loaded = Arc::new(load(catalog, spec, vars)?);
    if let Ok(mut c) = cache.lock() {
        c.push((key, loaded.clone()));
    }
    Ok(loaded)
}

fn loaded_reference(cx: &FileContext<'_>, spec: &str) -> Result<Arc<Loaded>, String> {
    // `--var` bindings reach the rule as options `var:NAME`
    let vars: Vars = cx
        .options
        .get(NAME)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("var:")?.to_string(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    load_once(cx.catalog, spec, &vars).map_err(|e| format!("cannot compare: {e}"))
}

/// Kinds compared with each other: permissions policies (identity, boundary, SCP), trust
/// policies, resource policies.
fn family(k: PolicyKind) -> u8 {
    match k {
        PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Scp => 0,
        PolicyKind::Trust => 1,
        PolicyKind::Resource => 2,
    }
}

impl Rule for ExceedsReference {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Some(spec) = cx.option(NAME, "reference") else {
            return;
        };
        let Ok(file) = cx.file else {
            return;
        };
        if file.documents.is_empty() {
            return;
        }
        let reference = match loaded_reference(cx, spec) {
            Ok(r) => r,
            Err(e) => {
                sink.report(Finding::file_level(e));
                return;
            }
        };
        for doc in &file.documents {
            if family(doc.kind) != family(reference.kind) {
                continue;
            }
            let mut doc_vars = reference.vars.clone();
            let policy = Policy::from_document(
                cx.catalog,
                cx.source.clone(),
                file.syntax,
                doc,
                &mut doc_vars,
            );
            let diff = iamlint_analyzer::diff(cx.catalog, &policy, &reference.policy, &doc_vars);
            for e in &diff.excess {
                let d = e.describe(cx.catalog);
                let mut f = Finding::new(e.span, e.path.clone(), d.message)
                    .label(d.label)
                    .help(format!(
                        "remove the extra grants, or run `iamlint tighten --reference {spec} {}` for a policy within `{}`",
                        cx.source.name, reference.name
                    ));
                f.sid = e.sid.clone();
                if e.possible {
                    f.at_most = Some(iamlint_report::Severity::Warning);
                }
                f.notes = d.notes;
                sink.report(f);
            }
        }
    }
}
