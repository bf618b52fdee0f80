//! Hydrates one file and prints it as JSON; against the built-in fake it
//! first starts an image generation and prints its execution id.
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

use std::{process::ExitCode, time::Duration};

use common::fail;
use videogen::types::GenerateImageRequest;

#[tokio::main]
async fn main() -> ExitCode {
    let file_id = std::env::args().nth(1).unwrap_or_else(|| "vg_file_demo".to_owned());
    let (client, fake) =
        match common::connect(|fake| fake.with_demo_files().job_duration(Duration::from_millis(300))).await {
            Ok(connected) => connected,
            Err(error) => return fail(&error),
        };
    if fake.is_some() {
        // Generation costs credits on the real API: only the fake gets one here.
        let request = GenerateImageRequest::new("a red fox in snow");
        let job = match client.tools().generate_image(request).await {
            Ok(job) => job,
            Err(error) => return fail(&error),
        };
        eprintln!("started tool execution {}", job.id());
        match job.wait().poll_interval(Duration::from_millis(100)).await {
            Ok(done) => eprintln!("{} with {} result(s)", done.status, done.results.len()),
            Err(error) => return fail(&error),
        }
    }
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
