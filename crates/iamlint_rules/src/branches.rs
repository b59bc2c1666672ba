//! Findings under CloudFormation `Fn::If` branches. A finding inside a branch says which
//! condition it depends on (`applies only when condition `UseGpu` is true`). A policy
//! with `Fn::If` inside its statements is checked once per combination of its conditions
//! (its variants, see `iamlint_formats`): a finding that every variant gives is reported
//! once, without a condition; one that only some give names them.

use crate::context::Finding;
use iamlint_policy::{Branch, PolicyFile};
use iamlint_report::RuleInfo;
use std::collections::{BTreeMap, BTreeSet};

type Assumptions = BTreeSet<(String, bool)>;

/// `raw` with condition notes added and the findings the variants of a document share
/// reported once. `docs[i]` is the document finding `i` was found in (`None`: the file).
pub(crate) fn finish(
    file: &PolicyFile,
    raw: Vec<(&'static RuleInfo, Finding)>,
    docs: &[Option<usize>],
) -> Vec<(&'static RuleInfo, Finding)> {
    if file.branches.is_empty() && file.documents.iter().all(|d| d.branches.is_empty()) {
        return raw;
    }
    // variants of one policy: same place, whole-document assumptions
    let variant = |d: usize| -> Assumptions {
        file.documents[d]
            .branches
            .iter()
            .filter(|b| b.path.is_empty())
            .map(|b| (b.condition.clone(), b.value))
            .collect()
    };
    let family_of = |d: usize| {
        let doc = &file.documents[d];
        (doc.origin.path.clone(), doc.span)
    };
    let mut families: BTreeMap<(String, iamlint_syntax::Span), Vec<usize>> = BTreeMap::new();
    for d in 0..file.documents.len() {
        if !variant(d).is_empty() {
            families.entry(family_of(d)).or_default().push(d);
        }
    }
    // identical findings of one family: where they occur; the one shown is the one with
    // the fewest notes (a variant whose `Condition` an `Fn::If` drops: the worst case)
    type Key = (
        String,
        iamlint_syntax::Span,
        String,
        String,
        Option<iamlint_syntax::Span>,
    );
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    let mut occurs: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    let mut keep = vec![true; raw.len()];
    for (i, (info, f)) in raw.iter().enumerate() {
        let Some(d) = docs.get(i).copied().flatten() else {
            continue;
        };
        if variant(d).is_empty() {
            continue;
        }
        let (fp, fs) = family_of(d);
        let key = (
            format!("{}\u{0}{fp}", info.code),
            fs,
            f.message.clone(),
            f.path.clone(),
            f.span,
        );
        match seen.get(&key).copied() {
            Some(first) if f.notes.len() < raw[first].1.notes.len() => {
                keep[first] = false;
                let mut found = std::mem::take(&mut occurs[first]);
                found.push(d);
                occurs[i] = found;
                seen.insert(key, i);
            }
            Some(first) => {
                keep[i] = false;
                occurs[first].push(d);
            }
            None => {
                seen.insert(key, i);
                occurs[i].push(d);
            }
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, (info, mut f)) in raw.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let doc = docs.get(i).copied().flatten();
        let covering = |b: &&Branch| !b.path.is_empty() && b.covers(&f.path);
        let mut fixed: Assumptions = file
            .branches
            .iter()
            .filter(covering)
            .map(|b| (b.condition.clone(), b.value))
            .collect();
        if let Some(d) = doc {
            fixed.extend(
                file.documents[d]
                    .branches
                    .iter()
                    .filter(covering)
                    .map(|b| (b.condition.clone(), b.value)),
            );
        }
        let alternatives: Vec<Assumptions> = match doc {
            Some(d) if !variant(d).is_empty() => {
                let family = &families[&family_of(d)];
                let found: BTreeSet<usize> = occurs[i].iter().copied().collect();
                if found.len() == family.len() {
                    vec![Assumptions::new()]
                } else {
                    describe(
                        &found.iter().map(|&v| variant(v)).collect::<Vec<_>>(),
                        &family.iter().map(|&v| variant(v)).collect::<Vec<_>>(),
                    )
                }
            }
            _ => vec![Assumptions::new()],
        };
        let text: Vec<String> = alternatives
            .iter()
            .map(|a| {
                let mut all = fixed.clone();
                all.extend(a.iter().cloned());
                all.iter()
                    .map(|(c, v)| format!("condition `{c}` is {v}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .filter(|t| !t.is_empty())
            .collect();
        if !text.is_empty() {
            f = f.note(format!("applies only when {}", text.join(", or when ")));
        }
        out.push((info, f));
    }
    out
}

/// The shortest description of the variants `found` among `all`: the conditions on which
/// they agree when exactly those variants agree on them, else each variant's own.
fn describe(found: &[Assumptions], all: &[Assumptions]) -> Vec<Assumptions> {
    let Some(first) = found.first() else {
        return vec![Assumptions::new()];
    };
    let common: Assumptions = first
        .iter()
        .filter(|a| found.iter().all(|f| f.contains(*a)))
        .cloned()
        .collect();
    let matching = all.iter().filter(|v| common.is_subset(v)).count();
    if !common.is_empty() && matching == found.len() {
        vec![common]
    } else {
        found.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(pairs: &[(&str, bool)]) -> Assumptions {
        pairs.iter().map(|(c, v)| (c.to_string(), *v)).collect()
    }

    #[test]
    fn the_shortest_description_of_some_variants() {
        let all = vec![
            a(&[("A", true), ("B", true)]),
            a(&[("A", true), ("B", false)]),
            a(&[("A", false), ("B", true)]),
            a(&[("A", false), ("B", false)]),
        ];
        assert_eq!(describe(&all[..2], &all), vec![a(&[("A", true)])]);
        assert_eq!(
            describe(&all[1..2], &all),
            vec![a(&[("A", true), ("B", false)])]
        );
        // two that agree on nothing alone: each is named
        let odd = vec![all[0].clone(), all[3].clone()];
        assert_eq!(describe(&odd, &all), odd);
    }
}
