//! An axum extractor that verifies a webhook delivery and yields its
//! [`Event`] (feature `axum`).
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use videogen::webhooks::{axum::VerifiedEvent, Verifier};
//!
//! async fn handle(VerifiedEvent(event): VerifiedEvent) -> &'static str {
//!     println!("{} {}", event.name(), event.id());
//!     "ok"
//! }
//!
//! # fn app(secret: &str) -> Result<Router, videogen::webhooks::VerifyError> {
//! let verifier = Verifier::new(secret)?;
//! let app: Router = Router::new().route("/webhooks/videogen", post(handle)).with_state(verifier);
//! # Ok(app) }
//! ```

use axum::{
    body::Body,
    extract::{FromRef, FromRequest, Request},
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{Event, Verifier, VerifyError};

/// Largest body read: deliveries are small JSON documents.
pub const MAX_BODY: usize = 1024 * 1024;

/// A delivery whose signature checked out, read as an [`Event`]. The
/// router's state must provide the [`Verifier`] (`FromRef`).
#[derive(Clone, Debug)]
pub struct VerifiedEvent(pub Event);

/// Why a delivery was refused: answered as 400 with a fixed body, so nothing
/// about the secret or the expected signature leaks to the sender. The
/// reason is kept for the service's own logs.
#[derive(Debug)]
pub struct Rejection(pub VerifyError);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, "webhook rejected").into_response()
    }
}

impl<S> FromRequest<S> for VerifiedEvent
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "webhook body too large").into_response())?;
        verifier
            .verify(&parts.headers, &body)
            .map(VerifiedEvent)
            .map_err(|error| Rejection(error).into_response())
    }
}
