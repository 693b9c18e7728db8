//! The wall clock, injected. Clients read the time through [`Clock`] only when signing a request, so
//! tests can fix it and compare signatures byte for byte. Signers themselves never read any clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A source of the current UTC time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The shared handle clients hold.
pub type SharedClock = Arc<dyn Clock>;

/// The system clock as a [`SharedClock`].
pub fn system_clock() -> SharedClock {
    Arc::new(SystemClock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_fixed() {
        let t = DateTime::from_timestamp(1_551_113_065, 0).unwrap_or_default();
        let c: SharedClock = Arc::new(FixedClock(t));
        assert_eq!(c.now(), t);
        assert_eq!(c.now().timestamp(), 1_551_113_065);
        assert!(system_clock().now().timestamp() > 1_500_000_000);
    }
}
