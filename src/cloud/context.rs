//! What every cloud client shares within one provider process: the HTTP executor (one connection
//! pool, the StopProvider token, retry settings, the response budget), the injected clock, the listing
//! cache and the paging concurrency.

use super::budget::ResponseBudget;
use super::cache::ListingCache;
use super::clock::{system_clock, SharedClock};
use super::http::HttpExecutor;
use super::paging::PAGE_CONCURRENCY;

/// Shared machinery for the clients; cheap to clone.
#[derive(Debug, Clone)]
pub struct CloudContext {
    pub http: HttpExecutor,
    pub clock: SharedClock,
    pub cache: ListingCache,
    /// Pages of one offset listing in flight at once ([`PAGE_CONCURRENCY`]; 1 = sequential paging,
    /// the benchmark's baseline).
    pub page_concurrency: usize,
}

impl CloudContext {
    /// The system clock and a fresh, empty cache.
    pub fn new(http: HttpExecutor) -> Self {
        CloudContext {
            http,
            clock: system_clock(),
            cache: ListingCache::new(),
            page_concurrency: PAGE_CONCURRENCY,
        }
    }

    /// The same context reading at most `pages` (at least 1) pages of a listing at once.
    pub fn with_page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = pages.max(1);
        self
    }

    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_cache(mut self, cache: ListingCache) -> Self {
        self.cache = cache;
        self
    }

    /// The same context charging `budget`: bodies read by its executor, and the pages and cached
    /// listings they become. One budget per provider process, shared by all its configurations.
    pub fn with_budget(mut self, budget: ResponseBudget) -> Self {
        self.http = self.http.with_budget(budget);
        self
    }

    /// The response budget this context charges (its executor's).
    pub fn budget(&self) -> &ResponseBudget {
        self.http.budget()
    }
}
