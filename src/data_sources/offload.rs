//! Work that must not run on the async executor. The plugin serves every RPC from one executor thread,
//! so a read that blocked it on a file (a named pipe nobody reads, a hung network mount) or spent it on
//! CPU (a costly `name_regex` over a large listing) would also hold up `StopProvider` and `Shutdown`.
//! Such work runs on tokio's blocking pool instead, and a stopped read stops waiting for it at once.

use tokio_util::sync::CancellationToken;

use crate::provider::Diagnostic;

/// Runs `work` on the blocking pool. `None` when `cancel` fired first (the work may go on in the
/// background: CPU-bound work should watch the same token and give up early) or the runtime is shutting
/// down. A panic in `work` is passed on, as it would have been had it run inline.
pub(super) async fn run<T: Send + 'static>(
    cancel: &CancellationToken,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let task = tokio::task::spawn_blocking(work);
    tokio::select! {
        biased;
        _ = cancel.cancelled() => None,
        joined = task => match joined {
            Ok(value) => Some(value),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => None,
        },
    }
}

/// The error of a read that was stopped while `doing` something off the executor.
pub(super) fn stopped(doing: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Cancelled while {doing}"),
        "Terraform asked the provider to stop (for example after Ctrl-C), so the read was abandoned.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "current_thread")]
    async fn a_stopped_wait_returns_while_the_work_still_blocks() {
        let cancel = CancellationToken::new();
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let waiting = {
            let cancel = cancel.clone();
            tokio::spawn(async move { run(&cancel, move || blocked.recv().is_ok()).await })
        };
        // The executor thread is free while the work blocks: this task still runs.
        tokio::time::sleep(Duration::from_millis(10)).await;
        cancel.cancel();
        assert_eq!(waiting.await.unwrap(), None);
        drop(release);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn finished_work_returns_its_value() {
        let cancel = CancellationToken::new();
        assert_eq!(run(&cancel, || 6 * 7).await, Some(42));
    }
}
