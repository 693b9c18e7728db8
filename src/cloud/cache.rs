//! `ListingCache`: per-process single-flight memo of listings. Identical listings (same cloud,
//! endpoint, region, credential id, action and request parameters) are fetched once; concurrent
//! callers await the same flight and later callers get the stored result. A failed flight is shared
//! with the callers already waiting on it, then forgotten, so the next caller tries again.
//!
//! Values are type-erased so one cache serves every client; the key includes the value's type. This
//! module knows no cloud wire format, no HTTP and nothing of Terraform.
//!
//! Memory: a listing fetched with [`ListingCache::get_or_fetch_charged`] keeps its charge on the
//! process's response budget (`super::budget`) in its entry, so the budget counts every cached listing
//! until the entry is dropped (by [`ListingCache::clear`], or with the cache when the provider is
//! configured anew and the last read of the old configuration ends). A failed listing is never stored.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::budget::{Charge, Charged};
use super::endpoint::Endpoint;
use super::error::{Cloud, CloudError};

type Flight<T> = Shared<BoxFuture<'static, Result<Arc<T>, CloudError>>>;
type Entries = HashMap<(TypeId, String), Entry>;

struct Entry {
    /// A `Flight<T>`.
    flight: Box<dyn Any + Send + Sync>,
    /// The listing's charge once it has arrived; given back when the entry is dropped.
    charge: Arc<Mutex<Option<Charge>>>,
}

/// The shared listing cache; clone it freely (clones share entries).
#[derive(Clone, Default)]
pub struct ListingCache {
    entries: Arc<Mutex<Entries>>,
}

impl fmt::Debug for ListingCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ListingCache({} entries)", self.len())
    }
}

impl ListingCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored or in-flight listing for `key`, or the result of starting `fetch` for it.
    pub async fn get_or_fetch<T, F, Fut>(&self, key: &str, fetch: F) -> Result<Arc<T>, CloudError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, CloudError>> + Send + 'static,
    {
        self.get_or_fetch_charged(key, || fetch().map(|r| r.map(Charged::free)))
            .await
    }

    /// [`ListingCache::get_or_fetch`] for a listing charged to the response budget: the entry keeps
    /// the charge for as long as it keeps the listing.
    pub async fn get_or_fetch_charged<T, F, Fut>(
        &self,
        key: &str,
        fetch: F,
    ) -> Result<Arc<T>, CloudError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Charged<T>, CloudError>> + Send + 'static,
    {
        let map_key = (TypeId::of::<T>(), key.to_string());
        let flight: Flight<T> = {
            let mut entries = self.lock();
            match entries
                .get(&map_key)
                .and_then(|e| e.flight.downcast_ref::<Flight<T>>())
            {
                Some(existing) => existing.clone(),
                None => {
                    let slot = Arc::new(Mutex::new(None));
                    let entry_slot = Arc::downgrade(&slot);
                    let flight = fetch()
                        .map(move |r| {
                            r.map(|Charged { value, charge }| {
                                // If the entry is already gone (cleared meanwhile), so is the charge.
                                if let Some(slot) = entry_slot.upgrade() {
                                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(charge);
                                }
                                Arc::new(value)
                            })
                        })
                        .boxed()
                        .shared();
                    entries.insert(
                        map_key.clone(),
                        Entry {
                            flight: Box::new(flight.clone()),
                            charge: slot,
                        },
                    );
                    flight
                }
            }
        };
        let result = flight.clone().await;
        if result.is_err() {
            // Forget the failure, unless a newer flight already replaced it.
            let mut entries = self.lock();
            let same = entries
                .get(&map_key)
                .and_then(|e| e.flight.downcast_ref::<Flight<T>>())
                .is_some_and(|stored| stored.ptr_eq(&flight));
            if same {
                entries.remove(&map_key);
            }
        }
        result
    }

    /// Number of stored (or in-flight) listings.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the stored listings hold on the response budget.
    pub fn charged_bytes(&self) -> u64 {
        self.lock()
            .values()
            .map(|e| {
                e.charge
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .as_ref()
                    .map_or(0, Charge::bytes)
            })
            .sum()
    }

    /// Forgets everything (e.g. when the provider is reconfigured), giving back the listings' charges.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding this lock cannot leave the map inconsistent (single inserts and
        // removes), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The cache key of a listing: every part that can change the answer, JSON-encoded so that no two
/// different queries produce the same string. `params` are the request parameters (not paging).
pub fn listing_key<K: AsRef<str>, V: AsRef<str>>(
    cloud: Cloud,
    endpoint: &Endpoint,
    region: &str,
    credential_id: &str,
    action: &str,
    params: &[(K, V)],
) -> String {
    let mut params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    params.sort();
    serde_json::json!([
        cloud.id(),
        endpoint.to_string(),
        region,
        credential_id,
        action,
        params
    ])
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::error::ErrorKind;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn err() -> CloudError {
        CloudError::new(Cloud::Tencent, "DescribeImages", ErrorKind::Api, "boom")
    }

    #[tokio::test]
    async fn concurrent_and_later_callers_share_one_fetch() {
        let cache = ListingCache::new();
        let fetches = Arc::new(AtomicUsize::new(0));
        let calls = (0..8).map(|_| {
            let cache = cache.clone();
            let fetches = fetches.clone();
            async move {
                cache
                    .get_or_fetch("k", || async move {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        Ok(vec![1, 2, 3])
                    })
                    .await
            }
        });
        let results = futures_util::future::join_all(calls).await;
        assert!(results
            .iter()
            .all(|r| r.as_deref().ok() == Some(&vec![1, 2, 3])));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        let later = cache
            .get_or_fetch::<Vec<i32>, _, _>("k", || async { Err(err()) })
            .await;
        assert_eq!(later.as_deref().ok(), Some(&vec![1, 2, 3]));
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn errors_are_shared_in_flight_but_not_cached() {
        let cache = ListingCache::new();
        let fetches = Arc::new(AtomicUsize::new(0));
        let calls = (0..4).map(|_| {
            let cache = cache.clone();
            let fetches = fetches.clone();
            async move {
                cache
                    .get_or_fetch::<Vec<i32>, _, _>("k", || async move {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Err(err())
                    })
                    .await
            }
        });
        let results = futures_util::future::join_all(calls).await;
        assert!(results.iter().all(|r| r.is_err()));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(cache.is_empty());
        let retry = cache.get_or_fetch("k", || async { Ok(vec![7]) }).await;
        assert_eq!(retry.as_deref().ok(), Some(&vec![7]));
    }

    #[tokio::test]
    async fn keys_and_types_are_distinct() {
        let cache = ListingCache::new();
        let a = cache.get_or_fetch("a", || async { Ok(1u32) }).await;
        let b = cache.get_or_fetch("b", || async { Ok(2u32) }).await;
        let a_str = cache
            .get_or_fetch("a", || async { Ok("s".to_string()) })
            .await;
        assert_eq!(a.ok().as_deref(), Some(&1));
        assert_eq!(b.ok().as_deref(), Some(&2));
        assert_eq!(a_str.ok().as_deref().map(String::as_str), Some("s"));
        assert_eq!(cache.len(), 3);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn cached_listings_keep_their_charge_until_dropped() {
        use crate::cloud::budget::ResponseBudget;
        let budget = ResponseBudget::new(1000);
        let cache = ListingCache::new();
        let fetch = |bytes: u64| {
            let budget = budget.clone();
            move || async move {
                let charge = budget.try_charge(bytes).map_err(|o| {
                    CloudError::new(Cloud::Baidu, "x", ErrorKind::OverBudget, o.to_string())
                })?;
                Ok(Charged {
                    value: vec![1u8],
                    charge,
                })
            }
        };
        let a = cache.get_or_fetch_charged("a", fetch(600)).await;
        assert!(a.is_ok());
        assert_eq!((budget.used(), cache.charged_bytes()), (600, 600));
        // A second listing that does not fit fails and is not stored; the first keeps its share.
        let b = cache.get_or_fetch_charged("b", fetch(600)).await;
        assert_eq!(b.err().map(|e| e.kind()), Some(ErrorKind::OverBudget));
        assert_eq!((budget.used(), cache.len()), (600, 1));
        // Readers of the cached listing charge nothing more.
        let again = cache.get_or_fetch_charged("a", fetch(600)).await;
        assert_eq!(again.ok().as_deref(), Some(&vec![1u8]));
        assert_eq!(budget.used(), 600);
        cache.clear();
        assert_eq!(budget.used(), 0, "dropped with its entry");
        drop(cache);
    }

    #[test]
    fn listing_keys_are_unambiguous_and_order_independent() {
        let ep = Endpoint::parse("https://api.ucloud.cn").unwrap_or_else(|e| panic!("{e}"));
        let k = |region: &str, params: &[(&str, String)]| {
            listing_key(Cloud::UCloud, &ep, region, "pub", "DescribeImage", params)
        };
        let a = k(
            "cn-bj2",
            &[("Zone", "z".into()), ("OsType", "Linux".into())],
        );
        let b = k(
            "cn-bj2",
            &[("OsType", "Linux".into()), ("Zone", "z".into())],
        );
        assert_eq!(a, b);
        assert_ne!(a, k("cn-bj2|", &[("Zone", "z".into())]));
        assert_ne!(
            k("a", &[("b", "c|d".into())]),
            k("a", &[("b|c", "d".into())])
        );
    }
}
