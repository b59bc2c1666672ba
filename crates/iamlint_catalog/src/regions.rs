//! AWS partitions and Regions, from botocore's `partitions.json` (PyPI), compiled into a
//! constant by `cargo xtask codegen` (`cargo xtask regions-import` refreshes the data).
//! A Region AWS opened after the import is unknown here: callers say so in their
//! messages, with [`DATA_NOTE`].

include!("generated/regions.rs");

/// Where the list comes from, for messages.
pub const DATA_NOTE: &str = "botocore's list of Regions, built into iamlint";

/// Whether `region` is a Region of some partition (exact, lower case as AWS writes them).
///
/// ```
/// assert!(iamlint_catalog::regions::is_region("eu-west-1"));
/// assert!(!iamlint_catalog::regions::is_region("us-east-99"));
/// ```
pub fn is_region(region: &str) -> bool {
    PARTITIONS
        .iter()
        .any(|(_, rs)| rs.binary_search(&region).is_ok())
}

/// Whether `name` is a partition (`aws`, `aws-cn`, `aws-us-gov`, ...).
pub fn is_partition(name: &str) -> bool {
    PARTITIONS.iter().any(|(p, _)| *p == name)
}

/// The partition of a Region, if known.
pub fn partition_of(region: &str) -> Option<&'static str> {
    PARTITIONS
        .iter()
        .find(|(_, rs)| rs.binary_search(&region).is_ok())
        .map(|(p, _)| *p)
}
