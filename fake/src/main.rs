//! `videogen-fake`: the fake VideoGen API as a server process, for services
//! written in other languages and for docker-compose setups.
//!
//! ```sh
//! cargo run -p videogen-fake -- --port 0 --seed 1 --job-duration 30s
//! ```
//!
//! Prints `VIDEOGEN_BASE_URL=...` and `VIDEOGEN_API_KEY=...` on stdout once
//! it listens, then serves until Ctrl-C or SIGTERM.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    process::ExitCode,
    time::Duration,
};

use videogen_fake::{FakeVideoGen, Fault};

const USAGE: &str = "\
videogen-fake: a fake of the VideoGen API, in memory

Usage: videogen-fake [OPTIONS]

Options:
  --port <PORT>             Port to listen on; 0 picks a free one [default: 0]
  --host <ADDR>             Address to listen on [default: 127.0.0.1]
  --api-key <KEY>           The API key it accepts [default: vg_test_fake_key]
  --seed <N>                Seed for ids and secrets: the same requests get the same answers
  --job-duration <TIME>     How long a job takes, e.g. 30s, 500ms, 2m [default: 10s]
  --url-ttl <TIME>          How long signed URLs stay valid [default: 1h]
  --latency <TIME>          Extra time before every answer [default: 0s]
  --processing-delay <TIME> How long an upload stays pending after its bytes arrive [default: 0s]
  --export-bytes <N>        Size of an exported MP4 [default: 1048576]
  --demo                    Seed demo files (vg_file_demo, ...) and demo projects
  --future-types            Also seed a file of a type newer than the document (LOTTIE)
  -h, --help                Print this help
  -V, --version             Print the version

It prints VIDEOGEN_BASE_URL=... and VIDEOGEN_API_KEY=... once it listens,
and stops cleanly on Ctrl-C or SIGTERM. Webhook endpoints created through
the API receive signed event deliveries as jobs and uploads end.";

#[derive(Debug)]
struct Options {
    host: IpAddr,
    port: u16,
    api_key: String,
    seed: Option<u64>,
    job_duration: Duration,
    url_ttl: Duration,
    latency: Duration,
    processing_delay: Duration,
    export_bytes: u64,
    demo: bool,
    future_types: bool,
}

enum Parsed {
    Run(Options),
    Exit(String),
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut options = Options {
        host: Ipv4Addr::LOCALHOST.into(),
        port: 0,
        api_key: FakeVideoGen::API_KEY.to_owned(),
        seed: None,
        job_duration: Duration::from_secs(10),
        url_ttl: Duration::from_secs(3600),
        latency: Duration::ZERO,
        processing_delay: Duration::ZERO,
        export_bytes: 1 << 20,
        demo: false,
        future_types: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let duration = |name: &str, text: String| {
            humantime::parse_duration(&text).map_err(|e| format!("{name} {text:?}: {e} (try 30s, 500ms, 2m)"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE.to_owned())),
            "-V" | "--version" => return Ok(Parsed::Exit(format!("videogen-fake {}", env!("CARGO_PKG_VERSION")))),
            "--port" => {
                let text = value("--port")?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("--port {text:?} is not a port number"))?;
            }
            "--host" => {
                let text = value("--host")?;
                options.host = text
                    .parse()
                    .map_err(|_| format!("--host {text:?} is not an IP address"))?;
            }
            "--api-key" => options.api_key = value("--api-key")?,
            "--seed" => {
                let text = value("--seed")?;
                options.seed = Some(text.parse().map_err(|_| format!("--seed {text:?} is not a number"))?);
            }
            "--job-duration" => options.job_duration = duration("--job-duration", value("--job-duration")?)?,
            "--url-ttl" => options.url_ttl = duration("--url-ttl", value("--url-ttl")?)?,
            "--latency" => options.latency = duration("--latency", value("--latency")?)?,
            "--processing-delay" => {
                options.processing_delay = duration("--processing-delay", value("--processing-delay")?)?;
            }
            "--export-bytes" => {
                let text = value("--export-bytes")?;
                options.export_bytes = text
                    .parse()
                    .map_err(|_| format!("--export-bytes {text:?} is not a number"))?;
            }
            "--demo" => options.demo = true,
            "--future-types" => options.future_types = true,
            other => return Err(format!("unknown option {other:?}; see --help")),
        }
    }
    Ok(Parsed::Run(options))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Exit(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("videogen-fake: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("videogen-fake: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> ExitCode {
    let mut builder = FakeVideoGen::builder()
        .bind(SocketAddr::new(options.host, options.port))
        .api_key(options.api_key)
        .job_duration(options.job_duration)
        .url_ttl(options.url_ttl)
        .processing_delay(options.processing_delay)
        .export_bytes(options.export_bytes);
    if let Some(seed) = options.seed {
        builder = builder.rng_seed(seed);
    }
    if options.demo {
        builder = builder.with_demo_data();
    }
    if options.future_types {
        builder = builder.with_future_types();
    }
    let fake = match builder.try_start().await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("videogen-fake: cannot listen on {}:{}: {e}", options.host, options.port);
            return ExitCode::FAILURE;
        }
    };
    if !options.latency.is_zero() {
        fake.faults().on_any().always(Fault::latency(options.latency));
    }
    // Listen for the signals before telling anyone where we are, so a stop
    // sent right after the URL is read is handled, not fatal.
    let stop = stop_signal();
    println!("VIDEOGEN_BASE_URL={}", fake.base_url());
    println!("VIDEOGEN_API_KEY={}", fake.api_key());
    eprintln!(
        "videogen-fake {} listening; Ctrl-C or SIGTERM to stop",
        env!("CARGO_PKG_VERSION")
    );
    let signal = stop.await;
    eprintln!("videogen-fake: {signal}, stopping");
    match tokio::time::timeout(Duration::from_secs(5), fake.shutdown()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => {
            eprintln!("videogen-fake: requests still in flight after 5 s; exiting anyway");
            ExitCode::SUCCESS
        }
    }
}

/// Registers for Ctrl-C (SIGINT) and, on Unix, SIGTERM at once; the future
/// ends when one arrives and names it.
fn stop_signal() -> impl std::future::Future<Output = &'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => tokio::select! {
                    _ = interrupt.recv() => "interrupted",
                    _ = terminate.recv() => "terminated",
                },
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                    "interrupted"
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            "interrupted"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Parsed::Run(options) => Ok(options),
            Parsed::Exit(text) => Err(text),
        }
    }

    #[test]
    fn flags_parse_with_spaces_or_equals() {
        let o = run(&[
            "--port",
            "0",
            "--seed=1",
            "--job-duration",
            "30s",
            "--url-ttl=2m",
            "--demo",
        ])
        .unwrap();
        assert_eq!((o.port, o.seed, o.demo), (0, Some(1), true));
        assert_eq!(o.job_duration, Duration::from_secs(30));
        assert_eq!(o.url_ttl, Duration::from_secs(120));
        assert!(run(&["--port", "x"]).is_err());
        assert!(run(&["--nope"]).is_err());
        assert!(run(&["--job-duration"]).is_err());
        assert!(run(&["--help"]).unwrap_err().contains("VIDEOGEN_BASE_URL"));
    }
}
