use crate::rules::catalog_support::list_some;
use crate::rules::resource_fit::{arn_fields, judged_patterns, types_of, Fit, Judged, UNKNOWNS_NOTE};
use iamlint_semantic::lenient_format;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Severity, Sink};
use iamlint_catalog::{Catalog, ResourceTypeId};
use iamlint_matcher::{ArnFormat, ArnPattern};
use iamlint_policy::Statement;

declare_rule! {
    /// ## What it does
    /// Reports a `Resource` item that cannot be a resource of any action of its
    /// statement, while other items can (when none can, `resource-mismatch` reports the
    /// statement). It says why, comparing the item with the ARN formats the catalog gives
    /// the actions' resource types:
    /// - an account where the service has none (`arn:aws:s3::111122223333:b/*`), or none
    ///   where it needs one (`arn:aws:sqs:us-east-1::jobs`);
    /// - a Region where the service has none (IAM: `arn:aws:iam:us-east-1:...`), or none
    ///   where it needs one;
    /// - a resource part of no accepted form (`role/` misspelt), or a service none of the
    ///   actions belongs to (a KMS key ARN in an S3 statement).
    ///
    /// An item with placeholders or intrinsics is judged as a pattern with `*` for each
    /// unknown value, when that pattern surely matches every ARN the item can stand for
    /// (`!Sub arn:${AWS::Partition}:s3:::${Bucket}` is a bucket, never an object); an
    /// unknown that may hold any field (`!GetAtt Queue.Arn`) leaves the statement
    /// unjudged, as do `NotAction`, `NotResource` and a `*` item.
    ///
    /// Two gaps of the catalog are allowed for: services whose two versions share one
    /// prefix (API Gateway and its V2, Elastic Load Balancing and its V2, Greengrass,
    /// Kinesis Analytics, Lex, SMS Voice) keep one version's resource types for an action
    /// of both, so their items and actions are not judged; and AWS's own SSM documents,
    /// public parameters and Resource Explorer service views have ARNs without an account
    /// (`arn:aws:ssm:*::document/AWS-*`).
    ///
    /// ## Why is this bad?
    /// The item matches no resource the actions act on, so it grants (or denies)
    /// nothing; usually it was meant to name something the statement needs and the
    /// statement does less than its author thinks. IAM Access Analyzer reports these as
    /// errors ("ARN account not allowed", "ARN Region not allowed", "Missing ARN
    /// Region", "Missing ARN account", "Invalid ARN resource").
    ///
    /// Account and Region findings are errors: the service's ARNs fix those fields. A
    /// resource part of no accepted form, or another service, is a warning: the
    /// catalog's formats are sometimes looser or stricter than the service (which
    /// placeholders may hold `/`), as for `resource-mismatch`.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::reports/*", "arn:aws:s3::111122223333:archive/*"]}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::reports/*", "arn:aws:s3:::archive/*"]}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference (resource types and ARN formats of each action): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "IAM policy validation check reference": <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ResourceItemMismatch {
        code: "IAM142",
        name: "resource-item-mismatch",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Resource` item that no action of its statement can act on",
    }
}

impl Rule for ResourceItemMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let mut fit = Fit::new(cx.semantic());
        for (st, g) in cx.statements() {
            let Some(patterns) = judged_patterns(st, g) else {
                continue;
            };
            let (types, star_services) = types_of(cat, &g.actions);
            let fits: Vec<bool> = patterns
                .iter()
                .map(|j| item_fits(cat, &mut fit, &j.pattern, &types, &star_services))
                .collect();
            if !fits.iter().any(|f| *f) {
                continue; // resource-mismatch reports the whole statement
            }
            for (j, ok) in patterns.iter().zip(&fits) {
                if *ok {
                    continue;
                }
                sink.report(finding(cat, &mut fit, st, j, &types, &star_services));
            }
        }
    }
}

fn item_fits(
    cat: &Catalog,
    fit: &mut Fit<'_>,
    p: &ArnPattern,
    types: &[ResourceTypeId],
    star_services: &[u16],
) -> bool {
    fit.names_any(types, p)
        || star_services.iter().any(|&s| {
            crate::rules::resource_mismatch::service_field_fits(p.as_str(), cat.service_prefix(s))
        })
}

/// Why an item fits no action.
enum Why {
    /// Another service than the actions'.
    Service(String),
    AccountNotAllowed(String),
    AccountMissing,
    RegionNotAllowed(String),
    RegionMissing,
    /// The resource part fits no format.
    ResourcePart,
}

fn classify(
    cat: &Catalog,
    fit: &mut Fit<'_>,
    p: &ArnPattern,
    types: &[ResourceTypeId],
    star_services: &[u16],
) -> Why {
    let Some(fields) = arn_fields(p.as_str()) else {
        return Why::ResourcePart;
    };
    let service = fields[1];
    let literal_service = !service.contains(['*', '?', '$']);
    let same_service: Vec<ResourceTypeId> = types
        .iter()
        .copied()
        .filter(|&rt| cat.service_prefix(cat.resource_type_service(rt)) == service)
        .collect();
    let star_same = star_services
        .iter()
        .any(|&s| cat.service_prefix(s) == service);
    if literal_service && same_service.is_empty() && !star_same {
        return Why::Service(service.to_owned());
    }
    // Put each format's own Region and account into the item: if the item then fits
    // that format, only those fields kept it out.
    let (region, account) = (fields[2], fields[3]);
    for &rt in &same_service {
        for raw in fit.raw_formats(rt) {
            let Some(ff) = arn_fields(raw) else { continue };
            let example = |f: &str, v: &'static str| if f.is_empty() { "" } else { v };
            let candidate = format!(
                "arn:{}:{}:{}:{}:{}",
                fields[0],
                fields[1],
                example(ff[2], "us-east-1"),
                example(ff[3], "111122223333"),
                fields[4]
            );
            let (Ok(c), Ok(f)) = (
                ArnPattern::parse(&candidate),
                ArnFormat::parse(&lenient_format(raw)),
            ) else {
                continue;
            };
            if !c.can_name(&f) {
                continue;
            }
            return match (
                region.is_empty(),
                ff[2].is_empty(),
                account.is_empty(),
                ff[3].is_empty(),
            ) {
                (false, true, ..) => Why::RegionNotAllowed(region.to_owned()),
                (true, false, ..) => Why::RegionMissing,
                (_, _, false, true) => Why::AccountNotAllowed(account.to_owned()),
                (_, _, true, false) => Why::AccountMissing,
                _ => continue,
            };
        }
    }
    Why::ResourcePart
}

fn finding(
    cat: &Catalog,
    fit: &mut Fit<'_>,
    st: &Statement,
    j: &Judged<'_>,
    types: &[ResourceTypeId],
    star_services: &[u16],
) -> Finding {
    let p: &ArnPattern = &j.pattern;
    let why = classify(cat, fit, p, types, star_services);
    // the item as written; with unknown values, the fields are not rewritten in the help
    let item = j.shown.as_str();
    let literal = item == p.as_str();
    let without = |field: usize, what: &str| {
        if literal {
            format!("remove the {what}: `{}`", without_field(item, field))
        } else {
            format!("remove the {what}")
        }
    };
    let span = j.span;
    let service = arn_fields(p.as_str()).map_or("", |f| f[1]).to_owned();
    let formats: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for &rt in types {
            if cat.service_prefix(cat.resource_type_service(rt)) != service {
                continue;
            }
            for f in fit.raw_formats(rt) {
                let f = format!("`{f}`");
                if !v.contains(&f) {
                    v.push(f);
                }
            }
        }
        v
    };
    let verb = if st.is_deny() { "denies" } else { "grants" };
    let (problem, label, help, certain) = match &why {
        Why::Service(s) => (
            format!("is an ARN of `{s}`, and no action of this statement acts on `{s}` resources"),
            "another service",
            "move the item to a statement of its service's actions, or remove it".to_owned(),
            false,
        ),
        Why::AccountNotAllowed(a) => (
            format!("has account `{a}`, and `{service}` ARNs of these resource types have none"),
            "no account in these ARNs",
            without(3, "account"),
            true,
        ),
        Why::AccountMissing => (
            format!("has no account, and `{service}` ARNs of these resource types need one"),
            "account missing",
            "write the account ID (or `*`) in the fifth field".to_owned(),
            true,
        ),
        Why::RegionNotAllowed(r) => (
            format!("has Region `{r}`, and `{service}` ARNs of these resource types have none"),
            "no Region in these ARNs",
            without(2, "Region"),
            true,
        ),
        Why::RegionMissing => (
            format!("has no Region, and `{service}` ARNs of these resource types need one"),
            "Region missing",
            "write the Region (or `*`) in the fourth field".to_owned(),
            true,
        ),
        Why::ResourcePart => (
            "matches none of the ARN formats of the statement's actions".to_owned(),
            "matches no resource of these actions",
            "name resources in the formats the actions accept".to_owned(),
            false,
        ),
    };
    let mut f = Finding::new(
        span,
        st.resource
            .as_ref()
            .map_or_else(String::new, |r| r.path.clone()),
        format!("`{item}` {problem}: the statement {verb} nothing through it"),
    )
    .label(label)
    .help(help)
    .sid(st);
    if !formats.is_empty() {
        f = f.note(format!(
            "the statement's `{service}` resources have ARNs like {}",
            list_some(&formats, 3)
        ));
    }
    if !literal {
        f = f.note(UNKNOWNS_NOTE);
    }
    if let Some(a) = st.action.as_ref() {
        f = f.secondary(a.span, "the statement's actions");
    }
    if !certain {
        f.at_most = Some(Severity::Warning);
    }
    f
}

/// The ARN with field `i` (0 partition ... 4 resource, after `arn`) emptied.
fn without_field(arn: &str, i: usize) -> String {
    let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
    if let Some(slot) = parts.get_mut(i + 1) {
        *slot = "";
    }
    parts.join(":")
}
