//! `Glob` against a naive oracle: the pattern as an anchored regex, for every combination of
//! options and for the option sets its callers use.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use iamlint_matcher::{Glob, GlobOptions};
use proptest::prelude::*;
use regex::Regex;

/// `*` any run of characters, `?` one character, `:` excluded as the options say; letters
/// of either ASCII case when the case is ignored (and only ASCII letters fold: `K`, the
/// Kelvin sign, and `k` stay apart).
fn oracle(pattern: &str, o: GlobOptions) -> Regex {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' if o.star_stops_at_colon => re.push_str("[^:]*"),
            '*' => re.push_str(".*"),
            '?' if o.one_stops_at_colon => re.push_str("[^:]"),
            '?' => re.push('.'),
            c if o.ignore_ascii_case && c.is_ascii_alphabetic() => {
                re.push_str(&format!(
                    "[{}{}]",
                    c.to_ascii_lowercase(),
                    c.to_ascii_uppercase()
                ));
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

fn options() -> impl Strategy<Value = GlobOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(i, s, o)| GlobOptions {
        ignore_ascii_case: i,
        star_stops_at_colon: s,
        one_stops_at_colon: o,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn glob_agrees_with_a_regex(
        pattern in "[aBk:*?é\u{212A}.]{0,7}",
        text in "[aAbBkK:é\u{212A}.\\nx]{0,9}",
        o in options(),
    ) {
        prop_assert_eq!(Glob::new(&pattern, o).is_match(&text), oracle(&pattern, o).is_match(&text));
    }

    /// Patterns of more than 63 tokens take the multi-word path of the engine.
    #[test]
    fn long_globs_agree_with_a_regex(
        pattern in "[ab:*?]{60,80}",
        text in "[aAbB:]{60,90}",
        o in options(),
    ) {
        prop_assert_eq!(Glob::new(&pattern, o).is_match(&text), oracle(&pattern, o).is_match(&text));
    }
}

#[test]
fn the_callers_options() {
    let condition = GlobOptions::default();
    assert!(Glob::new("home/*", condition).is_match("home/a:b"));
    let arn_condition = GlobOptions {
        star_stops_at_colon: true,
        ..GlobOptions::default()
    };
    assert!(!Glob::new("arn:aws:s3:::b*", arn_condition).is_match("arn:aws:s3:::b:x"));
    assert!(Glob::new("arn:aws:s3:::b?x", arn_condition).is_match("arn:aws:s3:::b:x"));
    let ignore_case = GlobOptions {
        ignore_ascii_case: true,
        ..GlobOptions::default()
    };
    assert!(Glob::new("*OBJECT*", ignore_case).is_match("s3:getobject"));
    assert!(Glob::new("Pass?ole", ignore_case).is_match("passROLE"));
    assert!(!Glob::new("kelvin", ignore_case).is_match("\u{212A}elvin"));
}
