//! Path ids are checked before they go into a URL.
//!
//! Ids are opaque, so little is rejected: the empty id, `.` and `..` (which
//! would change the path after URL normalisation) and control characters.
//! Everything else is percent-encoded by the generated client.

use crate::Error;

/// Checks one path id; `name` is the parameter (`fileId`, `projectId`, ...).
pub(crate) fn check<'a>(name: &str, id: &'a str) -> Result<&'a str, Error> {
    let problem = if id.is_empty() {
        "is empty"
    } else if id == "." || id == ".." {
        "is a path segment (`.` or `..`)"
    } else if has_control(id) {
        "contains control characters"
    } else {
        return Ok(id);
    };
    let shown: String = id.escape_debug().take(40).collect();
    Err(Error::invalid_input(format!(
        "{} \"{shown}\" {problem}; pass the `{name}` exactly as VideoGen returned it",
        spoken(name)
    )))
}

/// `char::is_control` (U+0000-U+001F, U+007F-U+009F) over the UTF-8 bytes:
/// every call checks its ids, and a byte scan is several times cheaper than
/// decoding chars.
fn has_control(id: &str) -> bool {
    let bytes = id.as_bytes();
    // Nearly every id is printable ASCII: that test has no early exit, so it
    // compiles to a few vector instructions instead of a branch per byte.
    if bytes
        .iter()
        .fold(true, |printable, &b| printable & (b.wrapping_sub(0x20) < 0x5f))
    {
        return false;
    }
    bytes.iter().enumerate().any(|(i, &b)| {
        // U+0080-U+009F are encoded as 0xC2 0x80-0x9F.
        b < 0x20 || b == 0x7f || (b == 0xc2 && bytes.get(i + 1).is_some_and(|next| (0x80..=0x9f).contains(next)))
    })
}

/// `toolExecutionId` -> `tool execution id`.
fn spoken(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Checks an id and takes an owned copy for a future that outlives the call.
pub(crate) fn owned(name: &str, id: &str) -> Result<String, Error> {
    check(name, id).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::{check, has_control};

    #[test]
    fn the_byte_scan_agrees_with_char_is_control_on_every_code_point() {
        for c in (0..=0x2FFFu32).chain([0xFEFF, 0x10FFFF]).filter_map(char::from_u32) {
            let id = format!("a{c}b");
            assert_eq!(has_control(&id), c.is_control(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ids_that_would_change_the_path_are_rejected() {
        for bad in [
            "",
            ".",
            "..",
            "a\nb",
            "\u{7f}x",
            "tab\there",
            "a\u{85}",
            "\u{9f}z",
            "\u{80}",
            "\u{7f}",
            "\u{7f}\u{7f}",
        ] {
            let err = check("fileId", bad).unwrap_err();
            assert!(err.to_string().contains("file id"), "{err}");
            assert!(err.to_string().contains("`fileId`"), "{err}");
        }
        for ok in [
            "vg_file_abc",
            "a/b",
            "%2e%2e",
            " spaced ",
            "ünï",
            "...",
            ".a",
            "\u{a0}",
            "\u{7e}",
            "Ā",
        ] {
            assert_eq!(check("fileId", ok).unwrap(), ok);
        }
    }
}
