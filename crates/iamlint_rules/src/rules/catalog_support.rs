//! Helpers shared by the catalog-aware correctness rules (IAM107-IAM113, IAM130-IAM149):
//! which services a statement names, how a condition key resolves against the catalog,
//! and parsers for condition values. Not a rule.

use iamlint_catalog::{ActionSet, Catalog, ServiceId};
use iamlint_policy::{OperatorFamily, Part, Text};
use std::net::IpAddr;

/// The data date of the catalog, for "not in the catalog of ..." messages.
pub(crate) fn catalog_date(cat: &Catalog) -> &str {
    let d = cat.provenance().data_date.as_str();
    if d.is_empty() {
        "unknown date"
    } else {
        d
    }
}

/// Which services have at least one action in `set`, indexed by [`ServiceId`].
pub(crate) fn services_of(cat: &Catalog, set: &ActionSet) -> Vec<bool> {
    let mut out = vec![false; cat.service_count()];
    if set.is_empty() {
        return out;
    }
    // one pass over the set's members (a word-wise bitset walk), not over every action
    for a in set.iter() {
        if let Some(slot) = out.get_mut(usize::from(cat.action_service(a))) {
            *slot = true;
        }
    }
    out
}

pub(crate) use iamlint_semantic::KeyLookup;

/// Whether the key is a templated key with nothing after the template's fixed part
/// (`aws:ResourceTag/`): `key` + one character resolves to a templated key while `key`
/// does not.
pub(crate) fn is_empty_template_key(cat: &Catalog, key: &str) -> bool {
    key.ends_with('/')
        && cat.condition_key(key).is_none()
        && cat
            .condition_key(&format!("{key}x"))
            .is_some_and(|i| i.name.contains("${") || i.name.contains('<'))
}

/// Whether service `s` lists `key` (case-insensitive; templated keys match).
pub(crate) fn service_lists_key(cat: &Catalog, s: ServiceId, info_name: &str) -> bool {
    cat.service_condition_keys(s)
        .any(|k| k.name.eq_ignore_ascii_case(info_name))
}

/// The literal text of a value when it can be judged: no holes and no policy variables.
pub(crate) fn judgeable(t: &Text) -> Option<&str> {
    let s = t.as_literal()?;
    (!s.contains("${")).then_some(s)
}

// ---- value parsers ------------------------------------------------------------------

/// A number as IAM's numeric operators accept it: an optional sign, digits, an optional
/// fraction.
pub(crate) fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    match frac {
        None => digits(int),
        Some(f) => (digits(int) && (f.is_empty() || digits(f))) || (int.is_empty() && digits(f)),
    }
}

fn fixed_digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A date as IAM's date operators accept it: an epoch time in seconds (digits), or an
/// ISO 8601 date `YYYY-MM-DD`, optionally followed by `Thh:mm`, `:ss`, a fraction, and
/// `Z` or an offset `±hh:mm` / `±hhmm`.
pub(crate) fn is_date(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (dp.next(), dp.next(), dp.next(), dp.next()) else {
        return false;
    };
    let (Some(_), Some(m), Some(d)) = (fixed_digits(y, 4), fixed_digits(m, 2), fixed_digits(d, 2))
    else {
        return false;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return false;
    }
    let Some(time) = time else { return true };
    // split off the zone
    let (clock, zone) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, None)
    } else if let Some(i) = time.rfind(['+', '-']) {
        (&time[..i], Some(&time[i + 1..]))
    } else {
        (time, None)
    };
    if let Some(z) = zone {
        let z = z.replace(':', "");
        let ok = fixed_digits(&z, 4).is_some_and(|v| v / 100 <= 23 && v % 100 <= 59)
            || fixed_digits(&z, 2).is_some_and(|v| v <= 23);
        if !ok {
            return false;
        }
    }
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut tp = hms.split(':');
    let h = tp.next().and_then(|h| fixed_digits(h, 2));
    let mi = tp.next().and_then(|m| fixed_digits(m, 2));
    let se = match tp.next() {
        Some(x) => fixed_digits(x, 2).map(Some),
        None => Some(None),
    };
    match (h, mi, se, tp.next()) {
        (Some(h), Some(mi), Some(se), None) => h <= 23 && mi <= 59 && se.is_none_or(|s| s <= 60),
        _ => false,
    }
}

/// `true` / `false`, any case.
pub(crate) fn is_bool(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

/// An IP address or CIDR block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 3 {
                    return None;
                }
                let v: u8 = p.parse().ok()?;
                if v > max {
                    return None;
                }
                v
            }
        };
        Some(Cidr { addr, prefix })
    }

    fn bits(&self) -> (u128, u32) {
        match self.addr {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        }
    }

    /// The network address when host bits are set (`10.0.0.1/8` gives `10.0.0.0/8`).
    pub(crate) fn network_if_host_bits(&self) -> Option<String> {
        let (v, width) = self.bits();
        let host = width - u32::from(self.prefix);
        if host == 0 {
            return None;
        }
        let mask: u128 = if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        };
        if v & mask == 0 {
            return None;
        }
        let net = v & !mask;
        let addr = match self.addr {
            IpAddr::V4(_) => {
                IpAddr::from(std::net::Ipv4Addr::from(u32::try_from(net).unwrap_or(0)))
            }
            IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::from(net)),
        };
        Some(format!("{addr}/{}", self.prefix))
    }

    /// Whether the whole block lies in a private, loopback, link-local or shared
    /// (carrier-grade NAT) range, which never appears as `aws:SourceIp`.
    pub(crate) fn is_private(&self) -> bool {
        let (v, width) = self.bits();
        let within = |net: u128, len: u32| {
            u32::from(self.prefix) >= len && {
                let shift = width - len;
                (v >> shift) == (net >> shift)
            }
        };
        if width == 32 {
            let n = |a: u8, b: u8| (u128::from(a) << 24) | (u128::from(b) << 16);
            within(n(10, 0), 8)
                || within(n(172, 16), 12)
                || within(n(192, 168), 16)
                || within(n(127, 0), 8)
                || within(n(169, 254), 16)
                || within(n(100, 64), 10)
        } else {
            within(0xfc00u128 << 112, 7)
                || within(0xfe80u128 << 112, 10)
                || (v == 1 && self.prefix == 128)
        }
    }
}

/// Whether the base64 text is well formed (for `BinaryEquals`).
pub(crate) fn is_base64(s: &str) -> bool {
    let t = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() - t.len() <= 2
        && s.len() % 4 == 0
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Whether a value parses as the operator family's type; `None` when the family takes
/// any string.
pub(crate) fn value_fits(family: OperatorFamily, v: &str) -> Option<bool> {
    Some(match family {
        OperatorFamily::Numeric => is_number(v),
        OperatorFamily::Date => is_date(v),
        OperatorFamily::Bool | OperatorFamily::Null => is_bool(v),
        OperatorFamily::IpAddress => Cidr::parse(v).is_some(),
        OperatorFamily::Binary => is_base64(v),
        OperatorFamily::String | OperatorFamily::Arn => return None,
    })
}

/// Edit distance (insert, delete, substitute, transpose), case-insensitive.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..=b.len() {
            let sub = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j - 1] + sub)
                .min(d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate within a length-dependent budget.
pub(crate) fn closest<'a>(
    query: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let budget = match query.len() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    candidates
        .map(|c| (edit_distance(query, c), c))
        .filter(|(d, _)| *d <= budget)
        .min_by_key(|(d, c)| (*d, c.len().abs_diff(query.len())))
        .map(|(_, c)| c)
}

/// `a`, `a and b`, `a, b and c`, `a, b, c and 4 more`.
pub(crate) fn list_some(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    match (shown.as_slice(), more) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        (s, 0) => {
            let (last, init) = s.split_last().map_or(("", &[][..]), |(l, i)| (*l, i));
            format!("{} and {last}", init.join(", "))
        }
        (s, m) => format!("{} and {m} more", s.join(", ")),
    }
}

/// Keys with a service prefix that AWS documents as available in the request context of
/// other services ("cross-service condition keys", IAM User Guide, "AWS global condition
/// context keys"): a statement may use them whatever its actions.
pub(crate) const CROSS_SERVICE_KEYS: &[&str] = &[
    "ec2:SourceInstanceARN",
    "ec2:SourceInstancePrivateIPv4",
    "ec2:RoleDelivery",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceARN",
    "identitystore:UserId",
];

/// Keys that AWS documents as multivalued but the catalog types as single strings.
pub(crate) const MULTIVALUED_CLAIMS: &[&str] = &["cognito-identity.amazonaws.com:amr"];

/// The text with policy variables and their escapes (`${*}`) removed, so that only
/// characters written literally remain; holes are dropped.
pub(crate) fn literal_chars(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.parts {
        if let Part::Literal(s) = p {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                out.push_str(&rest[..i]);
                match rest[i..].find('}') {
                    Some(j) => rest = &rest[i + j + 1..],
                    None => rest = "",
                }
            }
            out.push_str(rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates() {
        for ok in ["1", "-3", "0.5", "10.", ".5", "+7"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "1e3", "one", "1.2.3", "-", "."] {
            assert!(!is_number(bad), "{bad}");
        }
        for ok in [
            "2019-07-16",
            "2019-07-16T12:00:00Z",
            "2019-07-16T12:00Z",
            "2019-07-16T12:00:00.123Z",
            "2019-07-16T12:00:00+02:00",
            "2019-07-16T12:00:00-0500",
            "1563278400",
        ] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2019-13-01",
            "2019/07/16",
            "yesterday",
            "2019-07-16T25:00:00Z",
            "2019-7-1",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        let c = |s: &str| Cidr::parse(s).unwrap();
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0/8").is_none());
        assert!(Cidr::parse("2001:db8::/32").is_some());
        assert!(Cidr::parse("2001:db8::/129").is_none());
        assert!(c("10.1.0.0/16").is_private());
        assert!(c("172.31.255.1").is_private());
        assert!(!c("172.32.0.0/16").is_private());
        assert!(
            !c("0.0.0.0/0").is_private(),
            "a block wider than the range is not private"
        );
        assert!(!c("203.0.113.0/24").is_private());
        assert!(c("fd00::/8").is_private());
        assert!(!c("2001:db8::/32").is_private());
        assert_eq!(
            c("10.0.0.1/8").network_if_host_bits().as_deref(),
            Some("10.0.0.0/8")
        );
        assert_eq!(c("10.0.0.0/8").network_if_host_bits(), None);
        assert_eq!(c("192.0.2.7").network_if_host_bits(), None);
        assert_eq!(
            c("2001:db8::1/32").network_if_host_bits().as_deref(),
            Some("2001:db8::/32")
        );
    }

    #[test]
    fn suggestions_and_lists() {
        let ops = ["StringEquals", "StringLike", "NumericEquals"];
        assert_eq!(
            closest("StringEqual", ops.iter().copied()),
            Some("StringEquals")
        );
        assert_eq!(closest("Foo", ops.iter().copied()), None);
        let v: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        assert_eq!(list_some(&v[..1], 3), "a");
        assert_eq!(list_some(&v[..3], 3), "a, b and c");
        assert_eq!(list_some(&v, 2), "a, b and 2 more");
        assert!(is_base64("aGVsbG8="));
        assert!(!is_base64("not base64!"));
    }
}
