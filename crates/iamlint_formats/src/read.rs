//! Reading files safely: a specific error for each way reading can fail, the size limit
//! checked before the bytes are read, UTF-8 validated.

use std::io::Read;
use std::path::Path;

/// Why a file could not be read. Each has its own message.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file not found")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("is a directory")]
    IsDirectory,
    #[error("broken symbolic link (its target does not exist)")]
    BrokenSymlink,
    #[error("file is {size} bytes, over the {limit}-byte limit (raise it with `--max-file-size`)")]
    TooLarge { size: u64, limit: u64 },
    #[error("file is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("file looks binary (it contains a NUL byte at offset {offset})")]
    Binary { offset: usize },
    #[error("{0}")]
    Io(String),
}

/// Read a file as UTF-8 text within the size limit, with a specific error for each way
/// it can fail.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    // Opened first, then asked about through the handle: one path lookup per file.
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            if std::fs::metadata(path).is_err() && std::fs::symlink_metadata(path).is_ok() {
                return Err(ReadError::BrokenSymlink);
            }
            return Err(io_error(&e));
        }
    };
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max,
        });
    }
    let bytes = if meta.is_file() && meta.len() > 0 {
        read_sized(file, meta.len(), max)
    } else {
        // pipes, devices, `/proc` files: no size to trust
        let mut bytes = Vec::new();
        file.take(max + 1).read_to_end(&mut bytes).map(|_| bytes)
    }
    .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: max,
        });
    }
    bytes_to_text(bytes)
}

/// The bytes of `file`, whose size was `size` when asked. A regular file hands over all
/// of its bytes to one `read` big enough for them, so once `size` bytes have come the
/// file is taken as read, without the extra `read` that `read_to_end` makes to see the
/// end (one system call per file fewer). A file that has grown meanwhile is read on to
/// its end (at most `max + 1` bytes, for the caller's limit check); one that has shrunk
/// ends where its bytes end.
fn read_sized(mut file: std::fs::File, size: u64, max: u64) -> std::io::Result<Vec<u8>> {
    let len = usize::try_from(size).unwrap_or(0);
    // one byte of room past the size: a file that grew shows it in the same `read`
    let mut bytes = vec![0u8; len + 1];
    let mut filled = 0;
    while filled < len {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if filled > len {
        // grew since `metadata`: read on, within the limit
        file.take((max + 1).saturating_sub(filled as u64))
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Validate bytes read from anywhere (a file, standard input).
pub fn bytes_to_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary { offset });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

fn io_error(e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        _ => ReadError::Io(e.to_string().to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way reading can fail has its own error, read through the opened file.
    #[test]
    fn read_text_errors() {
        let dir = std::env::temp_dir().join(format!("iamlint-read-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("p.json");
        std::fs::write(&file, "{\"Version\": \"2012-10-17\"}").expect("write");
        assert!(matches!(
            read_text(&file, 1 << 20).as_deref(),
            Ok("{\"Version\": \"2012-10-17\"}")
        ));
        assert!(matches!(
            read_text(&file, 4),
            Err(ReadError::TooLarge { size: 25, limit: 4 })
        ));
        assert!(matches!(
            read_text(&dir, 1 << 20),
            Err(ReadError::IsDirectory)
        ));
        assert!(matches!(
            read_text(&dir.join("missing.json"), 1 << 20),
            Err(ReadError::NotFound)
        ));
        let nul = dir.join("nul.json");
        std::fs::write(&nul, b"{\0}").expect("write");
        assert!(matches!(
            read_text(&nul, 1 << 20),
            Err(ReadError::Binary { offset: 1 })
        ));
        let empty = dir.join("empty.json");
        std::fs::write(&empty, b"").expect("write");
        assert!(matches!(read_text(&empty, 1 << 20).as_deref(), Ok("")));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// A size from `metadata` that is stale either way still gives the file's bytes: a
    /// file that grew is read to its end (within the limit), one that shrank ends early.
    #[test]
    fn read_sized_with_a_stale_size() {
        let dir = std::env::temp_dir().join(format!("iamlint-read-sized-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("p.json");
        let text: Vec<u8> = (0..10_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&file, &text).expect("write");
        let open = || std::fs::File::open(&file).expect("open");
        for size in [10_000, 1, 9_999, 20_000] {
            assert_eq!(
                read_sized(open(), size, 1 << 20).expect("read"),
                text,
                "{size}"
            );
        }
        // grown past the limit: at most `max + 1` bytes, for the caller to reject
        assert_eq!(read_sized(open(), 10, 100).expect("read").len(), 101);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
