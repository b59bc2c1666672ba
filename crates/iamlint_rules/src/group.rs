//! The groups of rules, each tied to the hundreds digit of its rules' codes.

/// A group of rules. A rule's group follows from its code (`IAM2xx` is
/// [`Group::LeastPrivilege`]); `declare_rule!` checks at compile time that the group a rule
/// names is the one its code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// `IAM0xx`: the file cannot be read or parsed as a policy.
    Syntax,
    /// `IAM1xx`: the policy is invalid, or does not do what it says.
    Correctness,
    /// `IAM2xx` (over-broad grants) and `IAM6xx` (beyond a reference).
    LeastPrivilege,
    /// `IAM3xx`.
    PrivilegeEscalation,
    /// `IAM4xx`: who can reach the resource or assume the role.
    Exposure,
    /// `IAM5xx`: redundancy and upkeep.
    Hygiene,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Syntax,
        Group::Correctness,
        Group::LeastPrivilege,
        Group::PrivilegeEscalation,
        Group::Exposure,
        Group::Hygiene,
    ];

    /// The name written in `declare_rule!` and shown in `iamlint rules`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Group::Syntax => "syntax",
            Group::Correctness => "correctness",
            Group::LeastPrivilege => "least-privilege",
            Group::PrivilegeEscalation => "privilege-escalation",
            Group::Exposure => "exposure",
            Group::Hygiene => "hygiene",
        }
    }

    /// The group of a code `IAMdxx`, by its hundreds digit `d`.
    pub const fn of_code(code: &str) -> Option<Group> {
        let b = code.as_bytes();
        if b.len() != 6 || b[0] != b'I' || b[1] != b'A' || b[2] != b'M' {
            return None;
        }
        match b[3] {
            b'0' => Some(Group::Syntax),
            b'1' => Some(Group::Correctness),
            b'2' | b'6' => Some(Group::LeastPrivilege),
            b'3' => Some(Group::PrivilegeEscalation),
            b'4' => Some(Group::Exposure),
            b'5' => Some(Group::Hygiene),
            _ => None,
        }
    }

    /// Whether `name` is the name of the group that `code` belongs to (for the
    /// compile-time check of `declare_rule!`).
    pub const fn names_group_of(name: &str, code: &str) -> bool {
        match Group::of_code(code) {
            Some(g) => const_eq(g.as_str(), name),
            None => false,
        }
    }
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_their_group() {
        assert_eq!(Group::of_code("IAM202"), Some(Group::LeastPrivilege));
        assert_eq!(Group::of_code("IAM601"), Some(Group::LeastPrivilege));
        assert_eq!(Group::of_code("IAM001"), Some(Group::Syntax));
        assert_eq!(Group::of_code("IAM701"), None);
        assert_eq!(Group::of_code("XYZ101"), None);
        assert!(Group::names_group_of("exposure", "IAM401"));
        assert!(!Group::names_group_of("hygiene", "IAM401"));
        assert!(!Group::names_group_of("exposur", "IAM401"));
    }

    /// Every rule's group is the one of its code, and every group has a rule.
    #[test]
    fn every_rule_is_in_the_group_of_its_code() {
        let mut seen = std::collections::BTreeSet::new();
        for r in crate::registry::all_rules() {
            let info = r.info();
            let g = Group::of_code(info.code).expect("a code of the form IAMdxx");
            assert_eq!(g.as_str(), info.group, "{}", info.code);
            seen.insert(g);
        }
        assert_eq!(seen.len(), Group::ALL.len());
    }
}
