//! The routes the fake serves, as counted in the request log: every API
//! operation of [`videogen::Operation`] (routed by its method and path
//! template from [`Operation::info`]), plus the URLs the API hands out.

use std::{collections::HashMap, fmt, sync::OnceLock};

use http::Method;
use videogen::Operation;

/// One route of the fake: an API operation, or one of the URLs the API hands
/// out (signed downloads and uploads, public previews, export downloads,
/// catalogue assets).
///
/// Used to count requests ([`FakeVideoGen::count`](crate::FakeVideoGen::count)),
/// to filter the request log, and to aim faults
/// ([`Faults::on`](crate::Faults::on)). Anything that takes a route also
/// takes a [`videogen::Operation`]:
///
/// ```no_run
/// # async fn run(fake: videogen_fake::FakeVideoGen) {
/// use videogen::Operation;
/// use videogen_fake::Route;
/// assert_eq!(Route::from(Operation::HydrateFile), Route::HydrateFile);
/// let polls = fake.count(Operation::GetToolExecutionInfo);
/// # let _ = polls;
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Route {
    /// An API operation (needs the API key, counts against the rate limit).
    Api(Operation),
    /// `GET /download/{fileId}/{rendition}?expires=..&sig=..`: a signed URL minted by hydrate
    /// (`expires` in Unix milliseconds, `sig` a hex signature).
    Download,
    /// `PUT /upload/{fileId}?expires=..&sig=..`: the presigned URL from createFileUpload.
    Upload,
    /// `GET /public/{fileId}` and `/public/{fileId}/hls`: the permanent public preview.
    PublicPreview,
    /// `GET /exports/{exportId}/video.mp4?expires=..&sig=..` (and `/thumbnail.jpg`):
    /// the signed `downloadUrl` of a finished export.
    ExportDownload,
    /// `GET /assets/{..}`: pictures and sample clips of the resource catalogues
    /// (presenter images, voice samples).
    Asset,
}

/// Shorthands for the eight Files operations (`Route::HydrateFile` is
/// `Route::Api(Operation::HydrateFile)`); every other operation is written
/// `Route::Api(Operation::..)` or passed as an [`Operation`] directly.
#[allow(non_upper_case_globals)]
impl Route {
    /// `GET /v1/files` (`getFiles`).
    pub const GetFiles: Route = Route::Api(Operation::GetFiles);
    /// `POST /v1/files/search` (`searchFiles`).
    pub const SearchFiles: Route = Route::Api(Operation::SearchFiles);
    /// `GET /v1/files/{fileId}` (`getFile`).
    pub const GetFile: Route = Route::Api(Operation::GetFile);
    /// `POST /v1/files/upload` (`createFileUpload`).
    pub const CreateFileUpload: Route = Route::Api(Operation::CreateFileUpload);
    /// `POST /v1/files/{fileId}/hydrate` (`hydrateFile`).
    pub const HydrateFile: Route = Route::Api(Operation::HydrateFile);
    /// `POST /v1/files/{fileId}/archive` (`archiveFile`).
    pub const ArchiveFile: Route = Route::Api(Operation::ArchiveFile);
    /// `POST /v1/files/{fileId}/enable-public-preview` (`enablePublicPreview`).
    pub const EnablePublicPreview: Route = Route::Api(Operation::EnablePublicPreview);
    /// `POST /v1/files/{fileId}/disable-public-preview` (`disablePublicPreview`).
    pub const DisablePublicPreview: Route = Route::Api(Operation::DisablePublicPreview);
}

/// The routes that are not API operations.
const URL_ROUTES: [Route; 5] = [
    Route::Download,
    Route::Upload,
    Route::PublicPreview,
    Route::ExportDownload,
    Route::Asset,
];

impl Route {
    /// Every route: the API operations in the spec's order, then the URL routes.
    pub const ALL: [Route; Operation::COUNT + URL_ROUTES.len()] = {
        let mut all = [Route::Download; Operation::COUNT + URL_ROUTES.len()];
        let mut i = 0;
        while i < Operation::COUNT {
            all[i] = Route::Api(Operation::ALL[i]);
            i += 1;
        }
        let mut j = 0;
        while j < URL_ROUTES.len() {
            all[Operation::COUNT + j] = URL_ROUTES[j];
            j += 1;
        }
        all
    };

    /// The API operations (those that need the API key): the first
    /// [`Operation::COUNT`] of [`ALL`](Self::ALL).
    pub const OPERATIONS: &'static [Route] = Route::ALL.split_at(Operation::COUNT).0;

    /// The spec's `operationId` for API operations (`hydrateFile`, ...);
    /// `download`, `upload`, `publicPreview`, `exportDownload` and `asset` for the others.
    pub fn name(self) -> &'static str {
        match self {
            Route::Api(op) => op.id(),
            Route::Download => "download",
            Route::Upload => "upload",
            Route::PublicPreview => "publicPreview",
            Route::ExportDownload => "exportDownload",
            Route::Asset => "asset",
        }
    }

    /// The route with this [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|route| route.name() == name)
    }

    /// The operation, for API routes.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Route::Api(op) => Some(op),
            _ => None,
        }
    }

    /// True for API operations: they need the API key and count against the
    /// rate limit. Signed URLs, public copies and assets need neither.
    pub fn is_api(self) -> bool {
        matches!(self, Route::Api(_))
    }

    /// The route that serves `method` on the router's path pattern.
    pub(crate) fn from_pattern(method: &Method, pattern: &str) -> Option<Route> {
        let method = if method == Method::HEAD { &Method::GET } else { method };
        if let Some(op) = api_routes().get(&(method.clone(), pattern)) {
            return Some(Route::Api(*op));
        }
        let route = match pattern {
            "/download/{fileId}/{rendition}" => Route::Download,
            "/upload/{fileId}" => Route::Upload,
            "/public/{fileId}" | "/public/{fileId}/hls" => Route::PublicPreview,
            "/exports/{exportId}/{name}" => Route::ExportDownload,
            "/assets/{*path}" => Route::Asset,
            _ => return None,
        };
        (*method == route.method()).then_some(route)
    }

    /// The HTTP method of the route.
    pub fn method(self) -> Method {
        match self {
            Route::Api(op) => op.info().method.clone(),
            Route::Upload => Method::PUT,
            Route::Download | Route::PublicPreview | Route::ExportDownload | Route::Asset => Method::GET,
        }
    }

    /// The path template, e.g. `/v1/files/{fileId}/hydrate`.
    pub fn path(self) -> &'static str {
        match self {
            Route::Api(op) => op.info().path,
            Route::Download => "/download/{fileId}/{rendition}",
            Route::Upload => "/upload/{fileId}",
            Route::PublicPreview => "/public/{fileId}",
            Route::ExportDownload => "/exports/{exportId}/{name}",
            Route::Asset => "/assets/{*path}",
        }
    }

    /// Names of the path parameters, in path order.
    pub(crate) fn path_params(self) -> &'static [&'static str] {
        match self {
            Route::Api(op) => op.info().path_params,
            Route::Download => &["fileId", "rendition"],
            Route::Upload | Route::PublicPreview => &["fileId"],
            Route::ExportDownload => &["exportId", "name"],
            Route::Asset => &[],
        }
    }
}

/// `(method, path template)` of every operation.
fn api_routes() -> &'static HashMap<(Method, &'static str), Operation> {
    static ROUTES: OnceLock<HashMap<(Method, &'static str), Operation>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        Operation::ALL
            .iter()
            .map(|op| ((op.info().method.clone(), op.info().path), *op))
            .collect()
    })
}

impl From<Operation> for Route {
    fn from(op: Operation) -> Route {
        Route::Api(op)
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
            assert_eq!(
                Route::from_pattern(&route.method(), route.path()),
                Some(route),
                "{route}"
            );
        }
        assert_eq!(Route::OPERATIONS.len(), Operation::COUNT);
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
        assert_eq!(
            Route::from_pattern(&Method::DELETE, "/v1/webhooks/endpoints/{endpointId}"),
            Some(Route::Api(Operation::DeleteWebhookEndpoint))
        );
    }
}
