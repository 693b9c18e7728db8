//! The cloud layer: typed queries in, typed images (or a [`CloudError`]-style error) out, for Baidu AI
//! Cloud (BCC), UCloud (UHost) and Tencent Cloud (CVM).
//!
//! This module knows nothing of Terraform: no cty values, no schema, no diagnostics. Each cloud has its
//! own folder with the same triple: `sign` (pure signer), `model` (serde wire structs) and `client`.

pub mod cache;
pub mod clock;
pub mod digest;
pub mod endpoint;
pub mod error;
pub mod http;
pub mod paging;
pub mod policy;

#[cfg(test)]
#[allow(dead_code)] // parts are used only by the client tests
pub(crate) mod test_server;

pub mod baidu;
pub mod tencent;
pub mod ucloud;
