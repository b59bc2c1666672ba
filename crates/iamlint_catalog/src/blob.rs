//! The compiled blob format (shared by the encoder in [`crate::build`] and the reader in
//! [`crate::Catalog`]).
//!
//! ```text
//! header   magic "IAMLCAT\0" | version u32 | section count u32 | (offset u32, len u32) × count
//! sections little-endian u32 arrays (STR_BYTES is raw UTF-8), each starting 4-aligned
//! ```
//!
//! Strings are referenced by id: `STR_OFFS[id]..STR_OFFS[id + 1]` in `STR_BYTES`. Lists
//! live in `POOL`: a list is the index of its length, followed by its items; list 0 is
//! the shared empty list. Records are fixed-width rows of u32 fields:
//!
//! - `SERVICES`: prefix, name, first action, end action, first resource type, end
//!   resource type, first service key, end service key
//! - `ACTIONS` (sorted by lower-case `service:action`): key, name, service | level << 16,
//!   resources list (triples resource type, required, condition keys list), condition
//!   keys list, dependent actions list
//! - `RTYPES`: name, service, ARN formats list, condition keys list
//! - `SVC_KEYS`, `GLOBAL_KEYS`: name, type code
//! - `KEY_INDEX` (distinct names sorted by lower case): name, type code
//! - `KEY_TEMPLATES`: indices into `KEY_INDEX` of names with a `${...}` or `<...>` part
//! - `META`: provenance source, version, data date, import date, licence, sha256

pub(crate) const MAGIC: &[u8; 8] = b"IAMLCAT\0";
/// Bump when the layout changes.
pub(crate) const VERSION: u32 = 1;

pub(crate) const STR_OFFS: usize = 0;
pub(crate) const STR_BYTES: usize = 1;
pub(crate) const SERVICES: usize = 2;
pub(crate) const ACTIONS: usize = 3;
pub(crate) const RTYPES: usize = 4;
pub(crate) const SVC_KEYS: usize = 5;
pub(crate) const GLOBAL_KEYS: usize = 6;
pub(crate) const KEY_INDEX: usize = 7;
pub(crate) const KEY_TEMPLATES: usize = 8;
pub(crate) const POOL: usize = 9;
pub(crate) const META: usize = 10;
pub(crate) const SECTION_COUNT: usize = 11;

/// Row widths in u32 fields (STR_BYTES is bytes, width 0 = unchecked).
pub(crate) const WIDTHS: [usize; SECTION_COUNT] = [1, 0, 8, 6, 4, 2, 2, 2, 1, 1, 6];

/// In a type code: the key is an `aws:` global key.
pub(crate) const GLOBAL_BIT: u32 = 1 << 9;

/// In a type code: the key is documented as deprecated (global keys only).
pub(crate) const DEPRECATED_BIT: u32 = 1 << 10;

pub(crate) const HEADER_LEN: usize = 16 + 8 * SECTION_COUNT;

/// Whether a condition key name has a template part (`${TagKey}`, `<key>`).
pub(crate) fn is_template(name: &str) -> bool {
    name.contains("${") || (name.contains('<') && name.contains('>'))
}
