//! UCloud UHost: the SHA-1 parameter signature, the image wire model and the `DescribeImage` client.

pub mod client;
pub mod model;
pub mod sign;

pub use client::{UCloudClient, UCloudCredentials, UCloudImageQuery, DEFAULT_ENDPOINT};
pub use model::UCloudImage;
