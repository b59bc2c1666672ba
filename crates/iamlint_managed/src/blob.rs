//! The compiled blob format (shared by the encoder in [`crate::build`] and the reader in
//! [`crate::ManagedPolicies`]).
//!
//! ```text
//! header   magic "IAMLMNG\0" | version u32 | section count u32 | (offset u32, len u32) × count
//! sections each starting 4-aligned; u32 arrays are little-endian
//! ```
//!
//! - `STR_OFFS` (u32 × strings + 1) and `STR_BYTES` (UTF-8): string `id` is
//!   `STR_BYTES[STR_OFFS[id]..STR_OFFS[id + 1]]`. Every distinct string once, the most
//!   frequent first, so the ids the documents use most fit in one or two varint bytes.
//! - `POLICIES`: one row of [`WIDTH`] u32 fields per policy, sorted by name (bytes, case
//!   sensitive as IAM names are): name, path (`/`, `/service-role/`, or [`NONE`] when the
//!   source has no ARN), default version number (`v8` → 8), create date, update date,
//!   flags ([`DEPRECATED`], [`FROM_IAM_DATASET`]), replacement, replacement source, source
//!   commit, document start and length in `DOCS`. Absent strings are [`NONE`].
//! - `DOCS`: each document as a token stream of LEB128 varints. A value is one varint
//!   whose low three bits are its tag: [`TAG_STR`] and [`TAG_NUM`] (string id above the
//!   tag; a number keeps its JSON text), [`TAG_OBJ`] (member count above the tag, then
//!   per member a key string id and a value), [`TAG_ARR`] (item count, then the items),
//!   [`TAG_TRUE`], [`TAG_FALSE`], [`TAG_NULL`]. Key order is the source's.
//! - `META` (u32 array): import date, source count, then per source [`SOURCE_WIDTH`]
//!   fields: name, kind, version, data date, publication date, licence, sha256, url
//!   (string ids) and the number of policies taken from it.
//!
//! Nothing is decoded until asked: opening the blob reads the header; a lookup is a binary
//! search over the rows; a document is rebuilt as JSON text from its tokens on demand.

pub(crate) const MAGIC: &[u8; 8] = b"IAMLMNG\0";
/// Bump when the layout changes.
pub(crate) const VERSION: u32 = 1;

pub(crate) const STR_OFFS: usize = 0;
pub(crate) const STR_BYTES: usize = 1;
pub(crate) const POLICIES: usize = 2;
pub(crate) const DOCS: usize = 3;
pub(crate) const META: usize = 4;
pub(crate) const SECTION_COUNT: usize = 5;

pub(crate) const HEADER_LEN: usize = 16 + 8 * SECTION_COUNT;

/// Fields of a `POLICIES` row.
pub(crate) const F_NAME: usize = 0;
pub(crate) const F_PATH: usize = 1;
pub(crate) const F_VERSION: usize = 2;
pub(crate) const F_CREATED: usize = 3;
pub(crate) const F_UPDATED: usize = 4;
pub(crate) const F_FLAGS: usize = 5;
pub(crate) const F_REPLACEMENT: usize = 6;
pub(crate) const F_REPLACEMENT_SOURCE: usize = 7;
pub(crate) const F_SOURCE_COMMIT: usize = 8;
pub(crate) const F_DOC_START: usize = 9;
pub(crate) const F_DOC_LEN: usize = 10;
pub(crate) const WIDTH: usize = 11;

/// Fields per source in `META`.
pub(crate) const SOURCE_WIDTH: usize = 9;

/// An absent string.
pub(crate) const NONE: u32 = u32::MAX;

/// Flag: listed in `rules/deprecated-managed-policies.toml`.
pub(crate) const DEPRECATED: u32 = 1;
/// Flag: taken from iam-dataset (the npm snapshot does not hold it).
pub(crate) const FROM_IAM_DATASET: u32 = 2;

pub(crate) const TAG_BITS: u32 = 3;
pub(crate) const TAG_STR: u32 = 0;
pub(crate) const TAG_OBJ: u32 = 1;
pub(crate) const TAG_ARR: u32 = 2;
pub(crate) const TAG_NUM: u32 = 3;
pub(crate) const TAG_TRUE: u32 = 4;
pub(crate) const TAG_FALSE: u32 = 5;
pub(crate) const TAG_NULL: u32 = 6;

/// Appends `v` as an unsigned LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads an unsigned LEB128 varint at `*pos`, advancing it; `None` when truncated or
/// longer than a u32.
pub(crate) fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in [0u32, 7, 14, 21, 28] {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 21, u32::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut pos = 0;
            assert_eq!(get_varint(&out, &mut pos), Some(v));
            assert_eq!(pos, out.len());
        }
        let mut pos = 0;
        assert_eq!(get_varint(&[0x80, 0x80], &mut pos), None);
    }
}
