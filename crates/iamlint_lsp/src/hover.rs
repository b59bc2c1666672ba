//! Hovers: what an `Action`/`NotAction` item expands to (how many actions, their access
//! levels, the first of them), and what an AWS managed policy named by its ARN grants.

use iamlint_catalog::{AccessLevel, ActionSet, Catalog};
use iamlint_policy::{PolicyFile, Text};
use iamlint_semantic::{expand_action, ActionItem, ManagedDocument, ManagedLookup, Semantic};
use iamlint_syntax::Span;
use std::fmt::Write as _;

/// How many actions a hover lists before it says how many more there are.
const LISTED: usize = 15;
/// How many services a managed policy's hover lists.
const SERVICES: usize = 10;

fn span(start: usize, end: usize) -> Span {
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

/// The hover at byte `offset` of `text` (the file `file` was read from): its range and
/// its Markdown.
pub fn hover(
    semantic: &Semantic<'_>,
    file: &PolicyFile,
    text: &str,
    offset: usize,
) -> Option<(Span, String)> {
    if let Some((at, item, negated)) = action_at(file, text, offset) {
        return Some((at, describe_action(semantic, item, negated)));
    }
    managed_hover(semantic, text, offset)
}

/// Where `item` is written around `offset`: the literal itself inside the item's span
/// (which holds its quotes, or a whole string for a document embedded in one); the span
/// for a value with unknowns.
fn hit(text: &str, item: &Text, offset: usize) -> Option<Span> {
    let (s, e) = (item.span.start as usize, item.span.end as usize);
    if !(s <= offset && offset <= e) {
        return None;
    }
    let Some(lit) = item.as_literal() else {
        return Some(item.span);
    };
    if lit.is_empty() {
        return None;
    }
    let slice = text.get(s..e)?;
    slice
        .match_indices(lit)
        .map(|(m, _)| (s + m, s + m + lit.len()))
        .find(|&(a, b)| a <= offset && offset <= b)
        .map(|(a, b)| span(a, b))
}

/// The action item under `offset`, the narrowest when several spans hold it, and whether
/// it is in a `NotAction`.
fn action_at<'f>(
    file: &'f PolicyFile,
    text: &str,
    offset: usize,
) -> Option<(Span, &'f Text, bool)> {
    let mut best: Option<(Span, &Text, bool)> = None;
    for doc in &file.documents {
        if !(doc.span.start as usize <= offset && offset <= doc.span.end as usize) {
            continue;
        }
        for st in &doc.statements {
            let Some(list) = &st.action else { continue };
            for item in &list.items {
                if let Some(at) = hit(text, item, offset) {
                    let narrower = best.is_none_or(|(b, ..)| at.end - at.start < b.end - b.start);
                    if narrower {
                        best = Some((at, item, list.negated));
                    }
                }
            }
        }
    }
    best
}

fn levels(cat: &Catalog, set: &ActionSet) -> String {
    let mut counts = [0usize; AccessLevel::ALL.len()];
    for a in set.iter() {
        if let Some(i) = AccessLevel::ALL
            .iter()
            .position(|l| *l == cat.access_level(a))
        {
            counts[i] += 1;
        }
    }
    AccessLevel::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{} {n}", l.as_str()))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn date(cat: &Catalog) -> &str {
    let d = cat.provenance().data_date.as_str();
    if d.is_empty() {
        "unknown date"
    } else {
        d
    }
}

fn describe_action(semantic: &Semantic<'_>, item: &Text, negated: bool) -> String {
    let cat = semantic.catalog();
    let shown = item.display();
    let mut out = String::new();
    if negated {
        out.push_str(
            "In `NotAction`: the statement applies to every action **except** the ones this item matches.\n\n",
        );
    }
    match expand_action(semantic, item) {
        ActionItem::Expanded(set) if set.len() == 1 && !shown.contains(['*', '?']) => {
            let Some(a) = set.iter().next() else {
                return out;
            };
            let _ = write!(
                out,
                "**`{}`** · access level **{}**",
                cat.action_full_name(a),
                cat.access_level(a).as_str()
            );
            let resources: Vec<String> = cat
                .action_resources(a)
                .map(|r| {
                    let name = cat.resource_type_name(r.resource_type);
                    if r.required {
                        format!("`{name}` (required)")
                    } else {
                        format!("`{name}`")
                    }
                })
                .collect();
            if resources.is_empty() {
                out.push_str("\n\nResource types: none (`Resource` must be `*`)");
            } else {
                let _ = write!(out, "\n\nResource types: {}", resources.join(", "));
            }
            let keys: Vec<String> = cat
                .action_condition_keys(a)
                .map(|k| format!("`{k}`"))
                .collect();
            if !keys.is_empty() {
                let _ = write!(out, "\n\nCondition keys: {}", keys.join(", "));
            }
            let deps: Vec<String> = cat.dependent_actions(a).map(|k| format!("`{k}`")).collect();
            if !deps.is_empty() {
                let _ = write!(out, "\n\nDependent actions: {}", deps.join(", "));
            }
        }
        ActionItem::Expanded(set) => {
            let n = set.len();
            let _ = write!(
                out,
                "**`{shown}`** matches **{n}** action{} of the catalog of {}",
                if n == 1 { "" } else { "s" },
                date(cat)
            );
            if n > 0 {
                let _ = write!(out, "\n\nBy access level: {}", levels(cat, &set));
                out.push_str("\n\n| action | access level |\n|---|---|\n");
                for a in set.iter().take(LISTED) {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} |",
                        cat.action_full_name(a),
                        cat.access_level(a).as_str()
                    );
                }
                if n > LISTED {
                    let _ = write!(
                        out,
                        "\n… and {} more (`iamlint expand '{shown}'` lists them all)",
                        n - LISTED
                    );
                }
            }
        }
        ActionItem::Error(e) => {
            let _ = write!(out, "**`{shown}`**: {e}");
        }
        ActionItem::Invalid(msg) => {
            let _ = write!(out, "**`{shown}`** is not an action pattern: {msg}");
        }
        ActionItem::Unresolved => {
            let _ = write!(
                out,
                "**`{shown}`** is not known statically ({}): iamlint does not expand it",
                item.unresolved_reason()
                    .unwrap_or_else(|| "an unknown value".to_string())
            );
        }
    }
    out
}

/// The ARN of an AWS managed policy written around `offset` (any partition, a
/// `${AWS::Partition}` or other expression in its place included): its range and the
/// ARN in the `aws` partition.
fn managed_arn_at(text: &str, offset: usize) -> Option<(Span, String)> {
    // what cannot be in an ARN of an AWS managed policy (`${AWS::Partition}` can)
    let stop = |c: char| c.is_whitespace() || "\"'`,[]()<>|=;".contains(c);
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset].rfind(stop).map_or(0, |i| i + 1);
    let end = text[offset..].find(stop).map_or(text.len(), |i| offset + i);
    let token = text.get(start..end)?;
    let at = token.find(":iam::aws:policy/")?;
    if !token.starts_with("arn:") {
        return None;
    }
    Some((span(start, end), format!("arn:aws{}", &token[at..])))
}

fn managed_hover(semantic: &Semantic<'_>, text: &str, offset: usize) -> Option<(Span, String)> {
    let (at, arn) = managed_arn_at(text, offset)?;
    match semantic.managed_policy(&Text::literal(arn.as_str(), at, "")) {
        Ok(doc) => Some((at, describe_managed(semantic.catalog(), &doc))),
        Err(ManagedLookup::NotFound(msg)) => Some((at, format!("**`{arn}`**: {msg}"))),
        Err(_) => None,
    }
}

fn describe_managed(cat: &Catalog, doc: &ManagedDocument) -> String {
    let mut out = format!("**`{}`** · AWS managed policy", doc.name);
    if let Some(arn) = &doc.arn {
        let _ = write!(out, "\n\n`{arn}`");
    }
    if doc.deprecated {
        out.push_str(
            "\n\n**Deprecated**: it cannot be attached to new principals and AWS no longer updates it.",
        );
        if let Some(rep) = &doc.replacement {
            let _ = write!(out, " Use `{rep}` instead");
            if let Some(src) = &doc.replacement_source {
                let _ = write!(out, " (documented in {src})");
            }
            out.push('.');
        }
    }
    let set = &doc.facts.net_allowed;
    let n = set.len();
    if n == cat.action_count() {
        let _ = write!(out, "\n\nGrants **every action** of the catalog ({n})");
    } else {
        let mut per_service: Vec<(String, ActionSet)> = Vec::new();
        for a in set.iter() {
            let prefix = cat.service_prefix(cat.action_service(a));
            match per_service.last_mut() {
                Some((p, s)) if p == prefix => s.insert(a),
                _ => {
                    let mut s = ActionSet::empty(cat.action_count());
                    s.insert(a);
                    per_service.push((prefix.to_string(), s));
                }
            }
        }
        let _ = write!(
            out,
            "\n\nGrants **{n}** action{} in **{}** service{}",
            if n == 1 { "" } else { "s" },
            per_service.len(),
            if per_service.len() == 1 { "" } else { "s" },
        );
        if n > 0 {
            let _ = write!(out, ": {}", levels(cat, set));
            per_service.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            out.push_str("\n\n| service | actions | access levels |\n|---|---|---|\n");
            for (prefix, s) in per_service.iter().take(SERVICES) {
                let _ = writeln!(out, "| `{prefix}` | {} | {} |", s.len(), levels(cat, s));
            }
            if per_service.len() > SERVICES {
                let _ = write!(
                    out,
                    "\n… and {} more services",
                    per_service.len() - SERVICES
                );
            }
        }
    }
    let _ = write!(
        out,
        "\n\nActions allowed after its own `Deny`s; resource and condition limits are not shown (`iamlint managed show {}` prints the document).",
        doc.name
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_formats::{load_text, LoadOptions};

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap() + 2
    }

    #[test]
    fn action_items_expand_with_their_levels() {
        let catalog = Catalog::embedded();
        let semantic = Semantic::new(&catalog);
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "s3:GetObjects"], "Resource": "*"}, {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]}"#;
        let file = load_text("p.json", text, &LoadOptions::default());
        let (range, md) = hover(&semantic, &file, text, at(text, "s3:GetObject\"")).unwrap();
        assert_eq!(range.slice(text), "s3:GetObject");
        assert!(md.contains("access level **Read**"), "{md}");
        assert!(
            md.contains("Resource types: `accesspointobject`, `object`"),
            "{md}"
        );
        let (range, md) = hover(&semantic, &file, text, at(text, "s3:Get*")).unwrap();
        assert_eq!(range.slice(text), "s3:Get*");
        let range = catalog.action_range_with_prefix("s3:get");
        let count = range.len();
        assert!(count > LISTED);
        assert!(md.contains(&format!("matches **{count}** actions")), "{md}");
        let first = catalog.action_full_name(range.start);
        assert!(md.contains(&format!("| `{first}` | Read |")), "{md}");
        assert!(
            md.contains(&format!("… and {} more", count - LISTED)),
            "{md}"
        );
        let (_, md) = hover(&semantic, &file, text, at(text, "s3:GetObjects")).unwrap();
        assert!(md.contains("unknown action"), "{md}");
        let (_, md) = hover(&semantic, &file, text, at(text, "iam:*")).unwrap();
        assert!(md.contains("**except**"), "{md}");
        assert!(md.contains("Permissions management"), "{md}");
        // elsewhere: nothing
        assert!(hover(&semantic, &file, text, at(text, "Effect")).is_none());
    }

    #[test]
    fn managed_policy_arns_say_what_they_grant() {
        let catalog = Catalog::embedded();
        let semantic =
            Semantic::with_managed(&catalog, iamlint_managed::ManagedPolicies::embedded());
        let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess\n        - arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess\n        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess\n";
        let file = load_text("t.yaml", text, &LoadOptions::default());
        let (range, md) =
            hover(&semantic, &file, text, at(text, "AmazonS3ReadOnlyAccess")).unwrap();
        assert_eq!(
            range.slice(text),
            "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"
        );
        assert!(md.contains("**`AmazonS3ReadOnlyAccess`**"), "{md}");
        assert!(md.contains("| `s3` |"), "{md}");
        assert!(!md.contains("Deprecated"), "{md}");
        let (_, md) = hover(&semantic, &file, text, at(text, "AWSLambdaReadOnly")).unwrap();
        assert!(md.contains("**Deprecated**"), "{md}");
        assert!(
            md.contains("Use `AWSLambda_ReadOnlyAccess` instead"),
            "{md}"
        );
        let (_, md) = hover(&semantic, &file, text, at(text, "AmazonS3ReadOnlyAcess")).unwrap();
        assert!(
            md.contains("AmazonS3ReadOnlyAccess"),
            "a did-you-mean: {md}"
        );
    }
}
