//! `ResponseBudget`: one per provider process, a bound on the cloud response data the provider holds at
//! once, so that a broken or hostile endpoint (huge pages, endless pages, many large listings read
//! together) ends in an error instead of an out-of-memory kill.
//!
//! What is counted, in bytes, from the moment the memory is taken until it is given back:
//! - **a response body while it is read and parsed**: the capacity of its buffer. With a `Content-Length`
//!   the whole length is charged before the first byte is read (a body that cannot fit is refused
//!   unread); without one, each chunk is charged as it arrives;
//! - **the parse of a body**, before it starts: an upper bound on what decoding may allocate, from one
//!   scan of the body ([`parse_reserve`]: the text it copies out, serde's scratch buffer, and a fixed
//!   cost per JSON object and per other value), so a body of a million empty objects cannot expand
//!   a hundredfold uncounted;
//! - **parsed pages and listings**: once a page is parsed, its body and parse charge are replaced by
//!   the page's own size ([`Footprint`]: the image structs plus the text they own on the heap); the pages
//!   of a listing move their charges onto the listing, which the listing cache keeps until the listing
//!   is dropped from it (a failed listing releases everything at once).
//!
//! - **answers**: a plural data source's answer is charged three times its size as it is built (its
//!   values, their msgpack encoding, the gRPC frame), until the read returns (`data_sources::answer`).
//!
//! Not counted (the stated baseline): the executable, thread stacks, TLS and HTTP connection state (hyper's
//! per-connection read buffers), request bodies, Terraform's requests, a singular data source's one-image
//! answer, an answer's gRPC frame once the read has returned, and allocator slack. A charge that would take
//! the total past the limit fails with [`OverBudget`]; nothing is charged then.
//!
//! This module knows no HTTP, no cloud and nothing of Terraform.

use std::fmt;
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The budget of a provider process: 256 MiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 256 << 20;

/// A smaller budget, in whole MiB (1 to 256), read from the provider's environment: for tests, which
/// exercise the budget without moving hundreds of MiB. Users have no reason to set it; larger or
/// malformed values are ignored.
pub const BUDGET_ENV: &str = "CLOUDIMAGE_RESPONSE_BUDGET_MIB";

/// [`parse_reserve`]: bytes reserved per JSON object. Covers the largest wire struct of an image (about
/// 512 bytes) with its `Vec`'s doubling slack, the typed image it becomes while both exist, or a
/// `serde_json` map's first B-tree node (about 640 bytes).
pub const PARSE_OBJECT_BYTES: u64 = 2048;
/// [`parse_reserve`]: bytes reserved per other JSON value (counted as commas and opening brackets).
/// Covers a `serde_json::Value` with its `Vec`'s slack, a number's digits (`arbitrary_precision`), the
/// smallest allocation of a short string, and a string list's element.
pub const PARSE_VALUE_BYTES: u64 = 256;

/// The shared counter; clones share it.
#[derive(Clone)]
pub struct ResponseBudget {
    inner: Arc<Inner>,
}

struct Inner {
    limit: u64,
    used: AtomicU64,
    peak: AtomicU64,
}

impl fmt::Debug for ResponseBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResponseBudget({} of {} bytes in use)",
            self.used(),
            self.limit()
        )
    }
}

impl Default for ResponseBudget {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET_BYTES)
    }
}

impl ResponseBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Self {
        ResponseBudget {
            inner: Arc::new(Inner {
                limit,
                used: AtomicU64::new(0),
                peak: AtomicU64::new(0),
            }),
        }
    }

    /// The default budget, or the smaller one [`BUDGET_ENV`] asks for.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Self {
        let mib = env(BUDGET_ENV)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|mib| (1..=DEFAULT_BUDGET_BYTES >> 20).contains(mib));
        Self::new(mib.map_or(DEFAULT_BUDGET_BYTES, |mib| mib << 20))
    }

    pub fn limit(&self) -> u64 {
        self.inner.limit
    }

    /// Bytes charged now.
    pub fn used(&self) -> u64 {
        self.inner.used.load(Ordering::Relaxed)
    }

    /// The most ever charged at once.
    pub fn peak(&self) -> u64 {
        self.inner.peak.load(Ordering::Relaxed)
    }

    /// Charges `bytes`, or fails without charging anything when they do not fit.
    pub fn try_charge(&self, bytes: u64) -> Result<Charge, OverBudget> {
        self.inner.take(bytes)?;
        Ok(Charge {
            budget: Some(self.inner.clone()),
            bytes,
        })
    }

    /// An empty charge on this budget, to grow later.
    pub fn charge(&self) -> Charge {
        Charge {
            budget: Some(self.inner.clone()),
            bytes: 0,
        }
    }
}

impl Inner {
    fn take(&self, bytes: u64) -> Result<(), OverBudget> {
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let next = used.saturating_add(bytes);
            if next > self.limit {
                return Err(OverBudget {
                    limit: self.limit,
                    in_use: used,
                    wanted: bytes,
                });
            }
            match self
                .used
                .compare_exchange_weak(used, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    self.peak.fetch_max(next, Ordering::Relaxed);
                    return Ok(());
                }
                Err(now) => used = now,
            }
        }
    }

    fn give_back(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::Relaxed);
    }
}

/// Bytes held against a budget, given back when dropped. Not `Clone`: each byte is given back once.
pub struct Charge {
    budget: Option<Arc<Inner>>,
    bytes: u64,
}

impl fmt::Debug for Charge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Charge({} bytes)", self.bytes)
    }
}

impl Charge {
    /// A charge on no budget (tests, values that are not cloud data).
    pub fn free() -> Charge {
        Charge {
            budget: None,
            bytes: 0,
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Charges `more` bytes as well, or fails and keeps what it had.
    pub fn grow(&mut self, more: u64) -> Result<(), OverBudget> {
        if let Some(budget) = &self.budget {
            budget.take(more)?;
        }
        self.bytes += more;
        Ok(())
    }

    /// Holds exactly `bytes`: gives back the excess, or charges the difference (which can fail; the
    /// charge is then unchanged).
    pub fn resize(&mut self, bytes: u64) -> Result<(), OverBudget> {
        if bytes >= self.bytes {
            return self.grow(bytes - self.bytes);
        }
        if let Some(budget) = &self.budget {
            budget.give_back(self.bytes - bytes);
        }
        self.bytes = bytes;
        Ok(())
    }

    /// Takes over `other`'s bytes (the data it paid for now belongs to what `self` pays for). A free
    /// charge with no bytes adopts `other`'s budget. Charges that cannot be merged (two budgets, or bytes
    /// held on no budget; callers never mix them) are not: `other` is then given back at once, which
    /// undercounts but never leaks budget.
    pub fn absorb(&mut self, mut other: Charge) {
        match (&self.budget, &other.budget) {
            (_, None) => {}
            (None, Some(_)) if self.bytes == 0 => {
                self.budget = other.budget.take();
                self.bytes = std::mem::take(&mut other.bytes);
            }
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => {
                self.bytes += std::mem::take(&mut other.bytes);
            }
            _ => drop(other),
        }
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        if let Some(budget) = &self.budget {
            budget.give_back(self.bytes);
        }
    }
}

/// A value and the charge for the memory it holds.
#[derive(Debug)]
pub struct Charged<T> {
    pub value: T,
    pub charge: Charge,
}

impl<T> Charged<T> {
    /// `value` with no charge (tests).
    pub fn free(value: T) -> Self {
        Charged {
            value,
            charge: Charge::free(),
        }
    }
}

/// A charge would take the budget past its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    pub limit: u64,
    /// Charged by everything else at that moment (reads in flight, cached listings).
    pub in_use: u64,
    /// What was asked for.
    pub wanted: u64,
}

impl OverBudget {
    /// "`subject` would take the provider past its response budget of 256 MiB (…)", for error messages;
    /// `subject` names what was charged, e.g. "a response of 7.5 MiB".
    pub fn message(&self, subject: &str) -> String {
        format!(
            "{subject} would take the provider past its response budget of {} ({} already held by reads in flight and cached listings)",
            mib(self.limit),
            mib(self.in_use)
        )
    }
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(&format!("holding {} more", mib(self.wanted))))
    }
}

/// `12.3 MiB`, `256 MiB`, `812 KiB`.
pub fn mib(bytes: u64) -> String {
    if bytes < 1 << 20 {
        return format!("{} KiB", bytes.div_ceil(1024));
    }
    let tenths = (bytes * 10).div_ceil(1 << 20);
    if tenths % 10 == 0 {
        format!("{} MiB", tenths / 10)
    } else {
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    }
}

/// The memory a value owns beyond its own inline size: what a parsed page or listing is charged for.
pub trait Footprint {
    fn heap_bytes(&self) -> u64;
}

impl Footprint for compact_str::CompactString {
    fn heap_bytes(&self) -> u64 {
        if self.is_heap_allocated() {
            self.capacity() as u64
        } else {
            0
        }
    }
}

impl Footprint for String {
    fn heap_bytes(&self) -> u64 {
        self.capacity() as u64
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn heap_bytes(&self) -> u64 {
        self.as_ref().map_or(0, Footprint::heap_bytes)
    }
}

impl<T: Footprint> Footprint for Vec<T> {
    fn heap_bytes(&self) -> u64 {
        (self.capacity() * size_of::<T>()) as u64
            + self.iter().map(Footprint::heap_bytes).sum::<u64>()
    }
}

/// An upper bound on what decoding `body` as JSON into the wire models may allocate, from one pass over
/// its bytes: the text inside strings (copied out), twice the longest string (serde's scratch buffer grows
/// by doubling), [`PARSE_OBJECT_BYTES`] per `{` and [`PARSE_VALUE_BYTES`] per `,` or `[` outside strings.
/// Malformed JSON is scanned all the same (it fails to parse early, having allocated less).
pub fn parse_reserve(body: &[u8]) -> u64 {
    let (mut objects, mut values, mut text, mut longest) = (0u64, 1u64, 0u64, 0u64);
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < body.len() {
                    match body[j] {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                let len = (j.min(body.len()) - start) as u64;
                text += len;
                longest = longest.max(len);
                i = j + 1;
                continue;
            }
            b'{' => objects += 1,
            b',' | b'[' => values += 1,
            _ => {}
        }
        i += 1;
    }
    text + 2 * longest + objects * PARSE_OBJECT_BYTES + values * PARSE_VALUE_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_fit_or_fail_whole_and_are_given_back() {
        let budget = ResponseBudget::new(100);
        let a = budget.try_charge(60).expect("fits");
        let err = budget.try_charge(41).expect_err("does not fit");
        assert_eq!(
            err,
            OverBudget {
                limit: 100,
                in_use: 60,
                wanted: 41
            }
        );
        assert_eq!(budget.used(), 60, "a failed charge takes nothing");
        let mut b = budget.try_charge(40).expect("fits exactly");
        assert!(b.grow(1).is_err());
        assert_eq!(b.bytes(), 40);
        b.resize(10).expect("shrinking always works");
        assert_eq!(budget.used(), 70);
        drop(a);
        assert_eq!(budget.used(), 10);
        b.resize(90).expect("room again");
        assert_eq!(budget.peak(), 100);
        drop(b);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn absorbed_charges_are_given_back_once_by_their_new_owner() {
        let budget = ResponseBudget::new(1000);
        let mut listing = Charge::free();
        for _ in 0..3 {
            listing.absorb(budget.try_charge(100).expect("fits"));
        }
        assert_eq!((listing.bytes(), budget.used()), (300, 300));
        listing.absorb(Charge::free());
        let mut other = budget.charge();
        other.absorb(listing);
        assert_eq!((other.bytes(), budget.used()), (300, 300));
        // Another budget's charge is given back, not merged.
        let elsewhere = ResponseBudget::new(1000);
        other.absorb(elsewhere.try_charge(50).expect("fits"));
        assert_eq!((other.bytes(), elsewhere.used()), (300, 0));
        drop(other);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn concurrent_charges_never_pass_the_limit() {
        let budget = ResponseBudget::new(1000);
        std::thread::scope(|s| {
            for _ in 0..4 {
                let budget = budget.clone();
                s.spawn(move || {
                    for _ in 0..2000 {
                        if let Ok(c) = budget.try_charge(300) {
                            assert!(budget.used() <= 1000);
                            drop(c);
                        }
                    }
                });
            }
        });
        assert_eq!(budget.used(), 0);
        assert!(budget.peak() <= 1000);
    }

    #[test]
    fn the_environment_can_only_lower_the_budget() {
        let with = |v: &'static str| {
            ResponseBudget::from_env(&move |k| (k == BUDGET_ENV).then(|| v.into())).limit()
        };
        assert_eq!(with("8"), 8 << 20);
        assert_eq!(with(" 256 "), DEFAULT_BUDGET_BYTES);
        for ignored in ["0", "257", "-1", "8MiB", ""] {
            assert_eq!(with(ignored), DEFAULT_BUDGET_BYTES, "{ignored:?}");
        }
        assert_eq!(
            ResponseBudget::from_env(&|_| None).limit(),
            DEFAULT_BUDGET_BYTES
        );
    }

    #[test]
    fn sizes_are_worded_in_mib() {
        assert_eq!(mib(256 << 20), "256 MiB");
        assert_eq!(mib((12 << 20) + (1 << 19)), "12.5 MiB");
        assert_eq!(mib(1000), "1 KiB");
    }

    #[test]
    fn parse_reserve_bounds_what_hostile_shapes_expand_to() {
        // Text is charged once (plus scratch), structure per object and value; escapes and brackets
        // inside strings are text.
        let text = br#"{"a":"xx\"[,{"}"#;
        assert_eq!(
            parse_reserve(text),
            1 + 7 + 2 * 7 + PARSE_OBJECT_BYTES + PARSE_VALUE_BYTES
        );
        // A megabyte of empty objects reserves about 680 times its size: over any budget, refused
        // before serde builds a wire struct for each.
        let mut objects = b"{\"ImageSet\":[".to_vec();
        objects.extend(std::iter::repeat_n(&b"{},"[..], 1 << 18).flatten());
        objects.extend(b"{}]}");
        assert!(parse_reserve(&objects) > 512 * objects.len() as u64);
        // A page of short fields reserves a few dozen times its size (for the moment of its parse); a
        // text-heavy one about three times.
        let image = br#"{"id":"m-abc","name":"CentOS 7.9 64bit","type":"System","osType":"linux","desc":"d"},"#;
        let page: Vec<u8> = image
            .iter()
            .copied()
            .cycle()
            .take(image.len() * 1000)
            .collect();
        let ratio = parse_reserve(&page) / page.len() as u64;
        assert!((2..64).contains(&ratio), "{ratio}");
        let big = format!(r#"{{"desc":"{}"}}"#, "d".repeat(1 << 20));
        let ratio = parse_reserve(big.as_bytes()) as f64 / big.len() as f64;
        assert!((2.9..3.1).contains(&ratio), "{ratio}");
        assert_eq!(
            parse_reserve(b"\"unterminated"),
            12 + 2 * 12 + PARSE_VALUE_BYTES
        );
    }

    #[test]
    fn footprints_count_heap_text_only() {
        let short = compact_str::CompactString::from("inline");
        assert_eq!(short.heap_bytes(), 0);
        let long = compact_str::CompactString::from("x".repeat(100));
        assert!(long.heap_bytes() >= 100);
        let list = vec![String::from("ab"); 3];
        assert_eq!(list.heap_bytes(), 3 * 24 + 3 * 2);
    }
}
