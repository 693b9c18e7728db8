//! cloudimage: a Terraform/OpenTofu provider that finds machine images on Baidu AI Cloud, UCloud and
//! Tencent Cloud. See `ARCHITECTURE.md` for the bird's-eye view; modules are listed in reading order.

pub mod cloud;
pub mod mock;
pub mod secret;
