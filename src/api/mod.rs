//! The middle layer: one handle per tag of the API, each a few lines per
//! operation over the runtime's generic call path.

use std::{future::Future, pin::Pin};

/// A boxed future that owns what it needs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

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
