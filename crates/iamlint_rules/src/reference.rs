//! A reference, loaded once by the program and given to the check as an input
//! (`exceeds-reference` compares every principal and document with it): a policy, or a
//! principal (a documented role or user: its permissions, and its trust policy compared
//! only with trust policies).

use crate::data::{ReferenceKind, ReferencePrincipal, RuleData};
use iamlint_analyzer::{Analyzed, Policy, VarTable};
use iamlint_formats::LoadOptions;
use iamlint_policy::{
    Attachment, AttachmentTarget, FileKind, PolicyFile, PolicyKind, PrincipalDef, PrincipalKind,
    Text, Vars,
};
use iamlint_semantic::Semantic;
use std::path::Path;

/// A loaded reference.
pub struct Reference {
    /// As the user wrote it: `builtin:NAME` or a path (`PATH#PRINCIPAL`).
    spec: String,
    /// The display name (`builtin:NAME`, or the path).
    name: String,
    /// What it allows: the policy, or the principal's identity permissions.
    policy: Policy,
    /// A reference principal's trust policy.
    trust: Option<Policy>,
    /// The reference's unknowns (placeholders), shared with each policy compared to it.
    vars: VarTable,
    kind: PolicyKind,
    /// The principal it is, described (`` role `SLIM-Extras_for_Lambda` ``).
    principal: Option<String>,
    /// What the reference principal holds that could not be read.
    incomplete: Vec<String>,
}

/// Kinds compared with each other: permissions policies (identity, boundary, SCP, RCP), trust
/// policies, resource policies.
pub fn kind_family(k: PolicyKind) -> u8 {
    match k {
        PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Scp | PolicyKind::Rcp => 0,
        PolicyKind::Trust => 1,
        PolicyKind::Resource => 2,
    }
}

impl Reference {
    /// Load `spec` (`builtin:NAME`, a file path, or `PATH#PRINCIPAL` for one principal of
    /// a template) with placeholder values `vars`.
    ///
    /// # Errors
    /// A message naming what is wrong (no such built-in, unreadable file, not a policy, a
    /// template whose principal is not chosen).
    pub fn load(
        semantic: &Semantic<'_>,
        data: &RuleData<'_>,
        spec: &str,
        vars: &Vars,
        max_file_size: u64,
    ) -> Result<Reference, String> {
        if let Some(rp) = spec
            .strip_prefix("builtin:")
            .and_then(|n| data.reference_principal(n))
        {
            return Reference::builtin_principal(semantic, data, spec, rp, vars);
        }
        let (file_spec, principal) = split_principal(spec);
        let (name, text, forced) = resolve(data, file_spec, max_file_size)?;
        let opts = LoadOptions {
            forced_kind: forced,
            vars: vars.clone(),
            ..LoadOptions::default()
        };
        let file = iamlint_formats::load_text(&name, &text, &opts);
        if !file.principals.is_empty() && (principal.is_some() || file.principals.len() == 1) {
            let analyzed = Analyzed::new(semantic, &name, &text, file);
            let i = match principal {
                Some(p) => analyzed.find_principal(p)?,
                None => 0,
            };
            return Ok(Reference::of_principal(spec, &name, &analyzed, i));
        }
        if file.principals.len() > 1 {
            let names: Vec<&str> = file.principals.iter().map(|p| p.id.as_str()).collect();
            return Err(format!(
                "the reference `{name}` defines {} principals ({}): name one as `{name}#NAME`",
                file.principals.len(),
                names.join(", ")
            ));
        }
        if let Some(p) = principal {
            return Err(format!("the reference `{name}` defines no principal `{p}`"));
        }
        let kind = forced.unwrap_or_else(|| {
            file.documents
                .first()
                .map_or(PolicyKind::Identity, |d| d.kind)
        });
        let mut table = VarTable::default();
        let policy = Policy::from_file(semantic, &name, &text, &file, &mut table)
            .map_err(|e| format!("cannot use the reference: {e}"))?;
        Ok(Reference {
            spec: spec.to_string(),
            name,
            policy,
            trust: None,
            vars: table,
            kind,
            principal: None,
            incomplete: Vec::new(),
        })
    }

    /// Principal `i` of an analyzed file, as a reference.
    fn of_principal(spec: &str, name: &str, analyzed: &Analyzed<'_>, i: usize) -> Reference {
        let mut table = VarTable::default();
        let subjects = analyzed.principal_subjects(i, &mut table);
        let mut policy = None;
        let mut trust = None;
        let mut incomplete = Vec::new();
        let mut label = None;
        for s in subjects {
            match s.kind {
                PolicyKind::Trust => trust = Some(s.policy),
                _ => {
                    incomplete = s.incomplete;
                    label = Some(s.label);
                    policy = Some(s.policy);
                }
            }
        }
        let policy = policy.unwrap_or_else(|| Policy {
            source: analyzed.source.clone(),
            syntax: analyzed.file.syntax,
            statements: Vec::new(),
            documents: 0,
            boundary: None,
        });
        Reference {
            spec: spec.to_string(),
            name: name.to_string(),
            policy,
            trust,
            vars: table,
            kind: PolicyKind::Identity,
            principal: label,
            incomplete,
        }
    }

    /// A built-in reference principal, assembled from the reference policies it holds
    /// and the AWS managed policies it attaches.
    fn builtin_principal(
        semantic: &Semantic<'_>,
        data: &RuleData<'_>,
        spec: &str,
        rp: &ReferencePrincipal,
        vars: &Vars,
    ) -> Result<Reference, String> {
        let name = format!("builtin:{}", rp.name);
        let file = assemble(data, rp, vars)?;
        let analyzed = Analyzed::new(semantic, &name, "", file);
        Ok(Reference::of_principal(spec, &name, &analyzed, 0))
    }

    pub fn spec(&self) -> &str {
        &self.spec
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the reference allows: the policy, or the principal's permissions.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A reference principal's trust policy.
    pub fn trust(&self) -> Option<&Policy> {
        self.trust.as_ref()
    }

    /// The reference compared with documents of `kind`: permissions policies with the
    /// reference's permissions, trust policies with its trust policy; `None` when the
    /// reference has nothing of that kind.
    pub fn for_kind(&self, kind: PolicyKind) -> Option<&Policy> {
        match kind_family(kind) {
            1 if self.principal.is_some() => self.trust.as_ref(),
            f if f == kind_family(self.kind) => Some(&self.policy),
            _ => None,
        }
    }

    pub fn vars(&self) -> &VarTable {
        &self.vars
    }

    /// The kind of its documents: identity or trust (a principal: identity).
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The principal the reference is, described.
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    /// What the reference principal holds that could not be read: comparisons with it
    /// may report as excess what that policy allows.
    pub fn incomplete(&self) -> &[String] {
        &self.incomplete
    }
}

/// `PATH#NAME` → (`PATH`, `NAME`); anything else as it is.
fn split_principal(spec: &str) -> (&str, Option<&str>) {
    if spec.starts_with("builtin:") || Path::new(spec).exists() {
        return (spec, None);
    }
    match spec.rsplit_once('#') {
        Some((path, name)) if !path.is_empty() && !name.is_empty() => (path, Some(name)),
        _ => (spec, None),
    }
}

/// The file of a built-in reference principal: its reference policies as documents, its
/// AWS managed policies and unpublished policies as attached ARNs, its trust policy.
fn assemble(
    data: &RuleData<'_>,
    rp: &ReferencePrincipal,
    vars: &Vars,
) -> Result<PolicyFile, String> {
    let kind = match rp.principal.as_str() {
        "role" => PrincipalKind::Role,
        "user" => PrincipalKind::User,
        "group" => PrincipalKind::Group,
        other => {
            return Err(format!(
                "built-in reference principal `{}` has kind `{other}`",
                rp.name
            ))
        }
    };
    let mut file = PolicyFile::empty(
        "reference-principal",
        iamlint_syntax::SourceKind::Json,
        FileKind::Other,
    );
    let mut def = PrincipalDef::new(
        kind,
        rp.principal_name.clone(),
        Default::default(),
        rp.name.clone(),
    );
    def.name = Some(Text::literal(
        rp.principal_name.clone(),
        Default::default(),
        "",
    ));
    let mut load = |reference: &str, want: ReferenceKind| -> Result<usize, String> {
        let r = data
            .reference(reference)
            .filter(|r| r.kind == want)
            .ok_or_else(|| format!("built-in reference principal `{}` names `{reference}`, which is no {want:?} reference", rp.name))?;
        let forced = match r.kind {
            ReferenceKind::Identity => PolicyKind::Identity,
            ReferenceKind::Trust => PolicyKind::Trust,
        };
        let opts = LoadOptions {
            forced_kind: Some(forced),
            vars: vars.clone(),
            ..LoadOptions::default()
        };
        let f = iamlint_formats::load_text(&r.file, r.text, &opts);
        let first = file.documents.len();
        file.documents.extend(f.documents);
        if file.documents.len() == first {
            return Err(format!("built-in reference `{reference}` holds no policy"));
        }
        Ok(first)
    };
    for p in &rp.policies {
        let d = load(p, ReferenceKind::Identity)?;
        def.attached.push(Attachment {
            target: AttachmentTarget::Document(d),
            span: Default::default(),
            path: format!("builtin:{p}"),
        });
    }
    if let Some(t) = &rp.trust {
        def.trust = Some(load(t, ReferenceKind::Trust)?);
    }
    for arn in rp.managed.iter().chain(&rp.unpublished) {
        def.attached.push(Attachment {
            target: AttachmentTarget::Arn(Text::literal(arn.clone(), Default::default(), "")),
            span: Default::default(),
            path: arn.clone(),
        });
    }
    file.principals.push(def);
    Ok(file)
}

/// The reference text: `builtin:NAME` (a reference policy) or a file path. Returns
/// (display name, text, the kind of a built-in reference).
///
/// # Errors
/// A message naming what is wrong (no such built-in, unreadable file).
pub fn resolve(
    data: &RuleData<'_>,
    spec: &str,
    max_file_size: u64,
) -> Result<(String, String, Option<PolicyKind>), String> {
    if let Some(name) = spec.strip_prefix("builtin:") {
        return match data.reference(name) {
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
    let text = iamlint_formats::read_text(Path::new(spec), max_file_size)
        .map_err(|e| format!("reference `{spec}`: {e}"))?;
    Ok((spec.to_string(), text, None))
}
