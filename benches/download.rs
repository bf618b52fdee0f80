//! Item 5: download throughput of `files.download(id, dest)` against raw
//! reqwest `bytes_stream()` into a file through the same 256 KiB buffer (both
//! GET the file for its URL first, both fsync), and the peak RSS of 64 MiB
//! and 1 GiB downloads, measured in a child process (this executable, run
//! again with `VIDEOGEN_BENCH_RSS_CHILD`) so the bench's own allocations stay
//! out of it. Files go to /dev/shm when it exists (the client is measured,
//! not the disk) and are deleted.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use common::{
    figures::{Figure, Report, Target},
    payload::API_KEY,
    raw::RawClient,
    sampling::{client_runtime, criterion, median, Group, Paired},
    server::BenchServer,
};

const MIB: u64 = 1024 * 1024;
const THROUGHPUT_SIZE: u64 = 64 * MIB;
const RSS_SIZES: [(u64, &str); 2] = [(64 * MIB, "64 MiB"), (1024 * MIB, "1 GiB")];
const RSS_RUNS: usize = 3;
const PAIRED_ROUNDS: usize = 21;
const CHILD_ENV: &str = "VIDEOGEN_BENCH_RSS_CHILD";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Downloader {
    Videogen,
    Reqwest,
}

impl Downloader {
    fn name(self) -> &'static str {
        match self {
            Downloader::Videogen => "videogen",
            Downloader::Reqwest => "reqwest",
        }
    }
}

/// One client of either kind, downloading `vg_dl_<size>` into `dest`.
struct Clients {
    files: videogen::Files,
    raw: RawClient,
}

impl Clients {
    fn new(base: &str) -> Clients {
        let files = videogen::Client::builder()
            .api_key(API_KEY)
            .base_url(base)
            .build()
            .expect("client")
            .files();
        Clients {
            files,
            raw: RawClient::new(base),
        }
    }

    async fn download(&self, who: Downloader, size: u64, dest: &Path) -> u64 {
        let id = BenchServer::download_id(size);
        let written = match who {
            Downloader::Videogen => self.files.download(id, dest).await.expect("download").bytes,
            Downloader::Reqwest => self.raw.download(&id, dest).await.expect("download"),
        };
        assert_eq!(written, size, "whole file written");
        std::fs::remove_file(dest).expect("removing the download");
        written
    }
}

fn main() {
    if let Ok(who) = std::env::var(CHILD_ENV) {
        return child(&who);
    }
    let server = BenchServer::start(Duration::ZERO);
    let runtime = client_runtime();
    let clients = Clients::new(&server.base);
    let dir = tempfile::tempdir_in(scratch_dir()).expect("scratch directory");
    let dest = dir.path().join("download.bin");

    let mut c = criterion();
    let mut report = Report::new("download");
    let mut group = Group::new(&mut c, "download_64MiB", 15, Duration::from_secs(8)).in_bytes();
    let mut throughput = |who: Downloader| {
        let per_byte = group.run(who.name(), THROUGHPUT_SIZE, |iters| {
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    clients.download(who, THROUGHPUT_SIZE, &dest).await;
                }
                started.elapsed()
            })
        });
        per_byte.map(|seconds| 1.0 / (seconds * MIB as f64))
    };
    let ours = throughput(Downloader::Videogen);
    let theirs = throughput(Downloader::Reqwest);
    group.finish();
    if let (Some(ours), Some(theirs)) = (ours, theirs) {
        // The headline: interleaved downloads, so load from elsewhere hits both alike.
        let seconds = |who| {
            let started = Instant::now();
            runtime.block_on(clients.download(who, THROUGHPUT_SIZE, &dest));
            started.elapsed().as_secs_f64()
        };
        let paired = Paired::measure(
            PAIRED_ROUNDS,
            || seconds(Downloader::Videogen),
            || seconds(Downloader::Reqwest),
        );
        let mib = (THROUGHPUT_SIZE / MIB) as f64;
        let versus = "reqwest bytes_stream";
        let what = "download 64 MiB: throughput";
        let note = format!(
            "{PAIRED_ROUNDS} interleaved rounds; median of per-round throughput ratios {:.3}",
            1.0 / paired.ratio
        );
        let figure = Figure::new(5, what, mib / paired.a, mib / paired.b, "MiB/s", versus);
        report.add(figure.target(Target::RatioAtLeast(0.9)).note(note));
        let what = "download 64 MiB: throughput (criterion samples)";
        report.add(Figure::new(5, what, ours, theirs, "MiB/s", versus));
    }

    if criterion_filter_allows("rss") {
        let peak = |who: Downloader, size: u64| peak_rss_mib(who, &server.base, size, dir.path());
        let ours: Vec<f64> = RSS_SIZES
            .iter()
            .map(|&(size, _)| peak(Downloader::Videogen, size))
            .collect();
        let theirs: Vec<f64> = RSS_SIZES
            .iter()
            .map(|&(size, _)| peak(Downloader::Reqwest, size))
            .collect();
        let what = format!("peak RSS, {} versus {} download", RSS_SIZES[1].1, RSS_SIZES[0].1);
        let note = "whole child process (runtime, client, buffers); median of 3 runs";
        let bounded = Figure::new(5, &what, ours[1], ours[0], "MiB", "videogen itself");
        report.add(bounded.target(Target::ValueAtMost(32.0)).note(note));
        for (i, (_, size)) in RSS_SIZES.iter().enumerate() {
            let what = format!("peak RSS, {size} download");
            report.add(Figure::new(5, &what, ours[i], theirs[i], "MiB", "reqwest bytes_stream").note(note));
        }
    }
    report.save();
    c.final_summary();
}

/// `false` when `cargo bench --bench download -- <filter>` names something else.
fn criterion_filter_allows(name: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()) || f.contains(name))
}

fn scratch_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// The median over `RSS_RUNS` child processes of the peak RSS (VmHWM), in MiB.
fn peak_rss_mib(who: Downloader, base: &str, size: u64, dir: &Path) -> f64 {
    let runs = (0..RSS_RUNS)
        .map(|_| {
            let output = Command::new(std::env::current_exe().expect("current executable"))
                .env(CHILD_ENV, who.name())
                .env("VIDEOGEN_BENCH_BASE", base)
                .env("VIDEOGEN_BENCH_SIZE", size.to_string())
                .env("VIDEOGEN_BENCH_DIR", dir)
                .output()
                .expect("running the RSS child");
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "RSS child failed: {stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            println!("rss child {} {size}: {}", who.name(), stdout.trim());
            let peak_kib: f64 = field(&stdout, "peak_kib").expect("peak_kib in the child's output");
            peak_kib / 1024.0
        })
        .collect();
    median(runs).expect("at least one run")
}

fn field(output: &str, name: &str) -> Option<f64> {
    output
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// The child: one download, then its RSS before and its peak, from /proc/self/status.
fn child(who: &str) {
    let who = if who == "videogen" {
        Downloader::Videogen
    } else {
        Downloader::Reqwest
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} set by the parent"));
    let size: u64 = var("VIDEOGEN_BENCH_SIZE").parse().expect("a size");
    let dest = Path::new(&var("VIDEOGEN_BENCH_DIR")).join(format!("rss-{}.bin", std::process::id()));
    let runtime = client_runtime();
    let clients = Clients::new(&var("VIDEOGEN_BENCH_BASE"));
    let before = status_kib("VmRSS");
    let started = Instant::now();
    let bytes = runtime.block_on(clients.download(who, size, &dest));
    let took = started.elapsed().as_secs_f64();
    println!(
        "bytes={bytes} rss_before_kib={before} peak_kib={} seconds={took:.3}",
        status_kib("VmHWM")
    );
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| {
            line.strip_prefix(field)?
                .strip_prefix(':')?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
