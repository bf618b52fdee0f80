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
    } else if id.chars().any(char::is_control) {
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
    use super::check;

    #[test]
    fn ids_that_would_change_the_path_are_rejected() {
        for bad in ["", ".", "..", "a\nb", "\u{7f}x", "tab\there"] {
            let err = check("fileId", bad).unwrap_err();
            assert!(err.to_string().contains("file id"), "{err}");
            assert!(err.to_string().contains("`fileId`"), "{err}");
        }
        for ok in ["vg_file_abc", "a/b", "%2e%2e", " spaced ", "ünï", "...", ".a"] {
            assert_eq!(check("fileId", ok).unwrap(), ok);
        }
    }
}
