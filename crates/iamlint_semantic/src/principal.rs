//! What a user, group or role ends up with: every policy it holds (its inline policies,
//! the documents of the same file attached to it, the AWS managed policies it attaches,
//! its groups' policies), its permissions boundary, and its effective permissions:
//! the union of its identity policies, intersected with the boundary, minus every
//! `Deny`, as exact action × resource sets ([`EffectiveGrant`]). Trust (who can assume a
//! role) is a separate question ([`TrustFacts`]).
//!
//! IAM's evaluation for a principal of one account (no SCP, session or resource policy):
//! a request is denied when some `Deny` of an identity policy or of the boundary applies;
//! otherwise allowed when some `Allow` of an identity policy applies and, when there is a
//! boundary, some `Allow` of the boundary applies too. Conditions and values not known
//! statically make an answer "possibly", never a silent yes or no.

use crate::{
    DocumentFacts, ManagedDocument, ManagedLookup, ResourceItem, Semantic, StatementFacts,
};
use iamlint_catalog::{ActionId, ActionSet};
use iamlint_policy::{
    Attachment, AttachmentTarget, Document, ElementList, PolicyFile, PrincipalDef, PrincipalKind,
    Statement,
};
use iamlint_syntax::Span;
use std::sync::Arc;

/// Where a policy a principal holds comes from.
#[derive(Clone, Debug)]
pub enum HeldSource {
    /// A document of the same file (by index into [`PolicyFile::documents`]).
    File(usize),
    /// An AWS managed policy of the run's snapshot.
    Managed(Arc<ManagedDocument>),
}

/// A policy a principal holds.
#[derive(Clone, Debug)]
pub struct HeldPolicy {
    pub source: HeldSource,
    /// The element that attaches it; `None` for the principal's own inline policies.
    pub attachment: Option<Attachment>,
    /// The group it comes through (a user's group, by id).
    pub via_group: Option<String>,
}

impl HeldPolicy {
    /// The document and its facts.
    pub fn document<'a>(
        &'a self,
        file: &'a PolicyFile,
        facts: &'a [DocumentFacts],
    ) -> Option<(&'a Document, &'a DocumentFacts)> {
        match &self.source {
            HeldSource::File(i) => Some((file.documents.get(*i)?, facts.get(*i)?)),
            HeldSource::Managed(m) => Some((&m.document, &m.facts)),
        }
    }

    /// The AWS managed policy, when it is one.
    pub fn managed(&self) -> Option<&ManagedDocument> {
        match &self.source {
            HeldSource::Managed(m) => Some(m),
            HeldSource::File(_) => None,
        }
    }

    /// Where to point when talking about the policy as held: the attaching element, else
    /// `None` (an inline policy's own statements are in the file).
    pub fn attached_at(&self) -> Option<(Span, &str)> {
        self.attachment.as_ref().map(|a| (a.span, a.path.as_str()))
    }

    /// `` the AWS managed policy `X` ``, `` the inline policy `Policies[0]` `` (of the
    /// principal or its group), `` the policy `FunctionsPolicy` `` (a policy resource of
    /// the file).
    pub fn describe(&self, file: &PolicyFile) -> String {
        match &self.source {
            HeldSource::Managed(m) => format!("the AWS managed policy `{}`", m.name),
            HeldSource::File(i) => {
                let Some(d) = file.documents.get(*i) else {
                    return "a policy".to_string();
                };
                match (&self.attachment, &d.origin.resource) {
                    (None, Some((id, _))) => {
                        let inner = d
                            .origin
                            .path
                            .strip_prefix(&format!("Resources.{id}.Properties."))
                            .unwrap_or(&d.origin.path);
                        let inner = inner.strip_suffix(".PolicyDocument").unwrap_or(inner);
                        format!("the inline policy `{inner}`")
                    }
                    (Some(_), Some((id, _))) => format!("the policy `{id}`"),
                    _ if d.origin.path.is_empty() => "the policy".to_string(),
                    _ => format!("the policy `{}`", d.origin.path),
                }
            }
        }
    }
}

/// Why an attachment (or a group membership) could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    Managed(ManagedLookup),
    /// The group is not defined in the file.
    Group,
}

/// An attachment the principal's verdicts cannot account for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvedAttachment {
    pub span: Span,
    pub path: String,
    /// What is attached, as written (the ARN, or the group's name).
    pub what: String,
    pub why: Unresolved,
    /// It is the permissions boundary.
    pub boundary: bool,
    /// It comes through this group (reported at the group, not at each member).
    pub via_group: Option<String>,
}

impl UnresolvedAttachment {
    /// Why, in words (`a customer managed policy not defined in this input`).
    pub fn reason(&self) -> String {
        match &self.why {
            Unresolved::Group => "a group this file does not define".to_string(),
            Unresolved::Managed(ManagedLookup::CustomerManaged { account }) => match account {
                Some(a) => format!(
                    "a customer managed policy of account `{a}` that this input does not define"
                ),
                None => "a customer managed policy that this input does not define".to_string(),
            },
            Unresolved::Managed(ManagedLookup::Unknown(why)) => {
                format!("it is {why}, not known statically")
            }
            Unresolved::Managed(ManagedLookup::NotFound(m)) => m.clone(),
            Unresolved::Managed(ManagedLookup::NoSnapshot) => {
                "no AWS managed policies were given to this run".to_string()
            }
        }
    }
}

/// Which policy of a principal: one of its identity policies or its boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyRef {
    /// Index into [`PrincipalFacts::policies`].
    Identity(usize),
    Boundary,
}

/// One statement of a principal's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    pub policy: PolicyRef,
    pub statement: usize,
}

/// A piece of the effective permissions: the actions of one `Allow` on which every
/// `Deny` and every boundary statement is all or nothing, with the statements that
/// decide where they apply. Its resources are the `Allow`'s, within one of the
/// `boundary` statements' resources (when there is a boundary), minus the `denies`'
/// resources (conditional ones "possibly").
#[derive(Clone, Debug)]
pub struct EffectiveGrant {
    pub allow: StatementRef,
    pub actions: ActionSet,
    /// The boundary's `Allow` statements that apply to these actions (`None`: no
    /// boundary). Never empty: actions the boundary allows nowhere are not granted.
    pub boundary: Option<Vec<StatementRef>>,
    /// The `Deny` statements (identity and boundary) that apply to these actions.
    pub denies: Vec<StatementRef>,
}

/// What one principal ends up with.
#[derive(Clone, Debug)]
pub struct PrincipalFacts {
    /// Index into [`PolicyFile::principals`].
    pub index: usize,
    /// Its identity policies: inline, attached, and its groups'.
    pub policies: Vec<HeldPolicy>,
    /// Its permissions boundary, when it has one that resolves.
    pub boundary: Option<HeldPolicy>,
    /// Its trust policy (roles), by index into [`PolicyFile::documents`].
    pub trust: Option<usize>,
    /// What could not be resolved: the verdicts about this principal are incomplete.
    pub unresolved: Vec<UnresolvedAttachment>,
    pub grants: Vec<EffectiveGrant>,
    /// `Allow` statements with action items not known statically (they may grant more).
    pub unresolved_allows: Vec<StatementRef>,
    /// Actions some grant holds (on some resource, possibly under a condition).
    pub net_allowed: ActionSet,
}

/// Three-valued truth: `Unknown` where a condition or an unknown value decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    No,
    Unknown,
    Yes,
}

impl Tri {
    pub fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }

    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }

    pub fn negate(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// Whether a statement's resource element matches a concrete ARN.
pub fn resource_matches(st: &Statement, g: &StatementFacts, arn: &str) -> Tri {
    let Some(list) = &st.resource else {
        // no `Resource`: the resource the policy is attached to (not an identity grant)
        return Tri::Unknown;
    };
    let mut any = Tri::No;
    for item in &g.resource_items {
        let m = match item {
            ResourceItem::Pattern(p) if p.variables().is_empty() => {
                if p.matches_literal(arn) {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            ResourceItem::Pattern(_) | ResourceItem::Unresolved => Tri::Unknown,
            ResourceItem::Invalid(_) => Tri::No,
        };
        any = any.or(m);
    }
    if list.negated {
        any.negate()
    } else {
        any
    }
}

/// Whether a statement applies to a request for action `a` on `arn` (its effect aside).
pub fn statement_applies(st: &Statement, g: &StatementFacts, a: ActionId, arn: &str) -> Tri {
    let negated = matches!(st.action, Some(ElementList { negated: true, .. }));
    let action = if g.actions.contains(a) {
        // `NotAction` with an unknown item may exclude `a` too
        if negated && g.actions_unresolved {
            Tri::Unknown
        } else {
            Tri::Yes
        }
    } else if g.actions_unresolved && !negated {
        Tri::Unknown
    } else {
        Tri::No
    };
    if action == Tri::No {
        return Tri::No;
    }
    let condition = if st.condition.is_some() {
        Tri::Unknown
    } else {
        Tri::Yes
    };
    action.and(resource_matches(st, g, arn)).and(condition)
}

/// The verdict for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Allowed for some values of the conditions or unknowns, not for others.
    Possibly,
    /// Not allowed (explicitly denied, or no `Allow` applies).
    Denied,
}

impl From<Tri> for Decision {
    fn from(t: Tri) -> Decision {
        match t {
            Tri::Yes => Decision::Allowed,
            Tri::Unknown => Decision::Possibly,
            Tri::No => Decision::Denied,
        }
    }
}

/// A principal with its file and the facts of the file's documents: what the rules and
/// the analyzer read.
#[derive(Clone, Copy)]
pub struct Principal<'a> {
    pub def: &'a PrincipalDef,
    pub facts: &'a PrincipalFacts,
    pub file: &'a PolicyFile,
    pub documents: &'a [DocumentFacts],
}

impl<'a> Principal<'a> {
    /// A policy the principal holds.
    pub fn policy(&self, r: PolicyRef) -> Option<&'a HeldPolicy> {
        match r {
            PolicyRef::Identity(i) => self.facts.policies.get(i),
            PolicyRef::Boundary => self.facts.boundary.as_ref(),
        }
    }

    /// A statement, with its facts and the policy that holds it.
    pub fn statement(
        &self,
        r: StatementRef,
    ) -> Option<(&'a Statement, &'a StatementFacts, &'a HeldPolicy)> {
        let held = self.policy(r.policy)?;
        let (doc, facts) = held.document(self.file, self.documents)?;
        Some((
            doc.statements.get(r.statement)?,
            facts.statements.get(r.statement)?,
            held,
        ))
    }

    /// Each identity policy with its document and facts.
    pub fn policies(
        &self,
    ) -> impl Iterator<Item = (PolicyRef, &'a HeldPolicy, &'a Document, &'a DocumentFacts)> + 'a
    {
        let (file, documents) = (self.file, self.documents);
        self.facts
            .policies
            .iter()
            .enumerate()
            .filter_map(move |(i, h)| {
                let (d, f) = h.document(file, documents)?;
                Some((PolicyRef::Identity(i), h, d, f))
            })
    }

    /// Every statement of a policy (identity or boundary).
    fn statements_of(
        &self,
        r: PolicyRef,
    ) -> impl Iterator<Item = (StatementRef, &'a Statement, &'a StatementFacts)> + 'a {
        let doc = self
            .policy(r)
            .and_then(|h| h.document(self.file, self.documents));
        doc.into_iter().flat_map(move |(d, f)| {
            d.statements
                .iter()
                .zip(&f.statements)
                .enumerate()
                .map(move |(i, (s, g))| {
                    (
                        StatementRef {
                            policy: r,
                            statement: i,
                        },
                        s,
                        g,
                    )
                })
        })
    }

    /// Whether the statement referred to applies to the request.
    fn applies(&self, r: StatementRef, a: ActionId, arn: &str) -> Tri {
        match self.statement(r) {
            Some((st, g, _)) => statement_applies(st, g, a, arn),
            None => Tri::No,
        }
    }

    /// The verdict for action `a` on `arn`, read from the effective grants.
    pub fn decide(&self, a: ActionId, arn: &str) -> Decision {
        let mut allow = Tri::No;
        let mut denies: Option<&[StatementRef]> = None;
        for g in self.facts.grants.iter().filter(|g| g.actions.contains(a)) {
            let mut here = self.applies(g.allow, a, arn);
            if let Some(b) = &g.boundary {
                let within = b
                    .iter()
                    .fold(Tri::No, |acc, r| acc.or(self.applies(*r, a, arn)));
                here = here.and(within);
            }
            allow = allow.or(here);
            denies = Some(&g.denies);
        }
        for r in &self.facts.unresolved_allows {
            let mut here = self.applies(*r, a, arn);
            if self.facts.boundary.is_some() {
                let within = self
                    .statements_of(PolicyRef::Boundary)
                    .filter(|(_, s, _)| s.is_allow())
                    .fold(Tri::No, |acc, (_, s, g)| {
                        acc.or(statement_applies(s, g, a, arn))
                    });
                here = here.and(within);
            }
            allow = allow.or(here);
        }
        if allow == Tri::No {
            return Decision::Denied;
        }
        let denied = match denies {
            Some(list) => list
                .iter()
                .fold(Tri::No, |acc, r| acc.or(self.applies(*r, a, arn))),
            // only unknown allows apply: every `Deny` is a candidate
            None => self
                .deny_statements()
                .fold(Tri::No, |acc, (r, _, _)| acc.or(self.applies(r, a, arn))),
        };
        allow.and(denied.negate()).into()
    }

    /// Every `Deny` statement of the identity policies and the boundary.
    fn deny_statements(
        &self,
    ) -> impl Iterator<Item = (StatementRef, &'a Statement, &'a StatementFacts)> + 'a {
        let this = *self;
        let identity = (0..self.facts.policies.len()).map(PolicyRef::Identity);
        identity
            .chain(self.facts.boundary.is_some().then_some(PolicyRef::Boundary))
            .flat_map(move |r| this.statements_of(r))
            .filter(|(_, s, _)| s.is_deny())
    }
}

/// A statement that limits grants: a `Deny` (of an identity policy or the boundary) or an
/// `Allow` of the boundary.
struct Limit<'a> {
    at: StatementRef,
    actions: &'a ActionSet,
    /// The actions are not all known (an unknown item): it may apply to any action.
    open: bool,
    deny: bool,
    /// An unconditional `Deny` of every resource with known actions.
    denies_everything: bool,
}

impl Semantic<'_> {
    /// The facts of every principal of `file`, given the facts of its documents (in the
    /// order of `file.documents`).
    pub fn principals(
        &self,
        file: &PolicyFile,
        documents: &[DocumentFacts],
    ) -> Vec<PrincipalFacts> {
        file.principals
            .iter()
            .enumerate()
            .map(|(i, def)| self.principal(file, documents, i, def))
            .collect()
    }

    fn resolve(
        &self,
        a: &Attachment,
        via_group: Option<&str>,
        boundary: bool,
        unresolved: &mut Vec<UnresolvedAttachment>,
    ) -> Option<HeldPolicy> {
        let source = match &a.target {
            AttachmentTarget::Document(i) => HeldSource::File(*i),
            AttachmentTarget::Arn(arn) => match self.managed_policy(arn) {
                Ok(m) => HeldSource::Managed(m),
                Err(why) => {
                    unresolved.push(UnresolvedAttachment {
                        span: a.span,
                        path: a.path.clone(),
                        what: arn.display(),
                        why: Unresolved::Managed(why),
                        boundary,
                        via_group: via_group.map(str::to_owned),
                    });
                    return None;
                }
            },
        };
        Some(HeldPolicy {
            source,
            attachment: Some(a.clone()),
            via_group: via_group.map(str::to_owned),
        })
    }

    /// The inline and attached policies of `p` (a principal, or a user's group `via`).
    fn hold(
        &self,
        p: &PrincipalDef,
        via: Option<&str>,
        out: &mut Vec<HeldPolicy>,
        unresolved: &mut Vec<UnresolvedAttachment>,
    ) {
        for &i in &p.inline {
            out.push(HeldPolicy {
                source: HeldSource::File(i),
                attachment: None,
                via_group: via.map(str::to_owned),
            });
        }
        for a in &p.attached {
            if let Some(h) = self.resolve(a, via, false, unresolved) {
                out.push(h);
            }
        }
    }

    fn principal(
        &self,
        file: &PolicyFile,
        documents: &[DocumentFacts],
        index: usize,
        def: &PrincipalDef,
    ) -> PrincipalFacts {
        let mut policies = Vec::new();
        let mut unresolved = Vec::new();
        self.hold(def, None, &mut policies, &mut unresolved);
        if def.kind == PrincipalKind::User {
            for g in &def.groups {
                match file
                    .principals
                    .iter()
                    .find(|p| p.kind == PrincipalKind::Group && &p.id == g)
                {
                    Some(group) => self.hold(group, Some(g), &mut policies, &mut unresolved),
                    None => unresolved.push(UnresolvedAttachment {
                        span: def.span,
                        path: def.path.clone(),
                        what: g.clone(),
                        why: Unresolved::Group,
                        boundary: false,
                        via_group: None,
                    }),
                }
            }
        }
        let boundary = def
            .boundary
            .as_ref()
            .and_then(|b| self.resolve(b, None, true, &mut unresolved));
        let mut facts = PrincipalFacts {
            index,
            policies,
            boundary,
            trust: def.trust,
            unresolved,
            grants: Vec::new(),
            unresolved_allows: Vec::new(),
            net_allowed: ActionSet::empty(self.catalog().action_count()),
        };
        let (grants, unresolved_allows) = {
            let view = Principal {
                def,
                facts: &facts,
                file,
                documents,
            };
            effective_grants(&view)
        };
        for g in &grants {
            facts.net_allowed.union_with(&g.actions);
        }
        facts.net_allowed = self.shared_set(std::mem::replace(
            &mut facts.net_allowed,
            ActionSet::empty(0),
        ));
        facts.grants = grants;
        facts.unresolved_allows = unresolved_allows;
        facts
    }
}

/// The effective grants of a principal, and its `Allow` statements with unknown actions.
fn effective_grants(p: &Principal<'_>) -> (Vec<EffectiveGrant>, Vec<StatementRef>) {
    let has_boundary = p.facts.boundary.is_some();
    let mut limits: Vec<Limit<'_>> = Vec::new();
    let refs = (0..p.facts.policies.len())
        .map(PolicyRef::Identity)
        .chain(has_boundary.then_some(PolicyRef::Boundary));
    for r in refs {
        for (at, st, g) in p.statements_of(r) {
            let deny = st.is_deny();
            if !(deny || (r == PolicyRef::Boundary && st.is_allow())) {
                continue;
            }
            let negated = matches!(st.action, Some(ElementList { negated: true, .. }));
            limits.push(Limit {
                at,
                actions: &g.actions,
                open: g.actions_unresolved && !negated,
                deny,
                denies_everything: deny
                    && st.condition.is_none()
                    && g.resource_is_star
                    && !(negated && g.actions_unresolved),
            });
        }
    }
    let mut grants = Vec::new();
    let mut unresolved_allows = Vec::new();
    for (r, _, _, _) in p.policies() {
        for (at, st, g) in p.statements_of(r) {
            if !st.is_allow() {
                continue;
            }
            if g.actions_unresolved {
                unresolved_allows.push(at);
            }
            if g.actions.is_empty() {
                continue;
            }
            // classes of the statement's actions on which every limit is all or nothing
            let mut classes = vec![g.actions.clone()];
            for l in &limits {
                let mut next = Vec::with_capacity(classes.len() + 1);
                for c in classes {
                    let mut inter = c.clone();
                    inter.intersect_with(l.actions);
                    if inter.is_empty() || inter.len() == c.len() {
                        next.push(c);
                    } else {
                        let mut rest = c;
                        rest.subtract(&inter);
                        next.push(inter);
                        next.push(rest);
                    }
                }
                classes = next;
            }
            for class in classes {
                let Some(first) = class.iter().next() else {
                    continue;
                };
                let applies = |l: &&Limit<'_>| l.open || l.actions.contains(first);
                let denies: Vec<&Limit<'_>> =
                    limits.iter().filter(|l| l.deny).filter(applies).collect();
                if denies
                    .iter()
                    .any(|l| l.denies_everything && l.actions.contains(first))
                {
                    continue;
                }
                let boundary = has_boundary.then(|| {
                    limits
                        .iter()
                        .filter(|l| !l.deny && l.at.policy == PolicyRef::Boundary)
                        .filter(applies)
                        .map(|l| l.at)
                        .collect::<Vec<_>>()
                });
                if boundary.as_ref().is_some_and(Vec::is_empty) {
                    continue;
                }
                grants.push(EffectiveGrant {
                    allow: at,
                    actions: class,
                    boundary,
                    denies: denies.iter().map(|l| l.at).collect(),
                });
            }
        }
    }
    (grants, unresolved_allows)
}

/// One principal a trust policy names, with what it may do and under which conditions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trustee {
    /// `Service`, `AWS`, `Federated`, `CanonicalUser`, or `*` (`Principal: "*"`).
    pub principal_type: String,
    /// The value as written (unknowns in their display form).
    pub value: String,
    /// `NotPrincipal`: everyone except this one.
    pub negated: bool,
    pub allow: bool,
    /// The actions as written (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`).
    pub actions: Vec<String>,
    /// The statement's conditions, each `` `Operator` `key` values ``.
    pub conditions: Vec<String>,
    /// The statement's index and the value's span.
    pub statement: usize,
    pub span: Span,
}

/// Who can assume a role: the trust policy's principals, and the instance profiles that
/// hand the role to EC2 instances.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustFacts {
    pub trustees: Vec<Trustee>,
    pub instance_profiles: Vec<String>,
}

/// A condition block in words, one entry each: `` `StringEquals` `aws:SourceAccount`
/// `123456789012` ``.
pub fn describe_conditions(st: &Statement) -> Vec<String> {
    let Some(c) = &st.condition else {
        return Vec::new();
    };
    c.entries()
        .map(|(clause, e)| {
            let values: Vec<String> = e
                .values
                .iter()
                .map(|v| format!("`{}`", v.display()))
                .collect();
            let values = if values.len() == 1 {
                values.concat()
            } else {
                format!("[{}]", values.join(", "))
            };
            format!(
                "`{}` `{}` {values}",
                clause.operator_text.display(),
                e.key.display()
            )
        })
        .collect()
}

/// Who the trust policy `doc` lets assume the role.
/// The trust-policy actions only federation uses: an identity provider's users call
/// `AssumeRoleWithSAML` or `AssumeRoleWithWebIdentity`, and only a `Federated` principal
/// names a provider. For `AWS` and `Service` principals these actions allow nothing.
pub const FEDERATION_ONLY_ACTIONS: [&str; 2] =
    ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"];

pub fn trust_facts(def: &PrincipalDef, doc: Option<&Document>) -> TrustFacts {
    let mut trustees = Vec::new();
    for st in doc.map(|d| d.statements.as_slice()).unwrap_or_default() {
        let Some(p) = &st.principal else { continue };
        let actions: Vec<String> = st
            .action
            .as_ref()
            .map(|l| {
                l.items
                    .iter()
                    .map(|t| {
                        if l.negated {
                            format!("NotAction {}", t.display())
                        } else {
                            t.display()
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let conditions = describe_conditions(st);
        for v in &p.values {
            trustees.push(Trustee {
                principal_type: v.principal_type.clone(),
                value: v.value.display(),
                negated: p.negated,
                allow: st.is_allow(),
                actions: actions.clone(),
                conditions: conditions.clone(),
                statement: st.index,
                span: v.value.span,
            });
        }
    }
    TrustFacts {
        trustees,
        instance_profiles: def.instance_profiles.clone(),
    }
}
