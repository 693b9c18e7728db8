//! A local emulator of the four cloud image APIs the provider calls, on one port of 127.0.0.1:
//! Baidu BCC `GET /v2/image` and `GET /v2/image/getAvailableImagesBySpec`, UCloud `DescribeImage`
//! (`/`, form or query), Tencent legacy `DescribeImages` (`/v2/index.php`) and Tencent CVM API 3.0
//! `DescribeImages` (`/`: TC3 with `X-TC-Action` over POST or GET, or signature v1). Requests are
//! told apart by shape (`api`).
//!
//! It serves deterministic catalogues (`catalogue`), verifies every signature from the request *as
//! received* with the provider's own pure signers (`crate::cloud::*::sign*`), answers errors in each
//! cloud's real shape, shapes answers as `shapes` says, and injects faults on demand (`faults`;
//! control API under `/_mock/`). Used by the provider's integration tests, the README demo and
//! fault/soak tests. Because it shares the provider's signers, it is judged by the clouds' official
//! SDKs as well: `scripts/fidelity.sh` (the `fidelity/` suite).
//!
//! It must not know the provider's HTTP clients, retry logic or anything of Terraform: only the pure
//! signers. Code map: `api` (classify) → `dispatch` (faults, log, route) → `baidu`, `ucloud`,
//! `tencent` (verify, parse, answer) over `catalogue`; `reply` holds the clouds' error envelopes and
//! content types, `shapes` the response-shape modes, `fault_replies` what faults send, `control` the
//! `/_mock/` API.
//!
//! Built-in credentials (more can be added, see [`MockConfig::credentials`]): Baidu
//! `mock-baidu-ak`/`mock-baidu-sk`; UCloud `mock-ucloud-public`/`mock-ucloud-private`; Tencent
//! `AKIDmockTencent0000000000000000000000`/`mock-tencent-sk`.

pub mod api;
pub mod baidu;
pub mod catalogue;
pub mod context;
pub mod control;
pub mod credentials;
pub mod dispatch;
pub mod fault_replies;
pub mod faults;
pub mod log;
pub mod reply;
pub mod request;
pub mod shapes;
pub mod state;
pub mod tencent;
pub mod ucloud;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use credentials::{Cloud, Credentials};
pub use faults::{FaultConfig, FaultError, FaultKind, FaultRule, Target};
pub use log::LoggedRequest;
pub use shapes::Shapes;
use state::Shared;

/// How the emulator starts.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Faults and latency in force from the start.
    pub faults: FaultConfig,
    /// Accepted key pairs (default: the built-in test credentials).
    pub credentials: Credentials,
    /// How answers are shaped (default: every official field with a value of its type).
    pub shapes: Shapes,
}

/// The emulator's router over its state.
fn router(shared: Arc<Shared>) -> Router {
    control::routes()
        .fallback(dispatch::handle)
        .with_state(shared)
}

/// Serves the emulator on `listener` until `shutdown` completes (then finishes in-flight requests).
/// For callers that bind their own listener; [`MockServer::start`] does it for you.
pub async fn serve(
    listener: TcpListener,
    config: MockConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = Arc::new(Shared::new(
        config.credentials,
        config.faults,
        config.shapes,
    ));
    axum::serve(listener, router(shared))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A running emulator, served in the background; stops when dropped or on [`MockServer::shutdown`].
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// Binds 127.0.0.1 (the configured port, or any) and starts serving.
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        config
            .faults
            .validate()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(
            config.credentials,
            config.faults,
            config.shapes,
        ));
        let stop = CancellationToken::new();
        let signal = stop.clone();
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move { signal.cancelled().await })
                .await
        });
        tracing::info!(%addr, "cloudimage mock listening");
        Ok(MockServer {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash): the endpoint for every cloud.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces latency and rules.
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), FaultError> {
        faults.validate()?;
        *self.shared.faults() = faults;
        Ok(())
    }

    /// Appends one rule.
    pub fn add_fault(&self, rule: FaultRule) -> Result<(), FaultError> {
        rule.validate()?;
        self.shared.faults().rules.push(rule);
        Ok(())
    }

    /// No latency, no rules.
    pub fn clear_faults(&self) {
        *self.shared.faults() = FaultConfig::default();
    }

    /// The current fault configuration (rules with their remaining `times`).
    pub fn faults(&self) -> FaultConfig {
        self.shared.faults().clone()
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log().snapshot()
    }

    /// Empties the request log.
    pub fn clear(&self) {
        self.shared.log().clear();
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), then returns.
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
