//! The catalog's ARN formats (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`)
//! and which resource types a `Resource` pattern can name.

use iamlint_catalog::{ActionId, Catalog, ResourceTypeId};

use crate::arn::ArnPattern;
use crate::error::PatternError;
use crate::glob::{self, Tok, EX_COLON, EX_SLASH};

/// One piece of an ARN format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatPart {
    /// Literal text.
    Lit(String),
    /// A `${Name}` placeholder.
    Var(String),
}

/// A parsed ARN format of the catalog.
///
/// Each `${Var}` stands for a non-empty value:
/// - without `:`, except a placeholder that ends the format, whose value may hold
///   `:` after its first character: so `arn:aws:logs:us-east-1:123:log-group:g:*`
///   (the form AWS documents for log groups) can name
///   `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}`;
/// - without `/`, unless the placeholder is path-like (see [`is_path_like`]): so
///   `arn:aws:s3:::b/*` names objects, not buckets, and
///   `arn:aws:dynamodb:*:*:table/t/index/*` names indexes, not tables.
#[derive(Clone, Debug)]
pub struct ArnFormat {
    raw: String,
    parts: Vec<FormatPart>,
    toks: Vec<Tok>,
    /// The literal service field (`s3` of `arn:${Partition}:s3:::${BucketName}`), when
    /// the fields before it cannot hold a `:`.
    service: Option<String>,
    /// The format's automaton, compiled once for the probes of
    /// [`ArnFormat::quickly_named_by`].
    nfa: glob::Nfa,
}

impl ArnFormat {
    /// Parses a catalog ARN format.
    ///
    /// # Errors
    /// [`PatternError::UnclosedVariable`] or [`PatternError::EmptyVariable`].
    pub fn parse(raw: &str) -> Result<ArnFormat, PatternError> {
        let mut parts = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            let offset = raw.len() - rest.len();
            if let Some(after) = rest.strip_prefix("${") {
                let Some(end) = after.find('}') else {
                    return Err(PatternError::UnclosedVariable {
                        pattern: raw.to_owned(),
                        offset,
                    });
                };
                let name = after.get(..end).unwrap_or("").trim();
                if name.is_empty() {
                    return Err(PatternError::EmptyVariable {
                        pattern: raw.to_owned(),
                        offset,
                    });
                }
                parts.push(FormatPart::Var(name.to_owned()));
                rest = after.get(end + 1..).unwrap_or("");
            } else {
                let end = rest.find("${").unwrap_or(rest.len());
                parts.push(FormatPart::Lit(rest.get(..end).unwrap_or("").to_owned()));
                rest = rest.get(end..).unwrap_or("");
            }
        }
        let last = parts.len().saturating_sub(1);
        let mut toks = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            match part {
                FormatPart::Lit(s) => toks.extend(s.chars().map(Tok::Lit)),
                FormatPart::Var(name) => {
                    // The first character is never `:`; later ones may be when
                    // the placeholder ends the format.
                    let slash = if is_path_like(name) { 0 } else { EX_SLASH };
                    let rest = if i == last { slash } else { slash | EX_COLON };
                    toks.extend([Tok::One(slash | EX_COLON), Tok::Star(rest)]);
                }
            }
        }
        let nfa = glob::Nfa::new(&toks).with_fast_table();
        Ok(ArnFormat {
            raw: raw.to_owned(),
            service: service_field(raw).map(str::to_owned),
            parts,
            toks,
            nfa,
        })
    }

    /// The format as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Its literal pieces and placeholders, in order.
    pub fn parts(&self) -> &[FormatPart] {
        &self.parts
    }

    /// Whether some concrete ARN fits this format and is matched by `pattern`.
    /// Policy variables of the pattern may hold any value.
    pub fn can_be_named_by(&self, pattern: &ArnPattern) -> bool {
        self.quickly_named_by(pattern).unwrap_or_else(|| {
            glob::intersects(&glob::vars_as_wildcards(pattern.toks()), &self.toks, false)
        })
    }

    /// [`ArnFormat::can_be_named_by`] when a cheap, exact test decides it; `None` when only
    /// the full search can. Callers with many (format, pattern) pairs and one question
    /// ("does any pair meet?") ask this of every pair before searching any.
    pub fn quickly_named_by(&self, pattern: &ArnPattern) -> Option<bool> {
        // Fast, exact rejection: literal, different service fields. The fields line up
        // when nothing before them can span a `:` (no wildcard or variable in the
        // pattern's first three fields; the format's placeholders there do not end it).
        let probe = pattern.probe();
        if let (Some(ps), Some(fs)) = (&probe.service, &self.service) {
            if !ps.eq_ignore_ascii_case(fs) {
                return Some(false);
            }
        }
        // Fast, exact acceptance: the pattern with every wildcard and variable read as `x`
        // is one ARN the pattern matches; when the format matches it too, they meet. For a
        // pattern without wildcards and variables it is the only one: the test is exact
        // both ways.
        let named = self.nfa.is_match(&probe.text);
        debug_assert!(
            glob::Nfa::new(&glob::vars_as_wildcards(pattern.toks())).is_match(&probe.text),
            "the probe {} is matched by its pattern",
            probe.text
        );
        if named || probe.exact {
            return Some(named);
        }
        None
    }

    /// A concrete ARN that fits this format and is matched by `pattern`, for
    /// witnesses in messages. Placeholders get readable values when the pattern
    /// allows (`arn:aws:s3:::examplebucket/exampleobject`); otherwise the result is
    /// a shortest common string (`arn:aws:s3:::mybucket/x` for
    /// `arn:aws:s3:::mybucket/*`). `None` when the pattern cannot name this format.
    pub fn example(&self, pattern: &ArnPattern) -> Option<String> {
        let readable = self.readable_example();
        if pattern.matches_literal(&readable) {
            return Some(readable);
        }
        glob::intersection_example(&glob::vars_as_wildcards(pattern.toks()), &self.toks, false)
    }

    /// The format with every placeholder replaced by a readable value.
    pub fn readable_example(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                FormatPart::Lit(s) => out.push_str(s),
                FormatPart::Var(name) => out.push_str(&readable_value(name)),
            }
        }
        out
    }
}

/// The literal service field of a format (`s3` of `arn:${Partition}:s3:::${BucketName}`),
/// when the fields before it cannot hold a `:`.
fn service_field(raw: &str) -> Option<&str> {
    let mut it = raw.splitn(4, ':');
    let (_, _, svc) = (it.next()?, it.next()?, it.next()?);
    // a rest is needed: a placeholder ending the format could hold `:`
    it.next()?;
    (!svc.contains('$')).then_some(svc)
}

/// Placeholders whose values may contain `/`: S3 object keys, IAM names with
/// paths, log group and stream names, SSM parameter names, catch-all ids and
/// resource paths. Matched on the name ignoring case.
pub fn is_path_like(var: &str) -> bool {
    let v = var.to_ascii_lowercase();
    v.contains("path")
        || v.contains("slash")
        || matches!(
            v.as_str(),
            "objectname"
                | "key"
                | "loggroupname"
                | "logstreamname"
                | "relativeid"
                | "resource"
                | "resourcename"
                | "parametername"
                | "topicname"
                | "streamname"
        )
}

fn readable_value(var: &str) -> String {
    match var.to_ascii_lowercase().as_str() {
        "partition" => "aws".to_owned(),
        "region" => "us-east-1".to_owned(),
        "account" | "accountid" => "123456789012".to_owned(),
        other => format!("example{}", other.trim_end_matches("name")),
    }
}

impl ArnPattern {
    /// Whether some concrete ARN is matched by this pattern and fits `format`
    /// (a non-empty intersection). See [`ArnFormat`] for what a placeholder stands for.
    pub fn can_name(&self, format: &ArnFormat) -> bool {
        format.can_be_named_by(self)
    }
}

/// The resource types of `action` that `pattern` can name: those with an ARN
/// format that [`ArnPattern::can_name`]. Empty when the action takes no resource
/// type (it only works with `Resource: "*"`). Formats that do not parse are skipped.
pub fn resource_types_named(
    catalog: &Catalog,
    pattern: &ArnPattern,
    action: ActionId,
) -> Vec<ResourceTypeId> {
    let mut out: Vec<ResourceTypeId> = Vec::new();
    for res in catalog.action_resources(action) {
        let r = res.resource_type;
        if out.contains(&r) {
            continue;
        }
        let named = catalog
            .resource_type_arn_formats(r)
            .filter_map(|f| ArnFormat::parse(f).ok())
            .any(|f| pattern.can_name(&f));
        if named {
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> ArnFormat {
        ArnFormat::parse(s).unwrap()
    }

    /// The cheap verdicts are exact: whenever `quickly_named_by` answers, the full search
    /// (the shortest-example one, and the depth-first one behind `can_be_named_by`)
    /// agrees. Checked on formats from the catalog against literal, wildcard, variable
    /// and other-service patterns.
    #[test]
    fn quick_verdicts_agree_with_the_full_search() {
        let cat = &iamlint_catalog::Catalog::embedded();
        let patterns: Vec<ArnPattern> = [
            "arn:aws:s3:::my-bucket",
            "arn:aws:s3:::my-bucket/*",
            "arn:aws:s3:::*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            "arn:aws:ec2:*:*:snapshot/*",
            "arn:aws:iam::123456789012:role/app",
            "arn:aws:iam::*:role/${aws:username}",
            "arn:aws:logs:*:*:log-group:/aws/lambda/*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Books",
            "arn:*:lambda:*:*:function:*",
            "arn:aws:sqs:*:123456789012:queue",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:*:*:*:*",
        ]
        .iter()
        .map(|p| ArnPattern::parse(p).unwrap())
        .collect();
        let (mut decided, mut pairs) = (0, 0);
        for rt in (0..cat.resource_type_count()).step_by(7) {
            for raw in cat.resource_type_arn_formats(rt as iamlint_catalog::ResourceTypeId) {
                let Ok(format) = ArnFormat::parse(raw) else {
                    continue;
                };
                for p in &patterns {
                    pairs += 1;
                    let wild = glob::vars_as_wildcards(p.toks());
                    let full = glob::intersection_example(&wild, &format.toks, false).is_some();
                    assert_eq!(glob::intersects(&wild, &format.toks, false), full);
                    assert_eq!(format.can_be_named_by(p), full, "{raw} / {}", p.as_str());
                    if let Some(quick) = format.quickly_named_by(p) {
                        decided += 1;
                        assert_eq!(quick, full, "{raw} / {}", p.as_str());
                    }
                }
            }
        }
        // most pairs are decided cheaply, the point of the quick test (85 % here)
        assert!(decided * 5 > pairs * 4, "{decided} of {pairs}");
    }
    fn a(s: &str) -> ArnPattern {
        ArnPattern::parse(s).unwrap()
    }

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const LOG_GROUP: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";

    #[test]
    fn parse_parts() {
        assert_eq!(
            f(BUCKET).parts(),
            &[
                FormatPart::Lit("arn:".into()),
                FormatPart::Var("Partition".into()),
                FormatPart::Lit(":s3:::".into()),
                FormatPart::Var("BucketName".into()),
            ]
        );
        assert!(ArnFormat::parse("arn:${Partition").is_err());
        assert!(ArnFormat::parse("arn:${}").is_err());
    }

    #[test]
    fn service_field_fast_path_is_exact() {
        let inst = f("arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}");
        assert!(!a("arn:aws:s3:::b").can_name(&inst));
        // a wildcard before the service field disables the shortcut, not the answer
        assert!(a("arn:*:ec2:*:*:*").can_name(&inst));
        assert!(a("arn:aws:*").can_name(&inst));
        assert!(a("arn:aws:*:*:*:bucket").can_name(&f("arn:${Partition}:s3:::${BucketName}")));
        // a format that is one placeholder has no literal service field
        assert!(a("arn:aws:s3:::b").can_name(&f("${Arn}")));
    }

    #[test]
    fn can_name() {
        assert!(a("arn:aws:s3:::b/*").can_name(&f(OBJECT)));
        assert!(
            !a("arn:aws:s3:::b/*").can_name(&f(BUCKET)),
            "a bucket name has no `/`"
        );
        assert!(a("arn:aws:s3:::b").can_name(&f(BUCKET)));
        assert!(!a("arn:aws:s3:::b").can_name(&f(OBJECT)));
        assert!(a("arn:aws:s3:::b*").can_name(&f(BUCKET)));
        assert!(a("arn:aws:s3:::b*").can_name(&f(OBJECT)));
        assert!(a("*").can_name(&f(OBJECT)));
        assert!(
            !a("arn:aws:s3:::b/").can_name(&f(OBJECT)),
            "empty object name"
        );
        assert!(!a("arn:aws:ec2:*:*:instance/*").can_name(&f(OBJECT)));
        assert!(a("arn:aws:logs:us-east-1:123:log-group:g:*").can_name(&f(LOG_GROUP)));
        let inner = f("arn:${Partition}:logs:${Region}:${Account}:log-group:${G}:x");
        assert!(a("arn:aws:logs:us-east-1:123:log-group:g:*").can_name(&inner));
        assert!(
            !a("arn:aws:logs:us-east-1:123:log-group:g:h:*").can_name(&inner),
            "an inner placeholder holds no `:`"
        );
        let table = f("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}");
        assert!(!a("arn:aws:dynamodb:*:*:table/t/index/*").can_name(&table));
        assert!(a("arn:aws:dynamodb:*:*:table/t*").can_name(&table));
        assert!(a("arn:aws:s3:::${aws:username}/*").can_name(&f(OBJECT)));
    }

    #[test]
    fn examples() {
        assert_eq!(
            f(OBJECT).example(&a("arn:aws:s3:::*")).as_deref(),
            Some("arn:aws:s3:::examplebucket/exampleobject")
        );
        assert_eq!(
            f(OBJECT).example(&a("arn:aws:s3:::mybucket/*")).as_deref(),
            Some("arn:aws:s3:::mybucket/x")
        );
        assert_eq!(f(BUCKET).example(&a("arn:aws:s3:::b/*")), None);
        let e = f(LOG_GROUP).example(&a("arn:aws*:logs:*:*:log-group:app-*"));
        assert_eq!(e.as_deref(), Some("arn:aws:logs:x:x:log-group:app-"));
    }
}
