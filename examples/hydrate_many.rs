//! Hydrates many files at once and reports how it went.
//!
//! ```sh
//! cargo run --example hydrate_many                          # no key: 500 files on the fake, rate-limited
//! cargo run --example hydrate_many -- vg_file_a vg_file_b   # with VIDEOGEN_API_KEY set
//! ```
//!
//! Against the fake, the key is limited to 200 requests per second, so the
//! batch meets 429s: the client's shared back-off slows the whole batch down
//! instead of letting calls fail.

mod common;

use std::{process::ExitCode, time::Duration};

use common::fail;
use futures_util::StreamExt;
use videogen_fake::SeedFile;

#[tokio::main]
async fn main() -> ExitCode {
    let mut ids: Vec<String> = std::env::args().skip(1).collect();
    let demo = ids.is_empty();
    if demo {
        ids = (0..500).map(|i| format!("vg_file_thumb_{i:03}")).collect();
    }
    let seeds: Vec<SeedFile> = ids.iter().map(|id| SeedFile::image(id.as_str())).collect();
    let (client, fake) = match common::connect(|fake| fake.files(seeds)).await {
        Ok(connected) => connected,
        Err(error) => return fail(&error),
    };
    if let Some(fake) = &fake {
        fake.faults().rate_limit(200, Duration::from_secs(1));
    }
    let started = std::time::Instant::now();
    let (mut ok, mut failed) = (0, 0);
    let mut batch = client.files().hydrate_many(ids).concurrency(32);
    while let Some((id, result)) = batch.next().await {
        match result {
            Ok(file) if !demo => println!("{id}: {}", file.thumbnail_url().unwrap_or("-")),
            Ok(_) => ok += 1,
            Err(error) => {
                failed += 1;
                eprintln!("{id}: {error}");
            }
        }
    }
    if demo {
        println!("{ok} hydrated, {failed} failed, in {:.2?}", started.elapsed());
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
