/// Declare a rule: its doc comment becomes its documentation page, the fields its
/// stable identity.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub ServiceWildcard {
///         code: "IAM202",
///         name: "service-wildcard",
///         group: "least-privilege",
///         severity: Warning,
///         enabled: true,
///         summary: "an Allow of every action of a service",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $rule:ident {
            code: $code:literal,
            name: $name:literal,
            group: $group:literal,
            severity: $sev:ident,
            enabled: $enabled:literal,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $rule;

        // the group a rule names is the group of its code (`IAM2xx`: least-privilege)
        const _: () = assert!(
            $crate::Group::names_group_of($group, $code),
            concat!("rule ", $code, " names group `", $group, "`, not the group of its code")
        );

        impl $rule {
            pub const INFO: $crate::RuleInfo = $crate::RuleInfo {
                code: $code,
                name: $name,
                group: $group,
                default_severity: $crate::Severity::$sev,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                enabled_by_default: $enabled,
            };
        }
    };
}

/// Declare the rules: each `module::Rule` becomes `pub mod module;` and an entry of the
/// registry, in the order written (`rules/mod.rs` holds the one list).
#[macro_export]
macro_rules! rule_list {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule, in the order of the list.
        pub(crate) static RULES: &[&dyn $crate::Rule] = &[$(&$module::$rule),*];
    };
}
