//! Criterion does the sampling; we keep a copy of each sample's time per
//! element so the bench can print medians and ratios side by side.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use criterion::{measurement::WallTime, BenchmarkGroup, Criterion, SamplingMode, Throughput};

static SAMPLES: Mutex<Option<HashMap<String, Vec<f64>>>> = Mutex::new(None);

/// A criterion group whose benchmarks report their median per element.
pub struct Group<'c> {
    name: String,
    sample_size: usize,
    bytes: bool,
    pub group: BenchmarkGroup<'c, WallTime>,
}

impl<'c> Group<'c> {
    /// `sample_size` samples (at least 10) over about `measurement` each.
    pub fn new(c: &'c mut Criterion, name: &str, sample_size: usize, measurement: Duration) -> Group<'c> {
        let mut group = c.benchmark_group(name);
        group
            .sample_size(sample_size)
            .measurement_time(measurement)
            .warm_up_time(Duration::from_secs(1))
            .sampling_mode(SamplingMode::Flat);
        Group {
            name: name.to_owned(),
            sample_size,
            bytes: false,
            group,
        }
    }

    /// Reports throughput in bytes, not elements (`elements` are bytes).
    pub fn in_bytes(mut self) -> Self {
        self.bytes = true;
        self
    }

    /// Benchmarks `routine(iters)`, which runs `iters` iterations of
    /// `elements` elements each and returns the time they took. Returns the
    /// median time per element in seconds (`None` when a filter skipped it).
    pub fn run(&mut self, id: &str, elements: u64, mut routine: impl FnMut(u64) -> Duration) -> Option<f64> {
        let key = format!("{}/{id}", self.name);
        self.group.throughput(if self.bytes {
            Throughput::Bytes(elements)
        } else {
            Throughput::Elements(elements)
        });
        self.group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let took = routine(iters);
                let per_element = took.as_secs_f64() / (iters * elements) as f64;
                SAMPLES
                    .lock()
                    .unwrap()
                    .get_or_insert_with(HashMap::new)
                    .entry(key.clone())
                    .or_default()
                    .push(per_element);
                took
            })
        });
        // Warm-up calls come first; the last `sample_size` are the measurement.
        let mut samples = SAMPLES.lock().unwrap().get_or_insert_with(HashMap::new).remove(&key)?;
        let measured = samples.split_off(samples.len().saturating_sub(self.sample_size));
        median(measured)
    }

    /// Like [`run`](Self::run) for an async routine on `runtime`: times
    /// `iters` calls of `call`, one after another.
    pub fn run_async<F, Fut>(&mut self, id: &str, runtime: &tokio::runtime::Runtime, call: F) -> Option<f64>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future,
    {
        self.run(id, 1, |iters| one_at_a_time(runtime, iters, &call))
    }

    pub fn finish(self) {
        self.group.finish();
    }
}

/// Runs `calls` calls one after another on `runtime`; returns the time they took.
pub fn one_at_a_time<F, Fut>(runtime: &tokio::runtime::Runtime, calls: u64, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future,
{
    runtime.block_on(async {
        let started = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(call().await);
        }
        started.elapsed()
    })
}

/// The median, or `None` for no samples.
pub fn median(mut samples: Vec<f64>) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    Some(if samples.len().is_multiple_of(2) {
        (samples[mid - 1] + samples[mid]) / 2.0
    } else {
        samples[mid]
    })
}

/// A single-threaded client runtime, on the bench's own thread (the server has another).
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Criterion configured from the command line (`cargo bench -- <filter>`).
pub fn criterion() -> Criterion {
    Criterion::default().configure_from_args()
}

/// Medians of two routines measured in interleaved rounds (A B, B A, A B, ...),
/// so a burst of load from elsewhere on the machine hits both alike.
pub struct Paired {
    pub a: f64,
    pub b: f64,
    /// The median of the per-round ratios `a / b`.
    pub ratio: f64,
    pub rounds: usize,
}

impl Paired {
    /// Runs `rounds` rounds; each routine returns its time per element, in seconds.
    pub fn measure(rounds: usize, mut a: impl FnMut() -> f64, mut b: impl FnMut() -> f64) -> Paired {
        let (mut times_a, mut times_b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (ta, tb) = if round.is_multiple_of(2) {
                let ta = a();
                (ta, b())
            } else {
                let tb = b();
                (a(), tb)
            };
            times_a.push(ta);
            times_b.push(tb);
            ratios.push(ta / tb);
        }
        let median = |v| median(v).expect("at least one round");
        Paired {
            a: median(times_a),
            b: median(times_b),
            ratio: median(ratios),
            rounds,
        }
    }

    /// `interleaved rounds: 31, median of per-round ratios 1.031`.
    pub fn note(&self) -> String {
        format!(
            "{} interleaved rounds; median of per-round ratios {:.3}",
            self.rounds, self.ratio
        )
    }
}
