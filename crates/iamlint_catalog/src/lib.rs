//! The AWS service authorization catalog for iamlint: every service, action, resource
//! type and condition key, compiled at development time into a compact blob that is
//! embedded in the binary and read without parsing.
//!
//! ```no_run
//! use iamlint_catalog::{AccessLevel, Catalog};
//! let cat = Catalog::embedded();
//! let a = cat.find_action("S3:getobject").expect("s3:GetObject is in the catalog");
//! assert_eq!(cat.action_full_name(a), "s3:GetObject");
//! assert_eq!(cat.access_level(a), AccessLevel::Read);
//! ```
//!
//! Ids ([`ActionId`], [`ServiceId`], [`ResourceTypeId`]) are only meaningful for the
//! catalog that produced them. Passing an id from elsewhere never panics, but the answer
//! is unspecified (an empty string or an empty iterator).

mod action_set;
mod error;
#[allow(dead_code)] // codes are used by the blob encoder (in progress)
mod types;

pub use action_set::ActionSet;
pub use error::CatalogError;
pub use types::{AccessLevel, ConditionBaseType, ConditionType};

/// Index into actions sorted by lower-case `"service:action"`.
pub type ActionId = u32;
/// Index into services sorted by prefix.
pub type ServiceId = u16;
/// Index into all resource types (sorted by service, then lower-case name).
pub type ResourceTypeId = u32;

/// A condition key as the catalog documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionKeyInfo<'a> {
    /// Canonical spelling as documented, e.g. `aws:RequestTag/${TagKey}`, `s3:prefix`.
    pub name: &'a str,
    pub ty: ConditionType,
    /// An `aws:` global condition key.
    pub global: bool,
}

/// Where the catalog data comes from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Provenance {
    pub source: String,
    pub version: String,
    pub data_date: String,
    pub imported_at: String,
    pub licence: String,
    pub sha256: String,
}

/// A resource type an action applies to.
#[derive(Clone, Copy, Debug)]
pub struct ActionResource<'a> {
    pub resource_type: ResourceTypeId,
    pub required: bool,
    cat: &'a Catalog,
    keys: u32,
}

impl<'a> ActionResource<'a> {
    /// Condition keys that apply to the action on this resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'a str> + 'a {
        let _ = (self.cat, self.keys);
        std::iter::empty()
    }
}

/// The AWS catalog. Cheap to query; `Send + Sync`.
#[derive(Debug)]
pub struct Catalog {
    provenance: Provenance,
}

impl Catalog {
    /// The catalog compiled into the binary. The first call validates the blob header;
    /// nothing is parsed.
    pub fn embedded() -> &'static Catalog {
        static CAT: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CAT.get_or_init(|| Catalog {
            provenance: Provenance::default(),
        })
    }

    /// Builds a catalog from a normalized data directory written by
    /// `cargo xtask catalog-import` (the directory holding `provenance.json`).
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        Err(CatalogError::Invalid {
            path: dir.to_path_buf(),
            message: "not implemented yet".to_owned(),
        })
    }

    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }
    pub fn service_count(&self) -> usize {
        0
    }
    pub fn action_count(&self) -> usize {
        0
    }
    pub fn resource_type_count(&self) -> usize {
        0
    }
    /// Distinct condition key names: every service key plus every global key.
    pub fn condition_key_count(&self) -> usize {
        0
    }
    /// Case-insensitive.
    pub fn service_by_prefix(&self, _prefix: &str) -> Option<ServiceId> {
        None
    }
    pub fn service_prefix(&self, _s: ServiceId) -> &str {
        ""
    }
    pub fn service_name(&self, _s: ServiceId) -> &str {
        ""
    }
    pub fn service_actions(&self, _s: ServiceId) -> std::ops::Range<ActionId> {
        0..0
    }
    pub fn services(&self) -> impl Iterator<Item = ServiceId> + '_ {
        0..self.service_count() as ServiceId
    }
    pub fn action_name(&self, _a: ActionId) -> &str {
        ""
    }
    pub fn action_service(&self, _a: ActionId) -> ServiceId {
        0
    }
    pub fn action_full_name(&self, a: ActionId) -> String {
        format!(
            "{}:{}",
            self.service_prefix(self.action_service(a)),
            self.action_name(a)
        )
    }
    pub fn action_key(&self, _a: ActionId) -> &str {
        ""
    }
    pub fn find_action(&self, _full_name: &str) -> Option<ActionId> {
        None
    }
    pub fn action_range_with_prefix(&self, _lower_prefix: &str) -> std::ops::Range<ActionId> {
        0..0
    }
    pub fn access_level(&self, _a: ActionId) -> AccessLevel {
        AccessLevel::Write
    }
    pub fn action_resources(&self, _a: ActionId) -> impl Iterator<Item = ActionResource<'_>> + '_ {
        std::iter::empty()
    }
    pub fn action_condition_keys(&self, _a: ActionId) -> impl Iterator<Item = &str> + '_ {
        std::iter::empty()
    }
    pub fn dependent_actions(&self, _a: ActionId) -> impl Iterator<Item = &str> + '_ {
        std::iter::empty()
    }
    pub fn resource_type_name(&self, _r: ResourceTypeId) -> &str {
        ""
    }
    pub fn resource_type_service(&self, _r: ResourceTypeId) -> ServiceId {
        0
    }
    pub fn resource_type_arn_formats(&self, _r: ResourceTypeId) -> impl Iterator<Item = &str> + '_ {
        std::iter::empty()
    }
    pub fn resource_type_condition_keys(
        &self,
        _r: ResourceTypeId,
    ) -> impl Iterator<Item = &str> + '_ {
        std::iter::empty()
    }
    pub fn service_resource_types(&self, _s: ServiceId) -> std::ops::Range<ResourceTypeId> {
        0..0
    }
    pub fn condition_key(&self, _key: &str) -> Option<ConditionKeyInfo<'_>> {
        None
    }
    pub fn service_condition_keys(
        &self,
        _s: ServiceId,
    ) -> impl Iterator<Item = ConditionKeyInfo<'_>> + '_ {
        std::iter::empty()
    }
    pub fn global_condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo<'_>> + '_ {
        std::iter::empty()
    }
    pub fn suggest_service(&self, _prefix: &str) -> Option<&str> {
        None
    }
    pub fn suggest_action(&self, _s: ServiceId, _name: &str) -> Option<ActionId> {
        None
    }
}
