//! Fuzz the JSON loader: no panic, and every span lies on character boundaries.
#![no_main]

use iamlint_syntax::{parse_json, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let parsed = parse_json(src, &Limits::default());
        for e in &parsed.errors {
            assert!(src
                .get(e.span.start as usize..e.span.end as usize)
                .is_some());
        }
        assert!(parsed.errors.len() + parsed.documents.len() == 1);
    }
});
