//! Did-you-mean for policy names.
//!
//! IAM names are case-sensitive, so `awslambda_fullaccess` names no policy; the closest
//! name is offered instead: the same name in another case first, then a name that only
//! adds the `Amazon` or `AWS` prefix (`S3ReadOnlyAccess`), then the name at the smallest
//! edit distance (case ignored; insertions, deletions, substitutions and transpositions of
//! adjacent characters), within a quarter of the name's length.

/// The optimal-string-alignment distance of `a` and `b` (ASCII case ignored), or `None`
/// when it exceeds `max`.
pub(crate) fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let sub = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + sub).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The best candidate for `name` among `names` (see the module documentation).
pub(crate) fn best<'a>(
    name: &str,
    names: impl Iterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if name.is_empty() {
        return None;
    }
    if let Some(n) = names.clone().find(|n| n.eq_ignore_ascii_case(name)) {
        return Some(n);
    }
    if name.len() >= 6 {
        let prefixed = names.clone().find(|n| {
            ["Amazon", "AWS"].iter().any(|prefix| {
                let (n, p) = (n.as_bytes(), prefix.len());
                n.len() == p + name.len()
                    && n.get(..p)
                        .is_some_and(|x| x.eq_ignore_ascii_case(prefix.as_bytes()))
                    && n.get(p..)
                        .is_some_and(|x| x.eq_ignore_ascii_case(name.as_bytes()))
            })
        });
        if prefixed.is_some() {
            return prefixed;
        }
    }
    let max = (name.len() / 4).clamp(1, 4);
    let mut found: Option<(usize, &str)> = None;
    for n in names {
        let bound = found.map_or(max, |(d, _)| d);
        if let Some(d) = distance(name, n, bound) {
            if found.is_none_or(|(best, _)| d < best) {
                found = Some((d, n));
            }
        }
    }
    found.map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("abc", "abc", 0), Some(0));
        assert_eq!(distance("abc", "ABC", 0), Some(0));
        assert_eq!(distance("abc", "acb", 2), Some(1));
        assert_eq!(distance("abc", "abxc", 2), Some(1));
        assert_eq!(distance("abc", "xyz", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
    }

    #[test]
    fn best_candidates() {
        let names = [
            "AWSLambda_FullAccess",
            "AWSLambdaFullAccess",
            "AmazonS3ReadOnlyAccess",
        ];
        let it = || names.iter().copied();
        assert_eq!(
            best("awslambda_fullaccess", it()),
            Some("AWSLambda_FullAccess")
        );
        assert_eq!(
            best("AWSLambdaFulAccess", it()),
            Some("AWSLambdaFullAccess")
        );
        assert_eq!(
            best("S3ReadOnlyAccess", it()),
            Some("AmazonS3ReadOnlyAccess")
        );
        assert_eq!(best("Nothing", it()), None);
        assert_eq!(best("", it()), None);
    }
}
