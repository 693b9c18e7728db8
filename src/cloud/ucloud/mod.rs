//! UCloud UHost: the SHA-1 parameter signature, the image wire model and the `DescribeImage` client.

pub mod sign;
