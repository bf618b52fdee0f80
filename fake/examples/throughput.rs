//! Measures the fake: start-up time (the whole-API fake, with demo data),
//! hydrate requests per second, and job polls per second.
//!
//! ```sh
//! cargo run -p videogen-fake --release --example throughput            # 32 clients, 3 s
//! cargo run -p videogen-fake --release --example throughput -- 64 5    # 64 clients, 5 s
//! ```
//!
//! Start-up is timed 20 times: `start()` (bind, seed, spawn), building a
//! client, and the first request on a new connection. Throughput is `hydrateFile` through the `videogen` client, with
//! its connection pool, JSON decoding and all.

use std::time::{Duration, Instant};

use videogen::{types::GenerateMusicRequest, Operation};
use videogen_fake::{FakeVideoGen, Route};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);

    let (mut starts, mut clients_built, mut first_answers) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..20 {
        let began = Instant::now();
        let fake = FakeVideoGen::builder().with_demo_data().start().await;
        starts.push(began.elapsed());
        let began = Instant::now();
        let client = fake.client();
        clients_built.push(began.elapsed());
        let began = Instant::now();
        client
            .files()
            .get("vg_file_demo")
            .await
            .expect("the first request succeeds");
        first_answers.push(began.elapsed());
    }
    let slowest = *starts.iter().max().unwrap();
    println!(
        "start(), demo data seeded:   median {:?}, max {slowest:?}",
        median(&mut starts)
    );
    println!("fake.client():               median {:?}", median(&mut clients_built));
    println!("first request (connect+GET): median {:?}", median(&mut first_answers));

    let fake = FakeVideoGen::builder().with_demo_files().start().await;
    let client = fake.client();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let began = Instant::now();
    let cpu_began = cpu_time();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let files = client.files();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    files.hydrate("vg_file_demo").await.expect("hydrate succeeds");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("worker finished");
    }
    let elapsed = began.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_began);
    assert_eq!(fake.count(Route::HydrateFile), total, "the fake counted every request");
    println!(
        "hydrate, {clients} clients, {elapsed:.2?}: {total} requests, {:.0} requests/s, {:.0} per CPU-second (client and fake)",
        total as f64 / elapsed.as_secs_f64(),
        total as f64 / cpu.as_secs_f64().max(1e-3)
    );

    // Polls of running tool executions (100 jobs in flight), as a waiting loop sends them.
    let fake = FakeVideoGen::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .await;
    let client = fake.client();
    let mut ids = Vec::new();
    for n in 0..100 {
        let job = client
            .tools()
            .generate_music(GenerateMusicRequest::new(format!("track {n}")))
            .await
            .expect("start accepted");
        ids.push(job.id().to_owned());
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let began = Instant::now();
    let cpu_began = cpu_time();
    let workers: Vec<_> = (0..clients)
        .map(|w| {
            let tools = client.tools();
            let ids = ids.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    tools
                        .get(&ids[(w + done as usize) % ids.len()])
                        .await
                        .expect("poll succeeds");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("worker finished");
    }
    let elapsed = began.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_began);
    assert_eq!(fake.count(Operation::GetToolExecutionInfo), total);
    println!(
        "job polls (getToolExecutionInfo, 100 jobs), {clients} clients, {elapsed:.2?}: {total} requests, {:.0} requests/s, {:.0} per CPU-second",
        total as f64 / elapsed.as_secs_f64(),
        total as f64 / cpu.as_secs_f64().max(1e-3)
    );
}

/// CPU time this process has used (user + system), from /proc; zero elsewhere.
/// On a shared machine, requests per CPU-second is the figure that does not
/// depend on what else runs.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
