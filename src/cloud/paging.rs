//! Reading every page of a listing, or failing: never a partial list.
//!
//! Marker paging (Baidu) follows `nextMarker` while `isTruncated`, refusing a repeated or missing
//! marker. Offset paging (UCloud, Tencent) reads the first page, trusts its `TotalCount`, then fetches
//! the remaining pages concurrently (at most `concurrency` in flight, [`PAGE_CONCURRENCY`] by default;
//! 1 is the sequential paging of the clouds' official providers) and assembles them in offset order
//! whatever order they arrive in; a page that fails, a `TotalCount` that changes or a page of the
//! wrong length fails the whole listing. The fetch functions are injected, so this module knows no wire format and no HTTP.

use std::collections::HashSet;
use std::future::Future;

use futures_util::{stream, StreamExt, TryStreamExt};

use super::error::{CloudError, ErrorKind};
use super::http::ApiCall;
use super::untrusted;

/// Pages of one offset listing fetched at the same time, by default. With 100 images a page, a
/// 10,000-image listing then takes 1 + ⌈99 / 16⌉ = 8 round trips instead of 100. Real catalogues are
/// a few pages, so the bound rarely bites; when a cloud throttles a burst, the executor's retries with
/// backoff absorb it.
pub const PAGE_CONCURRENCY: usize = 16;
/// More pages than this is treated as a server bug, not a catalogue.
pub const MAX_PAGES: usize = 10_000;
/// More images than this in one listing is treated as a server bug.
pub const MAX_ITEMS: u64 = 1_000_000;

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

fn paging_error(call: &ApiCall, message: String) -> CloudError {
    call.error(ErrorKind::Paging, message)
}

/// Follows markers from the first page (`fetch(None)`) until a page is not truncated.
pub async fn collect_marker_pages<T, F, Fut>(
    call: &ApiCall,
    mut fetch: F,
) -> Result<Vec<T>, CloudError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<MarkerPage<T>, CloudError>>,
{
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = fetch(marker.clone()).await?;
        let page_id = page.request_id.clone();
        let paging_error = |call: &ApiCall, message: String| {
            paging_error(call, message).with_request_id(page_id.clone())
        };
        items.extend(page.items);
        if items.len() as u64 > MAX_ITEMS {
            return Err(paging_error(
                call,
                format!("listing exceeds {MAX_ITEMS} items"),
            ));
        }
        if !page.is_truncated {
            // The listing is cached for the process's life: drop the growth slack.
            items.shrink_to_fit();
            return Ok(items);
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
        format!("listing exceeds {MAX_PAGES} pages"),
    ))
}

/// Reads an offset listing with pages of `limit`: `fetch(offset, limit)`, at most `concurrency` (≥ 1)
/// at a time.
pub async fn collect_offset_pages<T, F, Fut>(
    call: &ApiCall,
    limit: u32,
    concurrency: usize,
    fetch: F,
) -> Result<Vec<T>, CloudError>
where
    F: Fn(u64, u32) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>, CloudError>>,
{
    let limit = limit.max(1);
    let first = fetch(0, limit).await?;
    let first_id = first.request_id.clone();
    let first_error =
        |message: String| paging_error(call, message).with_request_id(first_id.clone());
    let Some(total) = first.total_count else {
        return sequential_rest(call, limit, first.items, &fetch).await;
    };
    let first_len = first.items.len() as u64;
    if total > MAX_ITEMS {
        return Err(first_error(format!(
            "TotalCount {total} exceeds {MAX_ITEMS}"
        )));
    }
    if first_len > total {
        return Err(first_error(format!(
            "first page holds {first_len} items but TotalCount is {total}"
        )));
    }
    if first_len == total {
        return Ok(first.items);
    }
    if first_len == 0 {
        return Err(first_error(format!(
            "first page is empty but TotalCount is {total}"
        )));
    }
    // A server that caps Limit below what was asked returns fewer items: page by what it gives.
    let page_size = first_len;
    let offsets: Vec<u64> = (1..)
        .map(|i| i * page_size)
        .take_while(|&o| o < total)
        .collect();
    let mut items = first.items;
    let fetch = &fetch;
    // Unordered, so one slow page does not hold the other slots idle; sorted back by offset below.
    let mut pages: Vec<(u64, OffsetPage<T>)> = stream::iter(offsets)
        .map(|offset| async move { fetch(offset, limit).await.map(|page| (offset, page)) })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    pages.sort_unstable_by_key(|(offset, _)| *offset);
    // Exactly what arrived, no growth slack: the listing is cached for the process's life.
    items.reserve_exact(pages.iter().map(|(_, page)| page.items.len()).sum());
    for (offset, page) in pages {
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
        items.extend(page.items);
    }
    Ok(items)
}

/// Without a TotalCount, read page after page until one is shorter than `limit`.
async fn sequential_rest<T, F, Fut>(
    call: &ApiCall,
    limit: u32,
    mut items: Vec<T>,
    fetch: &F,
) -> Result<Vec<T>, CloudError>
where
    F: Fn(u64, u32) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>, CloudError>>,
{
    let mut last_len = items.len();
    for _ in 1..MAX_PAGES {
        if last_len < limit as usize {
            items.shrink_to_fit();
            return Ok(items);
        }
        let page = fetch(items.len() as u64, limit).await?;
        last_len = page.items.len();
        items.extend(page.items);
        if items.len() as u64 > MAX_ITEMS {
            return Err(paging_error(
                call,
                format!("listing exceeds {MAX_ITEMS} items"),
            ));
        }
    }
    Err(paging_error(
        call,
        format!("listing exceeds {MAX_PAGES} pages"),
    ))
}

#[cfg(test)]
#[path = "paging_tests.rs"]
mod tests;
