//! Uploads a file and waits until VideoGen has processed it.
//!
//! ```sh
//! cargo run --example upload                     # no key: a generated 4 MiB file, to the fake
//! cargo run --example upload -- ./clip.mp4       # with VIDEOGEN_API_KEY set
//! ```

mod common;

use std::{process::ExitCode, time::Duration};

use common::fail;
use indicatif::ProgressBar;
use videogen::{UploadOptions, UploadSource};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _fake) = match common::connect(|fake| fake.processing_delay(Duration::from_secs(2))).await {
        Ok(connected) => connected,
        Err(error) => return fail(&error),
    };
    let source = match std::env::args().nth(1) {
        Some(path) => UploadSource::path(path),
        None => {
            let bytes: Vec<u8> = (0..4u32 << 20).map(|i| (i % 253) as u8).collect();
            let len = bytes.len() as u64;
            UploadSource::reader(std::io::Cursor::new(bytes), len)
        }
    };
    let len = source.byte_len().unwrap_or(0);
    let bar = ProgressBar::new(len);
    let progress = bar.clone();
    let options = UploadOptions::new()
        .display_name("example upload.bin")
        .on_progress(move |p| progress.set_position(p.bytes_done));
    eprintln!("uploading {len} bytes, then waiting for processing...");
    let result = client.files().upload(source, options).await;
    bar.finish_and_clear();
    match result {
        Ok(file) => {
            println!(
                "{} is ready: {}",
                file.id(),
                file.download_url().unwrap_or("(no download URL yet)")
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}
