//! Every integration test, in one binary: one link of the provider library instead of one per file,
//! and one `support` module for all. Each module is one area (its own doc says what it covers); name it
//! to run it alone, e.g. `cargo nextest run --test it handshake::` or `cargo test --test it -- soak::`.

mod support;

mod baidu;
mod cancellation;
mod cty_fuzz;
mod docs;
mod examples;
mod fault_matrix;
mod fuzz_smoke;
mod handshake;
mod hostile_input;
mod hostile_listings;
mod hostile_text;
mod network;
mod real_shapes;
mod release;
mod schema_snapshot;
mod secrets;
mod selection;
mod single_flight;
mod soak;
mod tencent;
mod terraform_core;
mod ucloud;
