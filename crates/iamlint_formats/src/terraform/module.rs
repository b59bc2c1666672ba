//! A Terraform module as one file sees it: the file itself, parsed, and the other `.tf`
//! files of its directory, read when the file names something they may define (a policy
//! document, a variable's default, a role) and parsed only then.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use std::cell::OnceCell;
use std::path::Path;

/// One `.tf` file of the module.
pub(crate) struct TfFile {
    /// Its name as iamlint names files (the checked file's directory joined with its name).
    pub name: String,
    pub text: String,
    body: OnceCell<Option<Body>>,
}

impl TfFile {
    /// Its body, parsed on first use (`None` when it does not parse).
    pub(crate) fn body(&self) -> Option<&Body> {
        self.body.get_or_init(|| parse(&self.text).ok()).as_ref()
    }
}

/// Parse HCL, refusing input nested deeper than `max_depth` brackets (the parser recurses).
pub(crate) fn parse(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_body(text)
}

/// The checked file and its siblings.
pub(crate) struct Module<'a> {
    pub text: &'a str,
    pub body: &'a Body,
    pub siblings: Vec<TfFile>,
}

/// A block found in the module: the file it is in (`None`: the checked file) and the block.
pub(crate) struct Found<'m> {
    pub file: Option<&'m TfFile>,
    pub block: &'m Block,
}

impl<'a> Module<'a> {
    /// The module of the file `name` (the other `.tf` files of its directory, when `name`
    /// is a file on disk).
    pub(crate) fn new(name: &str, text: &'a str, body: &'a Body, max_size: u64) -> Module<'a> {
        Module {
            text,
            body,
            siblings: siblings(name, max_size),
        }
    }

    /// Every block of the module, with its file, the checked file first. Siblings are
    /// parsed only when their text contains `needle`.
    pub(crate) fn blocks<'m>(&'m self, needle: &str) -> impl Iterator<Item = Found<'m>> + 'm {
        let needle = needle.to_string();
        let own = self.body.blocks().map(|b| Found {
            file: None,
            block: b,
        });
        let others = self
            .siblings
            .iter()
            .filter(move |f| f.text.contains(needle.as_str()))
            .filter_map(|f| f.body().map(|b| (f, b)))
            .flat_map(|(f, b)| {
                b.blocks().map(move |block| Found {
                    file: Some(f),
                    block,
                })
            });
        own.chain(others)
    }

    /// The block `kind "ty" "name"` (`resource`, `data`), the checked file's first.
    pub(crate) fn find(&self, kind: &str, ty: &str, name: &str) -> Option<Found<'_>> {
        self.blocks(name).find(|f| {
            f.block.ident.as_str() == kind
                && f.block.labels.len() == 2
                && f.block.labels[0].as_str() == ty
                && f.block.labels[1].as_str() == name
        })
    }

    /// The literal default of `variable "name"`, with the file that declares it.
    pub(crate) fn variable_default(&self, name: &str) -> Option<(String, Option<&TfFile>)> {
        let f = self.blocks("variable").find(|f| {
            f.block.ident.as_str() == "variable"
                && f.block.labels.first().map(|l| l.as_str()) == Some(name)
        })?;
        let default = f.block.body.get_attribute("default")?;
        literal(&default.value).map(|v| (v, f.file))
    }

    /// The expression of `local.name`, with the file that defines it.
    pub(crate) fn local(&self, name: &str) -> Option<(&Expression, Option<&TfFile>)> {
        self.blocks("locals")
            .filter(|f| f.block.ident.as_str() == "locals")
            .find_map(|f| f.block.body.get_attribute(name).map(|a| (&a.value, f.file)))
    }
}

/// A string, number or boolean written as such.
pub(crate) fn literal(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().clone()),
        Expression::Number(n) => Some(n.value().to_string()),
        Expression::Bool(b) => Some(b.value().to_string()),
        _ => None,
    }
}

/// The other `.tf` files of the directory of `name`, read (not parsed), in name order.
fn siblings(name: &str, max_size: u64) -> Vec<TfFile> {
    let path = Path::new(name);
    if !path.is_file() {
        return Vec::new();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let own = path.file_name();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.file_name() != own && p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = crate::read_text(&p, max_size).ok()?;
            let name = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => p.display().to_string(),
                _ => p.file_name()?.to_string_lossy().into_owned(),
            };
            Some(TfFile {
                name,
                text,
                body: OnceCell::new(),
            })
        })
        .collect()
}

/// The source text of a span of the checked file or of a sibling.
pub(crate) fn source<'t>(text: &'t str, e: &impl hcl_edit::Span) -> &'t str {
    e.span().and_then(|r| text.get(r)).unwrap_or("")
}

/// Top-level blocks of a body.
pub(crate) fn top_blocks(body: &Body) -> impl Iterator<Item = &Block> {
    body.iter().filter_map(|s| match s {
        Structure::Block(b) => Some(b),
        Structure::Attribute(_) => None,
    })
}

/// A byte range as a span.
pub(crate) fn span_of(e: &impl hcl_edit::Span) -> iamlint_syntax::Span {
    match e.span() {
        Some(r) => iamlint_syntax::Span::new(
            u32::try_from(r.start).unwrap_or(u32::MAX),
            u32::try_from(r.end).unwrap_or(u32::MAX),
        ),
        None => iamlint_syntax::Span::default(),
    }
}
