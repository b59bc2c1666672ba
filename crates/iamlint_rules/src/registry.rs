//! Every rule, in code order. Adding a rule: its file under `rules/`, one line here, one
//! fixture directory `fixtures/rules/<name>/` (a test fails if either is missing).

use crate::rules::*;
use crate::Rule;

static RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &unreadable_file::UnreadableFile,
    &not_a_policy::NotAPolicy,
    &missing_version::MissingVersion,
    &invalid_version::InvalidVersion,
    // -- structure rules (IAM103-IAM106, IAM114-IAM129) go below this line --
    &missing_effect::MissingEffect,
    &invalid_effect::InvalidEffect,
    &missing_resource::MissingResource,
    &duplicate_sid::DuplicateSid,
    &unknown_element::UnknownElement,
    &invalid_element_type::InvalidElementType,
    &conflicting_elements::ConflictingElements,
    &duplicate_key::DuplicateKey,
    &missing_statement::MissingStatement,
    &missing_action::MissingAction,
    &invalid_sid::InvalidSid,
    &empty_value::EmptyValue,
    &principal_in_identity_policy::PrincipalInIdentityPolicy,
    &missing_principal::MissingPrincipal,
    &resource_in_trust_policy::ResourceInTrustPolicy,
    &policy_too_large::PolicyTooLarge,
    &policy_variable_syntax::PolicyVariableSyntax,
    // -- catalog-aware rules (IAM107-IAM113, IAM130-IAM149) go below this line --
    &unknown_service::UnknownService,
    &unknown_action::UnknownAction,
    &invalid_arn::InvalidArn,
    &resource_mismatch::ResourceMismatch,
    &unknown_condition_operator::UnknownConditionOperator,
    &unknown_condition_key::UnknownConditionKey,
    &condition_type_mismatch::ConditionTypeMismatch,
    &invalid_condition_value::InvalidConditionValue,
    &invalid_operator_qualifier::InvalidOperatorQualifier,
    &wildcard_in_service::WildcardInService,
    &forallvalues_single_valued::ForallvaluesSingleValued,
    &multivalued_key_without_qualifier::MultivaluedKeyWithoutQualifier,
    &condition_key_case_duplicate::ConditionKeyCaseDuplicate,
    &wildcard_without_like::WildcardWithoutLike,
    &source_ip_private::SourceIpPrivate,
    &deprecated_condition_key::DeprecatedConditionKey,
    &missing_tag_key::MissingTagKey,
    &trust_action_mismatch::TrustActionMismatch,
    &invalid_principal::InvalidPrincipal,
    // -- over-broad grant rules (IAM2xx) go below this line --
    &full_admin::FullAdmin,
    &service_wildcard::ServiceWildcard,
    &resource_star::ResourceStar,
    &notaction_allow::NotactionAllow,
    &notresource_allow::NotresourceAllow,
    &notprincipal_allow::NotprincipalAllow,
    &passrole_unrestricted::PassroleUnrestricted,
    &service_linked_role_unrestricted::ServiceLinkedRoleUnrestricted,
    &permissions_management_unrestricted::PermissionsManagementUnrestricted,
    &write_unrestricted::WriteUnrestricted,
    &credentials_exposure::CredentialsExposure,
    &data_exfiltration::DataExfiltration,
    &risky_managed_policy::RiskyManagedPolicy,
    &deprecated_managed_policy::DeprecatedManagedPolicy,
    &broad_wildcard::BroadWildcard,
    // -- escalation, exposure and redundancy rules (IAM3xx, IAM4xx, IAM50x) go below this line --
    &privilege_escalation::PrivilegeEscalation,
    &redundant_action::RedundantAction,
    &redundant_resource::RedundantResource,
    &public_principal::PublicPrincipal,
    &oidc_trust_unconditioned::OidcTrustUnconditioned,
    &confused_deputy::ConfusedDeputy,
    &cross_account_wildcard::CrossAccountWildcard,
    &redundant_statement::RedundantStatement,
    &unused_suppression::UnusedSuppression,
    // -- reference rules (IAM6xx) go below this line --
    &exceeds_reference::ExceedsReference,
];

/// Every rule iamlint has.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

/// A rule by code (case-insensitive) or name.
pub fn find_rule(key: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.info().code.eq_ignore_ascii_case(key) || r.info().name == key)
}
