//! libFuzzer target for the data-source configuration path: arbitrary `DynamicValue` bytes (msgpack or
//! JSON, by the first byte's low bit) for a data source picked by the next byte, through
//! `ValidateDataResourceConfig` and then `ReadDataSource` on the tfplugin6 service, as Terraform would
//! send them. The provider is configured against a closed loopback port with no retries, so a config
//! that decodes runs the whole config → query → request path and fails fast at the connection.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use terraform_provider_cloudimage::data_sources;
use terraform_provider_cloudimage::provider::Provider;
use terraform_provider_cloudimage::server::fuzzing::{read_data_source_v6, validate_data_source_v6};

struct World {
    runtime: tokio::runtime::Runtime,
    provider: Arc<Provider>,
    names: Vec<&'static str>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let provider = Arc::new(Provider::with_env(data_sources::registry(), Box::new(|_| None)));
        // Port 9 on loopback: nothing listens, so every request fails at once.
        let endpoint = "http://127.0.0.1:9";
        let config = serde_json::json!({
            "max_retries": 0,
            "request_timeout": "1s",
            "baidu": {"access_key": "ak", "secret_key": "sk", "endpoint": endpoint},
            "ucloud": {"public_key": "pk", "private_key": "pk", "region": "cn-bj2", "endpoint": endpoint},
            "tencent": {"secret_id": "id", "secret_key": "sk", "region": "ap-guangzhou", "endpoint": endpoint},
        });
        let diags = runtime.block_on(terraform_provider_cloudimage::server::fuzzing::configure_json_v6(
            &provider,
            &serde_json::to_vec(&config).expect("json"),
        ));
        assert!(diags.is_empty(), "configure: {diags:?}");
        let names = provider.data_source_names().collect();
        World { runtime, provider, names }
    })
}

fuzz_target!(|data: &[u8]| {
    let [codec, which, config @ ..] = data else {
        return;
    };
    let w = world();
    let name = w.names[usize::from(*which) % w.names.len()];
    let json = codec & 1 == 1;
    let _ = validate_data_source_v6(&w.provider, name, config, json);
    if codec & 2 == 2 {
        let _ = w.runtime.block_on(read_data_source_v6(&w.provider, name, config, json));
    }
});
