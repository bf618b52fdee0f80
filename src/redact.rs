//! Keeping secrets out of logs and errors: signed-URL query strings and keys.

/// Replaces the query string of every URL in `text` with `?<redacted>`.
///
/// Signed URLs carry their signature in the query, so any URL that may reach
/// a message, a log line or a `Debug` output goes through here first.
pub(crate) fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let url_part = &rest[start..];
        let end = url_part
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(url_part.len());
        out.push_str(&redact_url(&url_part[..end]));
        rest = &url_part[end..];
    }
    out.push_str(rest);
    out
}

/// One URL without its query string (and fragment), for display.
pub(crate) fn redact_url(url: &str) -> String {
    match url.find(['?', '#']) {
        Some(cut) => format!("{}?<redacted>", &url[..cut]),
        None => url.to_owned(),
    }
}

fn find_url(text: &str) -> Option<usize> {
    [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()
}

/// The first `max` characters of a response body, URLs redacted, for error messages.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        cut.push('…');
    }
    redact_urls(&cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_removed_from_every_url() {
        let text = r#"{"url":"https://cdn.example/a.mp4?token=SECRET&x=1","b":"http://h/p?sig=S"} tail"#;
        let clean = redact_urls(text);
        assert!(!clean.contains("SECRET") && !clean.contains("sig=S"), "{clean}");
        assert!(clean.contains("https://cdn.example/a.mp4?<redacted>"));
        assert!(clean.ends_with(" tail"));
        assert_eq!(redact_url("https://h/p"), "https://h/p");
    }

    #[test]
    fn snippets_are_cut_on_character_boundaries() {
        assert_eq!(snippet("héllo wörld".as_bytes(), 4), "héll…");
        assert_eq!(snippet(b"short", 10), "short");
    }
}
