//! One file per rule.

pub mod invalid_version;
pub mod missing_version;
pub mod not_a_policy;
pub mod parse_error;
pub mod unreadable_file;
pub mod unused_suppression;
// -- structure rules below --
// -- catalog-aware rules below --
// -- over-broad grant rules below --
// -- escalation, exposure and redundancy rules below --
pub mod privilege_escalation;
pub mod redundant_action;
pub mod redundant_resource;
// -- reference rules below --
