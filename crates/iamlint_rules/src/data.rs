//! Curated security knowledge, as data: the files under `rules/` at the repository root,
//! embedded in the binary with `include_str!` and read into a [`RuleData`] once per run
//! (by the program, which passes it to the engine: rules never parse a file).
//!
//! - [`RuleData::escalation_paths`]: privilege-escalation paths
//!   (`rules/privilege-escalation.toml`)
//! - [`RuleData::sensitive`]: credential-returning and exfiltration actions, condition
//!   keys that narrow a public principal, OIDC trust keys, risky managed policies
//!   (`rules/sensitive-actions.toml`)
//! - [`RuleData::deprecated_managed_policies`] (`rules/deprecated-managed-policies.toml`)
//!   and [`RuleData::admin_like_managed_policies`]
//!   (`rules/admin-like-managed-policies.toml`)
//! - [`RuleData::references`]: documented reference policies
//!   (`rules/references/manifest.toml` and the policy files it lists), and
//!   [`RuleData::reference_principals`]: documented roles and users built from them and
//!   from the AWS managed policies they attach
//!
//! The action names of the lists are resolved against the run's catalog when the data is
//! read. A parse error is a bug in a data file: [`RuleData::validate`] returns it, and the
//! tests run it. Every action named here is checked against the embedded catalog by
//! `tests/data.rs`.

use std::fmt;
use std::sync::OnceLock;

use iamlint_catalog::{ActionId, ActionSet, Catalog};
use serde::Deserialize;

const ESCALATION_TOML: &str = include_str!("../../../rules/privilege-escalation.toml");
const SENSITIVE_TOML: &str = include_str!("../../../rules/sensitive-actions.toml");
const DEPRECATED_TOML: &str = include_str!("../../../rules/deprecated-managed-policies.toml");
const ADMIN_LIKE_TOML: &str = include_str!("../../../rules/admin-like-managed-policies.toml");
const PM_OVERRIDES_TOML: &str =
    include_str!("../../../rules/permissions-management-overrides.toml");
const LOCATIONS_TOML: &str = include_str!("../../../rules/resource-policy-locations.toml");
const AWS_MANAGED_NAMES: &str = include_str!("../../../rules/aws-managed-policy-names.txt");
const MANIFEST_TOML: &str = include_str!("../../../rules/references/manifest.toml");

/// The policy files under `rules/references/`, by path relative to that directory.
const REFERENCE_FILES: &[(&str, &str)] = &[
    (
        "parallelcluster/instance-slurm.json",
        include_str!("../../../rules/references/parallelcluster/instance-slurm.json"),
    ),
    (
        "parallelcluster/instance-awsbatch.json",
        include_str!("../../../rules/references/parallelcluster/instance-awsbatch.json"),
    ),
    (
        "parallelcluster/user-slurm.json",
        include_str!("../../../rules/references/parallelcluster/user-slurm.json"),
    ),
    (
        "parallelcluster/user-awsbatch.json",
        include_str!("../../../rules/references/parallelcluster/user-awsbatch.json"),
    ),
    (
        "genomics/batch-instance-s3.yaml",
        include_str!("../../../rules/references/genomics/batch-instance-s3.yaml"),
    ),
    (
        "genomics/batch-instance-ebs.yaml",
        include_str!("../../../rules/references/genomics/batch-instance-ebs.yaml"),
    ),
    (
        "cloud-imaging/trust-spotfleet.json",
        include_str!("../../../rules/references/cloud-imaging/trust-spotfleet.json"),
    ),
];

/// An embedded data file that does not match its schema.
#[derive(Debug)]
pub enum DataError {
    /// The file is not valid TOML, or does not have the expected shape.
    Toml {
        file: &'static str,
        source: Box<toml::de::Error>,
    },
    /// A manifest entry names a policy file that is not embedded.
    MissingReferenceFile { name: String, file: String },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Toml { file, source } => {
                write!(f, "`{file}` does not match its schema: {source}")
            }
            DataError::MissingReferenceFile { name, file } => write!(
                f,
                "reference `{name}` names `{file}`, which is not embedded in `REFERENCE_FILES`"
            ),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Toml { source, .. } => Some(source.as_ref()),
            DataError::MissingReferenceFile { .. } => None,
        }
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &'static str,
    text: &'static str,
) -> Result<T, DataError> {
    toml::from_str(text).map_err(|source| DataError::Toml {
        file,
        source: Box::new(source),
    })
}

/// The curated data of `rules/` for one run, resolved against the run's catalog. Each
/// file is read on first use and kept by the instance, so a run pays only for the data
/// its rules ask for.
///
/// The files are compiled in and checked by the test suite ([`RuleData::validate`]), so
/// an accessor that meets an invalid file is a build defect: it stops with the error.
pub struct RuleData<'c> {
    catalog: &'c Catalog,
    /// The paths, and the action ids of each (`None` when an action is missing from the
    /// catalog).
    escalation: OnceLock<Escalation>,
    /// The lists, and the catalog sets of the credential and exfiltration actions.
    sensitive: OnceLock<(SensitiveActions, ActionSet, ActionSet)>,
    deprecated: OnceLock<DeprecatedManagedPolicies>,
    admin_like: OnceLock<Vec<AdminLikeManagedPolicy>>,
    locations: OnceLock<ResourcePolicyLocations>,
    /// The overrides, and the actions that change who can access a resource.
    access_changing: OnceLock<(PermissionsManagementOverrides, ActionSet)>,
    references: OnceLock<References>,
    /// `rules/aws-managed-policy-names.txt`, sorted.
    managed_names: OnceLock<Vec<&'static str>>,
}

/// The escalation paths and, per path, the ids of its actions.
type Escalation = (Vec<EscalationPath>, Vec<Option<Vec<ActionId>>>);

/// The value of a data file, or the stop of a build whose data files are invalid.
fn valid<T>(parsed: Result<T, DataError>) -> T {
    parsed.unwrap_or_else(|e| panic!("the embedded rules data is invalid (a build defect): {e}"))
}

impl<'c> RuleData<'c> {
    /// The data for a run over `catalog` (nothing is read until asked for).
    pub fn new(catalog: &'c Catalog) -> RuleData<'c> {
        RuleData {
            catalog,
            escalation: OnceLock::new(),
            sensitive: OnceLock::new(),
            deprecated: OnceLock::new(),
            admin_like: OnceLock::new(),
            locations: OnceLock::new(),
            access_changing: OnceLock::new(),
            references: OnceLock::new(),
            managed_names: OnceLock::new(),
        }
    }

    /// Read every embedded data file.
    ///
    /// # Errors
    /// [`DataError`] for the first data file that does not match its schema.
    pub fn validate() -> Result<(), DataError> {
        parse_escalation_paths()?;
        parse_sensitive()?;
        parse_deprecated()?;
        parse_admin_like()?;
        parse_locations()?;
        parse_pm_overrides()?;
        parse_references()?;
        Ok(())
    }

    fn escalation(&self) -> &Escalation {
        self.escalation.get_or_init(|| {
            let paths = valid(parse_escalation_paths());
            let ids = paths
                .iter()
                .map(|p| {
                    p.actions
                        .iter()
                        .map(|a| self.catalog.find_action(a))
                        .collect()
                })
                .collect();
            (paths, ids)
        })
    }

    fn sensitive_sets(&self) -> &(SensitiveActions, ActionSet, ActionSet) {
        self.sensitive.get_or_init(|| {
            let s = valid(parse_sensitive());
            let credentials = action_set_of(
                self.catalog,
                s.credentials_exposure
                    .actions
                    .iter()
                    .map(|a| a.action.as_str()),
            );
            let exfiltration = action_set_of(
                self.catalog,
                s.data_exfiltration
                    .actions
                    .iter()
                    .map(|a| a.action.as_str()),
            );
            (s, credentials, exfiltration)
        })
    }

    /// Every privilege-escalation path, in file order.
    pub fn escalation_paths(&self) -> &[EscalationPath] {
        &self.escalation().0
    }

    /// The action ids of each escalation path, in the order of
    /// [`RuleData::escalation_paths`] (`None` when an action is missing from the catalog).
    pub fn escalation_ids(&self) -> &[Option<Vec<ActionId>>] {
        &self.escalation().1
    }

    /// The sensitive-action lists.
    pub fn sensitive(&self) -> &SensitiveActions {
        &self.sensitive_sets().0
    }

    /// The catalog actions that return credentials (`credentials_exposure`).
    pub fn credentials_actions(&self) -> &ActionSet {
        &self.sensitive_sets().1
    }

    /// The catalog actions that read stored data (`data_exfiltration`).
    pub fn exfiltration_actions(&self) -> &ActionSet {
        &self.sensitive_sets().2
    }

    /// The deprecated AWS managed policies.
    pub fn deprecated_managed_policies(&self) -> &DeprecatedManagedPolicies {
        self.deprecated.get_or_init(|| valid(parse_deprecated()))
    }

    /// AWS managed policies that allow `*`, `iam:*` or `NotAction` on `*` (computed from
    /// the policy documents; one entry per policy and grant).
    pub fn admin_like_managed_policies(&self) -> &[AdminLikeManagedPolicy] {
        self.admin_like.get_or_init(|| valid(parse_admin_like()))
    }

    /// The curated corrections to AWS's "Permissions management" labels.
    pub fn permissions_management_overrides(&self) -> &PermissionsManagementOverrides {
        &self.access_changing().0
    }

    /// The actions that change who can access a resource: AWS's "Permissions management"
    /// actions without those that only read, with the sharing actions AWS labels "Write"
    /// (`rules/permissions-management-overrides.toml`).
    pub fn access_changing_actions(&self) -> &ActionSet {
        &self.access_changing().1
    }

    fn access_changing(&self) -> &(PermissionsManagementOverrides, ActionSet) {
        self.access_changing.get_or_init(|| {
            let o = valid(parse_pm_overrides());
            let mut set = self
                .catalog
                .actions_with_level(iamlint_catalog::AccessLevel::PermissionsManagement)
                .clone();
            set.subtract(&action_set_of(
                self.catalog,
                o.reads.iter().map(|a| a.action.as_str()),
            ));
            let exposes = action_set_of(self.catalog, o.exposes.iter().map(|a| a.action.as_str()));
            set.union_with(&exposes);
            (o, set)
        })
    }

    /// The resource policy written at a place of type `ty` (a CloudFormation or Terraform
    /// resource type) whose statements may leave out `Resource`, if it is one.
    pub fn implied_resource(&self, ty: &str) -> Option<&ImpliedResource> {
        self.locations
            .get_or_init(|| valid(parse_locations()))
            .implied
            .iter()
            .find(|l| l.types.iter().any(|t| t == ty))
    }

    /// The built-in reference policies, in manifest order.
    pub fn references(&self) -> &[ReferencePolicy] {
        &self.all_references().published
    }

    fn all_references(&self) -> &References {
        self.references.get_or_init(|| valid(parse_references()))
    }

    /// The reference policy named `name` (`parallelcluster/user-awsbatch`).
    pub fn reference(&self, name: &str) -> Option<&ReferencePolicy> {
        self.references().iter().find(|r| r.name == name)
    }

    /// The built-in reference principals, in manifest order.
    pub fn reference_principals(&self) -> &[ReferencePrincipal] {
        &self.all_references().principals
    }

    /// The reference principal named `name` (`cloud-imaging/SLIM-Extras_for_Lambda`).
    pub fn reference_principal(&self, name: &str) -> Option<&ReferencePrincipal> {
        self.reference_principals().iter().find(|r| r.name == name)
    }

    /// Policies the seed documents refer to without publishing them.
    pub fn unpublished_references(&self) -> &[UnpublishedReference] {
        &self.all_references().unpublished
    }

    /// Whether `name` is the name of an AWS managed policy
    /// (`rules/aws-managed-policy-names.txt`, deprecated ones included). Case-sensitive,
    /// as IAM policy names are.
    pub fn is_aws_managed_policy_name(&self, name: &str) -> bool {
        self.managed_names().binary_search(&name).is_ok()
    }

    fn managed_names(&self) -> &[&'static str] {
        self.managed_names.get_or_init(|| {
            let mut names: Vec<&'static str> = aws_managed_policy_names().collect();
            names.sort_unstable();
            names
        })
    }

    /// How many names `rules/aws-managed-policy-names.txt` holds.
    pub fn aws_managed_policy_name_count(&self) -> usize {
        self.managed_names().len()
    }
}

/// The catalog ids of canonical action names (names missing from the catalog are
/// skipped; `tests/data.rs` checks that there are none).
fn action_set_of<'n>(catalog: &Catalog, names: impl IntoIterator<Item = &'n str>) -> ActionSet {
    let mut out = ActionSet::empty(catalog.action_count());
    for n in names {
        if let Some(a) = catalog.find_action(n) {
            out.insert(a);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// privilege escalation

/// How a path escalates (the pathfinding.cloud categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EscalationCategory {
    /// Change the permissions of a principal the attacker already is.
    SelfEscalation,
    /// Get credentials of, or assume, another principal.
    PrincipalAccess,
    /// Pass an existing role to a new resource that runs attacker code.
    NewPassrole,
    /// Take over a resource that already runs with a role.
    ExistingPassrole,
}

impl EscalationCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationCategory::SelfEscalation => "self-escalation",
            EscalationCategory::PrincipalAccess => "principal-access",
            EscalationCategory::NewPassrole => "new-passrole",
            EscalationCategory::ExistingPassrole => "existing-passrole",
        }
    }
}

/// A documented privilege-escalation path: it applies when every action is allowed.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationPath {
    /// `iam-001`, `ec2-001`, ... (pathfinding.cloud ids), `rhino-001` (Rhino Security Labs).
    pub id: String,
    pub category: EscalationCategory,
    pub name: String,
    /// Canonical `service:Action` names.
    pub actions: Vec<String>,
    pub source: String,
    /// What an attacker does, in one line.
    pub description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalationFile {
    path: Vec<EscalationPath>,
}

fn parse_escalation_paths() -> Result<Vec<EscalationPath>, DataError> {
    parse_toml::<EscalationFile>("rules/privilege-escalation.toml", ESCALATION_TOML).map(|f| f.path)
}

// ---------------------------------------------------------------------------------------
// sensitive actions

/// Which upstream list names a credential-returning action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialsListSource {
    /// parliament 1.6.4, `CREDENTIALS_EXPOSURE_ACTIONS`.
    Parliament,
    /// cloudsplaining 0.9.1, `ACTIONS_THAT_RETURN_CREDENTIALS`.
    Cloudsplaining,
    Both,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsAction {
    pub action: String,
    pub source: CredentialsListSource,
}

/// An upstream entry left out because the catalog has no such action.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludedAction {
    pub action: String,
    pub source: CredentialsListSource,
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsExposure {
    pub actions: Vec<CredentialsAction>,
    pub excluded: Vec<ExcludedAction>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedAction {
    pub action: String,
    pub source: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataExfiltration {
    pub actions: Vec<SourcedAction>,
}

/// A condition key that keeps `Principal: "*"` from meaning "anyone".
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrowingConditionKey {
    pub key: String,
    /// Values of this key that narrow nothing (besides the shared wildcard values).
    #[serde(default)]
    pub non_narrowing_values: Vec<String>,
    /// Keys that must also be present for this one to narrow.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The catalog documents the key as deprecated or superseded.
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPrincipal {
    /// Values that narrow nothing, whatever the key.
    pub wildcard_values: Vec<String>,
    pub narrowing_condition_keys: Vec<NarrowingConditionKey>,
}

impl PublicPrincipal {
    /// The narrowing key named `key` (condition key names are case-insensitive).
    pub fn narrowing_key(&self, key: &str) -> Option<&NarrowingConditionKey> {
        self.narrowing_condition_keys
            .iter()
            .find(|k| k.key.eq_ignore_ascii_case(key))
    }
}

/// What a trust policy for a web identity provider must pin.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// `token.actions.githubusercontent.com`, `cognito-identity.amazonaws.com`.
    pub provider: String,
    /// Keys that need a condition, e.g. `token.actions.githubusercontent.com:sub`.
    pub required_keys: Vec<String>,
    #[serde(default)]
    pub expected_audience: Option<String>,
    /// Values that narrow nothing (`*`, `repo:*`).
    pub non_narrowing_values: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskyManagedPolicy {
    pub name: String,
    pub arn: String,
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskyManagedPolicies {
    pub names: Vec<RiskyManagedPolicy>,
    /// A managed policy whose name contains this marker grants full access to a service.
    pub full_access_marker: String,
    pub full_access_case_insensitive: bool,
}

impl RiskyManagedPolicies {
    /// The curated entry for the managed policy `name` (exact name).
    pub fn find(&self, name: &str) -> Option<&RiskyManagedPolicy> {
        self.names.iter().find(|p| p.name == name)
    }

    /// Whether the managed policy `name` is a `*FullAccess*` policy.
    pub fn is_full_access(&self, name: &str) -> bool {
        if self.full_access_case_insensitive {
            name.to_ascii_lowercase()
                .contains(&self.full_access_marker.to_ascii_lowercase())
        } else {
            name.contains(&self.full_access_marker)
        }
    }
}

/// The contents of `rules/sensitive-actions.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveActions {
    pub credentials_exposure: CredentialsExposure,
    pub data_exfiltration: DataExfiltration,
    pub public_principal: PublicPrincipal,
    pub oidc_subject_keys: Vec<OidcProvider>,
    pub risky_managed_policies: RiskyManagedPolicies,
}

impl SensitiveActions {
    /// Whether `action` (`service:Action`, any casing) returns credentials.
    pub fn returns_credentials(&self, action: &str) -> bool {
        self.credentials_exposure
            .actions
            .iter()
            .any(|a| a.action.eq_ignore_ascii_case(action))
    }

    /// Whether `action` (any casing) is a read action that can exfiltrate data.
    pub fn exfiltrates_data(&self, action: &str) -> bool {
        self.data_exfiltration
            .actions
            .iter()
            .any(|a| a.action.eq_ignore_ascii_case(action))
    }

    /// The trust requirements for the web identity provider `provider` (case-insensitive).
    pub fn oidc_provider(&self, provider: &str) -> Option<&OidcProvider> {
        self.oidc_subject_keys
            .iter()
            .find(|p| p.provider.eq_ignore_ascii_case(provider))
    }
}

fn parse_sensitive() -> Result<SensitiveActions, DataError> {
    parse_toml("rules/sensitive-actions.toml", SENSITIVE_TOML)
}

// ---------------------------------------------------------------------------------------
// managed policies

/// A deprecated AWS managed policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprecatedManagedPolicy {
    pub name: String,
    /// The documented successor, when AWS names one.
    #[serde(default)]
    pub replacement: Option<String>,
    #[serde(default)]
    pub replacement_source: Option<String>,
}

/// A dataset record flagged deprecated that is deliberately not listed.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludedManagedPolicy {
    pub name: String,
    pub reason: String,
}

/// The contents of `rules/deprecated-managed-policies.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprecatedManagedPolicies {
    pub deprecated: Vec<DeprecatedManagedPolicy>,
    pub excluded: Vec<ExcludedManagedPolicy>,
}

impl DeprecatedManagedPolicies {
    /// The deprecated policy named `name` (exact, as in the last ARN segment).
    pub fn find(&self, name: &str) -> Option<&DeprecatedManagedPolicy> {
        self.deprecated.iter().find(|p| p.name == name)
    }
}

/// The contents of `rules/permissions-management-overrides.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionsManagementOverrides {
    pub reads: Vec<OverriddenAction>,
    pub exposes: Vec<OverriddenAction>,
}

/// One action whose access-level label is corrected, and why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverriddenAction {
    pub action: String,
    pub reason: String,
}

fn parse_pm_overrides() -> Result<PermissionsManagementOverrides, DataError> {
    parse_toml(
        "rules/permissions-management-overrides.toml",
        PM_OVERRIDES_TOML,
    )
}

/// The contents of `rules/resource-policy-locations.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourcePolicyLocations {
    pub implied: Vec<ImpliedResource>,
}

/// A resource policy whose `Resource` is the resource it is attached to.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpliedResource {
    /// What it is (`an ECR repository policy`).
    pub what: String,
    /// The CloudFormation and Terraform resource types that hold it.
    pub types: Vec<String>,
    /// The AWS documentation that shows it.
    pub source: String,
}

fn parse_locations() -> Result<ResourcePolicyLocations, DataError> {
    parse_toml("rules/resource-policy-locations.toml", LOCATIONS_TOML)
}

fn parse_deprecated() -> Result<DeprecatedManagedPolicies, DataError> {
    parse_toml("rules/deprecated-managed-policies.toml", DEPRECATED_TOML)
}

/// What an admin-like managed policy allows on Resource `*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
pub enum AdminGrant {
    /// `Action: "*"`.
    #[serde(rename = "*")]
    All,
    /// `Action: "iam:*"`.
    #[serde(rename = "iam:*")]
    IamAll,
    /// An Allow with `NotAction` (everything but the listed actions).
    #[serde(rename = "NotAction")]
    NotAction,
}

/// An AWS managed policy whose document grants administrator-level access.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminLikeManagedPolicy {
    pub name: String,
    pub grant: AdminGrant,
    /// Every statement that makes the grant has a Condition.
    pub conditional: bool,
    pub deprecated: bool,
    #[serde(default)]
    pub arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdminLikeFile {
    admin_like: Vec<AdminLikeManagedPolicy>,
}

fn parse_admin_like() -> Result<Vec<AdminLikeManagedPolicy>, DataError> {
    parse_toml::<AdminLikeFile>("rules/admin-like-managed-policies.toml", ADMIN_LIKE_TOML)
        .map(|f| f.admin_like)
}

// ---------------------------------------------------------------------------------------
// reference policies

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    /// An identity-based permissions policy.
    Identity,
    /// A role trust policy.
    Trust,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceFormat {
    Json,
    Yaml,
}

/// A documented reference policy, with its text as published.
#[derive(Clone, Debug)]
pub struct ReferencePolicy {
    /// `parallelcluster/user-awsbatch`.
    pub name: String,
    /// Path relative to `rules/references/`.
    pub file: String,
    pub kind: ReferenceKind,
    pub format: ReferenceFormat,
    pub title: String,
    /// The seed file and the public document it reproduces.
    pub source: String,
    /// The `<...>` placeholders in the text, kept as written.
    pub placeholders: Vec<String>,
    pub notes: String,
    pub text: &'static str,
}

/// A policy a seed document refers to but does not publish.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnpublishedReference {
    pub name: String,
    pub kind: ReferenceKind,
    pub source: String,
    pub reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestEntry {
    name: String,
    file: String,
    kind: ReferenceKind,
    format: ReferenceFormat,
    title: String,
    source: String,
    placeholders: Vec<String>,
    notes: String,
}

/// A documented principal (a role or a user as a guide creates it), assembled from the
/// reference policies it holds and the AWS managed policies it attaches.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferencePrincipal {
    /// `cloud-imaging/SLIM-Extras_for_Lambda`.
    pub name: String,
    /// `role` or `user`.
    pub principal: String,
    /// Its name in AWS, as the guide writes it.
    pub principal_name: String,
    pub title: String,
    /// The seed file and the public document it reproduces.
    pub source: String,
    /// The identity reference policies it holds (by name), as policies of its own.
    #[serde(default)]
    pub policies: Vec<String>,
    /// The AWS managed policies it attaches, by ARN as the guide writes them.
    #[serde(default)]
    pub managed: Vec<String>,
    /// Its trust policy (a trust reference policy, by name).
    #[serde(default)]
    pub trust: Option<String>,
    /// Policies it attaches whose documents the guide does not publish (by ARN): the
    /// reference is incomplete by that much.
    #[serde(default)]
    pub unpublished: Vec<String>,
    pub notes: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    reference: Vec<ManifestEntry>,
    #[serde(default)]
    principal: Vec<ReferencePrincipal>,
    unpublished: Vec<UnpublishedReference>,
}

struct References {
    published: Vec<ReferencePolicy>,
    principals: Vec<ReferencePrincipal>,
    unpublished: Vec<UnpublishedReference>,
}

fn parse_references() -> Result<References, DataError> {
    let manifest: Manifest = parse_toml("rules/references/manifest.toml", MANIFEST_TOML)?;
    let published = manifest
        .reference
        .into_iter()
        .map(|e| {
            let text = REFERENCE_FILES
                .iter()
                .find(|(file, _)| *file == e.file)
                .map(|(_, text)| *text)
                .ok_or_else(|| DataError::MissingReferenceFile {
                    name: e.name.clone(),
                    file: e.file.clone(),
                })?;
            Ok(ReferencePolicy {
                name: e.name,
                file: e.file,
                kind: e.kind,
                format: e.format,
                title: e.title,
                source: e.source,
                placeholders: e.placeholders,
                notes: e.notes,
                text,
            })
        })
        .collect::<Result<Vec<_>, DataError>>()?;
    Ok(References {
        published,
        principals: manifest.principal,
        unpublished: manifest.unpublished,
    })
}

/// Every embedded reference policy file: (path relative to `rules/references/`, text).
/// For tests that compare the embedded set with the directory.
pub fn embedded_reference_files() -> &'static [(&'static str, &'static str)] {
    REFERENCE_FILES
}

/// The names in `rules/aws-managed-policy-names.txt` (comments and blank lines skipped).
fn aws_managed_policy_names() -> impl Iterator<Item = &'static str> {
    AWS_MANAGED_NAMES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
}
