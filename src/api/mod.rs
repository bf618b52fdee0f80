//! The middle layer: one handle per tag of the API, each a few lines per
//! operation over the runtime's generic call path.

use std::{future::Future, pin::Pin};

/// A boxed future that owns what it needs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Runs one operation through the runtime's call path (retries, deadline,
/// rate-limit hold, tracing, error mapping):
/// `call!(runtime, HydrateFile, |g| g.hydrate_file(&id))`.
///
/// The call's state (generated client, retry loop, the generated request
/// future) lives in one heap allocation, so the future a handle method
/// returns stays a few hundred bytes: callers move it around (into
/// `join_all`, `buffer_unordered`, a spawned task), and moving kilobytes per
/// call showed up as memcpy time in profiles with many calls in flight.
macro_rules! call {
    ($rt:expr, $op:ident, |$g:ident| $send:expr) => {{
        let rt = &$rt;
        ::std::boxed::Box::pin(async {
            let $g = rt.generated($crate::Operation::$op);
            rt.call(&$g, || $send).await
        })
        .await
    }};
}

pub(crate) mod account;
pub(crate) mod entities;
pub(crate) mod files;
pub(crate) mod jobs;
pub(crate) mod projects;
pub(crate) mod resources;
pub(crate) mod text;
pub(crate) mod tools;
pub(crate) mod webhook_endpoints;
pub(crate) mod workflows;
