//! Logical paths (`Statement[1].Action[0]`), built without the formatting machinery:
//! the loader builds one per value, so this is on the hot path of every check.

/// `prefix[i]`.
pub fn index(prefix: &str, i: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(i);
    let mut s = String::with_capacity(prefix.len() + digits.len() + 2);
    s.push_str(prefix);
    s.push('[');
    s.push_str(digits);
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
