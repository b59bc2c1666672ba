//! How a condition key resolves against the catalog, and did-you-mean for service
//! prefixes: answered once per run for each key or prefix (the same ones recur in every
//! policy of a project).

use crate::Semantic;
use iamlint_catalog::{ConditionKeyId, ConditionKeyInfo};

/// How a condition key resolves.
#[derive(Clone, Copy, Debug)]
pub enum KeyLookup<'a> {
    /// In the catalog: a global key, or a key some service lists.
    Known(ConditionKeyInfo<'a>),
    /// A claim of a web identity (OIDC) provider, written `<provider-host>:<claim>`
    /// (`token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`): any
    /// provider can be registered, so these are not in the catalog.
    ProviderClaim,
    /// Unknown: neither in the catalog nor a provider claim.
    Unknown,
}

/// [`KeyLookup`] as kept for the run (by id, so that the run's answers hold no borrow of
/// the catalog's strings).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved {
    Known(ConditionKeyId),
    ProviderClaim,
    Unknown,
}

/// Whether the part of a key before its `:` names an identity provider host
/// (`accounts.google.com`, `oidc.eks.us-east-1.amazonaws.com/id/ABC`) rather than a
/// service prefix.
pub fn is_provider_prefix(prefix: &str) -> bool {
    prefix.contains('.') || prefix.contains('/')
}

impl<'c> Semantic<'c> {
    /// How the condition key `key` resolves.
    pub fn condition_key(&self, key: &str) -> KeyLookup<'c> {
        let resolved = match self.keys.get(key) {
            Some(k) => k,
            None => {
                let k = self.resolve_key(key);
                self.keys.insert(key.to_owned(), k);
                k
            }
        };
        match resolved {
            Resolved::Known(id) => KeyLookup::Known(self.catalog.condition_key_info(id)),
            Resolved::ProviderClaim => KeyLookup::ProviderClaim,
            Resolved::Unknown => KeyLookup::Unknown,
        }
    }

    fn resolve_key(&self, key: &str) -> Resolved {
        if let Some(id) = self.catalog.condition_key_id(key) {
            return Resolved::Known(id);
        }
        match key.split_once(':') {
            Some((prefix, claim))
                if is_provider_prefix(prefix) && !claim.is_empty() && !prefix.is_empty() =>
            {
                Resolved::ProviderClaim
            }
            _ => Resolved::Unknown,
        }
    }

    /// Whether `key` is a condition key AWS has deprecated.
    pub fn is_deprecated_condition_key(&self, key: &str) -> bool {
        if let Some(d) = self.deprecated_keys.get(key) {
            return d;
        }
        let d = self.catalog.is_deprecated_condition_key(key);
        self.deprecated_keys.insert(key.to_owned(), d);
        d
    }

    /// The service prefix closest to the unknown `prefix`, if one is close enough.
    pub fn suggest_service(&self, prefix: &str) -> Option<String> {
        if let Some(s) = self.service_suggestions.get(prefix) {
            return s;
        }
        let s = self.catalog.suggest_service(prefix).map(str::to_owned);
        self.service_suggestions
            .insert(prefix.to_owned(), s.clone());
        s
    }
}
