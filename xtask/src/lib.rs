//! Maintainer tasks for the videogen workspace, run as `cargo xtask <task>`.
//!
//! A library so that the drift and mutation tests in `xtask/tests/` can call
//! the same code the command runs.

pub mod diff;
pub mod drift;
pub mod facts;
pub mod model;
pub mod normalize;
pub mod record;
pub mod regen;
pub mod report;
pub mod source;
pub mod spec;

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().expect("xtask sits inside the workspace").to_path_buf()
}
