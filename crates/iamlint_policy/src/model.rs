//! The normalized policy model: what every rule and the analyzer read.
//!
//! Every value carries its byte [`Span`] and logical path. String-or-array, a single
//! `Statement` object, `Principal: "*"` and the like are normalized here, once. Values that
//! cannot be known statically (CloudFormation intrinsics, `<REGION>`-style placeholders,
//! `{{ var }}` template variables) are kept as [`Part::Hole`]s, so a rule can say
//! "unknown" instead of guessing.

use iamlint_syntax::{SourceKind, Span};

/// Where a policy document sits decides which checks apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Attached to a user, group or role (inline or managed).
    Identity,
    /// Attached to a resource (bucket, queue, topic, key, ...): has a `Principal`.
    Resource,
    /// A role's assume-role (trust) policy.
    Trust,
    /// A service control policy.
    Scp,
    /// A permissions boundary.
    Boundary,
    /// A resource control policy (AWS Organizations): `Principal` is always `"*"`, and it
    /// only restricts (`Deny`), except AWS's own `RCPFullAWSAccess`.
    Rcp,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Scp => "scp",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Rcp => "rcp",
        }
    }

    pub fn parse(s: &str) -> Option<PolicyKind> {
        Some(match s {
            "identity" => PolicyKind::Identity,
            "resource" => PolicyKind::Resource,
            "trust" => PolicyKind::Trust,
            "scp" => PolicyKind::Scp,
            "boundary" => PolicyKind::Boundary,
            "rcp" => PolicyKind::Rcp,
            _ => return None,
        })
    }

    /// Identity-like kinds: no `Principal`, `Resource` required.
    pub fn is_identity_like(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity | PolicyKind::Scp | PolicyKind::Boundary
        )
    }
}

/// Why a value is not known statically.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HoleKind {
    /// `<REGION>`, `<AWS ACCOUNT ID>`: a placeholder a document asks the reader to replace.
    Placeholder,
    /// `{{ var }}`: a template-engine variable.
    TemplateVar,
    /// `${Name}` inside `!Sub`, or `!Ref Name`.
    CfnRef,
    /// `!GetAtt`, `!ImportValue`, `!FindInMap`, `!If`, `!Select`, ... (the function's name).
    CfnFunction(String),
    /// `$NAME` or `${NAME}` in a shell script (`name` is `NAME`), or a command
    /// substitution (`name` is `$(...)` as written).
    ShellVar,
    /// A Terraform expression: `var.x`, `aws_s3_bucket.b.arn`, `each.value`, a function
    /// call; `name` is the expression as written.
    Terraform,
}

/// A piece of a [`Text`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Literal(String),
    /// An unknown value. `name` is what the user would bind with `--var NAME=VALUE`: the
    /// placeholder's inner text (`REGION`, `AWS ACCOUNT ID`), the template variable, the
    /// referenced CloudFormation name; for other functions, the source text.
    Hole {
        kind: HoleKind,
        name: String,
    },
}

/// The pieces of a [`Text`], used as a slice (`&text.parts[..]`, `text.parts.iter()`).
/// A plain string, by far the most common value, is one part kept in place: no list is
/// allocated for it.
#[derive(Clone, Debug, Default)]
pub struct Parts(PartsRepr);

#[derive(Clone, Debug)]
enum PartsRepr {
    One(Part),
    Many(Vec<Part>),
}

impl Default for PartsRepr {
    fn default() -> Self {
        PartsRepr::Many(Vec::new())
    }
}

impl Parts {
    /// One part.
    pub fn one(part: Part) -> Parts {
        Parts(PartsRepr::One(part))
    }

    pub fn as_slice(&self) -> &[Part] {
        match &self.0 {
            PartsRepr::One(p) => std::slice::from_ref(p),
            PartsRepr::Many(v) => v,
        }
    }
}

impl From<Vec<Part>> for Parts {
    fn from(mut parts: Vec<Part>) -> Parts {
        match parts.pop() {
            Some(only) if parts.is_empty() => Parts::one(only),
            Some(last) => {
                parts.push(last);
                Parts(PartsRepr::Many(parts))
            }
            None => Parts::default(),
        }
    }
}

impl std::ops::Deref for Parts {
    type Target = [Part];

    fn deref(&self) -> &[Part] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Parts {
    type Item = &'a Part;
    type IntoIter = std::slice::Iter<'a, Part>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

// equal and hashed as the sequence of parts, however it is kept
impl PartialEq for Parts {
    fn eq(&self, other: &Parts) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Parts {}

impl std::hash::Hash for Parts {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

/// A string value of the policy, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    /// The value's pieces. A plain string is one `Literal`.
    pub parts: Parts,
    /// The span of the value in the source (for an intrinsic, the whole intrinsic).
    pub span: Span,
    /// Logical path, e.g. `Statement[1].Action[0]`.
    pub path: String,
}

impl Text {
    pub fn literal(value: impl Into<String>, span: Span, path: impl Into<String>) -> Text {
        Text {
            parts: Parts::one(Part::Literal(value.into())),
            span,
            path: path.into(),
        }
    }

    /// The value when it has no holes.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Literal(s)] => Some(s),
            [] => Some(""),
            _ => None,
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    pub fn holes(&self) -> impl Iterator<Item = (&HoleKind, &str)> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole { kind, name } => Some((kind, name.as_str())),
            Part::Literal(_) => None,
        })
    }

    /// A display form: literals as they are, holes as `<name>` / `${Name}` / `{{name}}`.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(
            self.parts
                .iter()
                .map(|p| match p {
                    Part::Literal(s) => s.len(),
                    Part::Hole { name, .. } => name.len() + 4,
                })
                .sum(),
        );
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Hole { kind, name } => match kind {
                    HoleKind::Placeholder => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                    HoleKind::TemplateVar => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                    HoleKind::CfnRef => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                    HoleKind::CfnFunction(f) => {
                        out.push_str("${");
                        out.push_str(f);
                        if name != f {
                            out.push(' ');
                            out.push_str(name);
                        }
                        out.push('}');
                    }
                    HoleKind::ShellVar => {
                        if !name.starts_with(['$', '`']) {
                            out.push('$');
                        }
                        out.push_str(name);
                    }
                    HoleKind::Terraform => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// A human description of why the value is unknown (`placeholder <REGION>`, `!Ref
    /// BucketName`), for "could not decide" notes. `None` when resolved.
    pub fn unresolved_reason(&self) -> Option<String> {
        let reasons: Vec<String> = self
            .holes()
            .map(|(k, n)| match k {
                HoleKind::Placeholder => format!("placeholder `<{n}>`"),
                HoleKind::TemplateVar => format!("template variable `{{{{{n}}}}}`"),
                HoleKind::CfnRef => format!("CloudFormation reference `{n}`"),
                HoleKind::CfnFunction(f) => format!("CloudFormation `{f}`"),
                HoleKind::ShellVar if n.starts_with(['$', '`']) => {
                    format!("shell command substitution `{n}`")
                }
                HoleKind::ShellVar => format!("shell variable `${n}`"),
                HoleKind::Terraform => format!("Terraform expression `{n}`"),
            })
            .collect();
        if reasons.is_empty() {
            None
        } else {
            Some(reasons.join(", "))
        }
    }
}

/// `Effect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list element that may be negated: `Action`/`NotAction`, `Resource`/`NotResource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementList {
    /// `true` for `NotAction` / `NotResource`.
    pub negated: bool,
    pub key_span: Span,
    /// The span of the value (the string or the whole array).
    pub span: Span,
    pub path: String,
    pub items: Vec<Text>,
    /// Written as a single string rather than an array.
    pub scalar: bool,
}

impl ElementList {
    pub fn key_name(&self, base: &str) -> String {
        if self.negated {
            format!("Not{base}")
        } else {
            base.to_string()
        }
    }

    /// Whether some item is exactly `*`.
    pub fn has_star(&self) -> bool {
        self.items.iter().any(|t| t.as_literal() == Some("*"))
    }
}

/// One principal value with its type key (`AWS`, `Service`, `Federated`, `CanonicalUser`,
/// or `*` for the bare `Principal: "*"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalValue {
    pub principal_type: String,
    pub value: Text,
}

/// `Principal` / `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub negated: bool,
    pub key_span: Span,
    pub span: Span,
    pub path: String,
    /// `Principal: "*"` is normalized to one value of type `AWS` and value `*`, with
    /// `bare_star` set.
    pub bare_star: bool,
    pub values: Vec<PrincipalValue>,
}

impl PrincipalBlock {
    /// Anyone: `"*"` or `{"AWS": "*"}` (or `"*"` under any type key).
    pub fn is_public(&self) -> bool {
        self.values
            .iter()
            .any(|v| v.value.as_literal() == Some("*") && v.principal_type != "Service")
    }

    pub fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Text> + 'a {
        self.values
            .iter()
            .filter(move |v| v.principal_type == ty)
            .map(|v| &v.value)
    }
}

/// The set qualifier of a condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// The type family of a condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

/// A condition operator split into its parts: `ForAnyValue:StringLikeIfExists` is
/// qualifier `ForAnyValue`, base `StringLike`, `if_exists`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    /// The base operator as written, without qualifier and `IfExists` (`StringLike`).
    pub base: String,
    pub if_exists: bool,
    /// `None` when the base is not an operator IAM knows.
    pub family: Option<OperatorFamily>,
    /// `StringNotEquals`, `NotIpAddress`, `ArnNotLike`, `DateNotEquals`, ...
    pub negated: bool,
    /// `StringLike`, `ArnLike`, `StringNotLike`, `ArnNotLike`, and the `Arn*` ones (ARN
    /// operators always allow wildcards).
    pub wildcard: bool,
}

/// The known base operators: (name, family, negated, wildcard).
pub const OPERATORS: &[(&str, OperatorFamily, bool, bool)] = &[
    ("StringEquals", OperatorFamily::String, false, false),
    ("StringNotEquals", OperatorFamily::String, true, false),
    (
        "StringEqualsIgnoreCase",
        OperatorFamily::String,
        false,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        OperatorFamily::String,
        true,
        false,
    ),
    ("StringLike", OperatorFamily::String, false, true),
    ("StringNotLike", OperatorFamily::String, true, true),
    ("NumericEquals", OperatorFamily::Numeric, false, false),
    ("NumericNotEquals", OperatorFamily::Numeric, true, false),
    ("NumericLessThan", OperatorFamily::Numeric, false, false),
    (
        "NumericLessThanEquals",
        OperatorFamily::Numeric,
        false,
        false,
    ),
    ("NumericGreaterThan", OperatorFamily::Numeric, false, false),
    (
        "NumericGreaterThanEquals",
        OperatorFamily::Numeric,
        false,
        false,
    ),
    ("DateEquals", OperatorFamily::Date, false, false),
    ("DateNotEquals", OperatorFamily::Date, true, false),
    ("DateLessThan", OperatorFamily::Date, false, false),
    ("DateLessThanEquals", OperatorFamily::Date, false, false),
    ("DateGreaterThan", OperatorFamily::Date, false, false),
    ("DateGreaterThanEquals", OperatorFamily::Date, false, false),
    ("Bool", OperatorFamily::Bool, false, false),
    ("BinaryEquals", OperatorFamily::Binary, false, false),
    ("IpAddress", OperatorFamily::IpAddress, false, false),
    ("NotIpAddress", OperatorFamily::IpAddress, true, false),
    ("ArnEquals", OperatorFamily::Arn, false, true),
    ("ArnNotEquals", OperatorFamily::Arn, true, true),
    ("ArnLike", OperatorFamily::Arn, false, true),
    ("ArnNotLike", OperatorFamily::Arn, true, true),
    ("Null", OperatorFamily::Null, false, false),
];

impl Operator {
    /// Parse an operator name. Unknown names give `family: None`; the qualifier is
    /// recognised case-sensitively, as IAM does.
    pub fn parse(s: &str) -> Operator {
        let (qualifier, rest) = if let Some(r) = s.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = s.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, s)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) if !b.is_empty() => (b, true),
            _ => (rest, false),
        };
        let known = OPERATORS.iter().find(|(n, ..)| *n == base);
        Operator {
            qualifier,
            base: base.to_string(),
            if_exists,
            family: known.map(|k| k.1),
            negated: known.is_some_and(|k| k.2),
            wildcard: known.is_some_and(|k| k.3),
        }
    }
}

/// One `key: values` pair under an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionEntry {
    pub key: Text,
    pub values: Vec<Text>,
    /// Span of the value (string or array).
    pub values_span: Span,
    /// Values that are not strings (numbers and booleans are kept as their text here;
    /// nested objects and nulls are reported as issues and dropped).
    pub scalar: bool,
}

/// One operator block: `"StringEquals": { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionClause {
    pub operator: Operator,
    pub operator_text: Text,
    pub entries: Vec<ConditionEntry>,
}

/// The `Condition` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub key_span: Span,
    pub span: Span,
    pub path: String,
    pub clauses: Vec<ConditionClause>,
}

impl Condition {
    /// Every (operator, entry) pair.
    pub fn entries(&self) -> impl Iterator<Item = (&ConditionClause, &ConditionEntry)> {
        self.clauses
            .iter()
            .flat_map(|c| c.entries.iter().map(move |e| (c, e)))
    }
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Position in the document's statement list.
    pub index: usize,
    pub span: Span,
    pub path: String,
    pub sid: Option<Text>,
    /// `None` when missing or not `Allow`/`Deny` exactly; see `effect_text`.
    pub effect: Option<Effect>,
    pub effect_text: Option<Text>,
    pub action: Option<ElementList>,
    pub resource: Option<ElementList>,
    pub principal: Option<PrincipalBlock>,
    pub condition: Option<Condition>,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }

    pub fn is_deny(&self) -> bool {
        self.effect == Some(Effect::Deny)
    }

    pub fn sid_text(&self) -> Option<&str> {
        self.sid.as_ref().and_then(|s| s.as_literal())
    }

    /// The span to point at when talking about the statement as a whole: its `Sid` if
    /// any, else its first key... falls back to the statement span.
    pub fn anchor_span(&self) -> Span {
        if let Some(s) = &self.sid {
            return s.span;
        }
        self.span
    }
}

/// A problem found while normalizing (wrong type, unknown element, ...). Rules turn these
/// into diagnostics; normalization never drops them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelIssue {
    pub kind: IssueKind,
    pub span: Span,
    pub path: String,
    pub message: String,
    /// A second location (the first of two duplicate keys, the other of `Action` and
    /// `NotAction`).
    pub related: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// An element IAM does not know (`Statment`, `Actions`).
    UnknownElement,
    /// An element of the wrong JSON type (`Action: 3`, `Statement: "x"`).
    WrongType,
    /// `Action` and `NotAction` (or `Resource`/`NotResource`, `Principal`/`NotPrincipal`)
    /// in one statement.
    ConflictingElements,
    /// The same key twice in one object of the policy.
    DuplicateKey,
    /// No `Statement`, or an empty one.
    NoStatement,
    /// An empty list or empty string where values are required.
    EmptyValue,
    /// A CloudFormation property that should hold a policy document but does not.
    NotADocument,
    /// The values of one condition key are of more than one JSON type (`["dev", 5]`).
    MixedValueTypes,
    /// A policy the file sets that could not be read (a `file://` path that is not
    /// there, a shell variable), or a part of the file that is not checked as written (a
    /// templated section): reported as information, never guessed at.
    Unchecked,
    /// A remark on how the document was read (a Terraform variable bound to the default
    /// its module declares): no rule reports it; `iamlint inspect` shows it.
    Note,
}

/// How a document is stored in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Logical path of the document (empty for a whole-file policy).
    pub path: String,
    /// CloudFormation logical id and type, when from a template.
    pub resource: Option<(String, String)>,
    /// The document was a JSON string inside the template; inner spans point at the string.
    pub embedded: bool,
}

/// One policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub kind: PolicyKind,
    /// Whether `kind` was inferred from the content (plain files) rather than from where the
    /// document sits or from `--policy-type`.
    pub kind_inferred: bool,
    pub origin: Origin,
    pub span: Span,
    pub version: Option<Text>,
    pub id: Option<Text>,
    /// The `Statement` key, when present.
    pub statement_key_span: Option<Span>,
    pub statements: Vec<Statement>,
    pub issues: Vec<ModelIssue>,
    /// What the document is, when the place it was found says more than its path (`the
    /// inline policy `s3` of role `app``): a note of every finding in it.
    pub about: Option<String>,
    /// The CloudFormation `Fn::If` branches in and around it: a finding under one
    /// applies only when its condition holds.
    pub branches: Vec<crate::Branch>,
}

impl Document {
    /// A path prefix for this document's elements: `""` or `Resources.X...PolicyDocument.`.
    pub fn path_prefix(&self) -> String {
        if self.origin.path.is_empty() {
            String::new()
        } else {
            format!("{}.", self.origin.path)
        }
    }
}

/// A reference to a managed policy by ARN (`ManagedPolicyArns`, `PermissionsBoundary`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedPolicyRef {
    pub arn: Text,
    /// The resource that attaches it.
    pub resource: String,
    /// `ManagedPolicyArns` or `PermissionsBoundary`.
    pub property: String,
}

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A policy document (`{"Version": ..., "Statement": ...}`).
    PolicyDocument,
    /// A CloudFormation (or SAM) template.
    CloudFormation,
    /// Another place policies live (a guide, a script, an account dump, Terraform): see
    /// [`PolicyFile::format`].
    Other,
    /// Parsed, but holds no policy: skipped in a directory walk.
    NotAPolicy,
    /// Could not be parsed; see `syntax_errors`.
    Unparsed,
}

/// A comment of the file, as its format writes comments (`#`, `//`, `<!-- -->`): where
/// suppressions (`iamlint:ignore[...]`) are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment as written, markers included.
    pub span: Span,
    /// Its text without the comment markers.
    pub text: String,
    /// What a suppression in it covers: the findings that start in this range (its own
    /// line; the next line when it stands alone on its line; the next code block of a
    /// guide).
    pub covers: Span,
}

/// The kind of an IAM principal a file defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    Role,
    User,
    Group,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Role => "role",
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        }
    }
}

/// What an attachment attaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachmentTarget {
    /// A managed policy by ARN (AWS managed or customer managed; may hold unknowns).
    Arn(Text),
    /// A policy document of the same file (by index into [`PolicyFile::documents`]): a
    /// customer managed policy or a policy resource defined beside the principal.
    Document(usize),
}

/// A policy attached to a principal (or set as its permissions boundary), and where
/// that is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub target: AttachmentTarget,
    /// The attaching element (the ARN in `ManagedPolicyArns`, the `Roles` item of an
    /// `AWS::IAM::Policy`, the `attach-role-policy` command).
    pub span: Span,
    pub path: String,
}

/// A user, group or role a file defines, with the policies it is given. Formats fill
/// these; the semantic layer assembles what the principal can do from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalDef {
    pub kind: PrincipalKind,
    /// How the file names it: a CloudFormation logical id, the `--role-name` of `aws
    /// iam` commands, a user name of an account dump, a Terraform address.
    pub id: String,
    /// Its name in AWS when the file gives one (`RoleName`; may hold unknowns).
    pub name: Option<Text>,
    /// Where it is defined (the resource's key, the `create-role` command).
    pub span: Span,
    pub path: String,
    /// Its trust policy (roles), by index into [`PolicyFile::documents`].
    pub trust: Option<usize>,
    /// Its inline identity policies, by index into [`PolicyFile::documents`].
    pub inline: Vec<usize>,
    /// Managed policies attached to it.
    pub attached: Vec<Attachment>,
    /// Its permissions boundary.
    pub boundary: Option<Attachment>,
    /// The groups a user belongs to, by their `id`.
    pub groups: Vec<String>,
    /// The instance profiles that hold a role (by how the file names them): EC2
    /// instances launched with one of them act as the role.
    pub instance_profiles: Vec<String>,
    /// Its policies that are not documents of this file: documents of another file of the
    /// same configuration, or policies computed from inputs (`var.policy`). As far as this
    /// file shows, the principal's policies are incomplete when this is not empty.
    pub outside: Vec<OutsidePolicy>,
}

impl PrincipalDef {
    /// A principal with no policies yet.
    pub fn new(
        kind: PrincipalKind,
        id: impl Into<String>,
        span: Span,
        path: impl Into<String>,
    ) -> PrincipalDef {
        PrincipalDef {
            kind,
            id: id.into(),
            name: None,
            span,
            path: path.into(),
            trust: None,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            groups: Vec::new(),
            instance_profiles: Vec::new(),
            outside: Vec::new(),
        }
    }

    /// The name it has in AWS when the file gives it literally (`RoleName`), else its id.
    pub fn display_name(&self) -> &str {
        self.name
            .as_ref()
            .and_then(Text::as_literal)
            .unwrap_or(&self.id)
    }

    /// Every document this principal holds directly: trust, inline, attached documents of
    /// the same file, boundary (by index into [`PolicyFile::documents`]).
    pub fn documents(&self) -> impl Iterator<Item = usize> + '_ {
        let attached = self
            .attached
            .iter()
            .chain(self.boundary.as_ref())
            .filter_map(|a| match a.target {
                AttachmentTarget::Document(i) => Some(i),
                AttachmentTarget::Arn(_) => None,
            });
        self.trust
            .into_iter()
            .chain(self.inline.iter().copied())
            .chain(attached)
    }
}

/// What a policy is to a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyRelation {
    Trust,
    Inline,
    Attached,
    Boundary,
}

/// A policy of a principal that is not a document of the principal's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsidePolicy {
    pub relation: PolicyRelation,
    /// When the policy is a document of another file of the same configuration (a sibling
    /// `.tf` of a Terraform module): that file's name, as iamlint names files given on the
    /// command line (the principal's file's directory joined with the sibling's name), and
    /// the document's logical path there ([`Origin::path`]).
    pub document: Option<(String, String)>,
    /// The expression that gives the policy, as written (`var.policy`,
    /// `data.aws_iam_policy_document.x.json`).
    pub expression: String,
    /// The element that gives it (the `policy_arn`, the `assume_role_policy`).
    pub span: Span,
    pub path: String,
}

/// A loaded and normalized file.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyFile {
    /// The format that read it (`json-policy`, `yaml-policy`, `cloudformation`, ...).
    pub format: &'static str,
    /// The syntax a policy of this file is written back in (`iamlint tighten`).
    pub syntax: SourceKind,
    pub kind: FileKind,
    pub documents: Vec<Document>,
    pub managed_policies: Vec<ManagedPolicyRef>,
    pub syntax_errors: Vec<iamlint_syntax::SyntaxError>,
    /// Duplicate keys anywhere in the file; rules report those inside policy documents.
    pub duplicate_keys: Vec<iamlint_syntax::DuplicateKey>,
    /// Issues outside any document (a CloudFormation policy property of the wrong shape).
    pub issues: Vec<ModelIssue>,
    /// `Metadata: iamlint: ignore:` entries of CloudFormation resources.
    pub metadata_ignores: Vec<MetadataIgnore>,
    /// The file's comments (suppressions are read from them).
    pub comments: Vec<Comment>,
    /// The users, groups and roles the file defines.
    pub principals: Vec<PrincipalDef>,
    /// The parts of a file that holds several (a guide's code blocks): what each was
    /// read as, for `iamlint inspect`. Empty for a file that is one thing.
    pub sections: Vec<crate::Section>,
    /// CloudFormation `Fn::If` branches outside documents (a `ManagedPolicyArns` that is
    /// an `Fn::If`): a finding under one applies only when its condition holds.
    pub branches: Vec<crate::Branch>,
}

impl PolicyFile {
    /// An empty file of `format`, of kind `kind`.
    pub fn empty(format: &'static str, syntax: SourceKind, kind: FileKind) -> PolicyFile {
        PolicyFile {
            format,
            syntax,
            kind,
            documents: Vec::new(),
            managed_policies: Vec::new(),
            syntax_errors: Vec::new(),
            duplicate_keys: Vec::new(),
            issues: Vec::new(),
            metadata_ignores: Vec::new(),
            comments: Vec::new(),
            principals: Vec::new(),
            sections: Vec::new(),
            branches: Vec::new(),
        }
    }
}

/// One `Metadata: { iamlint: { ignore: [ {rule: X, reason: Y} ] } }` entry (or the
/// shorthand `- "X: reason"`) on a CloudFormation resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataIgnore {
    /// The logical id of the resource; findings under `Resources.<id>.` are covered.
    pub resource: String,
    pub rule: String,
    pub reason: Option<String>,
    pub span: Span,
}
