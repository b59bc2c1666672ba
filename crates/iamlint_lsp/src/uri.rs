//! Document URIs: the local path of a `file:` URI, the file name of any other.

use std::path::PathBuf;

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The URI without its query and fragment.
fn without_suffix(uri: &str) -> &str {
    let end = uri.find(['?', '#']).unwrap_or(uri.len());
    &uri[..end]
}

/// The local path of a `file:` URI (`file:///home/a%20b/p.json`, `file://localhost/...`),
/// percent-decoded; `None` for another scheme or host, or a malformed escape.
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = without_suffix(uri);
    let scheme_end = rest.find(':')?;
    if !rest[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = rest[scheme_end + 1..].strip_prefix("//")?;
    let slash = rest.find('/')?;
    let host = &rest[..slash];
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = percent_decode(&rest[slash..])?;
    // `file:///c:/x` on Windows
    let b = path.as_bytes();
    if cfg!(windows) && b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        return Some(PathBuf::from(&path[1..]));
    }
    Some(PathBuf::from(path))
}

/// The last segment of any URI's path, percent-decoded (`untitled:Untitled-1` gives
/// `Untitled-1`).
pub fn file_name(uri: &str) -> String {
    let rest = without_suffix(uri);
    let path = rest.split_once(':').map_or(rest, |(_, p)| p);
    let last = path.rsplit('/').next().unwrap_or(path);
    percent_decode(last).unwrap_or_else(|| last.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_give_decoded_paths() {
        assert_eq!(
            file_path("file:///home/me/a%20b/p%C3%A9.json"),
            Some(PathBuf::from("/home/me/a b/pé.json"))
        );
        assert_eq!(
            file_path("file://localhost/x/y.yaml?x=1#f"),
            Some(PathBuf::from("/x/y.yaml"))
        );
        assert_eq!(file_path("file://server/share/p.json"), None);
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file:///bad%zz"), None);
    }

    #[test]
    fn any_uri_has_a_file_name() {
        assert_eq!(file_name("untitled:Untitled-1"), "Untitled-1");
        assert_eq!(file_name("file:///a/b/role%20x.tf"), "role x.tf");
        assert_eq!(file_name("vscode-notebook-cell:/a/nb.ipynb#W1"), "nb.ipynb");
    }
}
