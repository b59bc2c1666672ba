//! `aws` CLI commands that set IAM policies, and what each becomes in the policy model:
//! documents (trust, inline, managed, resource policies), principals (grouped by
//! `--role-name`, `--user-name`, `--group-name`), managed-policy attachments and
//! permissions boundaries.

use crate::shell::{Resolved, ShellState};
use crate::shell_words::{Command, Word};
use iamlint_policy::normalize::normalize_document;
use iamlint_policy::{
    Attachment, AttachmentTarget, IssueKind, ManagedPolicyRef, Origin, PolicyFile, PolicyKind,
    PrincipalDef, PrincipalKind, Section, Text,
};
use iamlint_syntax::{
    decode_json_string, parse_json, Entry, LineIndex, Node, ScalarStyle, Span, SpanMap, Value,
};

/// The services whose commands are read (a prose line `aws SERVICE ...` is a command).
pub(crate) const SERVICES: &[&str] = &[
    "iam",
    "s3api",
    "sqs",
    "sns",
    "kms",
    "lambda",
    "ecr",
    "secretsmanager",
    "logs",
    "efs",
    "backup",
    "events",
    "codeartifact",
    "opensearch",
    "es",
    "apigateway",
    "organizations",
];

/// Global options of the `aws` command that take a value.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "region",
    "profile",
    "output",
    "endpoint-url",
    "query",
    "color",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
    "cli-binary-format",
];

/// Resource policies set by one option of one command: (service, operation, policy
/// option, option naming the resource, CloudFormation type of the same policy, what the
/// policy is called).
const RESOURCE_POLICIES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "s3api",
        "put-bucket-policy",
        "policy",
        "bucket",
        "AWS::S3::BucketPolicy",
        "bucket policy",
    ),
    (
        "kms",
        "put-key-policy",
        "policy",
        "key-id",
        "AWS::KMS::Key",
        "key policy",
    ),
    (
        "kms",
        "create-key",
        "policy",
        "description",
        "AWS::KMS::Key",
        "key policy",
    ),
    (
        "ecr",
        "set-repository-policy",
        "policy-text",
        "repository-name",
        "AWS::ECR::Repository",
        "repository policy",
    ),
    (
        "secretsmanager",
        "put-resource-policy",
        "resource-policy",
        "secret-id",
        "AWS::SecretsManager::ResourcePolicy",
        "secret's resource policy",
    ),
    (
        "logs",
        "put-resource-policy",
        "policy-document",
        "policy-name",
        "AWS::Logs::ResourcePolicy",
        "CloudWatch Logs resource policy",
    ),
    (
        "efs",
        "put-file-system-policy",
        "policy",
        "file-system-id",
        "AWS::EFS::FileSystem",
        "file system policy",
    ),
    (
        "backup",
        "put-backup-vault-access-policy",
        "policy",
        "backup-vault-name",
        "AWS::Backup::BackupVault",
        "vault access policy",
    ),
    (
        "events",
        "put-permission",
        "policy",
        "event-bus-name",
        "AWS::Events::EventBus",
        "event bus policy",
    ),
    (
        "codeartifact",
        "put-repository-permissions-policy",
        "policy-document",
        "repository",
        "AWS::CodeArtifact::Repository",
        "repository permissions policy",
    ),
    (
        "codeartifact",
        "put-domain-permissions-policy",
        "policy-document",
        "domain",
        "AWS::CodeArtifact::Domain",
        "domain permissions policy",
    ),
    (
        "opensearch",
        "create-domain",
        "access-policies",
        "domain-name",
        "AWS::OpenSearchService::Domain",
        "domain access policy",
    ),
    (
        "opensearch",
        "update-domain-config",
        "access-policies",
        "domain-name",
        "AWS::OpenSearchService::Domain",
        "domain access policy",
    ),
    (
        "es",
        "create-elasticsearch-domain",
        "access-policies",
        "domain-name",
        "AWS::Elasticsearch::Domain",
        "domain access policy",
    ),
    (
        "es",
        "update-elasticsearch-domain-config",
        "access-policies",
        "domain-name",
        "AWS::Elasticsearch::Domain",
        "domain access policy",
    ),
    (
        "apigateway",
        "create-rest-api",
        "policy",
        "name",
        "AWS::ApiGateway::RestApi",
        "API resource policy",
    ),
    (
        "sns",
        "set-topic-attributes",
        "attribute-value",
        "topic-arn",
        "AWS::SNS::TopicPolicy",
        "topic policy",
    ),
    (
        "organizations",
        "create-policy",
        "content",
        "name",
        "AWS::Organizations::Policy",
        "organization policy",
    ),
    (
        "organizations",
        "update-policy",
        "content",
        "policy-id",
        "AWS::Organizations::Policy",
        "organization policy",
    ),
];

/// One parsed `aws` command: service, operation and options (`--name value...`).
struct Call {
    service: String,
    op: String,
    opts: Vec<(String, Vec<Word>)>,
}

impl Call {
    fn value(&self, name: &str) -> Option<&Word> {
        self.opts
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
    }

    fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|(n, _)| n == name)
    }
}

fn parse(args: &[Word]) -> Option<Call> {
    let mut positional: Vec<String> = Vec::new();
    let mut opts: Vec<(String, Vec<Word>)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        let t = w.text.as_str();
        if let Some(name) = t
            .strip_prefix("--")
            .filter(|_| w.vars.is_empty() || !t.contains('$'))
        {
            if let Some((n, _)) = name.split_once('=') {
                let at = 2 + n.len() + 1;
                opts.push((n.to_string(), vec![w.tail(at)]));
                i += 1;
                continue;
            }
            let name = name.to_string();
            let mut values = Vec::new();
            i += 1;
            if positional.len() < 2 {
                // a global option before the service and operation
                if GLOBAL_WITH_VALUE.contains(&name.as_str()) {
                    i += 1;
                }
                continue;
            }
            while i < args.len() && !(args[i].text.starts_with("--") && args[i].text.len() > 2) {
                values.push(args[i].clone());
                i += 1;
            }
            opts.push((name, values));
            continue;
        }
        if positional.len() < 2 {
            positional.push(w.literal()?.to_string());
        }
        i += 1;
    }
    let mut p = positional.into_iter();
    Some(Call {
        service: p.next()?,
        op: p.next()?,
        opts,
    })
}

/// Read one `aws` command (the words after `aws`).
pub(crate) fn read(
    st: &mut ShellState<'_>,
    index: usize,
    cmd: &Command,
    args: &[Word],
    file: &mut PolicyFile,
    section: &mut Section,
) {
    let Some(call) = parse(args) else { return };
    let path = st.command_path(index);
    let r = Reader {
        call: &call,
        cmd,
        path: &path,
    };
    let service = call.service.as_str();
    let op = call.op.as_str();
    let item = match (service, op) {
        ("iam", "create-role") => r.create_role(st, file),
        ("iam", "update-assume-role-policy") => r.update_trust(st, file),
        ("iam", "put-role-policy") => r.put_inline(st, file, PrincipalKind::Role),
        ("iam", "put-user-policy") => r.put_inline(st, file, PrincipalKind::User),
        ("iam", "put-group-policy") => r.put_inline(st, file, PrincipalKind::Group),
        ("iam", "attach-role-policy") => r.attach(st, file, PrincipalKind::Role),
        ("iam", "attach-user-policy") => r.attach(st, file, PrincipalKind::User),
        ("iam", "attach-group-policy") => r.attach(st, file, PrincipalKind::Group),
        ("iam", "put-role-permissions-boundary") => r.boundary(st, file, PrincipalKind::Role),
        ("iam", "put-user-permissions-boundary") => r.boundary(st, file, PrincipalKind::User),
        ("iam", "create-user") => r.create_user_or_group(st, file, PrincipalKind::User),
        ("iam", "create-group") => r.create_user_or_group(st, file, PrincipalKind::Group),
        ("iam", "add-user-to-group") => r.add_to_group(st, file),
        ("iam", "create-policy") => r.create_policy(st, file),
        ("iam", "create-policy-version") => r.create_policy_version(st, file),
        ("iam", "create-service-linked-role") => call.value("aws-service-name").map(|s| {
            (
                s.span,
                format!(
                    "create-service-linked-role for `{}` (its trust and permissions are AWS's)",
                    s.text
                ),
            )
        }),
        ("sqs", "set-queue-attributes" | "create-queue") | ("sns", "create-topic") => {
            r.attributes_policy(st, file)
        }
        ("lambda", "add-permission") => r.lambda_permission(st, file),
        _ => RESOURCE_POLICIES
            .iter()
            .find(|(s, o, ..)| *s == service && *o == op)
            .and_then(|row| r.resource_policy(st, file, row)),
    };
    if let Some(item) = item {
        section.items.push(item);
    }
}

struct Reader<'c> {
    call: &'c Call,
    cmd: &'c Command,
    path: &'c str,
}

fn kind_noun(kind: PrincipalKind) -> &'static str {
    kind.as_str()
}

fn name_option(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::Role => "role-name",
        PrincipalKind::User => "user-name",
        PrincipalKind::Group => "group-name",
    }
}

fn cfn_type(kind: PrincipalKind, inline: bool) -> &'static str {
    match (kind, inline) {
        (PrincipalKind::Role, false) => "AWS::IAM::Role",
        (PrincipalKind::User, false) => "AWS::IAM::User",
        (PrincipalKind::Group, false) => "AWS::IAM::Group",
        (PrincipalKind::Role, true) => "AWS::IAM::RolePolicy",
        (PrincipalKind::User, true) => "AWS::IAM::UserPolicy",
        (PrincipalKind::Group, true) => "AWS::IAM::GroupPolicy",
    }
}

/// A policy's place: its logical path, kind, owner and what to call it.
struct Place {
    kind: PolicyKind,
    path: String,
    resource: Option<(String, String)>,
    about: String,
}

impl Reader<'_> {
    /// The principal named by `--role-name` (etc.), created on first mention.
    fn principal(
        &self,
        st: &ShellState<'_>,
        file: &mut PolicyFile,
        kind: PrincipalKind,
    ) -> Option<usize> {
        let w = self.call.value(name_option(kind))?;
        let name = st.word_text(w, format!("{}.{}", self.path, pascal(name_option(kind))));
        let id = name.display();
        {
            let mut index = st.principal_index.borrow_mut();
            let (seen, by_id) = &mut *index;
            for (i, p) in file.principals.iter().enumerate().skip(*seen) {
                by_id.entry((p.kind, p.id.clone())).or_insert(i);
            }
            *seen = file.principals.len();
            if let Some(&i) = by_id.get(&(kind, id.clone())) {
                return Some(i);
            }
        }
        file.principals.push(PrincipalDef {
            kind,
            id,
            name: Some(name),
            span: self.cmd.span,
            path: self.path.to_string(),
            trust: None,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            groups: Vec::new(),
            instance_profiles: Vec::new(),
            outside: Vec::new(),
        });
        Some(file.principals.len() - 1)
    }

    fn create_role(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, PrincipalKind::Role)?;
        let id = file.principals[p].id.clone();
        // `create-role` defines the role: it is where the role is
        file.principals[p].span = self.cmd.span;
        file.principals[p].path = self.path.to_string();
        let mut item = format!("create-role `{id}`");
        if let Some(w) = self.call.value("assume-role-policy-document") {
            let place = Place {
                kind: PolicyKind::Trust,
                path: format!("{}.AssumeRolePolicyDocument", self.path),
                resource: Some((id.clone(), "AWS::IAM::Role".into())),
                about: format!("the trust policy of role `{id}`"),
            };
            if let Some(d) = policy(st, file, w, place) {
                file.principals[p].trust = Some(d);
                item.push_str(": trust policy");
            } else {
                item.push_str(": trust policy not read");
            }
        }
        if let Some(w) = self.call.value("permissions-boundary") {
            self.set_boundary(st, file, p, w);
        }
        Some((self.cmd.span, item))
    }

    fn update_trust(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, PrincipalKind::Role)?;
        let id = file.principals[p].id.clone();
        let w = self.call.value("policy-document")?;
        let place = Place {
            kind: PolicyKind::Trust,
            path: format!("{}.PolicyDocument", self.path),
            resource: Some((id.clone(), "AWS::IAM::Role".into())),
            about: format!("the trust policy of role `{id}`"),
        };
        let d = policy(st, file, w, place);
        if d.is_some() {
            file.principals[p].trust = d;
        }
        Some((self.cmd.span, format!("update-assume-role-policy `{id}`")))
    }

    fn put_inline(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
        kind: PrincipalKind,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, kind)?;
        let id = file.principals[p].id.clone();
        let name = self
            .call
            .value("policy-name")
            .map(|w| st.word_text(w, String::new()).display())
            .unwrap_or_default();
        let w = self.call.value("policy-document")?;
        let place = Place {
            kind: PolicyKind::Identity,
            path: format!("{}.PolicyDocument", self.path),
            resource: Some((id.clone(), cfn_type(kind, true).into())),
            about: format!("the inline policy `{name}` of {} `{id}`", kind_noun(kind)),
        };
        if let Some(d) = policy(st, file, w, place) {
            file.principals[p].inline.push(d);
        }
        Some((
            self.cmd.span,
            format!("put-{}-policy `{name}` on `{id}`", kind_noun(kind)),
        ))
    }

    fn attach(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
        kind: PrincipalKind,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, kind)?;
        let id = file.principals[p].id.clone();
        let w = self.call.value("policy-arn")?;
        let arn = st.word_text(w, format!("{}.PolicyArn", self.path));
        let name = policy_name(&arn);
        let target = match name.as_deref().and_then(|n| st.created_policies.get(n)) {
            Some(&d) if !is_aws_managed(&arn) => AttachmentTarget::Document(d),
            _ => AttachmentTarget::Arn(arn.clone()),
        };
        file.principals[p].attached.push(Attachment {
            target,
            span: w.span,
            path: arn.path.clone(),
        });
        file.managed_policies.push(ManagedPolicyRef {
            arn: arn.clone(),
            resource: id.clone(),
            property: "ManagedPolicyArns".into(),
        });
        Some((
            self.cmd.span,
            format!(
                "attach-{}-policy `{}` to `{id}`",
                kind_noun(kind),
                name.unwrap_or_else(|| arn.display())
            ),
        ))
    }

    fn set_boundary(&self, st: &ShellState<'_>, file: &mut PolicyFile, p: usize, w: &Word) {
        let arn = st.word_text(w, format!("{}.PermissionsBoundary", self.path));
        let target = match policy_name(&arn)
            .as_deref()
            .and_then(|n| st.created_policies.get(n))
        {
            Some(&d) if !is_aws_managed(&arn) => AttachmentTarget::Document(d),
            _ => AttachmentTarget::Arn(arn.clone()),
        };
        let id = file.principals[p].id.clone();
        file.principals[p].boundary = Some(Attachment {
            target,
            span: w.span,
            path: arn.path.clone(),
        });
        file.managed_policies.push(ManagedPolicyRef {
            arn,
            resource: id,
            property: "PermissionsBoundary".into(),
        });
    }

    fn boundary(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
        kind: PrincipalKind,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, kind)?;
        let w = self.call.value("permissions-boundary")?;
        self.set_boundary(st, file, p, w);
        let id = &file.principals[p].id;
        Some((
            self.cmd.span,
            format!("put-{}-permissions-boundary `{id}`", kind_noun(kind)),
        ))
    }

    fn create_user_or_group(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
        kind: PrincipalKind,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, kind)?;
        file.principals[p].span = self.cmd.span;
        file.principals[p].path = self.path.to_string();
        if let Some(w) = self.call.value("permissions-boundary") {
            self.set_boundary(st, file, p, w);
        }
        let id = &file.principals[p].id;
        Some((self.cmd.span, format!("create-{} `{id}`", kind_noun(kind))))
    }

    fn add_to_group(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let p = self.principal(st, file, PrincipalKind::User)?;
        let g = self.call.value("group-name")?;
        let group = st.word_text(g, String::new()).display();
        if !file.principals[p].groups.contains(&group) {
            file.principals[p].groups.push(group.clone());
        }
        let id = &file.principals[p].id;
        Some((
            self.cmd.span,
            format!("add-user-to-group `{id}` to `{group}`"),
        ))
    }

    fn create_policy(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let name = st
            .word_text(self.call.value("policy-name")?, String::new())
            .display();
        let w = self.call.value("policy-document")?;
        let place = Place {
            kind: PolicyKind::Identity,
            path: format!("{}.PolicyDocument", self.path),
            resource: Some((name.clone(), "AWS::IAM::ManagedPolicy".into())),
            about: format!("the managed policy `{name}`"),
        };
        let d = policy(st, file, w, place);
        if let Some(d) = d {
            st.created_policies.insert(name.clone(), d);
        }
        Some((
            self.cmd.span,
            format!(
                "create-policy `{name}`{}",
                if d.is_some() {
                    ""
                } else {
                    ": document not read"
                }
            ),
        ))
    }

    fn create_policy_version(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let arn = st.word_text(self.call.value("policy-arn")?, String::new());
        let name = policy_name(&arn).unwrap_or_else(|| arn.display());
        let w = self.call.value("policy-document")?;
        let place = Place {
            kind: PolicyKind::Identity,
            path: format!("{}.PolicyDocument", self.path),
            resource: Some((name.clone(), "AWS::IAM::ManagedPolicy".into())),
            about: format!("a new version of the managed policy `{name}`"),
        };
        if let Some(d) = policy(st, file, w, place) {
            if self.call.has("set-as-default") {
                st.created_policies.insert(name.clone(), d);
            }
        }
        Some((self.cmd.span, format!("create-policy-version `{name}`")))
    }

    fn resource_policy(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
        row: &(&str, &str, &str, &str, &str, &str),
    ) -> Option<(Span, String)> {
        let (_, op, option, name_opt, ty, what) = *row;
        if self.call.service == "sns"
            && self.call.value("attribute-name").and_then(Word::literal) != Some("Policy")
        {
            return None;
        }
        let kind = if self.call.service == "organizations" {
            match self.call.value("type").and_then(Word::literal) {
                Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                // tag, backup and AI opt-out policies are not IAM policies
                Some(_) => return None,
                None if op == "update-policy" => PolicyKind::Scp,
                None => return None,
            }
        } else {
            PolicyKind::Resource
        };
        let w = self.call.value(option)?;
        let owner = self
            .call
            .value(name_opt)
            .map(|n| st.word_text(n, String::new()).display())
            .unwrap_or_else(|| "a new resource".to_string());
        let place = Place {
            kind,
            path: format!("{}.{}", self.path, pascal(option)),
            resource: Some((owner.clone(), ty.to_string())),
            about: format!("the {what} of `{owner}`"),
        };
        let read = policy(st, file, w, place).is_some();
        Some((
            self.cmd.span,
            format!(
                "{} {op}: {what} of `{owner}`{}",
                self.call.service,
                if read { "" } else { " not read" }
            ),
        ))
    }

    /// `sqs set-queue-attributes --attributes '{"Policy": "..."}'` (and `create-queue`,
    /// `sns create-topic`): the policy is a JSON string inside the attribute map.
    fn attributes_policy(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let (name_opt, ty, what) = match (self.call.service.as_str(), self.call.op.as_str()) {
            ("sqs", "set-queue-attributes") => {
                ("queue-url", "AWS::SQS::QueuePolicy", "queue policy")
            }
            ("sqs", _) => ("queue-name", "AWS::SQS::QueuePolicy", "queue policy"),
            _ => ("name", "AWS::SNS::TopicPolicy", "topic policy"),
        };
        let w = self.call.value("attributes")?;
        let owner = self
            .call
            .value(name_opt)
            .map(|n| st.word_text(n, String::new()).display())
            .unwrap_or_default();
        // the attribute map, as JSON: the `Policy` member's string, decoded with its map
        let text = w.text.trim_start();
        if !text.starts_with('{') {
            return None;
        }
        let parsed = parse_json(&w.text, &st.opts.limits);
        let root = parsed.documents.first()?;
        let pol = root.get_entry("Policy")?;
        let (decoded, inner) = decode_json_string(&w.text, pol.value.span.start as usize)?;
        let map = w.map.then(&inner);
        let place = Place {
            kind: PolicyKind::Resource,
            path: format!("{}.Attributes.Policy", self.path),
            resource: Some((owner.clone(), ty.into())),
            about: format!("the {what} of `{owner}`"),
        };
        let word = Word {
            span: map.map(Span::new(0, decoded.len() as u32)),
            text: decoded,
            map,
            vars: Vec::new(),
        };
        let read = policy(st, file, &word, place).is_some();
        Some((
            self.cmd.span,
            format!(
                "{} {}: {what} of `{owner}`{}",
                self.call.service,
                self.call.op,
                if read { "" } else { " not read" }
            ),
        ))
    }

    /// `lambda add-permission`: one statement of the function's resource policy, built
    /// from the options (each value points at its option's word).
    fn lambda_permission(
        &self,
        st: &mut ShellState<'_>,
        file: &mut PolicyFile,
    ) -> Option<(Span, String)> {
        let c = self.call;
        let func = c.value("function-name")?;
        let principal = c.value("principal")?;
        let action = c.value("action")?;
        let span = self.cmd.span;
        let s = |text: &str, span: Span| Node {
            span,
            tag: None,
            value: Value::String(text.to_string(), ScalarStyle::Quoted),
        };
        let entry = |key: &str, key_span: Span, value: Node| Entry {
            key: key.to_string(),
            key_span,
            value,
        };
        let map = |entries: Vec<Entry>, span: Span| Node {
            span,
            tag: None,
            value: Value::Map(entries),
        };
        let resource = if func.text.starts_with("arn:") {
            func.text.clone()
        } else {
            format!(
                "arn:aws:lambda:<REGION>:<AWS ACCOUNT ID>:function:{}",
                func.text
            )
        };
        let ptype = if principal.text == "*" {
            None
        } else if principal.text.contains(".amazonaws.com") {
            Some("Service")
        } else {
            Some("AWS")
        };
        let principal_node = match ptype {
            None => s("*", principal.span),
            Some(t) => map(
                vec![entry(t, principal.span, s(&principal.text, principal.span))],
                principal.span,
            ),
        };
        let mut stmt = Vec::new();
        if let Some(sid) = c.value("statement-id") {
            stmt.push(entry("Sid", sid.span, s(&sid.text, sid.span)));
        }
        stmt.push(entry("Effect", span, s("Allow", span)));
        stmt.push(entry("Principal", principal.span, principal_node));
        stmt.push(entry("Action", action.span, s(&action.text, action.span)));
        stmt.push(entry("Resource", func.span, s(&resource, func.span)));
        let mut cond: Vec<(&str, Entry)> = Vec::new();
        for (opt, op, key) in [
            ("source-arn", "ArnLike", "AWS:SourceArn"),
            ("source-account", "StringEquals", "AWS:SourceAccount"),
            ("principal-org-id", "StringEquals", "aws:PrincipalOrgID"),
            (
                "function-url-auth-type",
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
            (
                "event-source-token",
                "StringEquals",
                "lambda:EventSourceToken",
            ),
        ] {
            if let Some(v) = c.value(opt) {
                cond.push((op, entry(key, v.span, s(&v.text, v.span))));
            }
        }
        if !cond.is_empty() {
            let mut ops: Vec<Entry> = Vec::new();
            for (op, e) in cond {
                let e_span = e.key_span;
                match ops.iter_mut().find(|o| o.key == op) {
                    Some(o) => {
                        if let Value::Map(m) = &mut o.value.value {
                            m.push(e);
                        }
                    }
                    None => ops.push(entry(op, e_span, map(vec![e], e_span))),
                }
            }
            stmt.push(entry("Condition", span, map(ops, span)));
        }
        let doc = map(
            vec![
                entry("Version", span, s("2012-10-17", span)),
                entry(
                    "Statement",
                    span,
                    Node {
                        span,
                        tag: None,
                        value: Value::Seq(vec![map(stmt, span)]),
                    },
                ),
            ],
            span,
        );
        let fname = st.word_text(func, String::new()).display();
        let sid = c
            .value("statement-id")
            .map(|w| w.text.clone())
            .unwrap_or_default();
        let mut d = normalize_document(
            &doc,
            PolicyKind::Resource,
            false,
            Origin {
                path: self.path.to_string(),
                resource: Some((fname.clone(), "AWS::Lambda::Permission".into())),
                embedded: false,
            },
            &st.opts.vars,
        );
        for w in [func, principal, action]
            .into_iter()
            .chain(c.value("source-arn"))
            .chain(c.value("source-account"))
        {
            st.holes_in_document(&mut d, w);
        }
        d.about = Some(format!(
            "the statement `{sid}` that `add-permission` adds to the resource policy of function `{fname}`"
        ));
        file.documents.push(d);
        Some((span, format!("lambda add-permission `{sid}` on `{fname}`")))
    }
}

/// `role-name` → `RoleName`.
fn pascal(option: &str) -> String {
    option
        .split('-')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The policy name at the end of a managed policy ARN (`.../policy/path/NAME`).
fn policy_name(arn: &Text) -> Option<String> {
    let shown = arn.display();
    let (_, rest) = shown.split_once(":policy/")?;
    let name = rest.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

fn is_aws_managed(arn: &Text) -> bool {
    arn.display().contains(":iam::aws:policy/")
}

/// Read the policy given as `w` (inline JSON, `file://`, a variable): its document's
/// index, or `None` with an issue saying why it was not read.
fn policy(st: &mut ShellState<'_>, file: &mut PolicyFile, w: &Word, place: Place) -> Option<usize> {
    policy_at_depth(st, file, w, place, 0)
}

fn policy_at_depth(
    st: &mut ShellState<'_>,
    file: &mut PolicyFile,
    w: &Word,
    place: Place,
    depth: usize,
) -> Option<usize> {
    let text = w.text.trim_start();
    if text.starts_with('{') || text.starts_with('[') {
        return inline_json(st, file, w, place, None);
    }
    let unchecked = |st: &ShellState<'_>, file: &mut PolicyFile, why: String| {
        st.issue(
            file,
            IssueKind::Unchecked,
            w.span,
            place.path.clone(),
            format!("{} {why}: it is not checked", place.about),
        );
        None
    };
    if let Some(p) = text
        .strip_prefix("file://")
        .or_else(|| text.strip_prefix("fileb://"))
    {
        if !w.vars.is_empty() {
            return unchecked(
                st,
                file,
                format!("is read from `{}`, a path made of shell variables", w.text),
            );
        }
        return match st.resolve_file(p) {
            Ok(Resolved::Written(body, literal)) => {
                let body_text = &st.text[body.start as usize..body.end as usize];
                let mut map = SpanMap::new(body.start as usize);
                map.push_verbatim(body.start as usize, body_text.len());
                let vars = if literal {
                    Vec::new()
                } else {
                    scan_vars(body_text)
                };
                let inner = Word {
                    span: body,
                    text: body_text.to_string(),
                    map,
                    vars,
                };
                let about = format!("{} (written to `{p}` by a here-document)", place.about);
                inline_json(st, file, &inner, Place { about, ..place }, None)
            }
            Ok(Resolved::Read(shown, contents)) => {
                let about = format!("{} (read from `{shown}`)", place.about);
                let inner = Word {
                    span: w.span,
                    text: contents,
                    map: SpanMap::new(w.span.start as usize),
                    vars: Vec::new(),
                };
                inline_json(
                    st,
                    file,
                    &inner,
                    Place { about, ..place },
                    Some((w.span, shown)),
                )
            }
            Err(why) => unchecked(st, file, format!("is read from `{}`, but {why}", w.text)),
        };
    }
    // `$POLICY`, `"${POLICY}"`: a variable assigned earlier in the file, or bound by `--var`
    if let [(r, name)] = &w.vars[..] {
        if r.start == 0 && r.end == w.text.len() {
            if let Some(v) = st.opts.vars.get(name) {
                let inner = Word {
                    span: w.span,
                    text: v.clone(),
                    map: SpanMap::new(w.span.start as usize),
                    vars: Vec::new(),
                };
                return inline_json(
                    st,
                    file,
                    &inner,
                    place,
                    Some((w.span, format!("--var {name}"))),
                );
            }
            if let Some(bound) = st.bindings.get(name).cloned() {
                let computed = bound
                    .vars
                    .iter()
                    .any(|(r, _)| r.start == 0 && r.end == bound.text.len());
                if computed {
                    return unchecked(
                        st,
                        file,
                        format!("is the shell variable `${name}`, set from `{}`", bound.text),
                    );
                }
                if depth < 4 {
                    return policy_at_depth(st, file, &bound, place, depth + 1);
                }
            }
            return unchecked(
                st,
                file,
                format!(
                    "is the shell variable `${name}`, whose value is not in the {}",
                    st.noun
                ),
            );
        }
    }
    unchecked(st, file, format!("is `{}`, not a JSON document", w.text))
}

/// `$NAME` and `${NAME}` in a here-document's body, as the shell lexer records them.
fn scan_vars(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            if b.get(i + 1) == Some(&b'{') {
                if let Some(close) = text[i..].find('}') {
                    let inner = &text[i + 2..i + close];
                    if !inner.is_empty()
                        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        out.push((i..i + close + 1, inner.to_string()));
                    }
                    i += close + 1;
                    continue;
                }
            } else if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            {
                let mut e = i + 1;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                    e += 1;
                }
                out.push((i..e, text[i + 1..e].to_string()));
                i = e;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A JSON policy written in `w` (its text decoded, with its map), parsed and normalized.
/// `clamp`: the policy was read from another file (the span of the `file://` word and
/// the file's name): every span points at the word.
fn inline_json(
    st: &ShellState<'_>,
    file: &mut PolicyFile,
    w: &Word,
    place: Place,
    clamp: Option<(Span, String)>,
) -> Option<usize> {
    let mut parsed = parse_json(&w.text, &st.opts.limits);
    match &clamp {
        None => parsed.map_spans(&mut |s| w.map.map(s)),
        Some((span, shown)) => {
            let index = LineIndex::new(&w.text);
            for e in &mut parsed.errors {
                let at = index.line_col(&w.text, e.span.start);
                e.message = format!(
                    "`{shown}` does not parse at line {}, column {}: {}",
                    at.line, at.column, e.message
                );
            }
            parsed.duplicate_keys.clear();
            let span = *span;
            parsed.map_spans(&mut |_| span);
        }
    }
    file.duplicate_keys.extend(parsed.duplicate_keys);
    if !parsed.errors.is_empty() {
        file.syntax_errors.extend(parsed.errors);
        return None;
    }
    let root = parsed.documents.into_iter().next()?;
    let mut doc = normalize_document(
        &root,
        place.kind,
        false,
        Origin {
            path: place.path,
            resource: place.resource,
            embedded: false,
        },
        &st.opts.vars,
    );
    st.holes_in_document(&mut doc, w);
    doc.about = Some(place.about);
    file.documents.push(doc);
    Some(file.documents.len() - 1)
}
