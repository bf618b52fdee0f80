//! Issue 14: what waiting on many jobs costs, against `videogen-fake`.
//!
//! ```sh
//! cargo bench --bench wait_many              # every figure (about a minute)
//! cargo bench --bench wait_many -- --quick   # what .ci/run runs (shorter CPU and latency runs)
//! ```
//!
//! 1. **Requests.** 1,000 tool jobs started at once, each ending 30 s later
//!    (one in ten fails, one in twenty is cancelled), waited on at the
//!    default interval (1.5 s) with `wait_many`, and again, on a fresh fake,
//!    with one `wait()` per job (one GET per job per interval): every
//!    request the waiting sends is counted by the fake. Target: `wait_many`
//!    at most 10 % of per-job. Every job must resolve exactly once, with its
//!    own state (checked against the fake).
//! 2. **Latency** from a job's end (by the fake's clock) to `wait_many`
//!    yielding it; median at most one interval + 50 ms.
//! 3. **CPU** of 1,000 idle waiters (jobs that never end) over a real-time
//!    window, on the client's thread (`CLOCK_THREAD_CPUTIME_ID`; the client
//!    runtime is single-threaded) and for the whole process; under 5 % of
//!    one core.
//!
//! Items 1 and 2 run on virtual time: the client's runtime has its tokio
//! clock paused with auto-advance turned off, and the bench moves it and
//! the fake's frozen clock together, 10 ms at a time, after every request
//! in flight has been answered and nothing new arrives. Intervals, jitter,
//! job durations and timeouts are the real defaults, so request counts are
//! exactly those of a 30 s wait; a request takes no virtual time, so item 2
//! is also measured in real time (item 2b), where it does. Item 3 must be
//! real time.
//!
//! The process exits non-zero when a target is missed. With `--quick`, only
//! the request ratio and the exactly-once, own-state check can fail it:
//! timings on a shared CI machine are noise.

mod common;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use common::figures::{Figure, Report, Target};
use futures_util::StreamExt;
use videogen::{types::GenerateImageRequest, Client, Error, Operation};
use videogen_fake::{Clock, FakeVideoGen, JobKind};

const JOBS: usize = 1_000;
const JOB_TIME: Duration = Duration::from_secs(30);
const INTERVAL: Duration = Duration::from_millis(1500);
/// How far both clocks move per step of virtual time.
const TICK: Duration = Duration::from_millis(10);
const ITEM: u8 = 14;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut report = Report::new("wait_many");
    let mut must_hold = Vec::new(); // failures that fail the run in every mode
    let mut timing = Vec::new(); // failures that fail it only without --quick
    println!(
        "issue 14, wait_many ({} mode); load average {}",
        if quick { "quick" } else { "full" },
        common::figures::load_average()
    );

    // 1. Requests for the whole wait, both ways, same run.
    let started = Instant::now();
    let many = virtual_run(Waiter::Many, Ends::Together);
    let per_job = virtual_run(Waiter::PerJob, Ends::Together);
    for run in [&many, &per_job] {
        println!(
            "  {}: {} requests ({} list, {} get) over {:.1} s of virtual time, {} starts; {:.1} s real",
            run.waiter.name(),
            run.requests(),
            run.lists,
            run.gets,
            run.virtual_elapsed.as_secs_f64(),
            run.starts,
            run.real_elapsed.as_secs_f64(),
        );
        if let Err(problem) = &run.check {
            must_hold.push(format!("{}: {problem}", run.waiter.name()));
        }
    }
    let intervals = JOB_TIME.as_secs_f64() / INTERVAL.as_secs_f64();
    let figure = Figure::new(
        ITEM,
        "1,000 tool jobs, 30 s each, default interval: API requests for the whole wait",
        many.requests() as f64,
        per_job.requests() as f64,
        "requests",
        "one wait() per job",
    )
    .target(Target::RatioAtMost(0.10))
    .note(format!(
        "virtual time; 1 job in 10 failed, 1 in 20 cancelled; all {JOBS} resolved exactly once with their own state: {}; \
         per-job theory {JOBS} x (1 + {intervals:.0}) = {}",
        if many.check.is_ok() && per_job.check.is_ok() { "yes" } else { "NO" },
        JOBS * (1 + intervals as usize),
    ));
    if figure.met() == Some(false) {
        must_hold.push(format!("request ratio {:.4} > 0.10", figure.ratio()));
    }
    report.add(figure);
    println!("  (item 1 took {:.1} s real)", started.elapsed().as_secs_f64());

    // 2. Latency of noticing an end: jobs ending spread over 20..30 s.
    let spread = virtual_run(Waiter::Many, Ends::Spread(Duration::from_secs(20), JOB_TIME));
    if let Err(problem) = &spread.check {
        must_hold.push(format!("latency run: {problem}"));
    }
    let budget = INTERVAL + Duration::from_millis(50);
    let latency = Figure::new(
        ITEM,
        "latency from a job's end to wait_many yielding it (virtual time), median",
        ms(median(&spread.latencies)),
        ms(budget),
        "ms",
        "1 interval + 50 ms",
    )
    .target(Target::ValueAtMost(ms(budget)))
    .note(format!(
        "{} jobs ending 20..30 s; p90 {:.0} ms, max {:.0} ms; {} requests",
        spread.latencies.len(),
        ms(quantile(&spread.latencies, 0.9)),
        ms(quantile(&spread.latencies, 1.0)),
        spread.requests()
    ));
    if latency.met() == Some(false) {
        timing.push("virtual latency".to_owned());
    }
    report.add(latency);

    let (count, over) = if quick {
        (100, Duration::from_secs(3))
    } else {
        (200, Duration::from_secs(6))
    };
    let real = real_latency(count, over);
    if let Err(problem) = &real.check {
        must_hold.push(format!("real-time latency run: {problem}"));
    }
    let latency = Figure::new(
        ITEM,
        "latency from a job's end to wait_many yielding it (real time), median",
        ms(median(&real.latencies)),
        ms(budget),
        "ms",
        "1 interval + 50 ms",
    )
    .target(Target::ValueAtMost(ms(budget)))
    .note(format!(
        "{count} jobs ending over {} s of real time; p90 {:.0} ms, max {:.0} ms",
        over.as_secs(),
        ms(quantile(&real.latencies, 0.9)),
        ms(quantile(&real.latencies, 1.0)),
    ));
    if latency.met() == Some(false) {
        timing.push("real-time latency".to_owned());
    }
    report.add(latency);

    // 3. CPU of idle waiters.
    let window = if quick {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(10)
    };
    let many_cpu = idle_cpu(Waiter::Many, window);
    let per_job_cpu = idle_cpu(Waiter::PerJob, window);
    let cpu = Figure::new(
        ITEM,
        "CPU of 1,000 idle waiters, client thread, % of one core",
        many_cpu.client,
        per_job_cpu.client,
        "%",
        "one wait() per job",
    )
    .target(Target::ValueAtMost(5.0))
    .note(format!(
        "{} s real-time window at the default interval; whole process incl. the fake server: wait_many {:.2} %, \
         per job {:.2} %; requests in the window: {} vs {}",
        window.as_secs(),
        many_cpu.process,
        per_job_cpu.process,
        many_cpu.requests,
        per_job_cpu.requests
    ));
    if cpu.met() == Some(false) {
        timing.push("idle CPU".to_owned());
    }
    report.add(cpu);
    report.save();

    let mut failed = must_hold;
    if !quick {
        failed.extend(timing.iter().cloned());
    }
    if !timing.is_empty() && quick {
        println!("timing targets missed (not failing --quick): {timing:?}");
    }
    if !failed.is_empty() {
        eprintln!("wait_many bench: targets missed: {failed:?}");
        std::process::exit(1);
    }
    println!("wait_many bench: every checked target met");
}

#[derive(Clone, Copy, PartialEq)]
enum Waiter {
    /// `tools().wait_many(ids)`: one stream for all.
    Many,
    /// One `job.wait()` per job: one GET per job per interval.
    PerJob,
}

impl Waiter {
    fn name(self) -> &'static str {
        match self {
            Waiter::Many => "wait_many",
            Waiter::PerJob => "per-job wait()",
        }
    }
}

#[derive(Clone, Copy)]
enum Ends {
    /// Every job ends 30 s after the start (the fake's job duration).
    Together,
    /// Job i of n ends at `from + (to - from) * i / n`.
    Spread(Duration, Duration),
}

/// One resolution as the waiter saw it, with the fake's time then.
struct Resolved {
    id: String,
    result: Result<videogen::types::ExecutedTool, Error>,
    at: SystemTime,
}

type Sink = Arc<Mutex<Vec<Resolved>>>;

struct Run {
    waiter: Waiter,
    starts: u64,
    lists: u64,
    gets: u64,
    virtual_elapsed: Duration,
    real_elapsed: Duration,
    /// Exactly once, each with its own state; else what went wrong.
    check: Result<(), String>,
    /// Per job: from its end (fake clock) to its resolution (fake clock).
    latencies: Vec<Duration>,
}

impl Run {
    fn requests(&self) -> u64 {
        self.lists + self.gets
    }
}

/// The fake on a thread (and runtime) of its own, so that it answers
/// while the client's runtime stands still in virtual time.
struct FakeThread {
    fake: Option<FakeVideoGen>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeThread {
    fn start(builder: videogen_fake::Builder) -> FakeThread {
        let (ready, fake) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                ready.send(builder.start().await).expect("bench thread");
                let _ = stopped.await;
            });
        });
        FakeThread {
            fake: Some(fake.recv().expect("the fake started")),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn fake(&self) -> &FakeVideoGen {
        self.fake.as_ref().expect("running")
    }
}

impl Drop for FakeThread {
    fn drop(&mut self) {
        drop(self.fake.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn fake_builder(clock: Clock) -> videogen_fake::Builder {
    FakeVideoGen::builder()
        .clock(clock)
        .job_duration(JOB_TIME)
        .rng_seed(14)
        // Small: the settling check reads it often.
        .request_log_capacity(256)
}

/// 1 in 10 jobs fails, 1 in 20 is cancelled (by the fake, when it would
/// have ended), the rest succeed.
fn prompt(i: usize) -> String {
    match i % 20 {
        0 | 10 => format!("refused {i}"),
        5 => format!("halted {i}"),
        _ => format!("fine {i}"),
    }
}

async fn start_jobs(fake: &FakeVideoGen, client: &Client, ends: Ends) -> Vec<String> {
    fake.jobs()
        .prompt("refused")
        .fail("content_policy", "the prompt was refused");
    fake.jobs().prompt("halted").cancel();
    if let Ends::Spread(from, to) = ends {
        for i in 0..JOBS {
            let took = from + (to - from).mul_f64(i as f64 / JOBS as f64);
            let _ = fake.jobs().next_of(JobKind::Tool).after(took).succeed();
        }
    }
    let tools = client.tools();
    // One at a time: `next` scripts apply in start order.
    let mut ids = Vec::with_capacity(JOBS);
    for i in 0..JOBS {
        let job = tools
            .generate_image(GenerateImageRequest::new(prompt(i)))
            .await
            .expect("starting a job");
        ids.push(job.id().to_owned());
    }
    ids
}

/// Starts the waiting: results go to `sink` with the fake's time.
fn spawn_waiters(
    waiter: Waiter,
    client: &Client,
    ids: &[String],
    clock: &Clock,
    sink: &Sink,
) -> Vec<tokio::task::JoinHandle<()>> {
    match waiter {
        Waiter::Many => {
            let mut stream = client.tools().wait_many(ids);
            let (sink, clock) = (sink.clone(), clock.clone());
            vec![tokio::spawn(async move {
                while let Some((id, result)) = stream.next().await {
                    let at = clock.now();
                    sink.lock().unwrap().push(Resolved { id, result, at });
                }
            })]
        }
        Waiter::PerJob => ids
            .iter()
            .map(|id| {
                let wait = client.tools().job(id.clone()).wait();
                let (sink, clock, id) = (sink.clone(), clock.clone(), id.clone());
                tokio::spawn(async move {
                    let result = wait.await;
                    let at = clock.now();
                    sink.lock().unwrap().push(Resolved { id, result, at });
                })
            })
            .collect(),
    }
}

fn virtual_run(waiter: Waiter, ends: Ends) -> Run {
    let clock = Clock::frozen(UNIX_EPOCH + Duration::from_secs(1_900_000_000));
    let server = FakeThread::start(fake_builder(clock.clone()));
    let fake = server.fake();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    let real_start = Instant::now();
    runtime.block_on(async {
        // While a blocking task runs, a paused clock does not jump to the
        // next timer on its own: only `advance` below moves it.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let hold = tokio::task::spawn_blocking(move || {
            let _ = held.recv();
        });
        let client = fake.client();
        let ids = start_jobs(fake, &client, ends).await;
        let starts = fake.count(Operation::GenerateImage);
        fake.reset_log();
        let sink: Sink = Arc::default();
        let virtual_start = tokio::time::Instant::now();
        let tasks = spawn_waiters(waiter, &client, &ids, &clock, &sink);
        loop {
            settle(fake).await;
            if sink.lock().unwrap().len() >= ids.len() || virtual_start.elapsed() > JOB_TIME * 4 {
                break;
            }
            fake.advance(TICK);
            tokio::time::advance(TICK).await;
        }
        let virtual_elapsed = virtual_start.elapsed();
        for task in tasks {
            task.abort();
        }
        drop(release);
        let _ = hold.await;
        let resolved = std::mem::take(&mut *sink.lock().unwrap());
        let check = check(fake, &ids, &resolved);
        let latencies = latencies(fake, &resolved);
        Run {
            waiter,
            starts,
            lists: fake.count(Operation::ListToolExecutions),
            gets: fake.count(Operation::GetToolExecutionInfo),
            virtual_elapsed,
            real_elapsed: real_start.elapsed(),
            check,
            latencies,
        }
    })
}

/// Returns once every request the client sent has been answered and no
/// new one arrived for two looks in a row (real time passes; virtual time
/// does not).
async fn settle(fake: &FakeVideoGen) {
    let arrivals = || fake.counts().iter().map(|(_, n)| n).sum::<u64>();
    let open = || fake.requests().iter().filter(|r| r.status.is_none()).count();
    let (mut last, mut quiet) = (arrivals(), 0);
    let gave_up = Instant::now() + Duration::from_secs(10);
    while quiet < 2 {
        // A request that never completes would hold virtual time forever.
        assert!(Instant::now() < gave_up, "the client and the fake never settled");
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        real_sleep(Duration::from_micros(300)).await;
        let now = arrivals();
        if now == last && open() == 0 {
            quiet += 1;
        } else {
            (last, quiet) = (now, 0);
        }
    }
}

/// Real time passes while the client's runtime keeps running its tasks.
async fn real_sleep(pause: Duration) {
    let _ = tokio::task::spawn_blocking(move || std::thread::sleep(pause)).await;
}

/// Every job exactly once, no other id, each with the state the fake gave it.
fn check(fake: &FakeVideoGen, ids: &[String], resolved: &[Resolved]) -> Result<(), String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in resolved {
        *seen.entry(r.id.as_str()).or_default() += 1;
    }
    let twice = seen.values().filter(|n| **n > 1).count();
    let missing = ids.iter().filter(|id| !seen.contains_key(id.as_str())).count();
    let unknown = seen.keys().filter(|id| !ids.iter().any(|i| i == *id)).count();
    if twice + missing + unknown > 0 {
        return Err(format!(
            "{twice} resolved more than once, {missing} never, {unknown} unknown ids"
        ));
    }
    let mut wrong = Vec::new();
    for r in resolved {
        let expected = fake.job(&r.id).map_or("unknown", |job| job.status.as_str());
        let ok = match (&r.result, expected) {
            (Ok(done), "succeeded") => done.tool_execution_id == r.id && done.status.as_str() == "succeeded",
            (Err(Error::JobFailed(failure)), status @ ("failed" | "cancelled")) => {
                failure.id == r.id
                    && failure.status == status
                    && (status == "cancelled"
                        || failure.error.as_ref().and_then(|e| e.code.as_deref()) == Some("content_policy"))
            }
            _ => false,
        };
        if !ok {
            wrong.push(format!("{} ended {expected}", r.id));
        }
    }
    match wrong.len() {
        0 => Ok(()),
        n => Err(format!("{n} with another state than their own, e.g. {}", wrong[0])),
    }
}

fn latencies(fake: &FakeVideoGen, resolved: &[Resolved]) -> Vec<Duration> {
    resolved
        .iter()
        .filter_map(|r| {
            let ended = fake.job(&r.id)?.ends_at?;
            Some(r.at.duration_since(ended).unwrap_or_default())
        })
        .collect()
}

/// Item 2 in real time: `count` jobs ending over `over`, on the wall clock.
fn real_latency(count: usize, over: Duration) -> Run {
    let server = FakeThread::start(fake_builder(Clock::system()));
    let fake = server.fake();
    let clock = fake.clock();
    let runtime = common::sampling::client_runtime();
    let real_start = Instant::now();
    runtime.block_on(async {
        let client = fake.client();
        let tools = client.tools();
        let first = Duration::from_secs(1);
        for i in 0..count {
            let took = first + over.mul_f64(i as f64 / count as f64);
            let _ = fake.jobs().next_of(JobKind::Tool).after(took).succeed();
        }
        let mut ids = Vec::new();
        for i in 0..count {
            let job = tools
                .generate_image(GenerateImageRequest::new(format!("fine {i}")))
                .await
                .expect("starting a job");
            ids.push(job.id().to_owned());
        }
        fake.reset_log();
        let sink: Sink = Arc::default();
        let tasks = spawn_waiters(Waiter::Many, &client, &ids, &clock, &sink);
        let limit = Instant::now() + first + over + INTERVAL * 4;
        while sink.lock().unwrap().len() < ids.len() && Instant::now() < limit {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for task in tasks {
            task.abort();
        }
        let resolved = std::mem::take(&mut *sink.lock().unwrap());
        Run {
            waiter: Waiter::Many,
            starts: count as u64,
            lists: fake.count(Operation::ListToolExecutions),
            gets: fake.count(Operation::GetToolExecutionInfo),
            virtual_elapsed: Duration::ZERO,
            real_elapsed: real_start.elapsed(),
            check: check(fake, &ids, &resolved),
            latencies: latencies(fake, &resolved),
        }
    })
}

struct Cpu {
    /// % of one core used by the client's thread.
    client: f64,
    /// % of one core used by the whole process (the fake server too).
    process: f64,
    requests: u64,
}

/// CPU of 1,000 waiters on jobs that never end, over `window` of real time
/// at the default interval, after a warm-up.
fn idle_cpu(waiter: Waiter, window: Duration) -> Cpu {
    let server = FakeThread::start(fake_builder(Clock::system()).job_duration(Duration::from_secs(365 * 86_400)));
    let fake = server.fake();
    let clock = fake.clock();
    let runtime = common::sampling::client_runtime();
    runtime.block_on(async {
        let client = fake.client();
        let ids = start_jobs(fake, &client, Ends::Together).await;
        let sink: Sink = Arc::default();
        let tasks = spawn_waiters(waiter, &client, &ids, &clock, &sink);
        tokio::time::sleep(INTERVAL * 2).await; // first polls, connections opened
        fake.reset_log();
        let thread_before = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID);
        let process_before = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID);
        let started = Instant::now();
        tokio::time::sleep(window).await;
        let elapsed = started.elapsed().as_secs_f64();
        let thread_used = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID) - thread_before;
        let process_used = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID) - process_before;
        for task in tasks {
            task.abort();
        }
        assert!(sink.lock().unwrap().is_empty(), "no job ends in the CPU runs");
        let percent = |used: Duration| 100.0 * used.as_secs_f64() / elapsed;
        Cpu {
            client: percent(thread_used),
            process: percent(process_used),
            requests: fake.count(Operation::ListToolExecutions) + fake.count(Operation::GetToolExecutionInfo),
        }
    })
}

/// CPU time used so far by this thread or by the whole process
/// (`clock_gettime`: nanosecond precision, where `/proc/.../stat` counts
/// 10 ms ticks).
fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    let rc = unsafe { libc::clock_gettime(clock, &mut now) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn median(values: &[Duration]) -> Duration {
    quantile(values, 0.5)
}

fn quantile(values: &[Duration], q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
