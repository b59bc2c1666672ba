//! Which actions a condition key applies to, and what a condition does when its key is
//! absent from the request. Shared by the rules that follow a condition action by action.
//! Not a rule.

use iamlint_catalog::{ActionId, Catalog};
use iamlint_policy::{ConditionClause, ConditionEntry, OperatorFamily, SetQualifier};

/// Whether two spellings name the same key: equal ignoring case, or both templated with
/// the same fixed part (`aws:ResourceTag/${TagKey}` and `aws:ResourceTag/tag-key`).
fn same_key(listed: &str, name: &str) -> bool {
    if listed.eq_ignore_ascii_case(name) {
        return true;
    }
    match (listed.split_once('/'), name.split_once('/')) {
        (Some((a, _)), Some((b, _))) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// Whether the catalog lists `key` (its canonical name, `aws:ResourceTag/${TagKey}`) for
/// action `a`: among the action's own keys, the keys of its resource types in the
/// action's row, or the keys of those resource types. (The last is generous: a key of a
/// resource type may not apply to every action on it; taking it as supported keeps the
/// rules that use this from reporting what AWS would honour.)
pub(crate) fn action_supports_key(cat: &Catalog, a: ActionId, key: &str) -> bool {
    cat.action_condition_keys(a).any(|k| same_key(k, key))
        || cat.action_resources(a).any(|r| {
            r.condition_keys.iter().any(|k| same_key(k, key))
                || cat
                    .resource_type_condition_keys(r.resource_type)
                    .any(|k| same_key(k, key))
        })
}

/// The global keys that apply only to the actions the catalog lists them for.
pub(crate) fn is_tag_key(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("aws:resourcetag/")
        || lower.starts_with("aws:requesttag/")
        || lower == "aws:tagkeys"
}

/// What a condition entry is when the request does not carry its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WhenAbsent {
    /// The entry is false, so the whole condition is.
    False,
    /// The entry is true: it does not restrict the request.
    True,
}

/// How IAM evaluates an operator on a key the request lacks: `...IfExists`, negated
/// operators, `ForAllValues:` and `Null` with `true` are true; everything else is false.
/// `None` when it cannot be told (an unknown operator, a `Null` value that is not
/// literal).
pub(crate) fn when_absent(clause: &ConditionClause, entry: &ConditionEntry) -> Option<WhenAbsent> {
    let op = &clause.operator;
    let family = op.family?;
    if family == OperatorFamily::Null {
        let v = entry.values.first()?.as_literal()?;
        return Some(if v.eq_ignore_ascii_case("true") {
            WhenAbsent::True
        } else {
            WhenAbsent::False
        });
    }
    if op.if_exists || op.negated || op.qualifier == Some(SetQualifier::ForAllValues) {
        return Some(WhenAbsent::True);
    }
    Some(WhenAbsent::False)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_templates() {
        assert!(same_key(
            "aws:ResourceTag/${TagKey}",
            "AWS:resourcetag/${TagKey}"
        ));
        assert!(same_key(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/${Key}"
        ));
        assert!(!same_key("s3:prefix", "s3:delimiter"));
        let cat = &Catalog::embedded();
        let get = cat.find_action("s3:GetObject").unwrap();
        let list = cat.find_action("s3:ListBucket").unwrap();
        assert!(action_supports_key(cat, list, "s3:prefix"));
        assert!(!action_supports_key(cat, get, "s3:prefix"));
        assert!(action_supports_key(cat, get, "s3:ExistingObjectTag/<key>"));
        let start = cat.find_action("ec2:StartInstances").unwrap();
        assert!(action_supports_key(cat, start, "aws:ResourceTag/${TagKey}"));
        assert!(is_tag_key("aws:RequestTag/team") && is_tag_key("aws:TagKeys"));
        assert!(!is_tag_key("aws:PrincipalTag/team"));
    }
}
