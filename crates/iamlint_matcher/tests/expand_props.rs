//! Expansion against a naive oracle: the pattern as an anchored,
//! case-insensitive regex, run over every action of the catalog.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use iamlint_catalog::{ActionSet, Catalog};
use iamlint_matcher::{expand, expand_checked, expand_not, ActionPattern, ExpandError};
use proptest::prelude::*;
use regex::Regex;

/// One catalog for the whole test binary.
fn cat() -> &'static Catalog {
    static CAT: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::embedded);
    &CAT
}

fn oracle(pattern: &str) -> ActionSet {
    let mut re = String::from("(?i)^");
    if pattern == "*" {
        re.push_str(".*");
    } else {
        for c in pattern.chars() {
            match c {
                '*' => re.push_str("[^:]*"),
                '?' => re.push_str("[^:]"),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
    }
    re.push('$');
    let re = Regex::new(&re).unwrap();
    let mut set = ActionSet::empty(cat().action_count());
    for a in 0..cat().action_count() as u32 {
        if re.is_match(&cat().action_full_name(a)) {
            set.insert(a);
        }
    }
    set
}

fn names(set: &ActionSet) -> Vec<String> {
    set.iter()
        .take(5)
        .map(|a| cat().action_full_name(a))
        .collect()
}

fn check(pattern: &str) -> Result<(), TestCaseError> {
    let p = ActionPattern::parse(pattern).unwrap();
    let got = expand(cat(), &p);
    let want = oracle(pattern);
    let mut extra = got.clone();
    extra.subtract(&want);
    let mut missing = want.clone();
    missing.subtract(&got);
    prop_assert!(
        got == want,
        "`{}`: {} extra {:?}, {} missing {:?}",
        pattern,
        extra.len(),
        names(&extra),
        missing.len(),
        names(&missing)
    );
    Ok(())
}

#[test]
fn catalog_is_loaded() {
    assert!(cat().action_count() > 10_000, "embedded catalog is empty");
}

#[test]
fn every_pattern_form() {
    for p in [
        "*",
        "s3:*",
        "S3:Get*",
        "s3:*Object*",
        "iam:Pass?ole",
        "s3*:Get*",
        "*:Get*",
        "*:*Object*",
        "s3:GetObject",
        "S3:GETOBJECT",
        "ec2:Describe*",
        "?3:*",
        "s3:Get*Acl",
        "iam:*Policy",
        "*:*",
        "nosuch:*",
        "s3:NoSuchAction",
        "s3:Zz*",
    ] {
        check(p).unwrap();
    }
    let s3_get = expand(cat(), &ActionPattern::parse("s3:Get*").unwrap());
    assert!(s3_get.len() > 20);
    assert!(s3_get.contains(cat().find_action("s3:GetObject").unwrap()));
}

#[test]
fn checked_errors() {
    let e = |s: &str| expand_checked(cat(), &ActionPattern::parse(s).unwrap());
    assert_eq!(e("*").unwrap().len(), cat().action_count());
    assert_eq!(e("s3:GetObject").unwrap().len(), 1);
    assert!(matches!(
        e("s4:GetObject"),
        Err(ExpandError::UnknownService { ref service, suggestion: Some(_) }) if service == "s4"
    ));
    assert!(matches!(
        e("qqqqqqqqqq:Get*"),
        Err(ExpandError::UnknownService {
            suggestion: None,
            ..
        })
    ));
    match e("s3:GetObjekt") {
        Err(ExpandError::UnknownAction { action, suggestion }) => {
            assert_eq!(action, "s3:GetObjekt");
            assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        e("s3:Zz*"),
        Err(ExpandError::NoMatch {
            pattern: "s3:Zz*".into()
        })
    );
    assert!(matches!(e("zzzz*:*"), Err(ExpandError::NoMatch { .. })));
    assert_eq!(
        e("s4:GetObject").unwrap_err().to_string(),
        format!(
            "unknown service `s4` (did you mean `{}`?)",
            cat().suggest_service("s4").unwrap()
        )
    );
}

#[test]
fn not_action_is_the_complement_of_the_union() {
    let ps: Vec<ActionPattern> = ["iam:*", "s3:Get*", "organizations:*"]
        .iter()
        .map(|s| ActionPattern::parse(s).unwrap())
        .collect();
    let got = expand_not(cat(), &ps);
    let mut union = oracle("iam:*");
    union.union_with(&oracle("s3:Get*"));
    union.union_with(&oracle("organizations:*"));
    assert_eq!(got, union.complement());
    assert!(!got.contains(cat().find_action("iam:PassRole").unwrap()));
    assert!(got.contains(cat().find_action("s3:PutObject").unwrap()));
    assert!(expand_not(cat(), &[ActionPattern::parse("*").unwrap()]).is_empty());
}

/// A pattern derived from a real action name: cut it, insert `*` or `?`,
/// change case, in the service part too.
fn derived_pattern() -> impl Strategy<Value = String> {
    let n = cat().action_count();
    (0..n, any::<u64>(), 0usize..4, any::<bool>()).prop_map(|(a, seed, edits, upper)| {
        let full = cat().action_full_name(a as u32);
        let mut chars: Vec<char> = full.chars().collect();
        let mut seed = seed;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % m.max(1)
        };
        for _ in 0..edits {
            let colon = chars.iter().position(|c| *c == ':').unwrap_or(0);
            let i = next(chars.len());
            match next(4) {
                // Cut the rest of this part and end it with `*`.
                0 => {
                    let end = if i <= colon { colon } else { chars.len() };
                    chars.splice(i..end, ['*']);
                }
                // Replace one character with `?`.
                1 if chars[i] != ':' => chars[i] = '?',
                // Insert a `*`.
                2 => chars.insert(i, '*'),
                // Drop a prefix of the action part and start it with `*`.
                _ => {
                    if i > colon {
                        chars.splice(colon + 1..i, ['*']);
                    }
                }
            }
        }
        let s: String = chars.into_iter().collect();
        if upper {
            s.to_uppercase()
        } else {
            s
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn expand_matches_oracle(p in derived_pattern()) {
        prop_assume!(ActionPattern::parse(&p).is_ok());
        check(&p)?;
    }

    #[test]
    fn expand_random_globs(s in "[a-z0-9*?]{1,4}", a in "[a-zA-Z*?]{1,6}") {
        check(&format!("{s}:{a}"))?;
    }
}

#[test]
fn resource_types_named_against_the_catalog() {
    use iamlint_matcher::{resource_types_named, ArnFormat, ArnPattern};
    let c = cat();
    let named = |action: &str, resource: &str| -> Vec<String> {
        let a = c.find_action(action).unwrap();
        let p = ArnPattern::parse(resource).unwrap();
        resource_types_named(c, &p, a)
            .into_iter()
            .map(|r| c.resource_type_name(r).to_owned())
            .collect()
    };
    assert_eq!(named("s3:GetObject", "arn:aws:s3:::b/*"), ["object"]);
    assert_eq!(
        named("s3:GetObject", "arn:aws:s3:::b"),
        Vec::<String>::new()
    );
    assert_eq!(named("s3:ListBucket", "arn:aws:s3:::b"), ["bucket"]);
    assert_eq!(
        named("s3:ListBucket", "arn:aws:s3:::b/*"),
        Vec::<String>::new()
    );
    assert!(named("s3:ListBucket", "*").contains(&"bucket".to_owned()));
    assert!(
        named("iam:PassRole", "arn:aws:iam::123456789012:role/app-*").contains(&"role".to_owned())
    );
    // Every format of the catalog parses, and its readable example fits it.
    for r in 0..c.resource_type_count() as u32 {
        for f in c.resource_type_arn_formats(r) {
            let format = ArnFormat::parse(f).unwrap();
            let star = ArnPattern::parse("*").unwrap();
            assert!(star.can_name(&format), "{f}");
            let ex = format.example(&star).unwrap();
            assert_eq!(ex, format.readable_example());
        }
    }
}
