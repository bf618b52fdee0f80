//! Runs the fake as a standalone server until Ctrl-C, for poking at it with
//! curl or pointing another program at it.
//!
//! ```sh
//! cargo run -p videogen-fake --example serve
//! curl -s -X POST -H "Authorization: Bearer vg_test_fake_key" http://127.0.0.1:PORT/v1/files/vg_file_demo/hydrate
//! ```

use videogen_fake::FakeVideoGen;

#[tokio::main]
async fn main() {
    let fake = FakeVideoGen::builder().with_demo_files().start().await;
    println!("VIDEOGEN_BASE_URL={}", fake.base_url());
    println!("VIDEOGEN_API_KEY={}", fake.api_key());
    eprintln!("serving the demo files; Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    fake.shutdown().await;
}
