//! The Content-Type of an upload, from its file name's extension: the media
//! VideoGen users upload, with the types `mime_guess` gave them before (a
//! full MIME database is a dependency for a few dozen lines of table).

use std::path::Path;

/// The MIME type for `path`'s extension (any case); `None` when unknown, so
/// that no Content-Type is sent.
pub(crate) fn content_type_for(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match extension.as_str() {
        // Images.
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "heic" => "image/heic",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        // Video.
        "mp4" => "video/mp4",
        "m4v" => "video/x-m4v",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "mpeg" | "mpg" => "video/mpeg",
        // Audio.
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/m4a",
        "aac" => "audio/aac",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "flac" => "audio/flac",
        "weba" => "audio/webm",
        // Text and documents.
        "txt" => "text/plain",
        "srt" => "application/x-subrip",
        "vtt" => "text/vtt",
        "json" => "application/json",
        "csv" => "text/csv",
        "pdf" => "application/pdf",
        "md" => "text/markdown",
        "html" => "text/html",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str) -> Option<&'static str> {
        content_type_for(Path::new(path))
    }

    /// Every entry of the table, so that a dropped or mistyped arm fails.
    const TABLE: &[(&str, &str)] = &[
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("svg", "image/svg+xml"),
        ("bmp", "image/bmp"),
        ("tif", "image/tiff"),
        ("tiff", "image/tiff"),
        ("heic", "image/heic"),
        ("avif", "image/avif"),
        ("ico", "image/x-icon"),
        ("mp4", "video/mp4"),
        ("m4v", "video/x-m4v"),
        ("mov", "video/quicktime"),
        ("webm", "video/webm"),
        ("mkv", "video/x-matroska"),
        ("avi", "video/x-msvideo"),
        ("mpeg", "video/mpeg"),
        ("mpg", "video/mpeg"),
        ("mp3", "audio/mpeg"),
        ("wav", "audio/wav"),
        ("m4a", "audio/m4a"),
        ("aac", "audio/aac"),
        ("ogg", "audio/ogg"),
        ("oga", "audio/ogg"),
        ("opus", "audio/ogg"),
        ("flac", "audio/flac"),
        ("weba", "audio/webm"),
        ("txt", "text/plain"),
        ("srt", "application/x-subrip"),
        ("vtt", "text/vtt"),
        ("json", "application/json"),
        ("csv", "text/csv"),
        ("pdf", "application/pdf"),
        ("md", "text/markdown"),
        ("html", "text/html"),
    ];

    #[test]
    fn every_extension_of_the_table_gives_its_type() {
        for (extension, expected) in TABLE {
            let path = format!("dir.d/file.{extension}");
            assert_eq!(of(&path), Some(*expected), "{path}");
        }
    }

    #[test]
    fn the_extension_is_matched_in_any_case() {
        assert_eq!(of("CLIP.MP4"), Some("video/mp4"));
        assert_eq!(of("Photo.JpEg"), Some("image/jpeg"));
    }

    #[test]
    fn unknown_or_missing_extensions_give_none() {
        for path in ["archive.xyz", "Makefile", "clip.mp4.part", ".mp4", "dir.mp4/file", ""] {
            assert_eq!(of(path), None, "{path}");
        }
    }
}
