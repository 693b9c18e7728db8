//! The Rust half of the benchmark suite (`bench/run.sh` runs it; not part of CI). Each figure prints
//! one JSON object on stdout for `bench/run.py` to put into BENCHMARKS.md:
//!
//!   cargo bench --bench perf -- paging [latency_ms] [runs]        figure 5
//!   cargo bench --bench perf -- msgpack [images] [runs]           figure 7
//!   cargo bench --bench perf -- shutdown RUNS NAME=BINARY...      figure 2
//!
//! Plain `std::time` timing (no nightly, no harness): each figure is one long operation measured a
//! few times, where a statistics harness would add nothing.

mod msgpack;
mod paging;
mod shutdown;

use std::process::ExitCode;

/// Median of `xs` (sorted in place); 0 for none.
pub fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> Result<T, String> {
    match args.get(i) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| format!("argument {s:?} is not a number")),
    }
}

fn main() -> ExitCode {
    // The provider process's allocator settings, so figures 5 and 7 measure what it would do.
    terraform_provider_cloudimage::allocator::tune();
    terraform_provider_cloudimage::server::tls::install_crypto_provider();
    // `cargo bench` appends `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let result = match args.first().map(String::as_str) {
        Some("paging") => {
            arg(&args, 1, 50).and_then(|l| arg(&args, 2, 3).and_then(|r| paging::run(l, r)))
        }
        Some("msgpack") => {
            arg(&args, 1, 10_000).and_then(|n| arg(&args, 2, 5).and_then(|r| msgpack::run(n, r)))
        }
        Some("shutdown") => arg(&args, 1, 20).and_then(|runs| {
            let binaries: Vec<(String, String)> = args[2.min(args.len())..]
                .iter()
                .filter_map(|a| {
                    a.split_once('=')
                        .map(|(n, b)| (n.to_string(), b.to_string()))
                })
                .collect();
            shutdown::run(&binaries, runs)
        }),
        // `cargo bench` with no arguments: the two in-process figures.
        None => paging::run(50, 3).and_then(|p| {
            msgpack::run(10_000, 5).map(|m| serde_json::json!({ "paging": p, "msgpack": m }))
        }),
        Some(other) => Err(format!(
            "unknown figure {other:?}; see benches/perf/main.rs"
        )),
    };
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("perf: {e}");
            ExitCode::FAILURE
        }
    }
}
