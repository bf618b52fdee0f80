//! Shared by the benches: a minimal local server, realistic payloads, the
//! hand-written reqwest baseline and minimal decode types, sampling and the figures file.
#![allow(dead_code)] // each bench uses its own part

pub mod figures;
pub mod minimal;
pub mod payload;
pub mod raw;
pub mod sampling;
pub mod server;
