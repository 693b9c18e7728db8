//! Paging guard tests: marker loops, offset assembly order, bounded concurrency, no partial lists.

use super::*;
use crate::cloud::error::Cloud;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

fn call() -> ApiCall {
    ApiCall {
        cloud: Cloud::Baidu,
        action: "ListImages",
        credential_id: "ak".into(),
    }
}

fn mp(items: &[u32], truncated: bool, next: Option<&str>) -> MarkerPage<u32> {
    MarkerPage {
        items: items.to_vec(),
        is_truncated: truncated,
        next_marker: next.map(str::to_string),
        request_id: None,
    }
}

async fn run_marker(
    pages: Vec<MarkerPage<u32>>,
) -> (Result<Vec<u32>, CloudError>, Vec<Option<String>>) {
    let asked = Mutex::new(Vec::new());
    let pages = Mutex::new(pages.into_iter());
    let result = collect_marker_pages(&call(), |marker| {
        asked.lock().unwrap_or_else(|p| p.into_inner()).push(marker);
        let page = pages.lock().unwrap_or_else(|p| p.into_inner()).next();
        async move { page.ok_or_else(|| call().error(ErrorKind::Api, "no more pages")) }
    })
    .await;
    (
        result,
        asked.into_inner().unwrap_or_else(|p| p.into_inner()),
    )
}

#[tokio::test]
async fn marker_paging_table() {
    type Case = (
        Vec<MarkerPage<u32>>,
        Result<Vec<u32>, ErrorKind>,
        Vec<Option<&'static str>>,
    );
    let cases: Vec<Case> = vec![
        (vec![mp(&[1, 2], false, None)], Ok(vec![1, 2]), vec![None]),
        (vec![mp(&[], false, None)], Ok(vec![]), vec![None]),
        (
            vec![
                mp(&[1], true, Some("m2")),
                mp(&[2], true, Some("m3")),
                mp(&[3], false, None),
            ],
            Ok(vec![1, 2, 3]),
            vec![None, Some("m2"), Some("m3")],
        ),
        // Truncated without nextMarker.
        (
            vec![mp(&[1], true, None)],
            Err(ErrorKind::Paging),
            vec![None],
        ),
        (
            vec![mp(&[1], true, Some(""))],
            Err(ErrorKind::Paging),
            vec![None],
        ),
        // The same marker twice (immediately, or in a cycle).
        (
            vec![mp(&[1], true, Some("m2")), mp(&[2], true, Some("m2"))],
            Err(ErrorKind::Paging),
            vec![None, Some("m2")],
        ),
        (
            vec![
                mp(&[1], true, Some("a")),
                mp(&[2], true, Some("b")),
                mp(&[3], true, Some("a")),
            ],
            Err(ErrorKind::Paging),
            vec![None, Some("a"), Some("b")],
        ),
        // A failing page fails the listing.
        (
            vec![mp(&[1], true, Some("m2"))],
            Err(ErrorKind::Api),
            vec![None, Some("m2")],
        ),
    ];
    for (pages, want, want_asked) in cases {
        let (got, asked) = run_marker(pages).await;
        let want_asked: Vec<Option<String>> = want_asked
            .into_iter()
            .map(|m| m.map(str::to_string))
            .collect();
        assert_eq!(asked, want_asked);
        match want {
            Ok(items) => assert_eq!(got.ok(), Some(items)),
            Err(kind) => assert_eq!(got.err().map(|e| e.kind()), Some(kind)),
        }
    }
}

/// A fake offset API over `0..total` that caps Limit at `cap`; `total_at(offset)` lets a test
/// change the TotalCount a page reports; `fail_at` makes one offset fail.
struct FakeApi {
    total: u64,
    cap: u32,
    total_at: fn(u64, u64) -> Option<u64>,
    fail_at: Option<u64>,
    short_at: Option<u64>,
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl FakeApi {
    fn new(total: u64, cap: u32) -> Self {
        FakeApi {
            total,
            cap,
            total_at: |t, _| Some(t),
            fail_at: None,
            short_at: None,
            calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    async fn page(&self, offset: u64, limit: u32) -> Result<OffsetPage<u64>, CloudError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        // Later pages finish first (never instantly, so slots stay busy), to prove results are put
        // back in order.
        let page = offset / 100;
        tokio::time::sleep(Duration::from_millis(20 - page % 19)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if self.fail_at == Some(offset) {
            return Err(call().error(ErrorKind::Api, "boom"));
        }
        let n = u64::from(limit.min(self.cap));
        let mut end = (offset + n).min(self.total);
        if self.short_at == Some(offset) {
            end -= 1;
        }
        Ok(OffsetPage {
            items: (offset..end).collect(),
            total_count: (self.total_at)(self.total, offset),
            request_id: None,
        })
    }
}

#[tokio::test]
async fn offset_paging_reads_everything_in_order_with_bounded_concurrency() {
    // (total, server cap, requested limit, expected calls)
    let cases = [
        (0, 100, 100, 1),
        (1, 100, 100, 1),
        (100, 100, 100, 1),
        (101, 100, 100, 2),
        (950, 100, 100, 10),
        (950, 50, 100, 19), // server caps Limit: page by what it returns
    ];
    for (total, cap, limit, calls) in cases {
        let api = FakeApi::new(total, cap);
        let got =
            collect_offset_pages(&call(), limit, PAGE_CONCURRENCY, |o, l| api.page(o, l)).await;
        assert_eq!(
            got.ok(),
            Some((0..total).collect::<Vec<_>>()),
            "total {total}"
        );
        assert_eq!(api.calls.load(Ordering::SeqCst), calls, "total {total}");
        assert!(api.max_in_flight.load(Ordering::SeqCst) <= PAGE_CONCURRENCY);
    }
    // The bound is reached and never exceeded; 0 means 1 (sequential), not a hang.
    for (concurrency, want) in [(0, 1), (1, 1), (4, 4), (PAGE_CONCURRENCY, PAGE_CONCURRENCY)] {
        let api = FakeApi::new(2000, 100);
        let got = collect_offset_pages(&call(), 100, concurrency, |o, l| api.page(o, l)).await;
        assert_eq!(got.ok(), Some((0..2000).collect::<Vec<_>>()));
        assert_eq!(
            api.max_in_flight.load(Ordering::SeqCst),
            want,
            "concurrency {concurrency}"
        );
    }
}

#[tokio::test]
async fn offset_paging_never_returns_a_partial_list() {
    let mut changed = FakeApi::new(450, 100);
    changed.total_at = |t, offset| Some(if offset >= 300 { t - 1 } else { t });
    let mut failing = FakeApi::new(450, 100);
    failing.fail_at = Some(200);
    let mut short = FakeApi::new(450, 100);
    short.short_at = Some(100);
    let mut liar = FakeApi::new(0, 100);
    liar.total_at = |_, _| Some(5); // TotalCount 5 but no items
    let mut overflow = FakeApi::new(3, 100);
    overflow.total_at = |_, _| Some(2); // more items than TotalCount
    let mut huge = FakeApi::new(3, 100);
    huge.total_at = |_, _| Some(MAX_ITEMS + 1);
    let cases = [
        (changed, ErrorKind::Paging),
        (failing, ErrorKind::Api),
        (short, ErrorKind::Paging),
        (liar, ErrorKind::Paging),
        (overflow, ErrorKind::Paging),
        (huge, ErrorKind::Paging),
    ];
    for (api, want) in cases {
        let got = collect_offset_pages(&call(), 100, PAGE_CONCURRENCY, |o, l| api.page(o, l)).await;
        assert_eq!(got.err().map(|e| e.kind()), Some(want));
    }
}

#[tokio::test]
async fn offset_paging_without_total_count_stops_on_a_short_page() {
    for (total, calls) in [(0, 1), (99, 1), (100, 2), (250, 3)] {
        let mut api = FakeApi::new(total, 100);
        api.total_at = |_, _| None;
        let got = collect_offset_pages(&call(), 100, PAGE_CONCURRENCY, |o, l| api.page(o, l)).await;
        assert_eq!(got.ok(), Some((0..total).collect::<Vec<_>>()));
        assert_eq!(api.calls.load(Ordering::SeqCst), calls);
    }
}
