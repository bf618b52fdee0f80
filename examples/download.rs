//! Downloads a file's best rendition with a progress bar.
//!
//! ```sh
//! cargo run --example download                              # no key: a 64 MiB demo video from the fake
//! cargo run --example download -- vg_file_abc clip.mp4      # with VIDEOGEN_API_KEY set
//! ```
//!
//! The bytes stream into a temporary file beside the destination, which is
//! renamed into place only when complete: the destination is whole or absent.

mod common;

use std::{path::PathBuf, process::ExitCode};

use common::fail;
use indicatif::{ProgressBar, ProgressStyle};
use videogen::Rendition;
use videogen_fake::SeedFile;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let file_id = args.next().unwrap_or_else(|| "vg_file_big_demo".to_owned());
    let dest = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("{file_id}.mp4")));
    let seed = |fake: videogen_fake::Builder| {
        fake.file(
            SeedFile::video("vg_file_big_demo")
                .display_name("Big demo.mp4")
                .bytes(64 << 20),
        )
    };
    let (client, _fake) = match common::connect(seed).await {
        Ok(connected) => connected,
        Err(error) => return fail(&error),
    };

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let result = client
        .files()
        .download(&file_id, &dest)
        .rendition(Rendition::Download)
        .on_progress(move |p| {
            if let Some(total) = p.total {
                progress.set_length(total);
            }
            progress.set_position(p.bytes_done);
        })
        .await;
    bar.finish_and_clear();
    match result {
        Ok(done) => {
            println!(
                "{} bytes -> {} ({} resumes)",
                done.bytes,
                done.path.display(),
                done.resumes
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}
