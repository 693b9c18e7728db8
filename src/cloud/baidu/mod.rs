//! Baidu AI Cloud BCC: BCE auth v1 signing, the image wire model and the image client.

pub mod client;
pub mod model;
pub mod sign;

pub use client::{
    default_endpoint, BaiduClient, BaiduCredentials, BaiduImageQuery, BaiduSpecQuery,
    DEFAULT_REGION,
};
pub use model::{BaiduImage, BaiduSpecImage};
