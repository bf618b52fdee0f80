//! Hydrates one file and prints it as JSON.
//!
//! ```sh
//! cargo run --example hydrate                  # no key: the built-in fake API, file vg_file_demo
//! cargo run --example hydrate -- vg_file_abc   # with VIDEOGEN_API_KEY set: the real API
//! ```
//!
//! With `VIDEOGEN_API_KEY` set, the client talks to the real API (or to
//! `VIDEOGEN_BASE_URL`). Without it, the example starts `videogen-fake`, an
//! in-process server seeded with demo files, so it works with no account and
//! no network.

use std::process::ExitCode;

use videogen::{Client, API_KEY_ENV};
use videogen_fake::FakeVideoGen;

#[tokio::main]
async fn main() -> ExitCode {
    let file_id = std::env::args().nth(1).unwrap_or_else(|| "vg_file_demo".to_owned());
    let has_key = std::env::var(API_KEY_ENV).is_ok_and(|key| !key.trim().is_empty());

    // Keep the fake alive until the end: dropping it stops the server.
    let (client, _fake) = if has_key {
        match Client::from_env() {
            Ok(client) => (client, None),
            Err(error) => return fail(&error),
        }
    } else {
        let fake = FakeVideoGen::builder().with_demo_files().start().await;
        eprintln!(
            "no {API_KEY_ENV}: using the built-in fake API at {} (demo files: vg_file_demo, vg_file_demo_image, ...)",
            fake.base_url()
        );
        (fake.client(), Some(fake))
    };

    match client.files().hydrate(&file_id).await {
        Ok(file) => match serde_json::to_string_pretty(&file) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        },
        Err(error) => fail(&error),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
