//! Data derived from the catalog's tables: the actions of each access level, the actions
//! that accept a resource type, the lower-cased name index. Each is computed on first use
//! and kept by the [`Catalog`] instance that owns the tables, so every question after the
//! first is a set operation or a lookup; nothing is kept outside the instance.

use crate::names::NameIndex;
use crate::{AccessLevel, ActionId, ActionSet, Catalog};
use std::sync::OnceLock;

#[derive(Default)]
pub(crate) struct Derived {
    levels: [OnceLock<ActionSet>; AccessLevel::ALL.len()],
    scopable: OnceLock<ActionSet>,
    names: OnceLock<NameIndex>,
}

impl Catalog {
    /// Every action whose access level is `level`.
    pub fn actions_with_level(&self, level: AccessLevel) -> &ActionSet {
        let i = AccessLevel::ALL
            .iter()
            .position(|&l| l == level)
            .unwrap_or_default();
        self.derived.levels[i].get_or_init(|| self.actions_where(|a| self.access_level(a) == level))
    }

    /// Every action that can be scoped with `Resource`: it accepts a resource type that
    /// its requests name, either one marked required or one of several alternatives
    /// (`s3:GetObject`: an object or an access point's object). An action whose only
    /// resource type is optional (`cloudwatch:PutMetricData` and its `dataset`,
    /// `polly:SynthesizeSpeech` and its `lexicon`) serves requests that name no resource,
    /// which only `"Resource": "*"` allows, so it is not scopable; neither are the actions
    /// that take no resource type at all.
    pub fn scopable_actions(&self) -> &ActionSet {
        self.derived
            .scopable
            .get_or_init(|| self.actions_where(|a| self.is_scopable(a)))
    }

    fn is_scopable(&self, a: ActionId) -> bool {
        let mut types = self.action_resources(a);
        match (types.next(), types.next()) {
            (None, _) => false,
            (Some(only), None) => only.required,
            (Some(_), Some(_)) => true,
        }
    }

    /// The lower-cased names of every action in one buffer (see [`NameIndex`]).
    pub fn name_index(&self) -> &NameIndex {
        self.derived.names.get_or_init(|| NameIndex::build(self))
    }

    fn actions_where(&self, keep: impl Fn(ActionId) -> bool) -> ActionSet {
        ActionSet::from_predicate(self.action_count(), keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept sets are the catalog's answers action by action, and every action has
    /// exactly one level.
    #[test]
    fn derived_sets_agree_with_the_tables() {
        let cat = &Catalog::embedded();
        let n = cat.action_count() as ActionId;
        let mut seen = 0;
        for level in AccessLevel::ALL {
            let set = cat.actions_with_level(level);
            let expected: Vec<ActionId> =
                (0..n).filter(|&a| cat.access_level(a) == level).collect();
            assert_eq!(set.iter().collect::<Vec<_>>(), expected, "{level:?}");
            assert!(!expected.is_empty(), "{level:?}");
            seen += expected.len();
        }
        assert_eq!(seen, n as usize);
        let scopable: Vec<ActionId> = (0..n)
            .filter(|&a| {
                let types: Vec<_> = cat.action_resources(a).collect();
                types.len() > 1 || types.first().is_some_and(|t| t.required)
            })
            .collect();
        assert_eq!(cat.scopable_actions().iter().collect::<Vec<_>>(), scopable);
        assert!(scopable.len() > 1000 && scopable.len() < n as usize);
        // a single optional resource type: requests without it need `*`
        let put = cat.find_action("cloudwatch:PutMetricData");
        let get = cat.find_action("s3:GetObject");
        let send = cat.find_action("sqs:SendMessage");
        assert!(put.is_some_and(|a| !cat.scopable_actions().contains(a)));
        assert!(get.is_some_and(|a| cat.scopable_actions().contains(a)));
        assert!(send.is_some_and(|a| cat.scopable_actions().contains(a)));
    }

    /// `named` finds an action name in every service that has it, and nothing else.
    #[test]
    fn names_by_exact_name() {
        let cat = &Catalog::embedded();
        let idx = cat.name_index();
        let found = idx.named("DescribeMountTargets");
        let names: Vec<String> = found.iter().map(|&a| cat.action_full_name(a)).collect();
        assert_eq!(names, ["elasticfilesystem:DescribeMountTargets"]);
        let all: Vec<ActionId> = (0..cat.action_count() as ActionId)
            .filter(|&a| cat.action_name(a).eq_ignore_ascii_case("getobject"))
            .collect();
        assert_eq!(idx.named("GETOBJECT"), all);
        assert!(all.len() >= 2);
        assert!(idx.named("describemounttarget").is_empty());
        assert!(idx.named("").is_empty());
    }
}
