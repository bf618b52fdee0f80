//! Turns the figures of the last bench run into BENCHMARKS.md's table and
//! `docs/benchmarks.svg`.
//!
//! ```sh
//! cargo bench --bench overhead --bench decode --bench hydrate_many --bench cache --bench download
//! bash benches/consumer_build.sh          # item 6, slow; optional
//! cargo run --release --example bench_report
//! ```
//!
//! Reads `<target dir>/videogen-bench/*.json` (or `$VIDEOGEN_BENCH_OUT`),
//! which each bench writes, and rewrites the part of BENCHMARKS.md between
//! the `figures:start` and `figures:end` markers.

#[path = "../benches/common/figures.rs"]
#[allow(dead_code)]
mod figures;

use std::{fmt::Write as _, path::Path};

use figures::{command, number, Figure, Report};

const BENCHES: [&str; 6] = [
    "overhead",
    "decode",
    "hydrate_many",
    "cache",
    "download",
    "consumer_build",
];
const START: &str = "<!-- figures:start";
const END: &str = "<!-- figures:end -->";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = figures::out_dir();
    let mut reports = Vec::new();
    for bench in BENCHES {
        let path = dir.join(format!("{bench}.json"));
        match std::fs::read(&path) {
            Ok(bytes) => reports.push(serde_json::from_slice::<Report>(&bytes)?),
            Err(_) => eprintln!("no figures for {bench} (looked for {})", path.display()),
        }
    }
    if reports.is_empty() {
        return Err(format!("no figures in {}; run the benches first", dir.display()).into());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let figures: Vec<&Figure> = reports.iter().flat_map(|r| &r.figures).collect();
    std::fs::create_dir_all(root.join("docs"))?;
    let latest = reports
        .iter()
        .map(|r| r.when.as_str())
        .max()
        .filter(|w| !w.is_empty())
        .map(str::to_owned);
    std::fs::write(
        root.join("docs/benchmarks.svg"),
        chart(&figures, &latest.unwrap_or_else(today)),
    )?;

    let section = section(&reports, &figures);
    print!("{section}");
    let path = root.join("BENCHMARKS.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|_| format!("# Benchmarks\n\n{START} -->\n{END}\n"));
    let (Some(start), Some(end)) = (doc.find(START), doc.find(END)) else {
        return Err("BENCHMARKS.md has no figures:start / figures:end markers".into());
    };
    // The section ends in a newline of its own: keep one, or every run adds a blank line.
    let rest = &doc[end + END.len()..];
    let updated = format!("{}{section}{}", &doc[..start], rest.strip_prefix('\n').unwrap_or(rest));
    std::fs::write(&path, updated)?;
    println!("wrote {} and docs/benchmarks.svg", path.display());
    Ok(())
}

/// The generated part of BENCHMARKS.md: the machine, the table, the load.
fn section(reports: &[Report], figures: &[&Figure]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{START} (written by `cargo run --release --example bench_report`; edit the text around it) -->"
    );
    let runs = distinct(reports, |r| &r.when);
    let commits = distinct(reports, |r| &r.commit);
    let span = match (runs.first(), runs.last()) {
        (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
        (Some(first), _) => first.to_string(),
        _ => today(),
    };
    let _ = writeln!(
        s,
        "Benches run {span}, videogen at commit {}, on {}.\n",
        commits.join(", "),
        machine()
    );
    let _ = writeln!(s, "| # | comparison | videogen | baseline | ratio | target | notes |");
    let _ = writeln!(s, "|---|---|---:|---:|---:|---|---|");
    for f in figures {
        let target = match (f.target, f.met()) {
            (Some(t), Some(met)) => format!("{}: **{}**", t.describe(&f.unit), if met { "met" } else { "missed" }),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} (vs {}) | {} {} | {} {} | {:.3} | {} | {} |",
            f.item,
            f.what,
            f.versus,
            number(f.ours),
            f.unit,
            number(f.baseline),
            f.unit,
            f.ratio(),
            target,
            f.note.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(s, "\nLoad average (1, 5, 15 min) before → after each bench:");
    for r in reports {
        let _ = writeln!(s, "- `{}`: {} → {}", r.bench, r.load_before, r.load_after);
    }
    let _ = writeln!(s, "\n![videogen relative to each baseline](docs/benchmarks.svg)");
    let _ = writeln!(s, "{END}");
    s
}

/// The distinct non-empty values of one field of the reports, sorted.
fn distinct<'r>(reports: &'r [Report], field: impl Fn(&'r Report) -> &'r str) -> Vec<&'r str> {
    let mut values: Vec<&str> = reports.iter().map(field).filter(|v| !v.is_empty()).collect();
    values.sort_unstable();
    values.dedup();
    values
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map(|kib| kib / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB, Linux {}, {}",
        kernel.trim(),
        command("rustc", &["--version"])
    )
}

fn today() -> String {
    command("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
}

/// Where ratios go on a panel's axis.
#[derive(Clone, Copy)]
enum Scale {
    /// Decades from `10^lo` to `10^hi`.
    Log { lo: i32, hi: i32 },
    /// `lo..hi`, ticks every `step`.
    Linear { lo: f64, hi: f64, step: f64 },
}

impl Scale {
    /// 0 at the left end, 1 at the right.
    fn fraction(self, ratio: f64) -> f64 {
        match self {
            Scale::Log { lo, hi } => (ratio.max(1e-9).log10() - lo as f64) / (hi - lo) as f64,
            Scale::Linear { lo, hi, .. } => ((ratio - lo) / (hi - lo)).clamp(0.0, 1.0),
        }
    }

    fn label(self, value: f64) -> String {
        match self {
            Scale::Log { .. } if value >= 1.0 => format!("{value:.0}"),
            Scale::Log { .. } => format!("{value}"),
            Scale::Linear { .. } => format!("{value:.1}"),
        }
    }

    fn ticks(self) -> Vec<f64> {
        match self {
            Scale::Log { lo, hi } => (lo..=hi).map(|d| 10f64.powi(d)).collect(),
            Scale::Linear { lo, hi, step } => {
                let n = ((hi - lo) / step).round() as i32;
                (0..=n).map(|k| lo + k as f64 * step).collect()
            }
        }
    }
}

const WIDTH: f64 = 1100.0;
const LABEL_W: f64 = 560.0;
const ROW: f64 = 24.0;

/// Two panels of horizontal bars, each figure's ratio drawn from 1.0: the
/// figures with a ratio target on a linear scale, then every figure on a log
/// scale. Green or red where a target applies (the target is a black tick).
fn chart(figures: &[&Figure], when: &str) -> String {
    let targeted: Vec<&Figure> = figures.iter().copied().filter(|f| ratio_target(f).is_some()).collect();
    let ratios = figures.iter().map(|f| f.ratio()).filter(|r| r.is_finite() && *r > 0.0);
    let lo = ratios.clone().fold(1.0f64, f64::min).log10().floor() as i32;
    let hi = (ratios.fold(1.0f64, f64::max).log10().ceil() as i32).max(lo + 1);
    let near = targeted
        .iter()
        .flat_map(|f| [f.ratio(), ratio_target(f).unwrap_or(1.0)]);
    let linear_lo = (near.clone().fold(0.8f64, f64::min) * 10.0).floor() / 10.0;
    let linear_hi = (near.fold(1.2f64, f64::max) * 10.0).ceil() / 10.0;

    let height = 70.0 + ROW * (targeted.len() + figures.len()) as f64 + 2.0 * 60.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let title = format!("videogen / baseline (1 = parity), one run of {when}");
    let _ = writeln!(
        svg,
        r#"<text x="10" y="22" font-size="15" font-weight="bold">{}</text>"#,
        escape(&title)
    );
    let legend = "green: target met, red: target missed, grey: no target; black tick: the target";
    let _ = writeln!(svg, r##"<text x="10" y="42" fill="#555">{legend}</text>"##);
    let linear = Scale::Linear {
        lo: linear_lo,
        hi: linear_hi,
        step: 0.1,
    };
    let bottom = panel(&mut svg, "Targets (linear scale)", &targeted, 70.0, linear);
    panel(
        &mut svg,
        "Every comparison (log scale)",
        figures,
        bottom + 50.0,
        Scale::Log { lo, hi },
    );
    svg.push_str("</svg>\n");
    svg
}

fn ratio_target(figure: &Figure) -> Option<f64> {
    match figure.target? {
        figures::Target::RatioAtMost(t) | figures::Target::RatioAtLeast(t) => Some(t),
        figures::Target::ValueAtMost(_) => None,
    }
}

/// Draws one panel starting at `top`; returns where its axis labels end.
fn panel(svg: &mut String, title: &str, figures: &[&Figure], top: f64, scale: Scale) -> f64 {
    let (x0, x1) = (LABEL_W + 10.0, WIDTH - 70.0);
    let x = |ratio: f64| x0 + scale.fraction(ratio) * (x1 - x0);
    let _ = writeln!(
        svg,
        r#"<text x="10" y="{:.1}" font-size="13" font-weight="bold">{title}</text>"#,
        top
    );
    let top = top + 8.0;
    let bottom = top + ROW * figures.len() as f64;
    for value in scale.ticks() {
        let gx = x(value);
        let stroke = if (value - 1.0).abs() < 1e-9 { "#000" } else { "#ccc" };
        let _ = writeln!(
            svg,
            r#"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{bottom}" stroke="{stroke}"/>"#
        );
        let _ = writeln!(
            svg,
            r#"<text x="{gx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 16.0,
            scale.label(value)
        );
    }
    for (i, f) in figures.iter().enumerate() {
        let y = top + ROW * i as f64;
        let label = format!("[{}] {} vs {}", f.item, f.what, f.versus);
        let _ = writeln!(svg, r#"<text x="10" y="{:.1}">{}</text>"#, y + 16.0, escape(&label));
        let (a, b) = (x(1.0), x(f.ratio()));
        let colour = match f.met() {
            Some(true) => "#2e9d4f",
            Some(false) => "#d13b3b",
            None => "#9a9a9a",
        };
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
            a.min(b),
            y + 5.0,
            (a - b).abs().max(1.0),
            ROW - 10.0
        );
        if let Some(t) = ratio_target(f) {
            let tx = x(t);
            let (y1, y2) = (y + 2.0, y + ROW - 2.0);
            let _ = writeln!(
                svg,
                r#"<line x1="{tx:.1}" y1="{y1:.1}" x2="{tx:.1}" y2="{y2:.1}" stroke="black" stroke-width="2"/>"#
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}">{:.3}</text>"#,
            a.max(b) + 4.0,
            y + 16.0,
            f.ratio()
        );
    }
    bottom + 16.0
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
