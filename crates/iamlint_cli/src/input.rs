//! Reading one input (a file or standard input) into a [`PolicyFile`].

use crate::discover::{Input, InputKind};
use iamlint_formats::{bytes_to_text, load_text, LoadOptions, ReadError};
use iamlint_policy::PolicyFile;
use iamlint_report::SourceFile;
use std::io::Read;
use std::sync::Arc;

/// One input after reading and loading.
pub struct Loaded {
    pub source: Arc<SourceFile>,
    /// `Err` when the file could not be read at all.
    pub file: Result<PolicyFile, ReadError>,
}

pub fn load(input: &Input, opts: &LoadOptions) -> Loaded {
    let name = input.display_name();
    let id = input.id().map(str::to_owned);
    let text = match (&input.kind, input.path()) {
        (InputKind::Stdin, _) => {
            let mut bytes = Vec::new();
            match std::io::stdin()
                .take(opts.max_file_size + 1)
                .read_to_end(&mut bytes)
            {
                Ok(_) if bytes.len() as u64 > opts.max_file_size => Err(ReadError::TooLarge {
                    size: bytes.len() as u64,
                    limit: opts.max_file_size,
                }),
                Ok(_) => bytes_to_text(bytes),
                Err(e) => Err(ReadError::Io(e.to_string())),
            }
        }
        (InputKind::Unreadable(e), _) => Err(e.clone()),
        (_, Some(p)) => iamlint_formats::read_text(p, opts.max_file_size),
        (_, None) => Err(ReadError::NotFound),
    };
    // a walk reads `.txt` and extension-less files for their content: one that is not
    // text (a program, an image, UTF-16) or is too large to be a guide is passed over
    if let (
        InputKind::Walked,
        Some(p),
        Err(
            ReadError::Binary { .. }
            | ReadError::InvalidUtf8 { .. }
            | ReadError::WideText { .. }
            | ReadError::TooLarge { .. },
        ),
    ) = (&input.kind, input.path(), &text)
    {
        if iamlint_formats::is_content_only(p) {
            return Loaded {
                source: SourceFile::with_id(name, id, String::new()),
                file: Ok(PolicyFile::empty(
                    "unknown",
                    iamlint_syntax::SourceKind::Json,
                    iamlint_policy::FileKind::NotAPolicy,
                )),
            };
        }
    }
    match text {
        Ok(text) => {
            let file = load_text(&name, &text, opts);
            Loaded {
                source: SourceFile::with_id(name, id, text),
                file: Ok(file),
            }
        }
        Err(e) => Loaded {
            source: SourceFile::with_id(name, id, String::new()),
            file: Err(e),
        },
    }
}
