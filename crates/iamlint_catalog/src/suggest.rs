//! Did-you-mean: a weighted, case-insensitive edit distance (optimal string alignment).
//!
//! Costs are in half-edits: insertion, deletion, substitution and transposition of
//! adjacent characters cost 2; substituting a digit for another digit costs 1, so `ec3`
//! is closer to `ec2` than to `ecs`.

/// The distance between `a` and `b` in half-edits, or `None` when it exceeds `max`.
pub(crate) fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    // every extra character costs an insertion: many candidates end here, before any work
    if a.len().abs_diff(b.len()) * 2 > max {
        return None;
    }
    if letter_bound(a.as_bytes(), b.as_bytes()) > max {
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

/// A lower bound of [`distance`] from the characters alone, their order ignored: of the
/// characters other than digits (case folded), `a` has `more` that `b` lacks and `b` has
/// `fewer` that `a` lacks. An edit adds or removes at most one of each, and an edit that
/// touches a character other than a digit costs two half-edits (only digit-for-digit
/// substitutions cost one, and transpositions change no count), so the distance is at
/// least twice the larger of the two.
fn letter_bound(a: &[u8], b: &[u8]) -> usize {
    let mut count = [0i32; 128];
    let bucket = |c: u8| usize::from(c.to_ascii_lowercase().min(127));
    for &c in a {
        if let Some(n) = count.get_mut(bucket(c)) {
            *n += 1;
        }
    }
    for &c in b {
        if let Some(n) = count.get_mut(bucket(c)) {
            *n -= 1;
        }
    }
    // only the buckets of characters that occur are read, each once (then cleared)
    let (mut more, mut fewer) = (0i32, 0i32);
    for &c in a.iter().chain(b) {
        if c.is_ascii_digit() {
            continue;
        }
        if let Some(n) = count.get_mut(bucket(c)) {
            more += (*n).max(0);
            fewer += (-*n).max(0);
            *n = 0;
        }
    }
    2 * usize::try_from(more.max(fewer)).unwrap_or(0)
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

    /// The character-count bound never exceeds the distance itself, so it turns away only
    /// pairs the full computation would turn away.
    #[test]
    fn letter_bound_is_a_lower_bound() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "ec2",
            "ec3",
            "ecs",
            "s3",
            "s3express",
            "S3",
            "iam",
            "ima",
            "lambda",
            "lamdba",
            "logs",
            "log5",
            "rds",
            "rds-db",
            "dynamodb",
            "dynamo",
            "kms",
            "sms",
            "sso",
            "ssm",
            "ssm-contacts",
            "x1y2",
            "y1x2",
            "é",
            "ée",
        ];
        for a in words {
            for b in words {
                let bound = letter_bound(a.as_bytes(), b.as_bytes());
                // the distance with no cap: large enough a budget for these words
                let full = distance_unbounded(a, b);
                assert!(bound <= full, "{a} {b}: bound {bound} > distance {full}");
                for max in 0..12 {
                    assert_eq!(
                        distance(a, b, max),
                        (full <= max).then_some(full),
                        "{a} {b} {max}"
                    );
                }
            }
        }
    }

    /// The dynamic programme alone, without the early exits.
    fn distance_unbounded(a: &str, b: &str) -> usize {
        let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
        let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = 2 * i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = 2 * j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let (ca, cb) = (a[i - 1], b[j - 1]);
                let sub = if ca == cb {
                    0
                } else if ca.is_ascii_digit() && cb.is_ascii_digit() {
                    1
                } else {
                    2
                };
                let mut v = (d[i - 1][j - 1] + sub)
                    .min(d[i - 1][j] + 2)
                    .min(d[i][j - 1] + 2);
                if i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb {
                    v = v.min(d[i - 2][j - 2] + 2);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }
}
