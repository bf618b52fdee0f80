//! Generates an image, shows a progress bar while it waits, and writes the
//! result to disk.
//!
//! ```sh
//! cargo run --example generate                         # no key: the built-in fake API
//! cargo run --example generate -- "a red fox in snow"  # with VIDEOGEN_API_KEY: the real API (costs credits)
//! ```

mod common;

use std::{process::ExitCode, time::Duration};

use common::fail;
use indicatif::{ProgressBar, ProgressStyle};
use videogen::types::GenerateImageRequest;

#[tokio::main]
async fn main() -> ExitCode {
    let prompt = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "a red fox in snow".to_owned());
    let (client, _fake) = match common::connect(|fake| fake.job_duration(Duration::from_secs(3))).await {
        Ok(connected) => connected,
        Err(error) => return fail(&error),
    };
    let job = match client.tools().generate_image(GenerateImageRequest::new(prompt)).await {
        Ok(job) => job,
        Err(error) => return fail(&error),
    };
    let bar = ProgressBar::new(100).with_message(job.id().to_owned());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}%").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let waited = job
        .wait()
        .poll_interval(Duration::from_millis(250))
        .on_progress(move |percent| progress.set_position(percent.round() as u64))
        .await;
    bar.finish();
    if let Err(error) = waited {
        return fail(&error);
    }
    let files = match job.files().await {
        Ok(files) => files,
        Err(error) => return fail(&error),
    };
    for (index, file) in files.iter().enumerate() {
        let dest = format!("generated-{index}.png");
        match client.files().download(&file.file_id, &dest).await {
            Ok(done) => println!("{} -> {} ({} bytes)", file.file_id, done.path.display(), done.bytes),
            Err(error) => return fail(&error),
        }
    }
    ExitCode::SUCCESS
}
