//! Which resource types a `Resource` pattern can name: the catalog's ARN formats of each
//! type, read as the resources really are, and exact verdicts per (type, pattern).

use crate::Semantic;
use iamlint_catalog::ResourceTypeId;
use iamlint_matcher::{ArnFormat, ArnPattern};

/// Placeholders whose values never contain `/`: for these the format is exact, so
/// `arn:aws:s3:::b/*` does not name a bucket. Every other placeholder may hold `/`,
/// because the catalog writes `${ConfigRuleId}`, `${SecretId}`, `${LoadBalancerName}`,
/// ... where real ARNs have paths (`config-rule/aws-service-rule/x/y`,
/// `loadbalancer/net/name/id`).
const NO_SLASH: &[&str] = &[
    "BucketName",
    "TableName",
    "FunctionName",
    "QueueName",
    "InstanceId",
    "VolumeId",
    "SnapshotId",
    "ImageId",
    "SecurityGroupId",
    "SubnetId",
    "VpcId",
    "KeyId",
];

/// The format with every placeholder not in [`NO_SLASH`] renamed so that the matcher
/// takes it as path-like (its value may contain `/`).
pub fn lenient_format(f: &str) -> String {
    let mut out = String::with_capacity(f.len() + 16);
    let mut rest = f;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            break;
        };
        let name = &rest[i + 2..i + j];
        out.push_str("${");
        out.push_str(name);
        if !NO_SLASH.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            out.push_str("Path");
        }
        out.push('}');
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

impl Semantic<'_> {
    /// The ARN formats of resource type `rt`, read leniently (a placeholder may hold `/`
    /// unless its values never do), parsed once per run. Empty when the catalog gives no
    /// usable format.
    pub fn resource_formats(&self, rt: ResourceTypeId) -> &[ArnFormat] {
        match self.formats.get(rt as usize) {
            Some(slot) => slot.get_or_init(|| {
                self.catalog
                    .resource_type_arn_formats(rt)
                    .filter_map(|f| ArnFormat::parse(&lenient_format(f)).ok())
                    .collect()
            }),
            None => &[],
        }
    }

    /// Whether `pattern` can name a resource of type `rt` (some ARN it matches has one of
    /// the type's formats). With `quick`, only a cheap verdict is sought
    /// ([`ArnFormat::quickly_named_by`]) and `None` means "not decided cheaply"; without,
    /// the answer is exact. Decided answers are kept for the run: the same patterns
    /// (`arn:aws:s3:::*`, `arn:aws:logs:*:*:*`) recur across files.
    pub fn names_type(
        &self,
        rt: ResourceTypeId,
        pattern: &ArnPattern,
        quick: bool,
    ) -> Option<bool> {
        if let Some(v) = self
            .named
            .get(pattern.as_str())
            .and_then(|types| types.iter().find(|(t, _)| *t == rt).map(|(_, v)| *v))
        {
            return Some(v);
        }
        let formats = self.resource_formats(rt);
        let verdict = if quick {
            // a format named decides it; all formats rejected decide it too
            let mut all_rejected = true;
            let mut named = false;
            for f in formats {
                match f.quickly_named_by(pattern) {
                    Some(true) => {
                        named = true;
                        break;
                    }
                    Some(false) => {}
                    None => all_rejected = false,
                }
            }
            if named {
                Some(true)
            } else if all_rejected {
                Some(false)
            } else {
                None
            }
        } else {
            Some(formats.iter().any(|f| pattern.can_name(f)))
        }?;
        self.named
            .update(pattern.as_str(), |types| types.push((rt, verdict)));
        Some(verdict)
    }
}
