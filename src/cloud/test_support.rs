//! Shared fixtures for the client tests: a fast executor and a context with a fixed clock.

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use tokio_util::sync::CancellationToken;

use super::clock::FixedClock;
use super::context::CloudContext;
use super::http::{HttpExecutor, HttpSettings};
use super::policy::BackoffPolicy;

/// Unix time of the fixed test clock (2019-02-25T16:44:25Z).
pub const NOW: i64 = 1_551_113_065;

/// A context with 2 retries, millisecond backoff and the clock fixed at [`NOW`].
pub fn context() -> CloudContext {
    let http = HttpExecutor::new(
        HttpSettings {
            max_retries: 2,
            request_timeout: Duration::from_secs(5),
        },
        CancellationToken::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .with_backoff(BackoffPolicy {
        base: Duration::from_millis(2),
        cap: Duration::from_millis(10),
        retry_after_cap: Duration::from_millis(10),
    });
    let now = DateTime::from_timestamp(NOW, 0).unwrap_or_default();
    CloudContext::new(http).with_clock(Arc::new(FixedClock(now)))
}
