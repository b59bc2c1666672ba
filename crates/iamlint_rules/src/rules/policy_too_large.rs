use super::structure::{exclusive_branches, first_line, in_branch};
use super::words::thousands;
use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Document, ElementList, Part, PolicyKind, Statement, Text};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Reports a policy larger than the IAM or Organizations size quota that applies
    /// where it is deployed, counting characters without whitespace, as AWS does:
    ///
    /// | where | quota |
    /// |---|---|
    /// | customer managed policy (`AWS::IAM::ManagedPolicy`, a plain identity policy file) | 6,144 |
    /// | inline policies of one role (`AWS::IAM::Role` `Policies`, SAM function `Policies`), in total | 10,240 |
    /// | inline policies of one user, in total | 2,048 |
    /// | inline policies of one group, in total | 5,120 |
    /// | role trust policy (default; can be raised) | 2,048 |
    /// | service control policy, resource control policy | 5,120 |
    /// | S3 bucket policy (`AWS::S3::BucketPolicy`) | 20,480 |
    /// | SQS queue policy (`AWS::SQS::QueuePolicy`) | 8,192 |
    /// | SNS topic policy (`AWS::SNS::TopicPolicy`) | 30,720 |
    /// | KMS key policy (`AWS::KMS::Key`) | 32,768 |
    /// | Secrets Manager resource policy (`AWS::SecretsManager::ResourcePolicy`) | 20,480 |
    ///
    /// CloudFormation documents are measured as the JSON CloudFormation sends (YAML is
    /// converted). Values computed by CloudFormation (`!Ref`, `!Sub` references) are not
    /// counted, so the size is a lower bound and only a document over the quota even
    /// without them is reported. An `AWS::IAM::Policy` whose attachment is not known is
    /// measured only against the largest inline quota (10,240). Resource policies are
    /// measured where the template says which resource holds them (the services' quotas
    /// are in bytes; characters without whitespace are a lower bound of those bytes);
    /// other resource policies, and plain resource policy files, are not measured.
    /// Organizations counts every character of an SCP or RCP, whitespace included: the
    /// count without whitespace is a lower bound there too.
    ///
    /// AWS managed policies are not bound by the customer managed quota (some are over
    /// 90,000 characters): a plain policy file named after one (`ReadOnlyAccess.json`,
    /// names from `rules/aws-managed-policy-names.txt`) is taken to be a copy of it and is
    /// not measured.
    ///
    /// ## Why is this bad?
    /// AWS rejects the policy (`LimitExceeded`), so the deployment fails.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS:
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0001
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0002
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0003
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0004
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0005
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0006
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0007
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0008
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0009
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0010
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0011
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0012
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0013
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0014
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0015
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0016
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0017
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0018
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0019
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0020
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0021
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0022
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0023
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0024
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0025
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0026
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0027
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0028
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0029
    ///         - arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-0030
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal: {AWS: arn:aws:iam::111122223333:root}
    ///     Action: sts:AssumeRole
    ///     Condition:
    ///       StringLike: {aws:PrincipalArn: arn:aws:iam::111122223333:role/a-role-with-a-fairly-long-name-number-*}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM and AWS STS quotas":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
    /// - AWS Organizations User Guide, "Quotas for AWS Organizations":
    ///   <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>
    pub PolicyTooLarge {
        code: "IAM125",
        name: "policy-too-large",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a policy over the AWS size quota for where it is deployed",
    }
}

/// Documents with their sizes.
type Sized<'a> = Vec<(&'a Document, Size)>;

/// Where a document counts, and against what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quota {
    Managed,
    RoleInline,
    UserInline,
    GroupInline,
    Trust,
    Scp,
    Rcp,
    /// Attachment unknown: only the largest inline quota is certain.
    AnyInline,
    /// A resource policy of a known resource type: (quota, what it is).
    Resource(usize, &'static str),
}

/// Resource policy quotas, by the CloudFormation type that holds the policy: (type, bytes,
/// description). From each service's documentation: Amazon S3 User Guide ("bucket policies
/// are limited to 20 KB"), Amazon SQS Developer Guide ("Amazon SQS policy quotas": 8,192
/// bytes), Amazon SNS Developer Guide ("Policy quotas": 30 KB), AWS KMS Developer Guide
/// ("key policy document ... 32 KB"), AWS Secrets Manager quotas ("resource-based policy":
/// 20,480 characters).
const RESOURCE_QUOTAS: &[(&str, usize, &str)] = &[
    ("AWS::S3::BucketPolicy", 20_480, "S3 bucket policy quota"),
    ("AWS::SQS::QueuePolicy", 8_192, "SQS queue policy quota"),
    ("AWS::SNS::TopicPolicy", 30_720, "SNS topic policy quota"),
    ("AWS::KMS::Key", 32_768, "KMS key policy quota"),
    (
        "AWS::SecretsManager::ResourcePolicy",
        20_480,
        "Secrets Manager resource policy quota",
    ),
];

impl Quota {
    fn limit(self) -> usize {
        match self {
            Quota::Managed => 6_144,
            Quota::RoleInline | Quota::AnyInline => 10_240,
            Quota::UserInline | Quota::Trust => 2_048,
            Quota::GroupInline | Quota::Scp | Quota::Rcp => 5_120,
            Quota::Resource(n, _) => n,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Quota::Managed => "managed policy quota",
            Quota::RoleInline => "quota for a role's inline policies in total",
            Quota::UserInline => "quota for a user's inline policies in total",
            Quota::GroupInline => "quota for a group's inline policies in total",
            Quota::Trust => "role trust policy quota",
            Quota::Scp => "service control policy quota",
            Quota::Rcp => "resource control policy quota",
            Quota::Resource(_, what) => what,
            Quota::AnyInline => "largest inline policy quota (a role's, in total)",
        }
    }

    /// Quotas that sum every inline policy of one entity.
    fn summed(self) -> bool {
        matches!(
            self,
            Quota::RoleInline | Quota::UserInline | Quota::GroupInline
        )
    }
}

fn quota_of(doc: &Document) -> Option<Quota> {
    let Some((_, ty)) = &doc.origin.resource else {
        return match doc.kind {
            PolicyKind::Identity | PolicyKind::Boundary => Some(Quota::Managed),
            PolicyKind::Trust => Some(Quota::Trust),
            PolicyKind::Scp => Some(Quota::Scp),
            PolicyKind::Rcp => Some(Quota::Rcp),
            PolicyKind::Resource => None,
        };
    };
    let inline = doc.origin.path.contains(".Policies");
    Some(match ty.as_str() {
        "AWS::IAM::ManagedPolicy" => Quota::Managed,
        "AWS::IAM::Role" if doc.kind == PolicyKind::Trust => Quota::Trust,
        "AWS::IAM::Role" | "AWS::Serverless::Function" if inline => Quota::RoleInline,
        "AWS::IAM::User" if inline => Quota::UserInline,
        "AWS::IAM::Group" if inline => Quota::GroupInline,
        "AWS::IAM::RolePolicy" => Quota::RoleInline,
        "AWS::IAM::UserPolicy" => Quota::UserInline,
        "AWS::IAM::GroupPolicy" => Quota::GroupInline,
        "AWS::IAM::Policy" => Quota::AnyInline,
        // Terraform resource types (iamlint_formats' terraform module)
        "aws_iam_policy" => Quota::Managed,
        "aws_iam_role" | "aws_iam_policy_document" if doc.kind == PolicyKind::Trust => Quota::Trust,
        "aws_iam_role" | "aws_iam_role_policy" => Quota::RoleInline,
        "aws_iam_user_policy" => Quota::UserInline,
        "aws_iam_group_policy" => Quota::GroupInline,
        "aws_iam_policy_document" if doc.kind == PolicyKind::Identity => Quota::AnyInline,
        _ if doc.kind == PolicyKind::Scp => Quota::Scp,
        _ if doc.kind == PolicyKind::Rcp => Quota::Rcp,
        t => match RESOURCE_QUOTAS.iter().find(|(rt, ..)| *rt == t) {
            Some(&(_, n, what)) if doc.kind == PolicyKind::Resource => Quota::Resource(n, what),
            _ => return None,
        },
    })
}

impl Rule for PolicyTooLarge {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        // Per entity (logical id) for summed quotas: (quota, [(doc, size)]).
        let mut groups: BTreeMap<&str, (Quota, Sized<'_>)> = BTreeMap::new();
        for doc in &file.documents {
            let Some(quota) = quota_of(doc) else { continue };
            match (&doc.origin.resource, quota.summed()) {
                (Some((id, _)), true) => {
                    groups
                        .entry(id.as_str())
                        .or_insert((quota, Vec::new()))
                        .1
                        .push((doc, document_size(doc)));
                }
                // (a copy of an AWS managed policy is not measured at all)
                _ if is_aws_managed_copy(cx, doc) => {}
                _ => {
                    let size = document_size(doc);
                    if size.chars > quota.limit() {
                        sink.report(single(cx, doc, size, quota));
                    }
                }
            }
        }
        for (id, (quota, docs)) in groups {
            let total = total_of(&docs);
            if total.chars <= quota.limit() {
                continue;
            }
            if docs.len() == 1 {
                sink.report(single(cx, docs[0].0, docs[0].1, quota));
                continue;
            }
            let Some(&(biggest, _)) = docs.iter().max_by_key(|(_, s)| s.chars) else {
                continue;
            };
            let mut f = Finding::new(
                first_line(biggest.span, cx.text()),
                biggest.origin.path.clone(),
                format!(
                    "the {} inline policies of `{id}` total {}{} characters without whitespace, {} over the {}-character {}",
                    docs.len(),
                    if total.unresolved { "at least " } else { "" },
                    thousands(total.chars),
                    thousands(total.chars - quota.limit()),
                    thousands(quota.limit()),
                    quota.describe()
                ),
            )
            .label(format!("{} characters", thousands(size_of(&docs, biggest).chars)))
            .help("move statements into customer managed policies (6,144 characters each, up to 10 attached by default), or merge statements and use wildcards where they do not widen access");
            for (d, s) in &docs {
                if std::ptr::eq(*d, biggest) {
                    continue;
                }
                f = f.secondary(
                    first_line(d.span, cx.text()),
                    format!("{} characters", thousands(s.chars)),
                );
            }
            if total.unresolved {
                f = f.note("values computed by CloudFormation are not counted: the deployed policies are larger");
            }
            sink.report(f);
        }
    }
}

fn size_of(docs: &[(&Document, Size)], which: &Document) -> Size {
    docs.iter()
        .find(|(d, _)| std::ptr::eq(*d, which))
        .map(|(_, s)| *s)
        .unwrap_or_default()
}

/// The sum over the documents of one entity, counting only the larger of two `Fn::If`
/// alternatives.
fn total_of(docs: &[(&Document, Size)]) -> Size {
    let mut total = Size::default();
    for (i, (d, s)) in docs.iter().enumerate() {
        let shadowed = docs.iter().enumerate().any(|(j, (o, os))| {
            j != i
                && exclusive_branches(&d.origin.path, &o.origin.path)
                && (os.chars > s.chars || (os.chars == s.chars && j < i))
        });
        if !shadowed {
            total.chars += s.chars;
            total.unresolved |= s.unresolved;
        }
    }
    total
}

/// A plain policy file named after an AWS managed policy (`ReadOnlyAccess.json`): a copy of
/// one, which the customer managed quota does not bind.
fn is_aws_managed_copy(cx: &FileContext<'_>, doc: &Document) -> bool {
    doc.origin.resource.is_none()
        && std::path::Path::new(&cx.source.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|n| cx.data.is_aws_managed_policy_name(n))
}

fn single(cx: &FileContext<'_>, doc: &Document, size: Size, quota: Quota) -> Finding {
    let mut f = Finding::new(
        first_line(doc.span, cx.text()),
        doc.origin.path.clone(),
        format!(
            "policy is {}{} characters without whitespace, {} over the {}-character {}",
            if size.unresolved { "at least " } else { "" },
            thousands(size.chars),
            thousands(size.chars - quota.limit()),
            thousands(quota.limit()),
            quota.describe()
        ),
    )
    .label("this policy")
    .help(match quota {
        Quota::Trust => "shorten the principal list (an account principal with an `aws:PrincipalArn` condition), or request a higher trust policy quota",
        Quota::Resource(..) => "a resource has one policy: shorten it by merging statements that share principals and conditions, or by naming principals through `aws:PrincipalOrgID` or `aws:PrincipalArn` conditions instead of long lists",
        _ => "split it into several policies, or merge statements and use wildcards where they do not widen access",
    });
    if size.unresolved {
        f = f.note(
            "values computed by CloudFormation are not counted: the deployed policy is larger",
        );
    }
    if quota == Quota::Managed && doc.origin.resource.is_none() {
        f = f.note("a plain identity policy file is measured as a customer managed policy; AWS managed policies are exempt from this quota");
    }
    if matches!(quota, Quota::Resource(..)) {
        f = f.note("the service counts bytes, whitespace included: the policy as stored is at least this large");
    }
    if quota == Quota::AnyInline {
        f = f.note("`AWS::IAM::Policy` counts toward the inline quota of every role, user and group it is attached to; users and groups have smaller quotas");
    }
    f
}

/// A size in characters without whitespace; `unresolved` when CloudFormation values were
/// left out (the size is then a lower bound).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Size {
    chars: usize,
    unresolved: bool,
}

impl Size {
    fn add(&mut self, n: usize) {
        self.chars += n;
    }
}

/// The document as compact JSON, whitespace excluded: what AWS counts.
fn document_size(doc: &Document) -> Size {
    let mut s = Size::default();
    let mut members = 0;
    s.add(2); // {}
    if let Some(v) = &doc.version {
        member(&mut s, &mut members, "Version");
        string(&mut s, v);
    }
    if let Some(v) = &doc.id {
        member(&mut s, &mut members, "Id");
        string(&mut s, v);
    }
    if doc.statement_key_span.is_some() {
        member(&mut s, &mut members, "Statement");
        s.add(2); // []
        let mut n = 0;
        let sizes: Vec<Size> = doc.statements.iter().map(statement_size).collect();
        for (i, (st, &size)) in doc.statements.iter().zip(&sizes).enumerate() {
            // Of two `Fn::If` alternatives only the larger one counts. Only a statement
            // inside an `Fn::If` branch has alternatives (most documents have none).
            let shadowed = in_branch(&st.path)
                && doc
                    .statements
                    .iter()
                    .zip(&sizes)
                    .enumerate()
                    .any(|(j, (o, os))| {
                        j != i
                            && exclusive_branches(&st.path, &o.path)
                            && (os.chars > size.chars || (os.chars == size.chars && j < i))
                    });
            if shadowed {
                continue;
            }
            if n > 0 {
                s.add(1);
            }
            n += 1;
            s.add(size.chars);
            s.unresolved |= size.unresolved;
        }
    }
    s
}

fn member(s: &mut Size, members: &mut usize, key: &str) {
    if *members > 0 {
        s.add(1); // ,
    }
    *members += 1;
    s.add(key.len() + 3); // "key":
}

fn string(s: &mut Size, t: &Text) {
    s.add(2);
    for p in &t.parts {
        match p {
            Part::Literal(l) => s.add(json_chars(l)),
            Part::Hole { .. } => s.unresolved = true,
        }
    }
}

/// The characters of `l` in compact JSON, whitespace left out: `"` and `\\` escaped (2),
/// other control characters as `\u00XX` (6).
fn json_chars(l: &str) -> usize {
    if !l.is_ascii() {
        return l
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '"' | '\\' => 2,
                c if (c as u32) < 0x20 => 6,
                _ => 1,
            })
            .sum();
    }
    // ASCII: the same count byte by byte (ASCII whitespace is `\t`..=`\r` and space).
    l.bytes()
        .map(|b| match b {
            b'\t'..=b'\r' | b' ' => 0,
            b'"' | b'\\' => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

fn list(s: &mut Size, l: &ElementList) {
    if l.scalar && l.items.len() == 1 {
        if let Some(t) = l.items.first() {
            string(s, t);
        }
        return;
    }
    strings(s, l.items.iter());
}

fn strings<'a>(s: &mut Size, items: impl Iterator<Item = &'a Text>) {
    s.add(2);
    for (i, t) in items.enumerate() {
        if i > 0 {
            s.add(1);
        }
        string(s, t);
    }
}

fn statement_size(st: &Statement) -> Size {
    let mut s = Size::default();
    let mut members = 0;
    s.add(2);
    if let Some(t) = &st.sid {
        member(&mut s, &mut members, "Sid");
        string(&mut s, t);
    }
    if let Some(t) = &st.effect_text {
        member(&mut s, &mut members, "Effect");
        string(&mut s, t);
    }
    if let Some(p) = &st.principal {
        member(
            &mut s,
            &mut members,
            if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            },
        );
        if p.bare_star {
            s.add(3);
        } else {
            s.add(2);
            let mut types: Vec<&str> = Vec::new();
            for v in &p.values {
                if !types.contains(&v.principal_type.as_str()) {
                    types.push(&v.principal_type);
                }
            }
            for (i, ty) in types.iter().enumerate() {
                if i > 0 {
                    s.add(1);
                }
                s.add(ty.len() + 3);
                let vals: Vec<&Text> = p.of_type(ty).collect();
                match vals.as_slice() {
                    [one] => string(&mut s, one),
                    many => strings(&mut s, many.iter().copied()),
                }
            }
        }
    }
    if let Some(l) = &st.action {
        member(
            &mut s,
            &mut members,
            if l.negated { "NotAction" } else { "Action" },
        );
        list(&mut s, l);
    }
    if let Some(l) = &st.resource {
        member(
            &mut s,
            &mut members,
            if l.negated { "NotResource" } else { "Resource" },
        );
        list(&mut s, l);
    }
    if let Some(c) = &st.condition {
        member(&mut s, &mut members, "Condition");
        s.add(2);
        for (i, cl) in c.clauses.iter().enumerate() {
            if i > 0 {
                s.add(1);
            }
            string(&mut s, &cl.operator_text);
            s.add(1); // :
            s.add(2);
            for (j, e) in cl.entries.iter().enumerate() {
                if j > 0 {
                    s.add(1);
                }
                string(&mut s, &e.key);
                s.add(1);
                if e.scalar && e.values.len() == 1 {
                    if let Some(v) = e.values.first() {
                        string(&mut s, v);
                    }
                } else {
                    strings(&mut s, e.values.iter());
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use iamlint_formats::{load_text, LoadOptions};

    fn non_whitespace(s: &str) -> usize {
        s.chars().filter(|c| !c.is_whitespace()).count()
    }

    /// For compact JSON input, the size computed from the model equals what AWS counts:
    /// the characters of the text without whitespace.
    #[test]
    fn model_size_matches_the_json_text() {
        let policies = [
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A1", "Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}]}"#,
            r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"], "Service": "ec2.amazonaws.com"}, "Action": ["sts:AssumeRole"], "Condition": {"StringEquals": {"sts:ExternalId": "a \"quoted\" id"}, "Bool": {"aws:MultiFactorAuthPresent": ["true"]}}}]}"#,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::a\\b"}, {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}"#,
        ];
        for p in policies {
            let file = load_text("p.json", p, &LoadOptions::default());
            let doc = file.documents.first().unwrap();
            let size = document_size(doc);
            assert!(!size.unresolved);
            assert_eq!(size.chars, non_whitespace(p), "{p}");
        }
    }

    #[test]
    fn holes_make_a_lower_bound() {
        let y = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub \"arn:aws:s3:::${Bucket}/*\"\n";
        let file = load_text("t.yaml", y, &LoadOptions::default());
        let size = document_size(file.documents.first().unwrap());
        assert!(size.unresolved);
        let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::/*"}]}"#;
        assert_eq!(size.chars, full.len());
    }

    /// `iamlint deploy-policy` splits and refuses policies by its own count
    /// (`iamlint_deploy::render::policy_size`): it is this rule's count, placeholders
    /// (`<StackName>`, unknown here) aside, which it counts as written.
    #[test]
    fn deploy_policy_counts_as_this_rule() {
        use iamlint_deploy::render::{policy_json, policy_size, Statement};
        use iamlint_deploy::template::{Pat, Pseudo, Seg};
        let st = |sid: &str, actions: &[&str], resources: Vec<Pat>| Statement {
            sid: sid.into(),
            actions: actions.iter().map(|a| (*a).to_string()).collect(),
            resources,
            needs: Vec::new(),
        };
        let literal = vec![
            st("One", &["s3:GetObject"], vec![Pat::lit("arn:aws:s3:::b/*")]),
            st(
                "Quoted\"Sid",
                &["sqs:SendMessage", "sqs:Get*"],
                vec![Pat::lit("arn:aws:sqs:us-east-1:1:a q\\"), Pat::any()],
            ),
        ];
        let text = policy_json(&literal);
        let file = load_text("p.json", &text, &LoadOptions::default());
        let size = document_size(file.documents.first().unwrap());
        assert!(!size.unresolved);
        assert_eq!(size.chars, policy_size(&literal));
        // a placeholder: the rule's count is a lower bound, the generator's is not below it
        let open = vec![st(
            "Stack",
            &["cloudformation:CreateStack"],
            vec![Pat(vec![
                Seg::Lit("arn:".into()),
                Seg::Pseudo(Pseudo::Partition),
                Seg::Lit(":cloudformation:*:*:stack/".into()),
                Seg::Pseudo(Pseudo::StackName),
                Seg::Lit("/*".into()),
            ])],
        )];
        let text = policy_json(&open);
        let file = load_text("p.json", &text, &LoadOptions::default());
        let size = document_size(file.documents.first().unwrap());
        assert!(size.unresolved);
        assert_eq!(size.chars + "<StackName>".len(), policy_size(&open));
    }

    #[test]
    fn quotas_follow_the_origin() {
        let y = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: s3:GetObject\n                Resource: \"*\"\n";
        let file = load_text("t.yaml", y, &LoadOptions::default());
        let quotas: Vec<Option<Quota>> = file.documents.iter().map(quota_of).collect();
        assert_eq!(quotas, vec![Some(Quota::Trust), Some(Quota::RoleInline)]);
    }

    /// The count character by character, as the definition reads.
    fn by_chars(l: &str) -> usize {
        l.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '"' | '\\' => 2,
                c if (c as u32) < 0x20 => 6,
                _ => 1,
            })
            .sum()
    }

    #[test]
    fn ascii_fast_path_counts_as_the_definition() {
        for b in 0u8..=0x7f {
            let s = format!("a{}b", char::from(b));
            assert_eq!(json_chars(&s), by_chars(&s), "byte {b:#04x}");
        }
        for s in [
            "",
            "s3:GetObject",
            "a \"quoted\" \\ path\n",
            "é ü\u{a0}x\u{3000}y\u{1c}",
        ] {
            assert_eq!(json_chars(s), by_chars(s), "{s:?}");
        }
    }
}
