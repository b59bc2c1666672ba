//! Reading files safely: a specific error for each way reading can fail, the size limit
//! checked before the bytes are read, UTF-8 validated.

use std::io::Read;
use std::path::Path;

/// Why a file could not be read. Each has its own message.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file not found")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("is a directory")]
    IsDirectory,
    #[error("broken symbolic link (its target does not exist)")]
    BrokenSymlink,
    #[error("symbolic link loop (following its links leads back to a link already followed)")]
    SymlinkLoop,
    /// A FIFO, socket or device: never read (opening a FIFO waits for a writer forever).
    #[error(
        "not a regular file: {kind}, so it is not read (to check what a pipe carries, \
         pass it on standard input as `-`)"
    )]
    NotRegular { kind: &'static str },
    #[error("file is {size} bytes, over the {limit}-byte limit (raise it with `--max-file-size`)")]
    TooLarge { size: u64, limit: u64 },
    #[error("file is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    /// UTF-16 or UTF-32 text (what Windows PowerShell 5 writes by default).
    #[error(
        "file is {encoding}, not UTF-8: convert it with `iconv -f {iconv} -t UTF-8 FILE > NEW` \
         (in PowerShell, `Out-File -Encoding utf8`)"
    )]
    WideText {
        /// `UTF-16 LE (with a byte-order mark)`, ...
        encoding: &'static str,
        /// The name `iconv -f` takes for it.
        iconv: &'static str,
    },
    #[error("file looks binary (it contains a NUL byte at offset {offset})")]
    Binary { offset: usize },
    /// A directory of a walk that could not be read: its files were not checked.
    #[error("cannot read this directory, so its files were not checked: {0}")]
    Directory(String),
    #[error("{0}")]
    Io(String),
}

/// Read a file as UTF-8 text within the size limit, with a specific error for each way
/// it can fail. Only a regular file is read: a FIFO, socket or device is refused without
/// reading (or waiting for) anything.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    // Opened first, then asked about through the handle: one path lookup per file, and
    // no window between asking and opening. Without blocking: opening a FIFO otherwise
    // waits until something opens it for writing, which may be never.
    let file = match open_nonblocking(path) {
        Ok(f) => f,
        Err(e) => return Err(open_error(path, &e)),
    };
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: special_kind(&meta.file_type()),
        });
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max,
        });
    }
    let bytes = if meta.len() > 0 {
        read_sized(file, meta.len(), max)
    } else {
        // `/proc` files and the like say 0 bytes: no size to trust
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

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // no effect on a regular file's reads
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What kind of file that is not a regular file or a directory this is.
fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = t;
    "a special file"
}

/// Why `path` could not be opened. Asked about only once opening has failed.
fn open_error(path: &Path, e: &std::io::Error) -> ReadError {
    if is_loop(e) {
        return ReadError::SymlinkLoop;
    }
    match std::fs::metadata(path) {
        // a socket cannot be opened (`ENXIO`): say what it is
        Ok(m) if !m.is_file() && !m.is_dir() => ReadError::NotRegular {
            kind: special_kind(&m.file_type()),
        },
        Err(_) if std::fs::symlink_metadata(path).is_ok() => ReadError::BrokenSymlink,
        _ => io_error(e),
    }
}

#[cfg(unix)]
fn is_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_loop(_: &std::io::Error) -> bool {
    false
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

/// Validate bytes read from anywhere (a file, standard input). A UTF-8 byte-order mark
/// is kept (spans count it; columns do not, see `iamlint_syntax::LineIndex::line_col`).
pub fn bytes_to_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some((encoding, iconv)) = wide_encoding(&bytes) {
        return Err(ReadError::WideText { encoding, iconv });
    }
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary { offset });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// UTF-32 or UTF-16 text: by its byte-order mark, or, without one, by the NUL bytes of
/// ASCII text in UTF-16 (every other byte, from the first pair on). The encoding's name
/// and the name `iconv -f` takes for it.
fn wide_encoding(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    // UTF-32 first: its little-endian mark starts with UTF-16's
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Some(("UTF-32 LE (with a byte-order mark)", "UTF-32"));
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Some(("UTF-32 BE (with a byte-order mark)", "UTF-32"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(("UTF-16 LE (with a byte-order mark)", "UTF-16"));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(("UTF-16 BE (with a byte-order mark)", "UTF-16"));
    }
    // without a mark: ASCII text in UTF-16 (`{"Version"` is `{ 0 " 0 V 0 ...`)
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = || head.chunks_exact(2);
    if pairs().all(|p| p[0] != 0 && p[0].is_ascii() && p[1] == 0) {
        return Some(("UTF-16 LE (without a byte-order mark)", "UTF-16LE"));
    }
    if pairs().all(|p| p[0] == 0 && p[1] != 0 && p[1].is_ascii()) {
        return Some(("UTF-16 BE (without a byte-order mark)", "UTF-16BE"));
    }
    None
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

    /// UTF-16 and UTF-32 are named, with or without a byte-order mark; other NULs are
    /// binary; a UTF-8 byte-order mark is text.
    #[test]
    fn wide_text_is_named() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("{\"Version\": 1}".bytes().flat_map(|b| [b, 0]))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("{\"Version\": 1}".bytes().flat_map(|b| [0, b]))
            .collect();
        let cases: [(&[u8], &str); 5] = [
            (&utf16le, "UTF-16 LE (with a byte-order mark)"),
            (&utf16be, "UTF-16 BE (with a byte-order mark)"),
            (&utf16le[2..], "UTF-16 LE (without a byte-order mark)"),
            (&utf16be[2..], "UTF-16 BE (without a byte-order mark)"),
            (
                &[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0],
                "UTF-32 LE (with a byte-order mark)",
            ),
        ];
        for (bytes, name) in cases {
            match bytes_to_text(bytes.to_vec()) {
                Err(e @ ReadError::WideText { encoding, .. }) => {
                    assert_eq!(encoding, name);
                    assert!(e.to_string().contains("-t UTF-8"), "{e}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(matches!(
            bytes_to_text(b"{\"a\": \"\0\"}".to_vec()),
            Err(ReadError::Binary { offset: 7 })
        ));
        assert_eq!(
            bytes_to_text(b"\xEF\xBB\xBF{}".to_vec()).expect("text"),
            "\u{feff}{}"
        );
    }

    /// A FIFO is refused at once, without waiting for a writer; a symbolic link loop and
    /// a broken link are told apart.
    #[cfg(unix)]
    #[test]
    fn special_files_and_links() {
        let dir = std::env::temp_dir().join(format!("iamlint-read-special-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fifo = dir.join("fifo.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            match read_text(&fifo, 1 << 20) {
                Err(e @ ReadError::NotRegular { kind }) => {
                    assert_eq!(kind, "a FIFO");
                    assert!(
                        e.to_string().starts_with("not a regular file: a FIFO"),
                        "{e}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            read_text(Path::new("/dev/null"), 1 << 20),
            Err(ReadError::NotRegular {
                kind: "a character device"
            })
        ));
        std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).expect("link");
        std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).expect("link");
        assert!(matches!(
            read_text(&dir.join("loop-a"), 1 << 20),
            Err(ReadError::SymlinkLoop)
        ));
        std::os::unix::fs::symlink("missing.json", dir.join("broken")).expect("link");
        assert!(matches!(
            read_text(&dir.join("broken"), 1 << 20),
            Err(ReadError::BrokenSymlink)
        ));
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
