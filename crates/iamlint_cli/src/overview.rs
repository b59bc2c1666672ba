//! The HTML report's overview: what each principal and document of the checked files is
//! granted (the analyzer's subjects), the actions granted per service and access level,
//! and the privilege-escalation paths of the `privilege-escalation` findings.

use iamlint_analyzer::{granted_actions, Analyzed, RiskData, SubjectOf, VarTable};
use iamlint_catalog::{AccessLevel, ActionSet, Catalog};
use iamlint_policy::{PolicyFile, PolicyKind};
use iamlint_report::overview::{
    Escalation, EscalationPath, Overview, ServiceAccess, SubjectAccess,
};
use iamlint_report::{Diagnostic, SourceFile};
use iamlint_rules::RuleData;
use iamlint_semantic::Semantic;

/// The code of the rule whose findings the escalation graph draws.
const ESCALATION_RULE: &str = "privilege-escalation";

/// One file's part of the overview.
pub struct FilePart {
    subjects: Vec<SubjectAccess>,
    /// Every action some subject of the file is granted.
    granted: ActionSet,
    /// For the escalation graph: who holds each document and principal.
    owners: Owners,
}

/// How a finding's logical path names its subject.
struct Owners {
    file: String,
    /// document's logical path → label of who holds it (the last document of a path)
    documents: std::collections::HashMap<String, String>,
    /// principal's logical path → its label (the last principal of a path)
    principals: std::collections::HashMap<String, String>,
}

impl Owners {
    /// The subject of a finding at `path`: the principal holding the document it is in,
    /// the principal it is under, the document, or the file. The deepest document or
    /// principal whose path is `path` or begins it (before a `.` or `[`) is looked up
    /// prefix by prefix, longest first.
    fn subject_of(&self, path: &str) -> String {
        let cuts: Vec<usize> = std::iter::once(path.len())
            .chain(path.rmatch_indices(['.', '[']).map(|(i, _)| i))
            .collect();
        let deepest = |map: &std::collections::HashMap<String, String>, empty_too: bool| {
            cuts.iter()
                .filter_map(|&c| path.get(..c))
                .filter(|p| !p.is_empty())
                .find_map(|p| map.get(p))
                .or_else(|| if empty_too { map.get("") } else { None })
                .cloned()
        };
        deepest(&self.documents, true)
            .or_else(|| deepest(&self.principals, false))
            .unwrap_or_else(|| format!("`{}`", self.file))
    }
}

fn level_index(l: AccessLevel) -> usize {
    AccessLevel::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// Distinct actions per access level, and services, of `set`.
fn levels(catalog: &Catalog, set: &ActionSet) -> ([usize; 5], usize) {
    let mut out = [0usize; 5];
    let mut services = std::collections::BTreeSet::new();
    for a in set.iter() {
        out[level_index(catalog.access_level(a))] += 1;
        services.insert(catalog.action_service(a));
    }
    (out, services.len())
}

/// Per service with an action in `granted`: its actions in `granted` and all its actions,
/// by access level.
fn by_service(catalog: &Catalog, granted: &ActionSet) -> Vec<ServiceAccess> {
    // one pass over the granted actions (ids are sorted by service), then the totals of
    // the services met
    let mut counts: std::collections::BTreeMap<iamlint_catalog::ServiceId, [usize; 5]> =
        std::collections::BTreeMap::new();
    for a in granted.iter() {
        counts.entry(catalog.action_service(a)).or_default()
            [level_index(catalog.access_level(a))] += 1;
    }
    counts
        .into_iter()
        .map(|(svc, g)| {
            let mut t = [0usize; 5];
            for a in catalog.service_actions(svc) {
                t[level_index(catalog.access_level(a))] += 1;
            }
            ServiceAccess {
                service: catalog.service_prefix(svc).to_owned(),
                name: catalog.service_name(svc).to_owned(),
                granted: g,
                total: t,
            }
        })
        .collect()
}

/// Files with more statements than this get no overview (a line saying so instead): the
/// analysis behind it holds a second model of every statement, hundreds of megabytes for a
/// generated 10 MB policy, far beyond any real file (IAM's size quotas allow about a
/// hundred statements a policy).
pub const MAX_OVERVIEW_STATEMENTS: usize = 20_000;

/// The overview of one loaded file.
pub fn file_part(
    semantic: &Semantic<'_>,
    risks: &RiskData,
    source: &SourceFile,
    file: PolicyFile,
) -> FilePart {
    let catalog = semantic.catalog();
    let name = source.name.clone();
    let statements: usize = file.documents.iter().map(|d| d.statements.len()).sum();
    if statements > MAX_OVERVIEW_STATEMENTS {
        let owners = owners_of(&name, &file);
        return FilePart {
            subjects: vec![SubjectAccess {
                file: name.clone(),
                label: format!("`{name}`"),
                kind: "not summarized".to_owned(),
                incomplete: vec![format!(
                    "the file has {statements} statements: what it grants is not summarized for files of more than {MAX_OVERVIEW_STATEMENTS}"
                )],
                ..SubjectAccess::default()
            }],
            granted: ActionSet::empty(catalog.action_count()),
            owners,
        };
    }
    let a = Analyzed::new(semantic, &name, &source.text, file);
    let mut vars = VarTable::default();
    let mut subjects: Vec<(Option<usize>, SubjectAccess)> = Vec::new();
    let mut granted = ActionSet::empty(catalog.action_count());
    // the first subject of each principal (a role's trust policy joins its row)
    let mut subject_of_principal: std::collections::HashMap<usize, usize> =
        std::collections::HashMap::new();
    for s in a.subjects(&mut vars) {
        if let SubjectOf::Trust(i) = s.of {
            let trusted: Vec<String> = iamlint_analyzer::summarize(catalog, &s.policy, risks)
                .trusted
                .iter()
                .filter(|t| t.effect == "Allow")
                .map(|t| {
                    let who = format!("{} `{}`", t.principal_type, t.principal);
                    if t.except {
                        format!("everyone but {who}")
                    } else {
                        who
                    }
                })
                .collect();
            if let Some(owner) = subject_of_principal
                .get(&i)
                .and_then(|&k| subjects.get_mut(k))
            {
                owner.1.trusted = trusted;
                continue;
            }
            subject_of_principal.entry(i).or_insert(subjects.len());
            subjects.push((
                Some(i),
                SubjectAccess {
                    file: name.clone(),
                    label: s.label.clone(),
                    kind: "trust".to_owned(),
                    trusted,
                    ..SubjectAccess::default()
                },
            ));
            continue;
        }
        let set = granted_actions(catalog, &s.policy);
        let (lv, services) = levels(catalog, &set);
        granted.union_with(&set);
        let (label, kind) = match s.of {
            SubjectOf::Principal(i) => (
                s.label.clone(),
                a.file
                    .principals
                    .get(i)
                    .map_or("principal", |p| p.kind.as_str())
                    .to_owned(),
            ),
            SubjectOf::Document(d) => {
                let whole = a
                    .file
                    .documents
                    .get(d)
                    .is_some_and(|d| d.origin.path.is_empty());
                (
                    if whole {
                        format!("`{name}`")
                    } else {
                        s.label.clone()
                    },
                    s.kind.as_str().to_owned(),
                )
            }
            SubjectOf::Trust(_) => (s.label.clone(), PolicyKind::Trust.as_str().to_owned()),
        };
        if let Some(p) = s.principal() {
            subject_of_principal.entry(p).or_insert(subjects.len());
        }
        subjects.push((
            s.principal(),
            SubjectAccess {
                file: name.clone(),
                label,
                kind,
                actions_granted: set.len(),
                levels: lv,
                services,
                incomplete: s.incomplete.clone(),
                trusted: Vec::new(),
                by_service: by_service(catalog, &set),
            },
        ));
    }
    let owners = owners_of(&name, &a.file);
    FilePart {
        subjects: subjects.into_iter().map(|(_, s)| s).collect(),
        granted,
        owners,
    }
}

/// Who holds each document and principal of `file`, for the escalation graph.
fn owners_of(name: &str, file: &PolicyFile) -> Owners {
    // the first principal holding each document inline or as its trust policy
    let mut holder: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (p, def) in file.principals.iter().enumerate() {
        for &d in def.inline.iter().chain(def.trust.iter()) {
            holder.entry(d).or_insert(p);
        }
    }
    let mut owners = Owners {
        file: name.to_owned(),
        documents: std::collections::HashMap::new(),
        principals: std::collections::HashMap::new(),
    };
    for (i, d) in file.documents.iter().enumerate() {
        let label = match holder.get(&i).and_then(|&p| file.principals.get(p)) {
            Some(p) => iamlint_analyzer::principal_label(p),
            None if d.origin.path.is_empty() => format!("`{name}`"),
            None => format!("the policy `{}`", d.origin.path),
        };
        owners.documents.insert(d.origin.path.clone(), label);
    }
    for p in &file.principals {
        owners
            .principals
            .insert(p.path.clone(), iamlint_analyzer::principal_label(p));
    }
    owners
}

/// The overview of a run: the files' parts (in the report's file order) and the run's
/// findings.
pub fn combine(
    catalog: &Catalog,
    data: &RuleData<'_>,
    parts: Vec<FilePart>,
    diagnostics: &[Diagnostic],
) -> Overview {
    let mut granted = ActionSet::empty(catalog.action_count());
    let mut subjects = Vec::new();
    let mut owners = Vec::new();
    for p in parts {
        granted.union_with(&p.granted);
        subjects.extend(p.subjects);
        owners.push(p.owners);
    }
    Overview {
        subjects,
        services: by_service(catalog, &granted),
        escalations: escalations(data, &owners, diagnostics),
    }
}

/// The documented paths a `privilege-escalation` finding names (its message and notes
/// quote their ids), in the order it names them.
pub fn finding_paths<'d>(
    data: &'d RuleData<'_>,
    d: &Diagnostic,
) -> Vec<&'d iamlint_rules::data::EscalationPath> {
    let known = data.escalation_paths();
    let mut out: Vec<&iamlint_rules::data::EscalationPath> = Vec::new();
    for text in std::iter::once(&d.message).chain(&d.notes) {
        for quoted in text.split('`').skip(1).step_by(2) {
            if let Some(p) = known.iter().find(|p| p.id == quoted) {
                if !out.iter().any(|o| o.id == p.id) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn escalations(
    data: &RuleData<'_>,
    owners: &[Owners],
    diagnostics: &[Diagnostic],
) -> Vec<Escalation> {
    let mut out: Vec<Escalation> = Vec::new();
    for d in diagnostics.iter().filter(|d| d.name == ESCALATION_RULE) {
        let subject = owners
            .iter()
            .find(|o| o.file == d.file.name)
            .map_or_else(|| format!("`{}`", d.file.name), |o| o.subject_of(&d.path));
        let i = match out
            .iter()
            .position(|e| e.file == d.file.name && e.subject == subject)
        {
            Some(i) => i,
            None => {
                out.push(Escalation {
                    file: d.file.name.clone(),
                    subject,
                    paths: Vec::new(),
                });
                out.len() - 1
            }
        };
        for p in finding_paths(data, d) {
            if !out[i].paths.iter().any(|x| x.id == p.id) {
                out[i].paths.push(EscalationPath {
                    id: p.id.clone(),
                    category: p.category.as_str().to_owned(),
                    actions: p.actions.clone(),
                    description: p.description.clone(),
                });
            }
        }
    }
    out.retain(|e| !e.paths.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The subject lookup by prefixes agrees with the definition: the longest document
    /// path that is the finding's path or begins it before `.` or `[`, else the longest
    /// such principal path, else the file.
    #[test]
    fn subject_of_matches_the_longest_prefix_definition() {
        let documents = [
            ("", "`f.yaml`"),
            (
                "Resources.A.Properties.Policies[0].PolicyDocument",
                "role `A`",
            ),
            (
                "Resources.A.Properties.Policies[1].PolicyDocument",
                "role `A` (2)",
            ),
            ("Resources.P.Properties.PolicyDocument", "the policy `P`"),
        ];
        let principals = [("Resources.A", "role `A`"), ("Resources.U", "user `U`")];
        let owners = Owners {
            file: "f.yaml".to_owned(),
            documents: documents
                .iter()
                .map(|(p, l)| ((*p).to_owned(), (*l).to_owned()))
                .collect(),
            principals: principals
                .iter()
                .map(|(p, l)| ((*p).to_owned(), (*l).to_owned()))
                .collect(),
        };
        let under = |path: &str, prefix: &str| {
            prefix.is_empty()
                || path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        let naive = |path: &str, with_documents: bool| {
            let docs: &[(&str, &str)] = if with_documents { &documents } else { &[] };
            docs.iter()
                .filter(|(p, _)| under(path, p))
                .max_by_key(|(p, _)| p.len())
                .or_else(|| {
                    principals
                        .iter()
                        .filter(|(p, _)| !p.is_empty() && under(path, p))
                        .max_by_key(|(p, _)| p.len())
                })
                .map_or_else(|| "`f.yaml`".to_owned(), |(_, l)| (*l).to_owned())
        };
        for path in [
            "",
            "Resources.A",
            "Resources.A.Properties.Policies[0].PolicyDocument.Statement[2].Action",
            "Resources.A.Properties.Policies[1].PolicyDocument",
            "Resources.A.Properties.Policies[10].PolicyDocument",
            "Resources.AB.Properties",
            "Resources.P.Properties.PolicyDocumentX",
            "Resources.U.Properties.Groups[0]",
            "Statement[0]",
        ] {
            assert_eq!(owners.subject_of(path), naive(path, true), "{path}");
        }
        // without a whole-file document, principals and the file answer
        let mut no_file = owners;
        no_file.documents.remove("");
        for path in ["Resources.U.Properties", "Other.Path", "Resources.Ux"] {
            let expected = naive(path, false);
            let expected = documents[1..]
                .iter()
                .filter(|(p, _)| under(path, p))
                .max_by_key(|(p, _)| p.len())
                .map_or(expected, |(_, l)| (*l).to_owned());
            assert_eq!(no_file.subject_of(path), expected, "{path}");
        }
    }
}
