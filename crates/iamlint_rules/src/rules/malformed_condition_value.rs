use crate::rules::catalog_support::judgeable;
use crate::rules::invalid_principal::service_problem;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::regions;
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports a condition value that is not in the format its key holds:
    /// - `aws:RequestedRegion`: a Region that does not exist (`us-east-99`);
    /// - `aws:SourceVpc`, `aws:Ec2InstanceSourceVpc`: not `vpc-` and 8 or 17 letters and
    ///   digits; `aws:SourceVpce`: not `vpce-` and 8 or 17;
    /// - keys that hold a service principal (`iam:PassedToService`,
    ///   `iam:AWSServiceName`, `aws:PrincipalServiceName`, `aws:CalledVia`, ...): not
    ///   `name.amazonaws.com` (`ec2` alone); `kms:ViaService`: not
    ///   `name.region.amazonaws.com` (the Region is part of it);
    /// - keys that hold a KMS key ARN (`s3:x-amz-server-side-encryption-aws-kms-key-id`,
    ///   `secretsmanager:KmsKeyArn`, ...): not a key ARN (a bare key ID).
    ///
    /// Values with wildcards, policy variables, placeholders or CloudFormation intrinsics
    /// are not judged. Regions come from botocore's list built into iamlint
    /// (`docs/catalog.md`): a Region AWS opened since the build would be reported until
    /// the list is refreshed.
    ///
    /// ## Why is this bad?
    /// The request never carries such a value, so the condition never matches it: an
    /// `Allow` meant for that Region, VPC or service grants nothing, and a `Deny` with a
    /// negated operator (`StringNotEquals` on `aws:SourceVpc`) denies every request,
    /// including the ones it meant to let through.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app", "Condition": {"StringEquals": {"iam:PassedToService": "ec2"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:RequestedRegion`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:CalledVia`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - AWS KMS Developer Guide, "kms:ViaService": <https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service>
    /// - IAM User Guide, "IAM policy validation check reference" (Invalid Region, Invalid vpc format, Invalid vpce format, Invalid service principal format, Invalid kms key value): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub MalformedConditionValue {
        code: "IAM144",
        name: "malformed-condition-value",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition value not in its key's format (Region, VPC, service principal, KMS key ARN)",
    }
}

/// What a key holds.
#[derive(Clone, Copy)]
enum Holds {
    Region,
    Vpc,
    Vpce,
    ServicePrincipal,
    ViaService,
    KmsKeyArn,
}

fn holds(key: &str) -> Option<Holds> {
    let k = key.to_ascii_lowercase();
    Some(match k.as_str() {
        "aws:requestedregion" => Holds::Region,
        "aws:sourcevpc" | "aws:ec2instancesourcevpc" => Holds::Vpc,
        "aws:sourcevpce" => Holds::Vpce,
        "kms:viaservice" => Holds::ViaService,
        "iam:passedtoservice"
        | "codeconnections:passedtoservice"
        | "codestar-connections:passedtoservice"
        | "iam:awsservicename"
        | "aws:principalservicename"
        | "aws:principalservicenameslist"
        | "aws:calledvia"
        | "aws:calledviafirst"
        | "aws:calledvialast"
        | "kms:granteeserviceprincipal"
        | "kms:retiringserviceprincipal"
        | "organizations:serviceprincipal"
        | "config:configurationrecorderserviceprincipal" => Holds::ServicePrincipal,
        "s3:x-amz-server-side-encryption-aws-kms-key-id"
        | "s3express:x-amz-server-side-encryption-aws-kms-key-id"
        | "s3tables:kmskeyarn"
        | "s3vectors:kmskeyarn"
        | "secretsmanager:kmskeyarn" => Holds::KmsKeyArn,
        _ => return None,
    })
}

/// `prefix` followed by 8 or 17 lower-case letters and digits.
fn id_with(v: &str, prefix: &str) -> bool {
    v.strip_prefix(prefix).is_some_and(|rest| {
        matches!(rest.len(), 8 | 17)
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// Why `v` is not what the key holds; `None` when it is.
fn problem(h: Holds, v: &str) -> Option<(String, String)> {
    match h {
        Holds::Region => (!regions::is_region(v)).then(|| {
            (
                format!("`{v}` is not an AWS Region (by {})", regions::DATA_NOTE),
                "write a Region code such as `eu-west-1`".to_owned(),
            )
        }),
        Holds::Vpc => (!id_with(v, "vpc-")).then(|| {
            (
                format!("`{v}` is not a VPC ID (`vpc-` and 8 or 17 letters and digits)"),
                "write the VPC's ID, such as `vpc-1a2b3c4d` or `vpc-0123456789abcdef0`".to_owned(),
            )
        }),
        Holds::Vpce => (!id_with(v, "vpce-")).then(|| {
            (
                format!("`{v}` is not a VPC endpoint ID (`vpce-` and 8 or 17 letters and digits)"),
                "write the endpoint's ID, such as `vpce-1a2b3c4d` or `vpce-0123456789abcdef0`"
                    .to_owned(),
            )
        }),
        Holds::ServicePrincipal => service_problem(v).map(|_| {
            (
                format!("`{v}` is not a service principal"),
                format!(
                    "write the service principal, `{}.amazonaws.com`",
                    v.split('.').next().unwrap_or(v)
                ),
            )
        }),
        Holds::ViaService => via_service_problem(v),
        Holds::KmsKeyArn => kms_key_problem(v),
    }
}

/// `kms:ViaService` holds `service.region.amazonaws.com`.
fn via_service_problem(v: &str) -> Option<(String, String)> {
    let host = v
        .strip_suffix(".amazonaws.com")
        .or_else(|| v.strip_suffix(".amazonaws.com.cn"));
    let (service, region) = host.and_then(|h| h.rsplit_once('.')).unwrap_or(("", ""));
    if !service.is_empty() && regions::is_region(region) {
        return None;
    }
    let first = v.split('.').next().unwrap_or(v);
    Some((
        format!("`{v}` is not how `kms:ViaService` names a service: it holds the service's endpoint with its Region"),
        format!("write `{first}.<region>.amazonaws.com`, for example `{first}.us-east-1.amazonaws.com`"),
    ))
}

/// A KMS key ARN: `arn:partition:kms:region:account:key/id`.
fn kms_key_problem(v: &str) -> Option<(String, String)> {
    let f: Vec<&str> = v.splitn(6, ':').collect();
    let ok = f.len() == 6 && f[0] == "arn" && f[2] == "kms" && f[5].starts_with("key/");
    (!ok).then(|| {
        (
            format!("`{v}` is not a KMS key ARN"),
            "write the key's ARN, `arn:aws:kms:<region>:<account>:key/<key-id>`: requests carry the ARN, not the ID or an alias".to_owned(),
        )
    })
}

impl Rule for MalformedConditionValue {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                if !matches!(
                    clause.operator.family,
                    Some(OperatorFamily::String | OperatorFamily::Arn)
                ) {
                    continue;
                }
                let Some(h) = entry.key.as_literal().and_then(holds) else {
                    continue;
                };
                for v in &entry.values {
                    let Some(text) = judgeable(v) else { continue };
                    if text.contains(['*', '?']) || text.is_empty() {
                        continue;
                    }
                    let Some((message, help)) = problem(h, text) else {
                        continue;
                    };
                    let what = if entry.values.len() == 1 && clause.operator.negated {
                        "a request never carries it, so this negated condition holds for every request"
                    } else {
                        "a request never carries it, so it matches nothing"
                    };
                    sink.report(
                        Finding::new(v.span, v.path.clone(), format!("{message}: {what}"))
                            .label("not in the key's format")
                            .secondary(entry.key.span, "condition key")
                            .help(help)
                            .sid(st),
                    );
                }
            }
        }
    }
}
