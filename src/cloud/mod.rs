//! The cloud layer: typed queries in, typed images (or a [`CloudError`]-style error) out, for Baidu AI
//! Cloud (BCC), UCloud (UHost) and Tencent Cloud (CVM).
//!
//! This module knows nothing of Terraform: no cty values, no schema, no diagnostics. Each cloud has its
//! own folder with the same triple: `sign` (pure signer), `model` (serde wire structs) and `client`.

pub mod digest;

pub mod baidu;
pub mod tencent;
pub mod ucloud;
