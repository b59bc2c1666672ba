//! The curated data under `rules/` is consistent with itself, with the embedded catalog,
//! and with the files on disk.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use iamlint_catalog::Catalog;
use iamlint_rules::data::{self, AdminGrant, ReferenceFormat};
use iamlint_rules::RuleData;

/// The data, read once for the test binary.
fn rules_data() -> &'static RuleData<'static> {
    static CATALOG: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::embedded);
    static DATA: std::sync::LazyLock<RuleData<'static>> =
        std::sync::LazyLock::new(|| RuleData::new(&CATALOG));
    &DATA
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every action named in a data file, with where it is named.
fn named_actions() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for p in rules_data().escalation_paths() {
        for a in &p.actions {
            out.push((a.clone(), "rules/privilege-escalation.toml"));
        }
    }
    let s = rules_data().sensitive();
    for a in &s.credentials_exposure.actions {
        out.push((
            a.action.clone(),
            "rules/sensitive-actions.toml [credentials_exposure]",
        ));
    }
    for a in &s.data_exfiltration.actions {
        out.push((
            a.action.clone(),
            "rules/sensitive-actions.toml [data_exfiltration]",
        ));
    }
    let o = rules_data().permissions_management_overrides();
    for a in o.reads.iter().chain(&o.exposes) {
        out.push((
            a.action.clone(),
            "rules/permissions-management-overrides.toml",
        ));
    }
    out
}

/// The overrides correct labels: a `reads` action is labelled Permissions management and
/// an `exposes` one is not (else the entry is stale).
#[test]
fn permissions_management_overrides_correct_the_catalog() {
    let cat = &Catalog::embedded();
    let pm = cat.actions_with_level(iamlint_catalog::AccessLevel::PermissionsManagement);
    let o = rules_data().permissions_management_overrides();
    for a in &o.reads {
        let id = cat.find_action(&a.action).expect(&a.action);
        assert!(
            pm.contains(id),
            "{} is no longer Permissions management",
            a.action
        );
        assert!(!rules_data().access_changing_actions().contains(id));
    }
    for a in &o.exposes {
        let id = cat.find_action(&a.action).expect(&a.action);
        assert!(
            !pm.contains(id),
            "{} is Permissions management already",
            a.action
        );
        assert!(rules_data().access_changing_actions().contains(id));
    }
}

#[test]
fn every_data_file_parses() {
    if let Err(e) = RuleData::validate() {
        panic!("{e}");
    }
}

#[test]
fn every_named_action_is_in_the_catalog_with_its_canonical_spelling() {
    let cat = &Catalog::embedded();
    let mut missing = Vec::new();
    let mut miscased = Vec::new();
    let named = named_actions();
    for (action, file) in &named {
        match cat.find_action(action) {
            None => missing.push(format!("{file}: `{action}`")),
            Some(id) => {
                let canonical = cat.action_full_name(id);
                if &canonical != action {
                    miscased.push(format!("{file}: `{action}` is spelled `{canonical}`"));
                }
            }
        }
    }
    assert!(named.len() > 100, "only {} actions named", named.len());
    assert!(
        missing.is_empty() && miscased.is_empty(),
        "not in the catalog:\n  {}\nnot canonical:\n  {}",
        missing.join("\n  "),
        miscased.join("\n  ")
    );
}

#[test]
fn excluded_credential_actions_are_really_absent_from_the_catalog() {
    let cat = &Catalog::embedded();
    let excluded = &rules_data().sensitive().credentials_exposure.excluded;
    assert!(!excluded.is_empty());
    for e in excluded {
        assert!(
            cat.find_action(&e.action).is_none(),
            "`{}` is excluded as missing from the catalog, but the catalog has it: list it",
            e.action
        );
    }
}

#[test]
fn escalation_path_ids_are_unique_and_paths_are_well_formed() {
    let paths = rules_data().escalation_paths();
    let mut ids = HashSet::new();
    for p in paths {
        assert!(ids.insert(p.id.as_str()), "duplicate path id `{}`", p.id);
        assert!(!p.actions.is_empty(), "`{}` has no actions", p.id);
        let distinct: HashSet<String> = p.actions.iter().map(|a| a.to_lowercase()).collect();
        assert_eq!(
            distinct.len(),
            p.actions.len(),
            "`{}` repeats an action",
            p.id
        );
        assert!(
            !p.description.is_empty() && !p.source.is_empty(),
            "`{}`",
            p.id
        );
        let id_ok = p.id.rsplit_once('-').is_some_and(|(svc, n)| {
            !svc.is_empty() && n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit())
        });
        assert!(id_ok, "id `{}` is not `<name>-NNN`", p.id);
    }
    // the pathfinding.cloud snapshot 84dd65c lists 65 paths
    let pathfinding = paths.iter().filter(|p| !p.id.starts_with("rhino-")).count();
    assert_eq!(pathfinding, 65);
    let rhino = paths.iter().find(|p| p.id == "rhino-001");
    assert!(rhino.is_some_and(|p| p.actions == ["iam:SetDefaultPolicyVersion"]));
}

#[test]
fn credential_and_exfiltration_lists_have_no_duplicates() {
    let s = rules_data().sensitive();
    let mut seen = HashSet::new();
    for a in &s.credentials_exposure.actions {
        assert!(
            seen.insert(a.action.to_lowercase()),
            "duplicate `{}`",
            a.action
        );
    }
    for e in &s.credentials_exposure.excluded {
        assert!(
            !seen.contains(&e.action.to_lowercase()),
            "`{}` both listed and excluded",
            e.action
        );
    }
    let mut seen = HashSet::new();
    for a in &s.data_exfiltration.actions {
        assert!(
            seen.insert(a.action.to_lowercase()),
            "duplicate `{}`",
            a.action
        );
    }
    assert!(s.returns_credentials("STS:assumerole"));
    assert!(!s.returns_credentials("s3:GetObject"));
    assert!(s.exfiltrates_data("secretsmanager:getsecretvalue"));
}

#[test]
fn narrowing_condition_keys_are_in_the_catalog() {
    let cat = &Catalog::embedded();
    let pp = &rules_data().sensitive().public_principal;
    let mut problems = Vec::new();
    for k in &pp.narrowing_condition_keys {
        match cat.condition_key(&k.key) {
            None => problems.push(format!("`{}` is not in the catalog", k.key)),
            Some(info) if info.name != k.key => {
                problems.push(format!("`{}` is spelled `{}`", k.key, info.name))
            }
            Some(_) => {}
        }
        let deprecated = cat.is_deprecated_condition_key(&k.key);
        if deprecated != k.deprecated {
            problems.push(format!(
                "`{}`: deprecated = {} in the data, {deprecated} in the catalog",
                k.key, k.deprecated
            ));
        }
        for r in &k.requires {
            if pp.narrowing_key(r).is_none() {
                problems.push(format!("`{}` requires `{r}`, which is not listed", k.key));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(pp.wildcard_values.iter().any(|v| v == "*"));
}

#[test]
fn oidc_keys_belong_to_their_provider() {
    let s = rules_data().sensitive();
    for p in &s.oidc_subject_keys {
        assert!(!p.required_keys.is_empty(), "`{}`", p.provider);
        for k in &p.required_keys {
            assert!(
                k.strip_prefix(p.provider.as_str())
                    .is_some_and(|rest| rest.starts_with(':')),
                "`{k}` is not a key of `{}`",
                p.provider
            );
        }
    }
    let github = s.oidc_provider("token.actions.githubusercontent.com");
    assert!(github.is_some_and(|g| g
        .required_keys
        .iter()
        .any(|k| k == "token.actions.githubusercontent.com:sub")));
    // the Cognito audience key is documented for sts, so the catalog has it
    let cat = &Catalog::embedded();
    let cognito = s.oidc_provider("cognito-identity.amazonaws.com");
    for k in cognito
        .map(|c| c.required_keys.as_slice())
        .unwrap_or_default()
    {
        assert!(
            cat.condition_key(k).is_some(),
            "`{k}` is not in the catalog"
        );
    }
    assert!(cognito.is_some());
}

#[test]
fn risky_managed_policies_agree_with_the_computed_admin_like_list() {
    let s = rules_data().sensitive();
    let admin = rules_data().admin_like_managed_policies();
    for p in &s.risky_managed_policies.names {
        assert!(
            admin.iter().any(|a| a.name == p.name && !a.conditional),
            "`{}` is not an unconditional admin-like policy in admin-like-managed-policies.toml",
            p.name
        );
        assert_eq!(p.arn, format!("arn:aws:iam::aws:policy/{}", p.name));
    }
    assert!(admin
        .iter()
        .any(|a| a.name == "AdministratorAccess" && a.grant == AdminGrant::All));
    assert!(admin
        .iter()
        .any(|a| a.name == "IAMFullAccess" && a.grant == AdminGrant::IamAll));
    let r = &s.risky_managed_policies;
    assert!(r.is_full_access("AmazonS3FullAccess"));
    assert!(r.is_full_access("AmazonLaunchWizard_Fullaccess"));
    assert!(!r.is_full_access("AmazonS3ReadOnlyAccess"));
}

#[test]
fn deprecated_managed_policies_are_unique_and_replacements_are_current() {
    let d = rules_data().deprecated_managed_policies();
    let mut names = HashSet::new();
    for p in &d.deprecated {
        assert!(names.insert(p.name.as_str()), "duplicate `{}`", p.name);
        assert_eq!(
            p.replacement.is_some(),
            p.replacement_source.is_some(),
            "`{}`",
            p.name
        );
    }
    for p in &d.deprecated {
        if let Some(r) = &p.replacement {
            assert!(
                d.find(r).is_none(),
                "`{}` is replaced by deprecated `{r}`",
                p.name
            );
        }
    }
    for e in &d.excluded {
        assert!(
            d.find(&e.name).is_none(),
            "`{}` is both listed and excluded",
            e.name
        );
    }
    // 74 records are flagged in the iam-dataset snapshot, plus `AWSCodePipelineFullAccess`
    // (documented by AWS as replaced, not flagged there)
    assert_eq!(d.deprecated.len() + d.excluded.len(), 75);
    let lambda = d.find("AWSLambdaFullAccess");
    assert_eq!(
        lambda.and_then(|p| p.replacement.as_deref()),
        Some("AWSLambda_FullAccess")
    );
}

fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn manifest_lists_every_reference_file_and_each_is_embedded_fresh() {
    let dir = repo_root().join("rules/references");
    let mut on_disk = BTreeSet::new();
    files_under(&dir, &dir, &mut on_disk);
    on_disk.remove("manifest.toml");

    let listed: BTreeSet<String> = rules_data()
        .references()
        .iter()
        .map(|r| r.file.clone())
        .collect();
    assert_eq!(
        listed.len(),
        rules_data().references().len(),
        "a file is listed twice"
    );
    assert_eq!(listed, on_disk, "manifest vs files under rules/references/");

    let embedded: BTreeSet<String> = data::embedded_reference_files()
        .iter()
        .map(|(f, _)| f.to_string())
        .collect();
    assert_eq!(
        embedded, on_disk,
        "REFERENCE_FILES in data.rs vs files on disk"
    );

    let mut names = HashSet::new();
    for r in rules_data().references() {
        assert!(names.insert(r.name.as_str()), "duplicate name `{}`", r.name);
        let text = std::fs::read_to_string(dir.join(&r.file))
            .unwrap_or_else(|e| panic!("{}: {e}", r.file));
        assert_eq!(text, r.text, "`{}` differs from its embedded text", r.file);
        let ext = match r.format {
            ReferenceFormat::Json => ".json",
            ReferenceFormat::Yaml => ".yaml",
        };
        assert!(r.file.ends_with(ext), "`{}` is not {ext}", r.file);
        assert_eq!(
            r.name,
            r.file.trim_end_matches(ext),
            "name and file disagree"
        );
    }
    assert!(rules_data()
        .reference("parallelcluster/user-awsbatch")
        .is_some());
    assert!(!rules_data().unpublished_references().is_empty());
}

/// Every `<...>` in `text` (placeholders never contain quotes or line breaks).
fn placeholders_in(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let tail = &rest[start..];
        match tail.find(['>', '"', '\n']) {
            Some(end) if tail[end..].starts_with('>') => {
                out.insert(&tail[..=end]);
                rest = &tail[end + 1..];
            }
            _ => rest = &tail[1..],
        }
    }
    out
}

#[test]
fn placeholders_are_listed_exactly() {
    for r in rules_data().references() {
        let found = placeholders_in(r.text);
        let listed: BTreeSet<&str> = r.placeholders.iter().map(String::as_str).collect();
        assert_eq!(found, listed, "placeholders of `{}`", r.name);
    }
}

/// The first syntax error iamlint's YAML loader reports for `src`.
fn yaml_error(src: &str) -> Option<String> {
    let parsed = iamlint_syntax::parse_yaml(src, &iamlint_syntax::Limits::default());
    parsed
        .errors
        .first()
        .map(|e| format!("{} at {}..{}", e.message, e.span.start, e.span.end))
}

#[test]
fn every_reference_parses_in_its_format() {
    for r in rules_data().references() {
        let parsed = match r.format {
            ReferenceFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(r.text)
                    .unwrap_or_else(|e| panic!("`{}` is not JSON: {e}", r.file));
                assert!(
                    v.get("Statement").is_some(),
                    "`{}` has no Statement",
                    r.file
                );
                iamlint_syntax::parse_json(r.text, &iamlint_syntax::Limits::default())
            }
            ReferenceFormat::Yaml => {
                iamlint_syntax::parse_yaml(r.text, &iamlint_syntax::Limits::default())
            }
        };
        assert!(
            parsed.errors.is_empty(),
            "`{}`: {:?}",
            r.file,
            parsed.errors
        );
        assert!(parsed.duplicate_keys.is_empty(), "`{}`", r.file);
        assert_eq!(parsed.documents.len(), 1, "`{}`", r.file);
        let doc = parsed.documents.first();
        assert!(
            doc.and_then(|d| d.get("Statement")).is_some(),
            "`{}` has no Statement",
            r.file
        );
    }
}

#[test]
fn seed_fixtures_are_cut_verbatim_from_the_seeds() {
    let seeds = repo_root().join("fixtures/seeds");
    let seed_texts: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(seed_texts.len(), 5);

    let policies = seeds.join("policies");
    let mut files = BTreeSet::new();
    files_under(&policies, &policies, &mut files);
    // the CloudFormation transcription and the README are ours, not cut from a seed
    files.remove("README.md");
    files.remove("cloud-imaging-roles.yaml");
    assert_eq!(files.len(), 6);
    for f in &files {
        let text = std::fs::read_to_string(policies.join(f)).unwrap_or_else(|e| panic!("{e}"));
        let cut = text.trim_end_matches('\n');
        assert!(
            seed_texts.iter().any(|s| s.contains(cut)),
            "`{f}` is not a verbatim excerpt of a seed"
        );
    }

    // the snippet of seed 001 is broken YAML, as printed
    let broken = std::fs::read_to_string(policies.join("genomics-inline-policies-broken.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let parsed = iamlint_syntax::parse_yaml(&broken, &iamlint_syntax::Limits::default());
    let first = parsed.errors.first();
    assert!(first.is_some(), "the broken snippet parses");
    // ... and the error points at line 4, `    PolicyDocument:`, indented under `- PolicyName:`
    let line4_start: usize = broken.split_inclusive('\n').take(3).map(str::len).sum();
    let line4_end = line4_start + broken[line4_start..].find('\n').unwrap_or(0);
    assert_eq!(&broken[line4_start..line4_end], "    PolicyDocument:");
    let at = first.map(|e| e.span.start as usize).unwrap_or(0);
    assert!(
        (line4_start..=line4_end).contains(&at),
        "error at byte {at}, not on line 4 ({line4_start}..{line4_end})"
    );

    // the ParallelCluster references are the seed's policies, byte for byte
    for r in rules_data().references() {
        if let Some(rest) = r.file.strip_prefix("parallelcluster/") {
            let fixture = std::fs::read_to_string(policies.join(format!("parallelcluster-{rest}")))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(fixture, r.text, "`{}`", r.file);
        }
    }
    let cfn = std::fs::read_to_string(policies.join("cloud-imaging-roles.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        yaml_error(&cfn),
        None,
        "cloud-imaging-roles.yaml is not YAML"
    );
    let spot = rules_data()
        .reference("cloud-imaging/trust-spotfleet")
        .map(|r| r.text.trim_end());
    assert!(spot.is_some_and(|t| cfn.contains(t)));
}

#[test]
fn aws_managed_policy_names_are_sorted_unique_and_known() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../rules/aws-managed-policy-names.txt"),
    )
    .unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "sorted and without duplicates");
    assert_eq!(rules_data().aws_managed_policy_name_count(), names.len());
    assert!(rules_data().is_aws_managed_policy_name("AdministratorAccess"));
    assert!(rules_data().is_aws_managed_policy_name("ReadOnlyAccess"));
    // case-sensitive, and not a prefix match
    assert!(!rules_data().is_aws_managed_policy_name("readonlyaccess"));
    assert!(!rules_data().is_aws_managed_policy_name("ReadOnlyAccessCopy"));
}
