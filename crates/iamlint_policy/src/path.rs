//! Logical paths (`Statement[1].Action[0]`), built without the formatting machinery:
//! the loader builds one per value, so this is on the hot path of every check.

/// `prefix[i]`.
pub fn index(prefix: &str, i: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = i;
    loop {
        at -= 1;
        // `n % 10` is below 10: the cast cannot truncate.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = &digits[at..];
    let mut s = String::with_capacity(prefix.len() + digits.len() + 2);
    s.push_str(prefix);
    s.push('[');
    s.extend(digits.iter().map(|&d| char::from(d)));
    s.push(']');
    s
}

/// `prefix.key`, or `key` when the prefix is empty.
pub fn member(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        return key.to_string();
    }
    let mut s = String::with_capacity(prefix.len() + key.len() + 1);
    s.push_str(prefix);
    s.push('.');
    s.push_str(key);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_as_format() {
        for i in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            assert_eq!(index("Statement", i), format!("Statement[{i}]"));
            assert_eq!(index("", i), format!("[{i}]"));
        }
        assert_eq!(member("Statement[0]", "Action"), "Statement[0].Action");
        assert_eq!(member("", "Version"), "Version");
        assert_eq!(member("a", ""), "a.");
    }
}
