//! The figures a bench run produces: printed as ratios, saved as JSON under
//! `<target dir>/videogen-bench/<bench>.json` for `examples/bench_report.rs`
//! (which turns every saved file into BENCHMARKS.md's table and the chart).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A target on a figure.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub enum Target {
    /// `ours / baseline <= x`.
    RatioAtMost(f64),
    /// `ours / baseline >= x`.
    RatioAtLeast(f64),
    /// `ours <= x`, in the figure's unit.
    ValueAtMost(f64),
}

impl Target {
    pub fn describe(self, unit: &str) -> String {
        match self {
            Target::RatioAtMost(x) => format!("ratio <= {x}"),
            Target::RatioAtLeast(x) => format!("ratio >= {x}"),
            Target::ValueAtMost(x) => format!("<= {x} {unit}"),
        }
    }
}

/// One comparison: our figure, the baseline's, and their ratio.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Figure {
    /// The item number (1 to 6).
    pub item: u8,
    pub what: String,
    pub ours: f64,
    pub baseline: f64,
    pub unit: String,
    /// What the baseline is.
    pub versus: String,
    pub target: Option<Target>,
    pub note: Option<String>,
}

impl Figure {
    pub fn new(item: u8, what: &str, ours: f64, baseline: f64, unit: &str, versus: &str) -> Figure {
        Figure {
            item,
            what: what.to_owned(),
            ours,
            baseline,
            unit: unit.to_owned(),
            versus: versus.to_owned(),
            target: None,
            note: None,
        }
    }

    pub fn target(mut self, target: Target) -> Figure {
        self.target = Some(target);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Figure {
        self.note = Some(note.into());
        self
    }

    pub fn ratio(&self) -> f64 {
        self.ours / self.baseline
    }

    /// Whether the target is met; `None` without a target.
    pub fn met(&self) -> Option<bool> {
        Some(match self.target? {
            Target::RatioAtMost(x) => self.ratio() <= x,
            Target::RatioAtLeast(x) => self.ratio() >= x,
            Target::ValueAtMost(x) => self.ours <= x,
        })
    }

    /// `videogen 61.2 µs/call vs reqwest 58.3 µs/call: ratio 1.050 (target ratio <= 1.05: met)`.
    pub fn line(&self) -> String {
        let target = match (self.target, self.met()) {
            (Some(target), Some(met)) => {
                format!(
                    " (target {}: {})",
                    target.describe(&self.unit),
                    if met { "met" } else { "MISSED" }
                )
            }
            _ => String::new(),
        };
        format!(
            "[{}] {}: videogen {} {} vs {} {} {}: ratio {:.3}{target}",
            self.item,
            self.what,
            number(self.ours),
            self.unit,
            self.versus,
            number(self.baseline),
            self.unit,
            self.ratio()
        )
    }
}

/// Three significant digits, no exponent.
pub fn number(x: f64) -> String {
    let magnitude = if x == 0.0 { 0 } else { x.abs().log10().floor() as i32 };
    let decimals = (2 - magnitude).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// All figures of one bench binary, and the machine's load around them.
#[derive(Debug, Serialize, Deserialize)]
pub struct Report {
    pub bench: String,
    /// When the figures were saved (UTC), and the commit of the crate measured.
    #[serde(default)]
    pub when: String,
    #[serde(default)]
    pub commit: String,
    pub load_before: String,
    pub load_after: String,
    pub figures: Vec<Figure>,
}

impl Report {
    pub fn new(bench: &str) -> Report {
        Report {
            bench: bench.to_owned(),
            when: String::new(),
            commit: String::new(),
            load_before: load_average(),
            load_after: String::new(),
            figures: Vec::new(),
        }
    }

    /// Prints the figure's line and keeps it for `save`.
    pub fn add(&mut self, figure: Figure) {
        println!("{}", figure.line());
        self.figures.push(figure);
    }

    /// Writes `<out_dir>/<bench>.json` (nothing when no figure was measured,
    /// as when a filter skipped them all, or in criterion's `--test` mode).
    pub fn save(mut self) {
        // `-- --test` runs each benchmark once: a smoke test, not figures.
        let smoke_test = std::env::args().any(|a| a == "--test" || a == "--list");
        if self.figures.is_empty() || smoke_test {
            return;
        }
        self.load_after = load_average();
        self.when = command("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
        self.commit = command(
            "git",
            &["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short", "HEAD"],
        );
        let dir = out_dir();
        std::fs::create_dir_all(&dir).expect("creating the bench output directory");
        let path = dir.join(format!("{}.json", self.bench));
        std::fs::write(&path, serde_json::to_vec_pretty(&self).expect("serialisable")).expect("writing figures");
        println!("figures saved to {}", path.display());
    }
}

/// `$VIDEOGEN_BENCH_OUT`, else `<target dir>/videogen-bench` (found from this
/// executable's path: `<target>/release/{deps,examples}/<name>`).
pub fn out_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VIDEOGEN_BENCH_OUT") {
        return dir.into();
    }
    let exe = std::env::current_exe().expect("current executable");
    exe.ancestors()
        .nth(3)
        .expect("<target>/<profile>/<kind>/<exe>")
        .join("videogen-bench")
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A command's trimmed standard output, empty when it cannot run.
pub fn command(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}
