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

mod common;

use std::process::ExitCode;

use common::fail;

#[tokio::main]
async fn main() -> ExitCode {
    let file_id = std::env::args().nth(1).unwrap_or_else(|| "vg_file_demo".to_owned());
    let (client, _fake) = match common::connect(|fake| fake.with_demo_files()).await {
        Ok(connected) => connected,
        Err(error) => return fail(&error),
    };
    let file = match client.files().hydrate(&file_id).await {
        Ok(file) => file,
        Err(error) => return fail(&error),
    };
    match serde_json::to_string_pretty(&file) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}
