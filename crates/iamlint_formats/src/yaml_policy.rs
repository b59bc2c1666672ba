//! Policy documents written as YAML files (`Version: ...`, `Statement: ...`), one or
//! several (`---` apart).

use crate::structured::{is_policy_document, load};
use crate::{line_comments, Format, Source};
use iamlint_policy::{Comment, PolicyFile};
use iamlint_syntax::SourceKind;

pub(crate) struct YamlPolicy;

impl Format for YamlPolicy {
    fn name(&self) -> &'static str {
        "yaml-policy"
    }

    fn title(&self) -> &'static str {
        "policy document"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".yaml", ".yml"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let s = src.structured();
        s.syntax == SourceKind::Yaml && s.any_root(is_policy_document)
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        load(src.structured(), src.text, src.opts)
    }

    fn comments(&self, text: &str) -> Vec<Comment> {
        line_comments(text, "#")
    }
}
