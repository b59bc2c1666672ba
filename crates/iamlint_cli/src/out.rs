//! Standard output for every command that prints with [`outln!`] and [`out!`].
//!
//! A reader that stops early (`iamlint expand '*' | head -1`) closes the pipe: writing
//! then fails with `EPIPE`, which `println!` turns into a panic (exit 101). Here it is
//! not an error: what is left to print is dropped, and the command ends as it would
//! have, with its own exit status. Any other write error (a full disk) is kept, and the
//! process reports it and exits with 2 ([`failure`]).

use std::io::Write;
use std::sync::OnceLock;

static FAILURE: OnceLock<String> = OnceLock::new();

/// Write to standard output (and flush, so that an error shows here); see the module.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = FAILURE.set(e.to_string());
        }
    }
}

/// The first write error other than a closed pipe, if any.
pub fn failure() -> Option<&'static str> {
    FAILURE.get().map(String::as_str)
}

/// `println!` to standard output, quiet on a closed pipe ([`write`]).
macro_rules! outln {
    () => {
        $crate::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to standard output, quiet on a closed pipe ([`write`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*))
    };
}
