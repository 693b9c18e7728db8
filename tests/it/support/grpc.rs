//! The provider served in-process over real gRPC: `server::serve_connections` on a private unix socket,
//! driven by the generated tfplugin6 client, as Terraform would (minus the process boundary). Configs
//! are JSON `DynamicValue`s (missing attributes are null, so tests name only what they set); states
//! come back as msgpack and are turned into JSON with the schema's type.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use terraform_provider_cloudimage::cty::{self, Type};
use terraform_provider_cloudimage::data_sources;
use terraform_provider_cloudimage::provider::Provider;
use terraform_provider_cloudimage::server::proto::tfplugin6 as pb;
use terraform_provider_cloudimage::server::{
    serve_connections, Address, Listener, Network, PluginAddress, PortRange,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};

pub type Client = pb::provider_client::ProviderClient<Channel>;

/// Backoff of a few milliseconds: faults are retried without the production waits.
pub const FAST_BACKOFF: [(&str, &str); 2] = [
    ("CLOUDIMAGE_BACKOFF_BASE_MS", "5"),
    ("CLOUDIMAGE_BACKOFF_CAP_MS", "40"),
];

/// One diagnostic as the client received it.
#[derive(Debug, Clone)]
pub struct Diag {
    pub error: bool,
    pub summary: String,
    pub detail: String,
}

impl Diag {
    pub fn text(&self) -> String {
        format!("{}\n{}", self.summary, self.detail)
    }
}

/// What one ReadDataSource returned.
#[derive(Debug, Clone)]
pub struct Read {
    pub state: Option<serde_json::Value>,
    pub diags: Vec<Diag>,
    /// The raw response bytes (state msgpack), for scans.
    pub raw_state: Vec<u8>,
}

impl Read {
    pub fn errors(&self) -> Vec<&Diag> {
        self.diags.iter().filter(|d| d.error).collect()
    }
    pub fn ids(&self) -> Option<Vec<String>> {
        let ids = self.state.as_ref()?.get("ids")?.as_array()?;
        ids.iter().map(|v| v.as_str().map(str::to_string)).collect()
    }
}

/// A provider served over gRPC in this process.
pub struct InProcess {
    pub client: Client,
    pub provider: Arc<Provider>,
    pub socket: PathBuf,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _guard: PluginAddress,
}

pub fn diags(list: &[pb::Diagnostic]) -> Vec<Diag> {
    list.iter()
        .map(|d| Diag {
            error: d.severity == pb::diagnostic::Severity::Error as i32,
            summary: d.summary.clone(),
            detail: d.detail.clone(),
        })
        .collect()
}

pub fn json_value(v: &serde_json::Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: Vec::new(),
        json: serde_json::to_vec(v).expect("json"),
    })
}

impl InProcess {
    /// Serves the real data-source registry; `env` is the provider's whole environment.
    pub async fn start(env: &[(&str, &str)]) -> InProcess {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let provider = Arc::new(Provider::with_env(
            data_sources::registry(),
            Box::new(move |name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())),
        ));
        let (guard, listener) = Listener::bind(Network::Unix, PortRange { min: 0, max: 0 })
            .await
            .expect("socket");
        let Address::Unix(socket) = guard.address.clone() else {
            unreachable!("a unix listener has a unix address")
        };
        let (stop, _) = watch::channel(false);
        let task = tokio::spawn({
            let (provider, stop) = (provider.clone(), stop.clone());
            async move {
                serve_connections(provider, listener, None, &[6], false, stop)
                    .await
                    .expect("serve");
            }
        });
        let client = Self::connect(socket.clone()).await;
        InProcess {
            client,
            provider,
            socket,
            stop,
            task: Some(task),
            _guard: guard,
        }
    }

    /// A fresh connection (a new HTTP/2 connection per call keeps streams from queueing).
    pub async fn connect(socket: PathBuf) -> Client {
        let channel = Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_| {
                let socket = socket.clone();
                async move {
                    Ok::<_, std::io::Error>(TokioIo::new(
                        tokio::net::UnixStream::connect(socket).await?,
                    ))
                }
            }))
            .await
            .expect("connect");
        pb::provider_client::ProviderClient::new(channel)
            .max_decoding_message_size(256 << 20)
            .max_encoding_message_size(256 << 20)
    }

    /// ConfigureProvider with a JSON provider block; returns its diagnostics.
    pub async fn configure(&self, config: serde_json::Value) -> Vec<Diag> {
        configure_with(&mut self.client.clone(), config).await
    }

    /// The implied type of a data source's schema (from the provider, so schema changes follow).
    pub fn data_source_type(&self, type_name: &str) -> Type {
        data_source_type(type_name)
    }

    /// ReadDataSource over gRPC with a JSON configuration.
    pub async fn read(&self, type_name: &str, config: serde_json::Value) -> Read {
        read_with(
            &mut self.client.clone(),
            &self.data_source_type(type_name),
            type_name,
            config,
        )
        .await
    }

    /// StopProvider over gRPC.
    pub async fn stop_provider(&self) {
        self.client
            .clone()
            .stop_provider(pb::stop_provider::Request {})
            .await
            .expect("StopProvider");
    }

    /// Stops serving and waits (briefly) for the server task.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

/// The implied type of a registered data source's schema, to decode its state with.
pub fn data_source_type(type_name: &str) -> Type {
    data_sources::registry()
        .into_iter()
        .find(|d| d.type_name() == type_name)
        .expect("known data source")
        .schema()
        .block
        .implied_type()
}

/// ConfigureProvider on `client` with a JSON provider block; returns its diagnostics.
pub async fn configure_with(client: &mut Client, config: serde_json::Value) -> Vec<Diag> {
    let reply = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: json_value(&config),
            client_capabilities: None,
        })
        .await
        .expect("ConfigureProvider")
        .into_inner();
    diags(&reply.diagnostics)
}

/// ReadDataSource on `client`; `ty` decodes the state.
pub async fn read_with(
    client: &mut Client,
    ty: &Type,
    type_name: &str,
    config: serde_json::Value,
) -> Read {
    let reply = client
        .read_data_source(pb::read_data_source::Request {
            type_name: type_name.into(),
            config: json_value(&config),
            provider_meta: None,
            client_capabilities: None,
        })
        .await
        .expect("ReadDataSource answered")
        .into_inner();
    let raw_state = reply
        .state
        .as_ref()
        .map(|s| s.msgpack.clone())
        .unwrap_or_default();
    let state = reply.state.as_ref().map(|s| {
        let value =
            cty::decode_msgpack(&s.msgpack, ty).expect("state decodes with the schema type");
        let json = cty::encode_json(&value, ty).expect("state encodes as JSON");
        serde_json::from_slice(&json).expect("JSON")
    });
    Read {
        state,
        diags: diags(&reply.diagnostics),
        raw_state,
    }
}
