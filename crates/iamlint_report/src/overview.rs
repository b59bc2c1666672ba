//! What the checked files grant, as the HTML report shows it.
//!
//! This crate knows nothing of the catalog or the semantic layer: the program fills an
//! [`Overview`] from them (per principal or unheld document: the actions granted by
//! access level; per service: the actions granted by anyone; the privilege-escalation
//! paths of the `privilege-escalation` findings) and the HTML renderer draws it.

/// The access levels of the AWS Service Authorization Reference, in the order the report
/// shows them. [`SubjectAccess::levels`] and [`ServiceAccess::granted`] are indexed by it.
pub const ACCESS_LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// Everything the HTML report shows beyond the findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// Each principal (a user, group or role with every policy it holds), each trust
    /// policy and each document no principal holds, file by file.
    pub subjects: Vec<SubjectAccess>,
    /// Per service, the actions some subject is granted, by access level: the heat map.
    pub services: Vec<ServiceAccess>,
    /// The privilege-escalation paths found, per subject.
    pub escalations: Vec<Escalation>,
}

/// What one subject is granted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectAccess {
    /// The file, as diagnostics name it.
    pub file: String,
    /// What it is: `` role `BuildRole` ``, `` the policy `Resources.P.Properties.PolicyDocument` ``,
    /// or the file's name for a file that is one policy.
    pub label: String,
    /// `role`, `user`, `group`, `identity`, `trust`, `resource`, `scp`, `boundary`, ...
    pub kind: String,
    /// Distinct actions granted.
    pub actions_granted: usize,
    /// Distinct actions granted per access level ([`ACCESS_LEVELS`] order).
    pub levels: [usize; 5],
    /// Services with at least one action granted.
    pub services: usize,
    /// What could not be resolved: the counts may be incomplete.
    pub incomplete: Vec<String>,
    /// Who may assume it (roles): `Service ec2.amazonaws.com`, `AWS *`.
    pub trusted: Vec<String>,
    /// Its own heat map: the services it is granted actions of.
    pub by_service: Vec<ServiceAccess>,
}

/// One row of the heat map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceAccess {
    /// The service prefix (`s3`).
    pub service: String,
    /// Its name (`Amazon S3`).
    pub name: String,
    /// Actions some subject is granted, per access level.
    pub granted: [usize; 5],
    /// The service's actions, per access level.
    pub total: [usize; 5],
}

impl ServiceAccess {
    pub fn granted_total(&self) -> usize {
        self.granted.iter().sum()
    }
}

/// The escalation paths of one subject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Escalation {
    pub file: String,
    /// Who escalates: `` role `BuildRole` ``, `` `Statement[3]` of `policy.json` ``.
    pub subject: String,
    pub paths: Vec<EscalationPath>,
}

/// One documented path, as `rules/privilege-escalation.toml` holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EscalationPath {
    /// `iam-005`, `lambda-001`.
    pub id: String,
    /// `self-escalation`, `principal-access`, `new-passrole`, `existing-passrole`.
    pub category: String,
    /// The actions, in the path's order.
    pub actions: Vec<String>,
    /// One line: what an attacker does with them.
    pub description: String,
}
