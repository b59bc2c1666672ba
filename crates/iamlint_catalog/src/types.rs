//! Small value types of the catalog: access levels and condition key types.

/// The access level AWS assigns to an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// Every level, in declaration order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The spelling AWS uses: `"List"`, `"Read"`, `"Write"`, `"Permissions management"`, `"Tagging"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Parses the spelling of [`AccessLevel::as_str`] (exact).
    pub fn parse(s: &str) -> Option<AccessLevel> {
        AccessLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub(crate) fn to_code(self) -> u8 {
        match self {
            AccessLevel::List => 0,
            AccessLevel::Read => 1,
            AccessLevel::Write => 2,
            AccessLevel::PermissionsManagement => 3,
            AccessLevel::Tagging => 4,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<AccessLevel> {
        AccessLevel::ALL.get(usize::from(c)).copied()
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Condition key value types as AWS documents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionBaseType {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    IpAddress,
    Binary,
}

impl ConditionBaseType {
    const ALL: [ConditionBaseType; 7] = [
        ConditionBaseType::String,
        ConditionBaseType::Arn,
        ConditionBaseType::Numeric,
        ConditionBaseType::Date,
        ConditionBaseType::Bool,
        ConditionBaseType::IpAddress,
        ConditionBaseType::Binary,
    ];

    /// AWS's spelling: `String`, `ARN`, `Numeric`, `Date`, `Bool`, `IPAddress`, `Binary`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionBaseType::String => "String",
            ConditionBaseType::Arn => "ARN",
            ConditionBaseType::Numeric => "Numeric",
            ConditionBaseType::Date => "Date",
            ConditionBaseType::Bool => "Bool",
            ConditionBaseType::IpAddress => "IPAddress",
            ConditionBaseType::Binary => "Binary",
        }
    }

    fn to_code(self) -> u32 {
        match self {
            ConditionBaseType::String => 0,
            ConditionBaseType::Arn => 1,
            ConditionBaseType::Numeric => 2,
            ConditionBaseType::Date => 3,
            ConditionBaseType::Bool => 4,
            ConditionBaseType::IpAddress => 5,
            ConditionBaseType::Binary => 6,
        }
    }
}

/// The type of a condition key: a base type, possibly multi-valued
/// (AWS's `ArrayOfString` is `{ base: String, multivalued: true }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionType {
    pub base: ConditionBaseType,
    pub multivalued: bool,
}

impl ConditionType {
    /// Parses AWS's type spelling: `String`, `ArrayOfString`, `ARN`, `ArrayOfARN`, `Bool`,
    /// `Boolean`, `Numeric`, `Long`, `Date`, `IPAddress`, `Binary`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<ConditionType> {
        let lower = s.to_ascii_lowercase();
        let (multivalued, base) = match lower.strip_prefix("arrayof") {
            Some(rest) => (true, rest),
            None => (false, lower.as_str()),
        };
        let base = match base {
            "string" => ConditionBaseType::String,
            "arn" => ConditionBaseType::Arn,
            "numeric" | "long" | "integer" | "number" => ConditionBaseType::Numeric,
            "date" => ConditionBaseType::Date,
            "bool" | "boolean" => ConditionBaseType::Bool,
            "ipaddress" | "ipaddr" => ConditionBaseType::IpAddress,
            "binary" => ConditionBaseType::Binary,
            _ => return None,
        };
        Some(ConditionType { base, multivalued })
    }

    /// The canonical AWS spelling: `ArrayOfString`, `ARN`, `IPAddress`, ...
    pub fn to_aws_string(self) -> String {
        if self.multivalued {
            format!("ArrayOf{}", self.base.as_str())
        } else {
            self.base.as_str().to_owned()
        }
    }

    pub(crate) fn to_code(self) -> u32 {
        self.base.to_code() | (u32::from(self.multivalued) << 8)
    }

    pub(crate) fn from_code(c: u32) -> ConditionType {
        let base = ConditionBaseType::ALL
            .get((c & 0xff) as usize)
            .copied()
            .unwrap_or(ConditionBaseType::String);
        ConditionType {
            base,
            multivalued: c & 0x100 != 0,
        }
    }
}

impl std::fmt::Display for ConditionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_aws_string())
    }
}
