//! What every cloud client shares within one provider process: the HTTP executor (one connection
//! pool, the StopProvider token, retry settings), the injected clock, and the listing cache.

use super::cache::ListingCache;
use super::clock::{system_clock, SharedClock};
use super::http::HttpExecutor;

/// Shared machinery for the clients; cheap to clone.
#[derive(Debug, Clone)]
pub struct CloudContext {
    pub http: HttpExecutor,
    pub clock: SharedClock,
    pub cache: ListingCache,
}

impl CloudContext {
    /// The system clock and a fresh, empty cache.
    pub fn new(http: HttpExecutor) -> Self {
        CloudContext {
            http,
            clock: system_clock(),
            cache: ListingCache::new(),
        }
    }

    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_cache(mut self, cache: ListingCache) -> Self {
        self.cache = cache;
        self
    }
}
