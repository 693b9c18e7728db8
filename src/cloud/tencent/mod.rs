//! Tencent Cloud CVM: signature v1 (legacy API) and TC3-HMAC-SHA256 (API 3.0), the wire models of both
//! `DescribeImages` shapes, the typed query and the image client.

pub mod client;
pub mod model;
pub mod query;
pub mod sign_tc3;
pub mod sign_v1;

pub use client::{
    default_endpoint, TencentClient, TencentCredentials, DEFAULT_LEGACY_ENDPOINT,
    DEFAULT_V3_ENDPOINT,
};
pub use model::{normalize_architecture, TencentImage};
pub use query::{TencentApi, TencentFilter, TencentImageQuery, TencentQueryError};
pub use sign_v1::SignatureMethod;
