//! One file per rule.

pub mod invalid_version;
pub mod missing_version;
pub mod not_a_policy;
pub mod parse_error;
pub mod unreadable_file;
pub mod unused_suppression;
// -- structure rules below --
pub mod conflicting_elements;
pub mod duplicate_key;
pub mod duplicate_sid;
pub mod empty_value;
pub mod invalid_effect;
pub mod invalid_element_type;
pub mod invalid_sid;
pub mod missing_action;
pub mod missing_effect;
pub mod missing_principal;
pub mod missing_resource;
pub mod missing_statement;
pub mod policy_too_large;
pub mod policy_variable_syntax;
pub mod principal_in_identity_policy;
pub mod resource_in_trust_policy;
pub(crate) mod structure;
pub mod unknown_element;
// -- catalog-aware rules below --
pub(crate) mod catalog_support;
pub mod condition_key_case_duplicate;
pub mod condition_type_mismatch;
pub mod deprecated_condition_key;
pub mod forallvalues_single_valued;
pub mod invalid_arn;
pub mod invalid_condition_value;
pub mod invalid_operator_qualifier;
pub mod invalid_principal;
pub mod missing_tag_key;
pub mod multivalued_key_without_qualifier;
pub mod resource_mismatch;
pub mod source_ip_private;
pub mod trust_action_mismatch;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_condition_operator;
pub mod unknown_service;
pub mod wildcard_in_service;
pub mod wildcard_without_like;
// -- over-broad grant rules below --
pub mod broad_wildcard;
pub mod credentials_exposure;
pub mod data_exfiltration;
pub mod deprecated_managed_policy;
pub mod full_admin;
pub(crate) mod grant_support;
pub mod notaction_allow;
pub mod notprincipal_allow;
pub mod notresource_allow;
pub mod passrole_unrestricted;
pub mod permissions_management_unrestricted;
pub mod resource_star;
pub mod risky_managed_policy;
pub mod service_linked_role_unrestricted;
pub mod service_wildcard;
pub mod write_unrestricted;
// -- escalation, exposure and redundancy rules below --
pub mod confused_deputy;
pub mod cross_account_wildcard;
pub mod oidc_trust_unconditioned;
pub mod privilege_escalation;
pub mod public_principal;
pub mod redundant_action;
pub mod redundant_resource;
pub mod redundant_statement;
// -- reference rules below --
pub mod exceeds_reference;
