//! Baidu AI Cloud BCC: BCE auth v1 signing, the image wire model and the image client.

pub mod sign;
