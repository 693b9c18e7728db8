//! State shared by every request of one emulator: accepted credentials, the fault configuration,
//! the request log and the request-id counter. Knows nothing of HTTP routing or any cloud's API.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::credentials::Credentials;
use super::faults::FaultConfig;
use super::log::RequestLog;
use super::shapes::Shapes;

/// One emulator's state.
#[derive(Debug)]
pub struct Shared {
    pub creds: Credentials,
    pub shapes: Shapes,
    faults: Mutex<FaultConfig>,
    log: Mutex<RequestLog>,
    counter: AtomicU64,
    boot: u64,
}

/// Locks a mutex even if a panicking thread poisoned it: the data is plain and stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(creds: Credentials, faults: FaultConfig, shapes: Shapes) -> Shared {
        let boot = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64;
        Shared {
            creds,
            shapes,
            faults: Mutex::new(faults),
            log: Mutex::new(RequestLog::default()),
            counter: AtomicU64::new(0),
            boot,
        }
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultConfig> {
        lock(&self.faults)
    }

    pub fn log(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.log)
    }

    /// A fresh UUID-shaped request id, unique within this emulator.
    pub fn next_request_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let b = self.boot;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (b >> 32) as u32,
            (b >> 16) & 0xffff,
            b & 0xfff,
            (n >> 48) & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }
}
