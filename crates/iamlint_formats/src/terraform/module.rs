//! A Terraform module as one file sees it: the file itself, parsed, and the other `.tf`
//! files of its directory, read when the file names something they may define (a policy
//! document, a variable's default, a role) and parsed only then.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// One `.tf` file of the module.
pub(crate) struct TfFile {
    /// Its name as iamlint names files (the checked file's directory joined with its name).
    pub name: String,
    pub text: String,
    body: OnceLock<Option<Body>>,
}

/// The `.tf` files of each directory a run reads Terraform from: read once and each parsed
/// at most once, shared by every file of that module. Without it each file of a directory
/// read and parsed all the others (quadratic in the directory's size). Per run: it lives
/// in the run's [`crate::LoadOptions`] (clones share it) and goes with them; it is never
/// process-wide.
#[derive(Clone, Default)]
pub struct ModuleTable(Arc<Mutex<HashMap<PathBuf, DirFiles>>>);

/// The `.tf` files of one directory.
type DirFiles = Arc<[Arc<TfFile>]>;

impl std::fmt::Debug for ModuleTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dirs = self.0.lock().map_or(0, |m| m.len());
        write!(f, "ModuleTable({dirs} directories)")
    }
}

impl ModuleTable {
    /// The `.tf` files of `dir`, read on the first question about it.
    fn files(&self, dir: &Path, shown: Option<&Path>, max_size: u64) -> DirFiles {
        if let Some(f) = self.0.lock().ok().and_then(|m| m.get(dir).cloned()) {
            return f;
        }
        // read outside the lock: two files of one directory asked at once may both read
        // it, and the first one stored is kept
        let files = read_dir_tf(dir, shown, max_size);
        match self.0.lock() {
            Ok(mut m) => Arc::clone(m.entry(dir.to_path_buf()).or_insert(files)),
            Err(_) => files,
        }
    }
}

impl TfFile {
    /// Its body, parsed on first use (`None` when it does not parse, or is larger than
    /// the checked file may be: [`super::MAX_HCL_BYTES`]).
    pub(crate) fn body(&self) -> Option<&Body> {
        self.body
            .get_or_init(|| {
                (self.text.len() <= super::MAX_HCL_BYTES)
                    .then(|| parse(&self.text).ok())
                    .flatten()
            })
            .as_ref()
    }
}

/// Parse HCL, refusing input nested deeper than `max_depth` brackets (the parser recurses).
pub(crate) fn parse(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_body(text)
}

/// The checked file and its siblings.
pub(crate) struct Module<'a> {
    pub text: &'a str,
    pub siblings: Vec<Arc<TfFile>>,
    /// The checked file's blocks, indexed once: a 10 MB file of thousands of blocks was
    /// searched from its start for every reference.
    own: OwnIndex<'a>,
}

/// What the loader looks up among the checked file's top-level blocks; each list in
/// block order, each "first" the first block in order.
#[derive(Default)]
struct OwnIndex<'a> {
    blocks: Vec<&'a Block>,
    /// (block type, first label, second label) → first block.
    by_key: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// `variable "name"` → first such block.
    variables: HashMap<&'a str, usize>,
    /// Attribute name → first `locals` block that sets it.
    locals: HashMap<&'a str, usize>,
    /// Policy document data source name → the blocks that name it in a traversal
    /// (`data.aws_iam_policy_document.NAME...`).
    data_refs: HashMap<String, Vec<usize>>,
    /// What the attributes that link a principal to a policy or group name → blocks.
    links: HashMap<LinkKey, Vec<usize>>,
    /// Literal `name` of an `aws_iam_group` resource → first such block.
    groups: HashMap<String, usize>,
}

/// How an expression may name a principal (see `principals::names`): a reference
/// `TYPE.NAME.(name|id|arn|unique_id)`, a literal, or other text as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum LinkKey {
    Ref(String, String),
    Literal(String),
    Written(String),
}

/// The attributes through which a resource names the principal it links to.
const LINK_ATTRIBUTES: &[&str] = &[
    "role",
    "user",
    "group",
    "roles",
    "users",
    "groups",
    "role_name",
    "user_name",
    "group_name",
];

/// An expression's text as written in `text`, on one line (`?` when empty).
pub(crate) fn written_in(text: &str, e: &Expression) -> String {
    let s: String = source(text, e)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() {
        "?".into()
    } else {
        s
    }
}

/// The keys under which `e` (in `text`) may name a principal.
pub(crate) fn link_keys(text: &str, e: &Expression) -> Vec<LinkKey> {
    let e = unparen(e);
    let mut keys = Vec::new();
    if let Expression::Traversal(t) = e {
        if let Some(w) = super::convert::traversal_words(t) {
            let w: Vec<&str> = w.into_iter().filter(|x| *x != "[]").collect();
            if let [ty, name, attr] = w.as_slice() {
                if matches!(*attr, "name" | "id" | "arn" | "unique_id") {
                    keys.push(LinkKey::Ref((*ty).to_string(), (*name).to_string()));
                }
            }
        }
    }
    keys.push(match literal(e) {
        Some(l) => LinkKey::Literal(l),
        None => LinkKey::Written(written_in(text, e)),
    });
    keys
}

fn unparen(e: &Expression) -> &Expression {
    match e {
        Expression::Parenthesis(p) => unparen(p.inner()),
        e => e,
    }
}

/// Records the policy document data sources a block names.
struct DataRefs<'r> {
    names: &'r mut Vec<String>,
}

impl hcl_edit::visit::Visit for DataRefs<'_> {
    fn visit_traversal(&mut self, t: &hcl_edit::expr::Traversal) {
        if let Some(w) = super::convert::traversal_words(t) {
            if let ["data", "aws_iam_policy_document", name, ..] = w.as_slice() {
                self.names.push((*name).to_string());
            }
        }
        hcl_edit::visit::visit_traversal(self, t);
    }
}

impl<'a> OwnIndex<'a> {
    fn new(text: &'a str, body: &'a Body) -> OwnIndex<'a> {
        use hcl_edit::visit::Visit;
        let mut ix = OwnIndex {
            blocks: body.blocks().collect(),
            ..OwnIndex::default()
        };
        let mut names = Vec::new();
        for (i, b) in ix.blocks.iter().enumerate() {
            let label = |k: usize| b.labels.get(k).map_or("", |l| l.as_str());
            if b.labels.len() == 2 {
                ix.by_key
                    .entry((b.ident.as_str(), label(0), label(1)))
                    .or_insert(i);
            }
            match b.ident.as_str() {
                "variable" => {
                    if let Some(l) = b.labels.first() {
                        ix.variables.entry(l.as_str()).or_insert(i);
                    }
                }
                "locals" => {
                    for a in b.body.attributes() {
                        ix.locals.entry(a.key.as_str()).or_insert(i);
                    }
                }
                _ => {}
            }
            names.clear();
            DataRefs { names: &mut names }.visit_body(&b.body);
            names.sort_unstable();
            names.dedup();
            for n in names.drain(..) {
                ix.data_refs.entry(n).or_default().push(i);
            }
            if b.ident.as_str() == "resource" {
                let mut keys: Vec<LinkKey> = Vec::new();
                for attr in LINK_ATTRIBUTES {
                    if let Some(a) = b.body.get_attribute(attr) {
                        let items: Vec<&Expression> = match unparen(&a.value) {
                            Expression::Array(arr) => {
                                let mut v: Vec<&Expression> = arr.iter().collect();
                                v.push(&a.value);
                                v
                            }
                            other => vec![other],
                        };
                        for e in items {
                            keys.extend(link_keys(text, e));
                        }
                    }
                }
                keys.sort();
                keys.dedup();
                for k in keys {
                    ix.links.entry(k).or_default().push(i);
                }
                if label(0) == "aws_iam_group" {
                    if let Some(n) = b.body.get_attribute("name").and_then(|a| literal(&a.value)) {
                        ix.groups.entry(n).or_insert(i);
                    }
                }
            }
        }
        ix
    }
}

/// A block found in the module: the file it is in (`None`: the checked file) and the block.
pub(crate) struct Found<'m> {
    pub file: Option<&'m TfFile>,
    pub block: &'m Block,
}

impl<'a> Module<'a> {
    /// The module of the file `name` (the other `.tf` files of its directory, when `name`
    /// is a file on disk).
    pub(crate) fn new(
        name: &str,
        text: &'a str,
        body: &'a Body,
        max_size: u64,
        table: &ModuleTable,
    ) -> Module<'a> {
        Module {
            text,
            siblings: siblings(name, max_size, table),
            own: OwnIndex::new(text, body),
        }
    }

    /// The blocks of the sibling files whose text contains `needle`.
    pub(crate) fn sibling_blocks<'m>(
        &'m self,
        needle: &str,
    ) -> impl Iterator<Item = Found<'m>> + 'm {
        let needle = needle.to_string();
        self.siblings
            .iter()
            .filter(move |f| f.text.contains(needle.as_str()))
            .filter_map(|f| f.body().map(|b| (&**f, b)))
            .flat_map(|(f, b)| {
                b.blocks().map(move |block| Found {
                    file: Some(f),
                    block,
                })
            })
    }

    /// The checked file's blocks at these positions (ascending), as found blocks.
    fn own_at<'m>(&'m self, at: &'m [usize]) -> impl Iterator<Item = Found<'m>> + 'm {
        at.iter().filter_map(|&i| {
            self.own.blocks.get(i).map(|b| Found {
                file: None,
                block: b,
            })
        })
    }

    /// The blocks that may name the policy document data source `name` in a traversal:
    /// those of the checked file that do, then the siblings' that contain `needle`.
    pub(crate) fn blocks_naming_data<'m>(
        &'m self,
        name: &str,
        needle: &str,
    ) -> impl Iterator<Item = Found<'m>> + 'm {
        let own = self.own.data_refs.get(name).map_or(&[][..], Vec::as_slice);
        self.own_at(own).chain(self.sibling_blocks(needle))
    }

    /// The blocks that may link to a principal named by any of `keys` (the checked
    /// file's resources whose link attributes hold one of them, in order), then the
    /// siblings' blocks that contain `needle`.
    pub(crate) fn blocks_linking<'m>(&'m self, keys: &[LinkKey], needle: &str) -> Vec<Found<'m>> {
        let mut at: Vec<usize> = keys
            .iter()
            .filter_map(|k| self.own.links.get(k))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        let mut out: Vec<Found<'m>> = at
            .iter()
            .filter_map(|&i| {
                self.own.blocks.get(i).map(|b| Found {
                    file: None,
                    block: b,
                })
            })
            .collect();
        out.extend(self.sibling_blocks(needle));
        out
    }

    /// The `aws_iam_group` resource whose `name` is the literal `name`: the checked
    /// file's first, else the first of the siblings that contain `aws_iam_group`.
    pub(crate) fn group_named(&self, name: &str) -> Option<Found<'_>> {
        if let Some(b) = self
            .own
            .groups
            .get(name)
            .and_then(|&i| self.own.blocks.get(i))
        {
            return Some(Found {
                file: None,
                block: b,
            });
        }
        self.sibling_blocks("aws_iam_group").find(|f| {
            f.block.ident.as_str() == "resource"
                && f.block.labels.first().map(|l| l.as_str()) == Some("aws_iam_group")
                && f.block
                    .body
                    .get_attribute("name")
                    .and_then(|a| literal(&a.value))
                    .as_deref()
                    == Some(name)
        })
    }

    /// The block `kind "ty" "name"` (`resource`, `data`), the checked file's first.
    pub(crate) fn find(&self, kind: &str, ty: &str, name: &str) -> Option<Found<'_>> {
        if let Some(b) = self
            .own
            .by_key
            .get(&(kind, ty, name))
            .and_then(|&i| self.own.blocks.get(i))
        {
            return Some(Found {
                file: None,
                block: b,
            });
        }
        self.sibling_blocks(name).find(|f| {
            f.block.ident.as_str() == kind
                && f.block.labels.len() == 2
                && f.block.labels[0].as_str() == ty
                && f.block.labels[1].as_str() == name
        })
    }

    /// The literal default of `variable "name"`, with the file that declares it.
    pub(crate) fn variable_default(&self, name: &str) -> Option<(String, Option<&TfFile>)> {
        let f = match self
            .own
            .variables
            .get(name)
            .and_then(|&i| self.own.blocks.get(i))
        {
            Some(b) => Found {
                file: None,
                block: b,
            },
            None => self.sibling_blocks("variable").find(|f| {
                f.block.ident.as_str() == "variable"
                    && f.block.labels.first().map(|l| l.as_str()) == Some(name)
            })?,
        };
        let default = f.block.body.get_attribute("default")?;
        literal(&default.value).map(|v| (v, f.file))
    }

    /// The expression of `local.name`, with the file that defines it.
    pub(crate) fn local(&self, name: &str) -> Option<(&Expression, Option<&TfFile>)> {
        if let Some(b) = self
            .own
            .locals
            .get(name)
            .and_then(|&i| self.own.blocks.get(i))
        {
            return b.body.get_attribute(name).map(|a| (&a.value, None));
        }
        self.sibling_blocks("locals")
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
fn siblings(name: &str, max_size: u64, table: &ModuleTable) -> Vec<Arc<TfFile>> {
    let path = Path::new(name);
    if !path.is_file() {
        return Vec::new();
    }
    let shown = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = shown.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let own = path.file_name();
    table
        .files(&dir, shown, max_size)
        .iter()
        .filter(|f| Path::new(&f.name).file_name() != own)
        .cloned()
        .collect()
}

/// Every `.tf` file of `dir`, read (not parsed), in name order; named as `dir` was shown.
fn read_dir_tf(dir: &Path, shown: Option<&Path>, max_size: u64) -> DirFiles {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Arc::new([]);
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = crate::read_text(&p, max_size).ok()?;
            let name = match shown {
                Some(_) => p.display().to_string(),
                None => p.file_name()?.to_string_lossy().into_owned(),
            };
            Some(Arc::new(TfFile {
                name,
                text,
                body: OnceLock::new(),
            }))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_files_of_a_directory_are_read_once_per_run_and_shared() {
        let d = tempfile::tempdir().unwrap();
        for n in ["a.tf", "b.tf", "c.tf"] {
            std::fs::write(d.path().join(n), format!("# {n}\n")).unwrap();
        }
        std::fs::write(d.path().join("notes.txt"), "not terraform").unwrap();
        let table = ModuleTable::default();
        let name = |n: &str| d.path().join(n).display().to_string();
        let of_a = siblings(&name("a.tf"), 1 << 20, &table);
        let of_b = siblings(&name("b.tf"), 1 << 20, &table);
        let names = |s: &[Arc<TfFile>]| -> Vec<String> {
            s.iter()
                .map(|f| {
                    Path::new(&f.name)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        assert_eq!(names(&of_a), ["b.tf", "c.tf"]);
        assert_eq!(names(&of_b), ["a.tf", "c.tf"]);
        // one directory in the table, and b's c.tf is a's c.tf (read and parsed once)
        assert_eq!(format!("{table:?}"), "ModuleTable(1 directories)");
        assert!(Arc::ptr_eq(&of_a[1], &of_b[1]));
        assert!(of_a[1].body().is_some());
        // another run (another table) reads the directory again: nothing outlives a run
        let other = ModuleTable::default();
        let again = siblings(&name("a.tf"), 1 << 20, &other);
        assert!(!Arc::ptr_eq(&again[0], &of_a[0]));
    }
}
