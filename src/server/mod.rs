//! Transport only: the go-plugin handshake, AutoMTLS, and the gRPC services (tfplugin5/6 adapters over
//! one provider core, go-plugin's controller/stdio/broker, health). Knows nothing of clouds.

mod conn;
#[doc(hidden)]
pub mod fuzzing;
mod go_plugin;
pub mod handshake;
pub mod platform;
pub mod tls;
mod v5;
mod v6;
mod wire;

/// Code generated from `proto/`. Public only so integration tests can build clients.
#[doc(hidden)]
pub mod proto {
    #![allow(clippy::all, missing_docs)]
    pub mod tfplugin5 {
        tonic::include_proto!("tfplugin5");
    }
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::provider::Provider;
pub use handshake::Address;
pub use platform::{Listener, Network, PluginAddress, PortRange};

/// Terraform accepts gRPC messages up to MaxInt32; terraform-plugin-go servers allow 256 MiB.
const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// After `Shutdown`, in-flight connections get this long to close before the process exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(50);

/// The provider's source address, as Terraform users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/cloudimage/cloudimage";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not listen for Terraform: {0}")]
    Listen(#[source] std::io::Error),
    #[error("{0}")]
    Settings(String),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("gRPC server failed: {0}")]
    Grpc(#[from] tonic::transport::Error),
    #[error("could not write the handshake: {0}")]
    Announce(#[source] std::io::Error),
}

/// How this process was asked to serve.
pub struct Options {
    /// Negotiated plugin protocol major version (5 or 6).
    pub version: u32,
    /// `PLUGIN_CLIENT_CERT`: when present, serve TLS and require exactly this client certificate.
    pub client_cert_pem: Option<String>,
    /// `--debug`: plaintext, reattach line instead of the handshake, serve until interrupted.
    pub debug: bool,
    /// Where to listen: this OS's usual transport, or the one `CLOUDIMAGE_PLUGIN_NETWORK` names.
    pub network: Network,
    /// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`, for TCP.
    pub ports: PortRange,
}

impl Options {
    /// The transport settings from the environment Terraform (or the user) gave.
    pub fn transport_from_env() -> Result<(Network, PortRange), ServeError> {
        let network = Network::choose(std::env::var(platform::NETWORK_VAR).ok().as_deref())
            .map_err(ServeError::Settings)?;
        let ports = match network {
            Network::Tcp => PortRange::from_env().map_err(ServeError::Settings)?,
            Network::Unix => PortRange { min: 0, max: 0 },
        };
        Ok((network, ports))
    }
}

/// Binds the listener, announces it through `announce` (the handshake line, or the reattach line in debug
/// mode), then serves until Terraform calls `Shutdown` (or, in debug mode, until Ctrl-C) or a request to
/// terminate arrives. A unix socket and its directory are gone when this returns.
pub async fn serve(
    provider: Arc<Provider>,
    options: Options,
    announce: impl FnOnce(&str) -> std::io::Result<()>,
) -> Result<(), ServeError> {
    let (bound, listener) = Listener::bind(options.network, options.ports)
        .await
        .map_err(ServeError::Listen)?;
    let tls = match (&options.client_cert_pem, options.debug) {
        (Some(pem), false) => Some(tls::auto_mtls(pem)?),
        _ => None,
    };
    let address = bound.address.clone();
    let line = if options.debug {
        reattach_line(options.version, &address)
    } else {
        handshake::line(
            options.version,
            &address,
            tls.as_ref().map(|t| t.server_cert_der.as_slice()),
        )
    };
    tracing::debug!(address = %address.to_string_lossy(), network = address.network(), version = options.version, tls = tls.is_some(), "plugin address");

    let (shutdown, _) = watch::channel(false);
    watch_signals(shutdown.clone(), options.debug, provider.clone());
    if !options.debug {
        watch_parent(shutdown.clone());
    }
    announce(&line).map_err(ServeError::Announce)?;
    serve_connections(
        provider,
        listener,
        tls.map(|t| t.config),
        &[options.version],
        options.debug,
        shutdown,
    )
    .await?;
    drop(bound);
    Ok(())
}

/// Serves the plugin's gRPC services on `listener` until `shutdown` turns true (plus a short grace).
/// `versions` lists the tfplugin protocol versions to serve (the negotiated one; tests may pass both).
pub async fn serve_connections(
    provider: Arc<Provider>,
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
    versions: &[u32],
    debug: bool,
    shutdown: watch::Sender<bool>,
) -> Result<(), ServeError> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let controller = go_plugin::Controller {
        shutdown: shutdown.clone(),
        ignore_shutdown: debug,
    };
    let mut router = tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(proto::plugin::grpc_controller_server::GrpcControllerServer::new(controller))
        .add_service(proto::plugin::grpc_stdio_server::GrpcStdioServer::new(
            go_plugin::Stdio,
        ))
        .add_service(proto::plugin::grpc_broker_server::GrpcBrokerServer::new(
            go_plugin::Broker,
        ));
    if versions.contains(&6) {
        router = router.add_service(
            proto::tfplugin6::provider_server::ProviderServer::new(v6::ProviderV6(
                provider.clone(),
            ))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
        );
    }
    if versions.contains(&5) {
        router = router.add_service(
            proto::tfplugin5::provider_server::ProviderServer::new(v5::ProviderV5(
                provider.clone(),
            ))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
        );
    }

    let mut stop = shutdown.subscribe();
    let mut stop_after_grace = shutdown.subscribe();
    let signal = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    let serving = router.serve_with_incoming_shutdown(conn::incoming(listener, tls), signal);
    tokio::select! {
        result = serving => result?,
        _ = async {
            let _ = stop_after_grace.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {}
    }
    // Reads still running (e.g. waiting on a slow cloud) must not outlive the process's decision to exit.
    provider.stop();
    Ok(())
}

/// A request to terminate (SIGTERM; Ctrl-Break or closing the console on Windows) always stops the
/// server. Ctrl-C stops it only in debug mode: Ctrl-C reaches the whole process group (console) and
/// Terraform decides when its plugins exit, so a managed plugin keeps serving. It does cancel the reads
/// in flight, as `StopProvider` would: Terraform 1.0/0.14 send no `StopProvider` during the plan phase of
/// `apply`, so without this a slow read would hold up Ctrl-C until it finished.
fn watch_signals(shutdown: watch::Sender<bool>, debug: bool, provider: Arc<Provider>) {
    let mut signals = platform::Signals::install();
    tokio::spawn(async move {
        while let Some(event) = signals.next().await {
            match event {
                platform::SignalEvent::Interrupt if !debug => {
                    tracing::debug!("interrupted: cancelling reads in flight, still serving");
                    provider.stop();
                }
                platform::SignalEvent::Interrupt | platform::SignalEvent::Terminate => {
                    shutdown.send_replace(true);
                    return;
                }
            }
        }
    });
}

/// How often a managed plugin checks that Terraform is still its parent.
const PARENT_POLL: Duration = Duration::from_millis(500);

/// Stops the server when Terraform dies without a `Shutdown` (SIGKILL, a crash): the plugin is then
/// re-parented, and would otherwise serve an abandoned socket forever. Where the OS cannot tell
/// (`platform::parent_id`), nothing is watched.
fn watch_parent(shutdown: watch::Sender<bool>) {
    let Some(parent) = platform::parent_id() else {
        return;
    };
    tokio::spawn(async move {
        let mut stopped = shutdown.subscribe();
        loop {
            tokio::select! {
                _ = stopped.wait_for(|s| *s) => return,
                _ = tokio::time::sleep(PARENT_POLL) => {}
            }
            if platform::parent_id() != Some(parent) {
                tracing::warn!(
                    parent,
                    "Terraform exited without shutting the plugin down; stopping"
                );
                shutdown.send_replace(true);
                return;
            }
        }
    });
}

/// `TF_REATTACH_PROVIDERS=...` for debug mode. `Test: true` keeps Terraform from killing the server and
/// makes it record the protocol version (without it Terraform assumes 5).
pub fn reattach_line(version: u32, address: &Address) -> String {
    let value = serde_json::json!({
        PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": version,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": address.network(), "String": address.to_string_lossy() },
        }
    });
    format!("TF_REATTACH_PROVIDERS='{value}'")
}

pub(crate) fn rpc_span(rpc: &'static str, version: u32) -> tracing::Span {
    tracing::info_span!("rpc", tf_rpc = rpc, tf_proto_version = version)
}
