//! Reading every page of a listing, or failing: never a partial list, never an unbounded one.
//!
//! Marker paging (Baidu) follows `nextMarker` while `isTruncated`, refusing a repeated or missing
//! marker. Offset paging (UCloud, Tencent) reads the first page, trusts its `TotalCount`, then fetches
//! the remaining pages concurrently (at most `concurrency` in flight, [`PAGE_CONCURRENCY`] by default;
//! 1 is the sequential paging of the clouds' official providers) and assembles them in offset order
//! whatever order they arrive in; a page that fails, a `TotalCount` that changes or a page of the
//! wrong length fails the whole listing. The fetch functions are injected, so this module knows no wire
//! format and no HTTP.
//!
//! Bounds, the same on every API (real catalogues are a few thousand images: a handful of pages):
//! - at most [`MAX_PAGES`] (1,000) pages and [`MAX_ITEMS`] (100,000) images per listing, so at most
//!   1,000 × (1 + `max_retries`) requests (4,000 with the default 3 retries, 11,000 at the maximum 10);
//! - offset paging checks the first page's `TotalCount` against the page size the server actually
//!   returned *before* fetching the rest: a total above [`MAX_ITEMS`], or one that would take more than
//!   [`MAX_PAGES`] pages of that size (a `TotalCount` of 1,000,000 with 1 image a page), fails after
//!   that single request;
//! - marker paging, which has no total, stops at the same page and image bounds;
//! - memory: every page arrives with its [`Charge`] on the response budget (`super::budget`), which the
//!   listing takes over as the page's images move into it; a listing that would pass the budget fails
//!   with [`ErrorKind::OverBudget`] and releases everything.

use std::collections::HashSet;
use std::future::Future;
use std::mem::size_of;

use futures_util::{stream, StreamExt, TryStreamExt};

use super::budget::{Charge, Charged, Footprint};
use super::error::{CloudError, ErrorKind};
use super::http::ApiCall;
use super::untrusted;

/// Pages of one offset listing fetched at the same time, by default. With 100 images a page, a
/// 10,000-image listing then takes 1 + ⌈99 / 16⌉ = 8 round trips instead of 100. Real catalogues are
/// a few pages, so the bound rarely bites; when a cloud throttles a burst, the executor's retries with
/// backoff absorb it. In memory, 16 pages in flight hold at most 16 × 8 MiB (`MAX_BODY_BYTES`) = 128 MiB
/// of bodies, half of the response budget.
pub const PAGE_CONCURRENCY: usize = 16;
/// More pages than this in one listing is treated as a server bug, not a catalogue (every API). The
/// largest listings seen are a few thousand images: 3 Baidu pages, or 30–50 pages of 100.
pub const MAX_PAGES: usize = 1_000;
/// More images than this in one listing is treated as a server bug (every API).
pub const MAX_ITEMS: u64 = 100_000;

/// One page of a marker-paged listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerPage<T> {
    pub items: Vec<T>,
    pub is_truncated: bool,
    pub next_marker: Option<String>,
    /// The request id of the answer that carried this page, for errors the page itself causes.
    pub request_id: Option<String>,
}

/// One page of an offset-paged listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetPage<T> {
    pub items: Vec<T>,
    /// The API's `TotalCount`, when it sent one.
    pub total_count: Option<u64>,
    /// The request id of the answer that carried this page, for errors the page itself causes.
    pub request_id: Option<String>,
}

impl<T: Footprint> Footprint for MarkerPage<T> {
    fn heap_bytes(&self) -> u64 {
        self.items.heap_bytes() + self.next_marker.heap_bytes() + self.request_id.heap_bytes()
    }
}

impl<T: Footprint> Footprint for OffsetPage<T> {
    fn heap_bytes(&self) -> u64 {
        self.items.heap_bytes() + self.request_id.heap_bytes()
    }
}

fn paging_error(call: &ApiCall, message: String) -> CloudError {
    call.error(ErrorKind::Paging, message)
}

/// A listing being assembled from pages, charged for exactly what it holds: its vector's capacity plus
/// the text its images own. A page's charge is taken over before the page's images move in, and the
/// vector's growth is charged before it is allocated.
struct Assembly<T> {
    items: Vec<T>,
    heap: u64,
    charge: Charge,
}

impl<T: Footprint> Assembly<T> {
    fn new() -> Self {
        Assembly {
            items: Vec::new(),
            heap: 0,
            charge: Charge::free(),
        }
    }

    fn over_budget(&self, call: &ApiCall, over: super::budget::OverBudget) -> CloudError {
        call.error(
            ErrorKind::OverBudget,
            over.message(&format!(
                "this listing, at {} images so far,",
                self.items.len()
            )),
        )
    }

    /// Room for `more` images, charged first.
    fn reserve(&mut self, call: &ApiCall, more: usize) -> Result<(), CloudError> {
        let needed = self.items.len() + more;
        if needed <= self.items.capacity() {
            return Ok(());
        }
        let grown = needed.max(self.items.capacity() * 2);
        let extra = ((grown - self.items.capacity()) * size_of::<T>()) as u64;
        if let Err(over) = self.charge.grow(extra) {
            return Err(self.over_budget(call, over));
        }
        self.items.reserve_exact(grown - self.items.len());
        Ok(())
    }

    /// Moves a page's images in; the page's charge becomes the listing's.
    fn take(&mut self, call: &ApiCall, items: Vec<T>, charge: Charge) -> Result<(), CloudError> {
        self.charge.absorb(charge);
        self.reserve(call, items.len())?;
        self.heap += items.iter().map(Footprint::heap_bytes).sum::<u64>();
        self.items.extend(items);
        self.settle(call)
    }

    /// Charged for what is held now (the emptied page's vector is gone).
    fn settle(&mut self, call: &ApiCall) -> Result<(), CloudError> {
        let held = self.heap + (self.items.capacity() * size_of::<T>()) as u64;
        self.charge
            .resize(held)
            .map_err(|over| self.over_budget(call, over))
    }

    /// The listing with no growth slack: it stays cached for the provider process's life.
    fn finish(mut self, call: &ApiCall) -> Result<Charged<Vec<T>>, CloudError> {
        self.items.shrink_to_fit();
        self.settle(call)?;
        Ok(Charged {
            value: self.items,
            charge: self.charge,
        })
    }
}

/// Follows markers from the first page (`fetch(None)`) until a page is not truncated.
pub async fn collect_marker_pages<T, F, Fut>(
    call: &ApiCall,
    mut fetch: F,
) -> Result<Charged<Vec<T>>, CloudError>
where
    T: Footprint,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Charged<MarkerPage<T>>, CloudError>>,
{
    let mut listing = Assembly::new();
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let Charged {
            value: page,
            charge,
        } = fetch(marker.clone()).await?;
        let page_id = page.request_id.clone();
        let paging_error = |call: &ApiCall, message: String| {
            paging_error(call, message).with_request_id(page_id.clone())
        };
        if (listing.items.len() + page.items.len()) as u64 > MAX_ITEMS {
            return Err(paging_error(
                call,
                format!("listing exceeds {MAX_ITEMS} images"),
            ));
        }
        listing
            .take(call, page.items, charge)
            .map_err(|e| e.with_request_id(page_id.clone()))?;
        if !page.is_truncated {
            return listing.finish(call);
        }
        let next = match page.next_marker {
            Some(m) if !m.is_empty() => m,
            _ => {
                return Err(paging_error(
                    call,
                    "page is truncated but carries no nextMarker".into(),
                ))
            }
        };
        if !seen.insert(next.clone()) || marker.as_deref() == Some(next.as_str()) {
            return Err(paging_error(
                call,
                format!(
                    "marker {} was returned twice; the listing would never end",
                    untrusted::quoted(&next, untrusted::ID_CAP)
                ),
            ));
        }
        marker = Some(next);
    }
    Err(paging_error(
        call,
        format!("listing exceeds {MAX_PAGES} pages (still truncated after page {MAX_PAGES}); no real catalogue is that long"),
    ))
}

/// Reads an offset listing with pages of `limit`: `fetch(offset, limit)`, at most `concurrency` (≥ 1)
/// at a time.
pub async fn collect_offset_pages<T, F, Fut>(
    call: &ApiCall,
    limit: u32,
    concurrency: usize,
    fetch: F,
) -> Result<Charged<Vec<T>>, CloudError>
where
    T: Footprint,
    F: Fn(u64, u32) -> Fut,
    Fut: Future<Output = Result<Charged<OffsetPage<T>>, CloudError>>,
{
    let limit = limit.max(1);
    let Charged {
        value: first,
        charge: first_charge,
    } = fetch(0, limit).await?;
    let first_id = first.request_id.clone();
    let first_error =
        |message: String| paging_error(call, message).with_request_id(first_id.clone());
    let mut listing = Assembly::new();
    let Some(total) = first.total_count else {
        listing.take(call, first.items, first_charge)?;
        return sequential_rest(call, limit, listing, &fetch).await;
    };
    let first_len = first.items.len() as u64;
    if total > MAX_ITEMS {
        return Err(first_error(format!(
            "TotalCount {total} exceeds {MAX_ITEMS} images; no real catalogue is that large, so no further page was read"
        )));
    }
    if first_len > total {
        return Err(first_error(format!(
            "first page holds {first_len} items but TotalCount is {total}"
        )));
    }
    if first_len == total {
        listing.take(call, first.items, first_charge)?;
        return listing.finish(call);
    }
    if first_len == 0 {
        return Err(first_error(format!(
            "first page is empty but TotalCount is {total}"
        )));
    }
    // A server that caps Limit below what was asked returns fewer items: page by what it gives, if
    // that gives a plausible number of pages.
    let page_size = first_len;
    let pages = 1 + (total - first_len).div_ceil(page_size);
    if pages > MAX_PAGES as u64 {
        return Err(first_error(format!(
            "TotalCount {total} at {page_size} images a page (the first page's size) would take {pages} pages, more than {MAX_PAGES}; no real catalogue is that long, so no further page was read"
        )));
    }
    let offsets: Vec<u64> = (1..)
        .map(|i| i * page_size)
        .take_while(|&o| o < total)
        .collect();
    let fetch = &fetch;
    // Unordered, so one slow page does not hold the other slots idle; sorted back by offset below.
    let mut pages: Vec<(u64, Charged<OffsetPage<T>>)> = stream::iter(offsets)
        .map(|offset| async move { fetch(offset, limit).await.map(|page| (offset, page)) })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    pages.sort_unstable_by_key(|(offset, _)| *offset);
    listing.take(call, first.items, first_charge)?;
    // Exactly what arrived, no growth slack: the listing is cached for the process's life.
    let arrived: usize = pages.iter().map(|(_, page)| page.value.items.len()).sum();
    listing.reserve(call, arrived)?;
    for (
        offset,
        Charged {
            value: page,
            charge,
        },
    ) in pages
    {
        let page_error =
            |message: String| paging_error(call, message).with_request_id(page.request_id.clone());
        if let Some(t) = page.total_count {
            if t != total {
                return Err(page_error(format!(
                    "TotalCount changed from {total} to {t} while paging; try again"
                )));
            }
        }
        let want = page_size.min(total - offset);
        if page.items.len() as u64 != want {
            return Err(page_error(format!(
                "page at offset {offset} holds {} items, expected {want} of TotalCount {total}",
                page.items.len()
            )));
        }
        listing.take(call, page.items, charge)?;
    }
    listing.finish(call)
}

/// Without a TotalCount, read page after page until one is shorter than `limit`.
async fn sequential_rest<T, F, Fut>(
    call: &ApiCall,
    limit: u32,
    mut listing: Assembly<T>,
    fetch: &F,
) -> Result<Charged<Vec<T>>, CloudError>
where
    T: Footprint,
    F: Fn(u64, u32) -> Fut,
    Fut: Future<Output = Result<Charged<OffsetPage<T>>, CloudError>>,
{
    let mut last_len = listing.items.len();
    for _ in 1..MAX_PAGES {
        if last_len < limit as usize {
            return listing.finish(call);
        }
        let Charged {
            value: page,
            charge,
        } = fetch(listing.items.len() as u64, limit).await?;
        last_len = page.items.len();
        if (listing.items.len() + last_len) as u64 > MAX_ITEMS {
            return Err(paging_error(
                call,
                format!("listing exceeds {MAX_ITEMS} images"),
            ));
        }
        listing.take(call, page.items, charge)?;
    }
    Err(paging_error(
        call,
        format!("listing exceeds {MAX_PAGES} pages (every page full, no TotalCount); no real catalogue is that long"),
    ))
}

#[cfg(test)]
#[path = "paging_tests.rs"]
mod tests;
