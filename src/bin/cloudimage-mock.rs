//! `cloudimage-mock`: the local cloud emulator as a process, for the README demo and for tests that
//! run real Terraform binaries. A thin shell over `terraform_provider_cloudimage::mock::serve`:
//! parse flags, bind 127.0.0.1, print exactly one line on stdout, log to stderr, stop on
//! SIGINT/SIGTERM. Knows nothing of the clouds itself.

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::process::ExitCode;

use terraform_provider_cloudimage::mock::{
    serve, Cloud, Credentials, FaultConfig, FaultRule, MockConfig, Shapes,
};
use terraform_provider_cloudimage::secret::Secret;

const DEFAULT_PORT: u16 = 18080;

const USAGE: &str = "\
usage: cloudimage-mock [--port N] [--shapes default|real] [--fault SPEC]... [--latency-ms N]
                       [--baidu-key AK:SK]... [--ucloud-key PUBLIC:PRIVATE]... [--tencent-key ID:KEY]...

Serves Baidu BCC, UCloud and Tencent CVM image APIs on http://127.0.0.1:PORT (default 18080; 0 = any).
Built-in keys: Baidu mock-baidu-ak/mock-baidu-sk, UCloud mock-ucloud-public/mock-ucloud-private,
Tencent AKIDmockTencent0000000000000000000000/mock-tencent-sk.
Tencent region ap-bench holds 10,000 images (100 pages), for load and benchmark runs.
--shapes real answers as the real APIs are seen to: null for absent optional members, both UTC
spellings (+00:00 and Z), UCloud prices as floats, Baidu snapshots with null times, unknown extra
fields (default: every official field, each with a value of its type).
Fault SPEC: KIND[,key=value...] or a JSON rule. Kinds: throttle, http_error, slow, truncated, html,
wrong_shape, reset, oversized, oversized_chunked, huge_pages, absurd_total, repeat_marker,
shrink_total, hostile_text, hostile_names. Keys: cloud (baidu, ucloud, tencent, tencent-legacy,
tencent-v3), action, times, status, ms, mib, by, code, retry_after.
  e.g. --fault throttle,cloud=tencent,times=2 --fault http_error,status=502,cloud=baidu
       --fault huge_pages,cloud=baidu,mib=7 --fault absurd_total,cloud=ucloud,by=1000000
Control API: GET/PUT/POST/DELETE /_mock/faults, GET/DELETE /_mock/requests, GET /_mock/health.";

/// The parsed command line.
#[derive(Debug)]
struct Args {
    port: u16,
    config: MockConfig,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut port = DEFAULT_PORT;
    let mut faults = FaultConfig::default();
    let mut creds = Credentials::default();
    let mut shapes = Shapes::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port number"))?;
            }
            "--shapes" => {
                let v = value()?;
                shapes = Shapes::parse(&v)
                    .ok_or(format!("--shapes: {v:?} is not \"default\" or \"real\""))?;
            }
            "--latency-ms" => {
                let v = value()?;
                faults.latency_ms = v
                    .parse()
                    .map_err(|_| format!("--latency-ms: {v:?} is not a number"))?;
            }
            "--fault" => faults
                .rules
                .push(FaultRule::parse_spec(&value()?).map_err(|e| format!("--fault: {e}"))?),
            "--baidu-key" | "--ucloud-key" | "--tencent-key" => {
                let cloud = Cloud::parse(flag.trim_start_matches("--").trim_end_matches("-key"))
                    .ok_or("unknown cloud")?;
                let v = value()?;
                let (id, secret) = v
                    .split_once(':')
                    .filter(|(i, s)| !i.is_empty() && !s.is_empty())
                    .ok_or(format!("{flag} takes ID:SECRET"))?;
                creds.add(cloud, id, Secret::new(secret));
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    faults.validate().map_err(|e| e.to_string())?;
    Ok(Some(Args {
        port,
        config: MockConfig {
            port,
            faults,
            credentials: creds,
            shapes,
        },
    }))
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cloudimage-mock: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "cloudimage-mock: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "cloudimage-mock listening on http://127.0.0.1:{port}"
    );
    let _ = stdout.flush();
    match serve(listener, args.config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cloudimage-mock: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = parse(&[]).ok().flatten().map(|a| a.port);
        assert_eq!(a, Some(DEFAULT_PORT));
        let a = parse(&[
            "--port",
            "0",
            "--latency-ms=25",
            "--fault",
            "throttle,cloud=tencent,times=2",
            "--fault=slow,ms=5",
            "--shapes",
            "real",
        ]);
        let a = a.ok().flatten().expect("parses");
        assert_eq!(
            (
                a.port,
                a.config.faults.latency_ms,
                a.config.faults.rules.len()
            ),
            (0, 25, 2)
        );
        assert_eq!(a.config.shapes, Shapes::Real);
        let a = parse(&["--ucloud-key", "pub2:priv2"])
            .ok()
            .flatten()
            .expect("parses");
        assert_eq!(
            a.config
                .credentials
                .secret(Cloud::Ucloud, "pub2")
                .map(|s| s.expose()),
            Some("priv2")
        );
        assert!(parse(&["--help"]).is_ok_and(|a| a.is_none()));
    }

    #[test]
    fn bad_flags_are_errors() {
        for bad in [
            &["--port", "http"][..],
            &["--fault", "explode"],
            &["--bogus"],
            &["--port"],
            &["--tencent-key", "nocolon"],
            &["--shapes", "fake"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
