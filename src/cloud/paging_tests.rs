//! Paging guard tests: marker loops, offset assembly order, bounded concurrency, no partial lists.

use super::*;
use crate::cloud::budget::ResponseBudget;
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

impl Footprint for u32 {
    fn heap_bytes(&self) -> u64 {
        0
    }
}

impl Footprint for u64 {
    fn heap_bytes(&self) -> u64 {
        0
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
        async move {
            page.map(Charged::free)
                .ok_or_else(|| call().error(ErrorKind::Api, "no more pages"))
        }
    })
    .await
    .map(|listing| listing.value);
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
    /// A TotalCount sent on every page instead of `total_at`'s.
    claimed_total: Option<u64>,
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
            claimed_total: None,
            fail_at: None,
            short_at: None,
            calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    async fn page(&self, offset: u64, limit: u32) -> Result<Charged<OffsetPage<u64>>, CloudError> {
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
        Ok(Charged::free(OffsetPage {
            items: (offset..end).collect(),
            total_count: self.claimed_total.or((self.total_at)(self.total, offset)),
            request_id: None,
        }))
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
            got.ok().map(|l| l.value),
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
        assert_eq!(
            got.ok().map(|l| l.value),
            Some((0..2000).collect::<Vec<_>>())
        );
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
        assert_eq!(
            got.ok().map(|l| l.value),
            Some((0..total).collect::<Vec<_>>())
        );
        assert_eq!(api.calls.load(Ordering::SeqCst), calls);
    }
}

#[tokio::test]
async fn an_implausible_total_count_fails_after_the_first_page() {
    // (TotalCount claimed, images a page the server returns, expected: Ok or words of the error)
    let cases: [(u64, u32, Result<(), &str>); 5] = [
        (
            1_000_000,
            1,
            Err("TotalCount 1000000 exceeds 100000 images"),
        ),
        (100_000, 1, Err("would take 100000 pages, more than 1000")),
        (
            1001,
            1,
            Err("TotalCount 1001 at 1 images a page (the first page's size) would take 1001 pages"),
        ),
        (100_001, 100, Err("TotalCount 100001 exceeds 100000")),
        (1000, 1, Ok(())),
    ];
    for (claimed, per_page, want) in cases {
        let mut api = FakeApi::new(claimed.min(1000), per_page);
        api.claimed_total = Some(claimed);
        let got = collect_offset_pages(&call(), 100, PAGE_CONCURRENCY, |o, l| api.page(o, l)).await;
        match want {
            Ok(()) => {
                assert_eq!(got.ok().map(|l| l.value.len()), Some(1000));
                assert_eq!(
                    api.calls.load(Ordering::SeqCst),
                    1000,
                    "every page of a plausible total"
                );
            }
            Err(words) => {
                let err = got.expect_err("an implausible total fails");
                assert_eq!(err.kind(), ErrorKind::Paging);
                assert!(err.message().contains(words), "{}", err.message());
                assert!(
                    err.message().contains("no further page was read"),
                    "{}",
                    err.message()
                );
                assert_eq!(
                    api.calls.load(Ordering::SeqCst),
                    1,
                    "only the first page: {claimed}"
                );
            }
        }
    }
}

#[tokio::test]
async fn endless_listings_stop_at_the_page_bound() {
    // Markers that never repeat and pages that never end.
    let calls = AtomicUsize::new(0);
    let got = collect_marker_pages(&call(), |_| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(Charged::free(MarkerPage {
                items: vec![n as u32],
                is_truncated: true,
                next_marker: Some(format!("m{n}")),
                request_id: None,
            }))
        }
    })
    .await;
    let err = got.expect_err("endless");
    assert_eq!(err.kind(), ErrorKind::Paging);
    assert!(
        err.message().contains("exceeds 1000 pages"),
        "{}",
        err.message()
    );
    assert_eq!(calls.load(Ordering::SeqCst), MAX_PAGES);

    // Offset paging without a TotalCount: every page full.
    let calls = AtomicUsize::new(0);
    let got = collect_offset_pages(&call(), 1, PAGE_CONCURRENCY, |offset, _| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(Charged::free(OffsetPage {
                items: vec![offset],
                total_count: None,
                request_id: None,
            }))
        }
    })
    .await;
    let err = got.expect_err("endless");
    assert!(
        err.message().contains("exceeds 1000 pages"),
        "{}",
        err.message()
    );
    assert_eq!(calls.load(Ordering::SeqCst), MAX_PAGES);
}

/// Pages of `n` items, each charged `bytes` on `budget` as the executor would.
fn charged_page(
    budget: &ResponseBudget,
    items: Vec<u64>,
    total: u64,
    bytes: u64,
) -> Result<Charged<OffsetPage<u64>>, CloudError> {
    let charge = budget
        .try_charge(bytes)
        .map_err(|o| call().error(ErrorKind::OverBudget, o.message("a page")))?;
    Ok(Charged {
        value: OffsetPage {
            items,
            total_count: Some(total),
            request_id: None,
        },
        charge,
    })
}

#[tokio::test]
async fn listings_take_over_their_pages_charges_and_give_everything_back_on_failure() {
    let budget = ResponseBudget::new(10_000);
    // 5 pages of 10 images, each page charged 1000 bytes while it waits: the listing ends up charged
    // exactly its vector (50 × 8 bytes) and nothing else.
    let got = collect_offset_pages(&call(), 10, 2, |offset, _| {
        let page = charged_page(&budget, (offset..offset + 10).collect(), 50, 1000);
        async move { page }
    })
    .await
    .expect("fits");
    assert_eq!(got.value.len(), 50);
    assert_eq!(got.charge.bytes(), 50 * 8);
    assert_eq!(budget.used(), 50 * 8);
    assert!(
        budget.peak() >= 2000,
        "pages were charged while they waited"
    );
    drop(got);
    assert_eq!(budget.used(), 0);

    // The same listing when pages cost 3000 bytes each: it fails with the budget error, and every
    // charge of the pages read so far is given back.
    let got = collect_offset_pages(&call(), 10, 16, |offset, _| {
        let page = charged_page(&budget, (offset..offset + 10).collect(), 50, 3000);
        async move { page }
    })
    .await;
    assert_eq!(got.err().map(|e| e.kind()), Some(ErrorKind::OverBudget));
    assert_eq!(budget.used(), 0);

    // Marker paging: pages of images owning heap text; the listing is charged what it holds.
    let budget = ResponseBudget::new(1 << 20);
    let pages = Mutex::new(0u32);
    let got = collect_marker_pages(&call(), |_| {
        let mut n = pages.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        let last = *n == 3;
        let items: Vec<String> = (0..100).map(|i| format!("{i:0>40}")).collect();
        let charge = budget.try_charge(items.heap_bytes()).expect("fits");
        let page = MarkerPage {
            items,
            is_truncated: !last,
            next_marker: (!last).then(|| format!("m{n}")),
            request_id: None,
        };
        async move {
            Ok(Charged {
                value: page,
                charge,
            })
        }
    })
    .await
    .expect("fits");
    assert_eq!(got.value.len(), 300);
    assert_eq!(got.charge.bytes(), got.value.heap_bytes());
    assert_eq!(budget.used(), got.value.heap_bytes());
}
