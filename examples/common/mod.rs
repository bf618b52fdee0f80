//! What every example shares: the real API when `VIDEOGEN_API_KEY` is set,
//! otherwise the in-process fake, seeded by the example.

use videogen::{Client, API_KEY_ENV};
use videogen_fake::{Builder, FakeVideoGen};

/// A client, and the fake behind it when there is no key. Keep the fake
/// alive until the end: dropping it stops the server.
pub async fn connect(seed: impl FnOnce(Builder) -> Builder) -> Result<(Client, Option<FakeVideoGen>), videogen::Error> {
    if std::env::var(API_KEY_ENV).is_ok_and(|key| !key.trim().is_empty()) {
        return Ok((Client::from_env()?, None));
    }
    let fake = seed(FakeVideoGen::builder()).start().await;
    eprintln!("no {API_KEY_ENV}: using the built-in fake API at {}", fake.base_url());
    Ok((fake.client(), Some(fake)))
}

/// Prints the error for a person and gives the failing exit code.
#[allow(dead_code)]
pub fn fail(error: &dyn std::fmt::Display) -> std::process::ExitCode {
    eprintln!("error: {error}");
    std::process::ExitCode::FAILURE
}
