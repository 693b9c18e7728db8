//! `terraform-provider-cloudimage`: started by Terraform as a go-plugin gRPC plugin, or by a developer
//! with `--debug` (a long-running server to reattach to), `--version`, or `docs [DIR]` (regenerates the
//! registry docs from the schema).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use terraform_provider_cloudimage::server::{self, handshake};
use terraform_provider_cloudimage::{allocator, data_sources, logging, provider::Provider};

const USAGE: &str =
    "usage: terraform-provider-cloudimage [--debug | --version | --help | docs [DIR]]
  (no argument)  serve as a Terraform plugin; Terraform starts it, not you
  --debug        serve for reattaching: prints TF_REATTACH_PROVIDERS for terraform to use
  --version      print the version
  docs [DIR]     write the registry docs (default DIR: docs)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let debug = match args.first().map(String::as_str) {
        None => false,
        Some("--debug") => true,
        Some("--version" | "-v" | "version") => {
            println!(
                "terraform-provider-cloudimage {}",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Some("docs") => return docs(args.get(1).map(String::as_str)),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown argument {other:?}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !debug
        && !handshake::cookie_is_valid(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref())
    {
        eprintln!("{}", handshake::NOT_A_PROGRAM_HINT);
        return ExitCode::from(1);
    }
    allocator::tune();
    logging::init();
    server::tls::install_crypto_provider();

    let (network, ports) = match server::Options::transport_from_env() {
        Ok(transport) => transport,
        Err(e) => {
            eprintln!("terraform-provider-cloudimage: {e}");
            return ExitCode::from(1);
        }
    };
    let options = server::Options {
        version: if debug {
            6
        } else {
            handshake::negotiate(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())
        },
        client_cert_pem: std::env::var("PLUGIN_CLIENT_CERT")
            .ok()
            .filter(|c| !c.trim().is_empty()),
        debug,
        network,
        ports,
    };
    // One thread: the provider waits on Terraform and the clouds, and every extra worker thread costs its own
    // stack and malloc arena in each of the several processes Terraform starts (BENCHMARKS.md figure 4).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let provider = Arc::new(Provider::new(data_sources::registry()));
    let result = runtime.block_on(server::serve(provider, options, |line| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()
    }));
    // Reads blocked on a cloud must not keep the process alive after Terraform is done with it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(10));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "provider server failed");
            eprintln!("terraform-provider-cloudimage: {e}");
            ExitCode::from(1)
        }
    }
}

/// `docs [DIR]`: writes the registry docs generated from this binary's schema.
fn docs(dir: Option<&str>) -> ExitCode {
    let provider = Provider::new(data_sources::registry());
    match terraform_provider_cloudimage::docs::run_command(&provider.schema(), dir) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("terraform-provider-cloudimage docs: {e}");
            ExitCode::from(1)
        }
    }
}
