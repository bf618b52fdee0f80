//! The routes the fake serves, as counted in the request log.

use std::fmt;

use http::Method;

/// One route of the fake: the eight Files operations, plus the signed
/// download and upload URLs and the public preview copy.
///
/// Used to count requests ([`FakeVideoGen::count`](crate::FakeVideoGen::count)),
/// to filter the request log, and to aim faults
/// ([`Faults::on`](crate::Faults::on)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Route {
    /// `GET /v1/files` (`getFiles`).
    GetFiles,
    /// `POST /v1/files/search` (`searchFiles`).
    SearchFiles,
    /// `GET /v1/files/{fileId}` (`getFile`).
    GetFile,
    /// `POST /v1/files/upload` (`createFileUpload`).
    CreateFileUpload,
    /// `POST /v1/files/{fileId}/hydrate` (`hydrateFile`).
    HydrateFile,
    /// `POST /v1/files/{fileId}/archive` (`archiveFile`).
    ArchiveFile,
    /// `POST /v1/files/{fileId}/enable-public-preview` (`enablePublicPreview`).
    EnablePublicPreview,
    /// `POST /v1/files/{fileId}/disable-public-preview` (`disablePublicPreview`).
    DisablePublicPreview,
    /// `GET /download/{fileId}/{rendition}?expires=..&sig=..`: a signed URL minted by hydrate
    /// (`expires` in Unix milliseconds, `sig` a hex signature).
    Download,
    /// `PUT /upload/{fileId}?expires=..&sig=..`: the presigned URL from createFileUpload.
    Upload,
    /// `GET /public/{fileId}` and `/public/{fileId}/hls`: the permanent public preview.
    PublicPreview,
}

impl Route {
    /// Every route.
    pub const ALL: [Route; 11] = [
        Route::GetFiles,
        Route::SearchFiles,
        Route::GetFile,
        Route::CreateFileUpload,
        Route::HydrateFile,
        Route::ArchiveFile,
        Route::EnablePublicPreview,
        Route::DisablePublicPreview,
        Route::Download,
        Route::Upload,
        Route::PublicPreview,
    ];

    /// The eight API operations (those that need the API key): the first
    /// eight of [`ALL`](Self::ALL).
    pub const OPERATIONS: &'static [Route] = Route::ALL.split_at(8).0;

    /// The spec's `operationId` for API operations (`hydrateFile`, ...);
    /// `download`, `upload` and `publicPreview` for the others.
    pub fn name(self) -> &'static str {
        match self {
            Route::GetFiles => "getFiles",
            Route::SearchFiles => "searchFiles",
            Route::GetFile => "getFile",
            Route::CreateFileUpload => "createFileUpload",
            Route::HydrateFile => "hydrateFile",
            Route::ArchiveFile => "archiveFile",
            Route::EnablePublicPreview => "enablePublicPreview",
            Route::DisablePublicPreview => "disablePublicPreview",
            Route::Download => "download",
            Route::Upload => "upload",
            Route::PublicPreview => "publicPreview",
        }
    }

    /// The route with this [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|route| route.name() == name)
    }

    /// True for the eight API operations: they need the API key and count
    /// against the rate limit. Signed URLs and public copies need neither.
    pub fn is_api(self) -> bool {
        !matches!(self, Route::Download | Route::Upload | Route::PublicPreview)
    }

    /// The route that serves `method` on the router's path pattern.
    pub(crate) fn from_pattern(method: &Method, pattern: &str) -> Option<Route> {
        let route = match pattern {
            "/v1/files" => Route::GetFiles,
            "/v1/files/search" => Route::SearchFiles,
            "/v1/files/upload" => Route::CreateFileUpload,
            "/v1/files/{fileId}" => Route::GetFile,
            "/v1/files/{fileId}/hydrate" => Route::HydrateFile,
            "/v1/files/{fileId}/archive" => Route::ArchiveFile,
            "/v1/files/{fileId}/enable-public-preview" => Route::EnablePublicPreview,
            "/v1/files/{fileId}/disable-public-preview" => Route::DisablePublicPreview,
            "/download/{fileId}/{rendition}" => Route::Download,
            "/upload/{fileId}" => Route::Upload,
            "/public/{fileId}" | "/public/{fileId}/hls" => Route::PublicPreview,
            _ => return None,
        };
        (method == route.method() || (route.method() == Method::GET && method == Method::HEAD)).then_some(route)
    }

    /// The HTTP method of the route.
    pub fn method(self) -> Method {
        match self {
            Route::GetFiles | Route::GetFile | Route::Download | Route::PublicPreview => Method::GET,
            Route::Upload => Method::PUT,
            _ => Method::POST,
        }
    }

    /// Which path segment holds the file id (`/v1/files/{id}` is segment 3
    /// counting the empty one before the first slash).
    pub(crate) fn file_id_segment(self) -> Option<usize> {
        match self {
            Route::GetFiles | Route::SearchFiles | Route::CreateFileUpload => None,
            Route::Download | Route::Upload | Route::PublicPreview => Some(2),
            _ => Some(3),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_operations_need_a_key() {
        for route in Route::ALL {
            assert_eq!(Route::from_name(route.name()), Some(route));
            assert_eq!(route.is_api(), Route::OPERATIONS.contains(&route), "{route}");
        }
        assert_eq!(Route::from_name("nope"), None);
        assert_eq!(
            Route::from_pattern(&Method::POST, "/v1/files/{fileId}/hydrate"),
            Some(Route::HydrateFile)
        );
        assert_eq!(Route::from_pattern(&Method::GET, "/v1/files/{fileId}/hydrate"), None);
        assert_eq!(
            Route::from_pattern(&Method::HEAD, "/download/{fileId}/{rendition}"),
            Some(Route::Download)
        );
    }
}
