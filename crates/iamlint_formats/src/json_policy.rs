//! Policy documents written as JSON files (`{"Version": ..., "Statement": ...}`): what
//! `aws iam get-policy-version` prints, what the console exports.

use crate::structured::{is_policy_document, load};
use crate::{Format, Source};
use iamlint_policy::PolicyFile;
use iamlint_syntax::SourceKind;

pub(crate) struct JsonPolicy;

impl Format for JsonPolicy {
    fn name(&self) -> &'static str {
        "json-policy"
    }

    fn title(&self) -> &'static str {
        "policy document"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".json"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let s = src.structured();
        s.syntax == SourceKind::Json && s.any_root(is_policy_document)
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        load(src.structured(), src.text, src.opts)
    }
}
