//! Numbers and counts in messages, written one way everywhere: `22,321`, `1 action`,
//! `3 actions`.

/// `10240` → `10,240`.
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 action`, `2,000 actions`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn plural_picks_the_form() {
        assert_eq!(plural(1, "action", "actions"), "1 action");
        assert_eq!(plural(0, "action", "actions"), "0 actions");
        assert_eq!(plural(2000, "action", "actions"), "2,000 actions");
    }
}
