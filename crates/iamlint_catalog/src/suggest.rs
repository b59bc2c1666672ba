//! Did-you-mean: a weighted, case-insensitive edit distance (optimal string alignment).
//!
//! Costs are in half-edits: insertion, deletion, substitution and transposition of
//! adjacent characters cost 2; substituting a digit for another digit costs 1, so `ec3`
//! is closer to `ec2` than to `ecs`.

/// The distance between `a` and `b` in half-edits, or `None` when it exceeds `max`.
pub(crate) fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    // every extra character costs an insertion: most candidates end here, before any work
    if a.len().abs_diff(b.len()) * 2 > max {
        return None;
    }
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let w = b.len() + 1;
    // three rows: i-2, i-1, i
    let mut rows = vec![0usize; 3 * w];
    for (j, cell) in rows.iter_mut().take(w).enumerate() {
        *cell = 2 * j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let at = |r: usize, j: usize| r * w + j;
        rows[at(cur, 0)] = 2 * i;
        let mut row_min = rows[at(cur, 0)];
        for j in 1..=b.len() {
            let (ca, cb) = (a[i - 1], b[j - 1]);
            let sub = if ca == cb {
                0
            } else if ca.is_ascii_digit() && cb.is_ascii_digit() {
                1
            } else {
                2
            };
            let mut d = (rows[at(prev, j - 1)] + sub)
                .min(rows[at(prev, j)] + 2)
                .min(rows[at(cur, j - 1)] + 2);
            if i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb {
                d = d.min(rows[at(prev2, j - 2)] + 2);
            }
            rows[at(cur, j)] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
    }
    let d = rows[(a.len() % 3) * w + b.len()];
    (d <= max).then_some(d)
}

/// The largest distance (in half-edits) accepted for a query of `len` characters.
pub(crate) fn budget(len: usize) -> usize {
    match len {
        0..=2 => 1,
        3..=5 => 2,
        6..=11 => 4,
        _ => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("ec3", "ec2", 10), Some(1));
        assert_eq!(distance("ec3", "ecs", 10), Some(2));
        assert_eq!(distance("GetObjekt", "getobject", 10), Some(2));
        assert_eq!(distance("abc", "acb", 10), Some(2));
        assert_eq!(distance("abc", "abcd", 10), Some(2));
        assert_eq!(distance("abc", "xyz", 3), None);
        assert_eq!(distance("", "", 0), Some(0));
    }
}
