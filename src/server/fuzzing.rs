//! Entry points over the tfplugin6 request path for fuzz targets and smoke tests: raw `DynamicValue`
//! bytes in, exactly as the gRPC service would decode, validate and read them, diagnostics out. No gRPC
//! transport, no sockets. Not part of the provider's API.

use super::proto::tfplugin6 as pb;
use super::wire::v6 as wire;
use crate::provider::Provider;

fn dynamic(bytes: &[u8], json: bool) -> pb::DynamicValue {
    if json {
        pb::DynamicValue {
            msgpack: Vec::new(),
            json: bytes.to_vec(),
        }
    } else {
        pb::DynamicValue {
            msgpack: bytes.to_vec(),
            json: Vec::new(),
        }
    }
}

fn summaries(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.summary.clone()).collect()
}

/// `ValidateDataResourceConfig` with `bytes` as the config; the diagnostics' summaries.
pub fn validate_data_source_v6(
    provider: &Provider,
    type_name: &str,
    bytes: &[u8],
    json: bool,
) -> Vec<String> {
    let diags = wire::validate_data_source(provider, type_name, Some(&dynamic(bytes, json)));
    summaries(&wire::diagnostics(&diags))
}

/// `ReadDataSource` with `bytes` as the config: whether a state came back, and the summaries.
pub async fn read_data_source_v6(
    provider: &Provider,
    type_name: &str,
    bytes: &[u8],
    json: bool,
) -> (bool, Vec<String>) {
    let (state, diags) =
        wire::read_data_source(provider, type_name, Some(&dynamic(bytes, json))).await;
    (state.is_some(), summaries(&wire::diagnostics(&diags)))
}

/// `ConfigureProvider` with a JSON provider block; the error summaries.
pub async fn configure_json_v6(provider: &Provider, json: &[u8]) -> Vec<String> {
    let ty = provider.schema().provider.block.implied_type();
    let diags = match wire::decode(Some(&dynamic(json, true)), &ty, "provider configuration") {
        Ok(config) => provider.configure(&config, "1.0.3"),
        Err(d) => d,
    };
    summaries(&wire::diagnostics(&diags))
}
