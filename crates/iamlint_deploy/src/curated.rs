//! `rules/deployment.toml`: the curated facts the schemas do not give (actions on the stack
//! itself, properties that pass roles, what the SAM transform generates).

use serde::Deserialize;

/// The file, compiled in.
pub const EMBEDDED: &str = include_str!("../../../rules/deployment.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curated {
    pub stack: StackActions,
    #[serde(default)]
    pub passed_role: Vec<PassedRole>,
    #[serde(default)]
    pub sam: Vec<SamType>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackActions {
    pub create: Vec<String>,
    pub update: Vec<String>,
    pub delete: Vec<String>,
    pub transform_actions: Vec<String>,
}

/// How a property names the role it passes.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RoleKind {
    RoleArn,
    RoleName,
    InstanceProfile,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassedRole {
    #[serde(rename = "type")]
    pub type_name: String,
    pub property: String,
    pub kind: RoleKind,
    pub source: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamType {
    #[serde(rename = "type")]
    pub type_name: String,
    pub generates: Vec<String>,
    #[serde(default)]
    pub generates_without_role: Vec<String>,
    #[serde(default)]
    pub role_property: Option<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

impl Curated {
    /// The embedded file.
    ///
    /// # Errors
    /// A message when the file does not parse (a test keeps it parsing).
    pub fn embedded() -> Result<Curated, String> {
        toml::from_str(EMBEDDED).map_err(|e| format!("rules/deployment.toml: {e}"))
    }

    pub fn sam(&self, type_name: &str) -> Option<&SamType> {
        self.sam.iter().find(|s| s.type_name == type_name)
    }
}
