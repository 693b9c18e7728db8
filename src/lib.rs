//! cloudimage: a Terraform/OpenTofu provider that finds machine images on Baidu AI Cloud, UCloud and
//! Tencent Cloud. `ARCHITECTURE.md` has the bird's-eye view. Modules, in reading order:
//!
//! - [`server`]: transport only — go-plugin handshake, AutoMTLS, the tfplugin5/6 gRPC adapters.
//! - [`cty`]: Terraform's value model and its msgpack/JSON wire codecs (sans-IO).
//! - [`schema`]: a protocol-independent schema model.
//! - [`provider`]: the provider core — configuration, diagnostics, dispatch to data sources.
//! - [`data_sources`]: one module per data-source family: config → query → images → state.
//! - [`cloud`]: knows nothing of Terraform — signers, HTTP with retries, clients for each cloud API.
//! - [`docs`]: registry docs generated from the schema (`terraform-provider-cloudimage docs`).
//! - [`mock`]: the local cloud emulator used by tests and the demo.
//! - [`logging`]: hclog-compatible JSON logs on stderr.
//! - [`secret`]: a string that never prints.
//! - [`allocator`]: the process's malloc settings (figure 4 of BENCHMARKS.md).

pub mod allocator;
pub mod cloud;
pub mod cty;
pub mod data_sources;
pub mod docs;
pub mod logging;
pub mod mock;
pub mod provider;
pub mod schema;
pub mod secret;
pub mod server;
