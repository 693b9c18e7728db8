//! Tencent Cloud CVM: signature v1 (legacy API) and TC3-HMAC-SHA256 (API 3.0), the wire models of both
//! `DescribeImages` shapes and the image client.

pub mod sign_tc3;
pub mod sign_v1;
