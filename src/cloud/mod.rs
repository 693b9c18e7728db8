//! The cloud layer: typed queries in, typed images (or a [`CloudError`]) out, for Baidu AI Cloud (BCC),
//! UCloud (UHost) and Tencent Cloud (CVM).
//!
//! This module knows nothing of Terraform: no cty values, no schema, no diagnostics. Each cloud has its
//! own folder with the same triple: `sign` (pure signer), `model` (serde wire structs converted once
//! into typed images) and `client`. Shared machinery, in reading order:
//! - [`error`]: `CloudError` and its kinds; [`policy`]: pure retry/backoff/classification decisions;
//! - [`endpoint`]: URL + the Host header that is signed; [`region`]: checked region names; [`clock`]: the injected wall clock;
//! - [`http`]: the one executor (timeouts, retries, re-signing, cancellation, body cap);
//! - [`paging`]: marker and offset paging that never returns a partial list;
//! - [`cache`]: the per-process single-flight listing cache; [`context`]: what clients share;
//! - [`untrusted`]: text from the network (codes, messages, ids, names) made one printable, capped line.
//! - [`budget`]: the per-process bound on response data held (bodies, pages, cached listings).

pub mod budget;
pub mod cache;
pub mod clock;
pub mod context;
pub mod digest;
pub mod endpoint;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod normalize;
pub mod paging;
pub mod policy;
pub mod region;
pub mod untrusted;
pub mod wire;

pub mod baidu;
pub mod tencent;
pub mod ucloud;

#[cfg(test)]
pub(crate) mod test_server;
#[cfg(test)]
pub(crate) mod test_support;

pub use budget::ResponseBudget;
pub use cache::ListingCache;
pub use clock::{Clock, FixedClock, SharedClock, SystemClock};
pub use context::CloudContext;
pub use endpoint::{Endpoint, EndpointError};
pub use error::{Cloud, CloudError, ErrorKind};
pub use http::{HttpExecutor, HttpInitError, HttpSettings, ProxySettings};
pub use policy::BackoffPolicy;
pub use region::Region;
