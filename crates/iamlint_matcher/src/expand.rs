//! Expansion of action patterns against the catalog.

use iamlint_catalog::{ActionSet, Catalog};

use crate::action::{ActionPattern, Kind};
use crate::error::ExpandError;

/// The catalog actions matched by `pattern`.
///
/// With a literal service part the work is one range lookup
/// ([`Catalog::action_range_with_prefix`] on the literal prefix, `s3:get` for
/// `s3:Get*`) and a filter over that range only. With a wildcard in the service
/// part, the services are filtered first, then within each matching service the
/// action part's literal prefix is a binary search; an action part that starts
/// with a wildcard (`*:*Object*`) searches its longest literal run in one buffer
/// of all lower-cased names (built once per catalog) and checks only the hits.
pub fn expand(catalog: &Catalog, pattern: &ActionPattern) -> ActionSet {
    let n = catalog.action_count();
    let mut set = ActionSet::empty(n);
    let (service, action) = match pattern.kind() {
        Kind::All => return ActionSet::full(n),
        Kind::Parts { service, action } => (service, action),
    };
    if !service.wild {
        let range = catalog.action_range_with_prefix(pattern.literal_prefix());
        if action.is_prefix_only() {
            set.insert_range(range);
        } else {
            for a in range {
                let key = catalog.action_key(a);
                if key
                    .get(service.text.len() + 1..)
                    .is_some_and(|name| action.matches(name))
                {
                    set.insert(a);
                }
            }
        }
        return set;
    }
    let idx = catalog.name_index();
    let service_ok: Vec<bool> = idx
        .services()
        .iter()
        .map(|(prefix, _)| service.matches(prefix))
        .collect();
    let needle = action
        .text
        .split(['*', '?'])
        .max_by_key(|s| s.len())
        .unwrap_or("");
    if action.lit_len == 0 && !needle.is_empty() {
        // `*lit*` needs no check beyond containing `lit`.
        let contains_form = action.text.len() == needle.len() + 2
            && action.text.starts_with('*')
            && action.text.ends_with('*');
        for a in idx.containing(needle) {
            if service_ok.get(idx.service_of(a)) == Some(&true)
                && (contains_form || action.matches(idx.name(a)))
            {
                set.insert(a);
            }
        }
        return set;
    }
    for ((_, range), ok) in idx.services().iter().zip(&service_ok) {
        if !ok {
            continue;
        }
        let range = idx.prefix_range(range.clone(), action.literal_prefix());
        if action.is_prefix_only() {
            set.insert_range(range);
        } else {
            for a in range {
                if action.matches(idx.name(a)) {
                    set.insert(a);
                }
            }
        }
    }
    set
}

/// [`expand`], with an error when the pattern names nothing: an unknown service
/// (literal service part), an unknown action (no wildcard), or a wildcard that
/// matches no action. Errors carry a did-you-mean suggestion when one is close.
///
/// # Errors
/// [`ExpandError`] as above.
pub fn expand_checked(
    catalog: &Catalog,
    pattern: &ActionPattern,
) -> Result<ActionSet, ExpandError> {
    expand_checked_with(catalog, pattern, |prefix| {
        catalog.suggest_service(prefix).map(str::to_owned)
    })
}

/// [`expand_checked`], with the did-you-mean for an unknown service prefix asked of
/// `suggest_service` (a caller that checks many patterns keeps the answers: the same
/// misspelt prefix recurs, and each search measures the distance to every prefix).
///
/// # Errors
/// [`ExpandError`] as for [`expand_checked`].
pub fn expand_checked_with(
    catalog: &Catalog,
    pattern: &ActionPattern,
    suggest_service: impl FnOnce(&str) -> Option<String>,
) -> Result<ActionSet, ExpandError> {
    let (service, action) = match pattern.kind() {
        Kind::All => return Ok(ActionSet::full(catalog.action_count())),
        Kind::Parts { service, action } => (service, action),
    };
    if !service.wild {
        let raw_service = pattern
            .as_str()
            .split_once(':')
            .map_or(pattern.as_str(), |(s, _)| s);
        let Some(sid) = catalog.service_by_prefix(&service.text) else {
            return Err(ExpandError::UnknownService {
                service: raw_service.to_owned(),
                suggestion: suggest_service(&service.text),
            });
        };
        if !action.wild {
            return match catalog.find_action(pattern.as_str()) {
                Some(a) => Ok(ActionSet::single(catalog.action_count(), a)),
                None => Err(ExpandError::UnknownAction {
                    action: pattern.as_str().to_owned(),
                    suggestion: pattern
                        .as_str()
                        .split_once(':')
                        .and_then(|(_, name)| catalog.suggest_action(sid, name))
                        .map(|a| catalog.action_full_name(a)),
                }),
            };
        }
    }
    let set = expand(catalog, pattern);
    if set.is_empty() {
        return Err(ExpandError::NoMatch {
            pattern: pattern.as_str().to_owned(),
        });
    }
    Ok(set)
}

/// The actions a `NotAction` list grants: every catalog action matched by none
/// of `patterns` (the complement of their union).
pub fn expand_not<'a, I>(catalog: &Catalog, patterns: I) -> ActionSet
where
    I: IntoIterator<Item = &'a ActionPattern>,
{
    let mut union = ActionSet::empty(catalog.action_count());
    for p in patterns {
        union.union_with(&expand(catalog, p));
    }
    union.complement()
}
