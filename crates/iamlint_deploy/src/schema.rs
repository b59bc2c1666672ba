//! The committed table of CloudFormation resource types (`data/cfn-resources.tsv`), read in
//! place: one line per type, sorted by type name, found by binary search.

/// The table compiled into the binary (regenerate with `cargo xtask cfn-schema-import`).
pub const EMBEDDED_TABLE: &str = include_str!("../data/cfn-resources.tsv");
/// Its provenance record.
pub const EMBEDDED_PROVENANCE: &str = include_str!("../data/cfn-provenance.json");

/// A resource handler of the CloudFormation registry contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Handler {
    Create,
    Read,
    Update,
    Delete,
    List,
}

/// The handlers, in table order.
pub const HANDLERS: [Handler; 5] = [
    Handler::Create,
    Handler::Read,
    Handler::Update,
    Handler::Delete,
    Handler::List,
];

impl Handler {
    pub fn as_str(self) -> &'static str {
        match self {
            Handler::Create => "create",
            Handler::Read => "read",
            Handler::Update => "update",
            Handler::Delete => "delete",
            Handler::List => "list",
        }
    }

    /// `creating`, `deleting`, ...: for messages.
    pub fn gerund(self) -> &'static str {
        match self {
            Handler::Create => "creating",
            Handler::Read => "reading",
            Handler::Update => "updating",
            Handler::Delete => "deleting",
            Handler::List => "listing",
        }
    }

    pub fn parse(s: &str) -> Option<Handler> {
        HANDLERS.into_iter().find(|h| h.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One resource type's row.
#[derive(Clone, Copy, Debug)]
pub struct TypeInfo<'a> {
    pub type_name: &'a str,
    fields: [&'a str; 11],
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    let s = if s == "-" { "" } else { s };
    s.split(',').filter(|x| !x.is_empty())
}

impl<'a> TypeInfo<'a> {
    /// The handler's permissions; `None` when the schema has no such handler.
    pub fn permissions(&self, h: Handler) -> Option<impl Iterator<Item = &'a str>> {
        let f = self.fields[1 + h.index()];
        (f != "-").then(|| f.split(',').filter(|x| !x.is_empty()))
    }

    /// Whether any handler documents a permission.
    pub fn has_permissions(&self) -> bool {
        HANDLERS
            .iter()
            .any(|h| self.permissions(*h).is_some_and(|mut p| p.next().is_some()))
    }

    /// `primaryIdentifier`, as property names.
    pub fn identifier(&self) -> impl Iterator<Item = &'a str> {
        list(self.fields[6])
    }

    /// The writable property that names the resource (`FunctionName`), if derivable.
    pub fn name_property(&self) -> Option<&'a str> {
        Some(self.fields[7]).filter(|f| *f != "-")
    }

    /// Property paths (`/`-separated, `*` for list items) that hold role ARNs.
    pub fn role_properties(&self) -> impl Iterator<Item = &'a str> {
        list(self.fields[8])
    }

    /// `service:resource-type` in the catalog, if derivable.
    pub fn iam_type(&self) -> Option<(&'a str, &'a str)> {
        Some(self.fields[9])
            .filter(|f| *f != "-")
            .and_then(|f| f.split_once(':'))
    }

    /// Regions that have the type, when us-east-1 does not; empty otherwise.
    pub fn regions(&self) -> impl Iterator<Item = &'a str> {
        list(self.fields[10])
    }
}

/// The table of resource types.
#[derive(Clone, Debug)]
pub struct Schemas<'a> {
    /// (type, line), sorted by type.
    rows: Vec<(&'a str, &'a str)>,
}

impl Schemas<'static> {
    /// The embedded table.
    pub fn embedded() -> Schemas<'static> {
        Schemas::parse(EMBEDDED_TABLE)
    }
}

impl<'a> Schemas<'a> {
    /// Read a table (comment lines start with `#`).
    pub fn parse(text: &'a str) -> Schemas<'a> {
        let mut rows: Vec<(&str, &str)> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| Some((l.split('\t').next()?, l)))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        Schemas { rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A type by its exact name.
    pub fn get(&self, type_name: &str) -> Option<TypeInfo<'a>> {
        let i = self
            .rows
            .binary_search_by(|(t, _)| (*t).cmp(type_name))
            .ok()?;
        let (_, line) = self.rows.get(i)?;
        let mut fields = [""; 11];
        for (slot, f) in fields.iter_mut().zip(line.split('\t')) {
            *slot = f;
        }
        Some(TypeInfo {
            type_name: fields[0],
            fields,
        })
    }

    /// Every type, sorted.
    pub fn types(&self) -> impl Iterator<Item = TypeInfo<'a>> + '_ {
        self.rows.iter().filter_map(|(t, _)| self.get(t))
    }
}
