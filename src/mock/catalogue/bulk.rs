//! A synthetic Tencent region for load and benchmark runs: [`TENCENT_BULK_IMAGES`] images (100 pages
//! of `Limit=100`), made by repeating the `ap-guangzhou` catalogue with fresh ids, names and times.
//! Built only when a request names the region, so ordinary runs never pay for it. Pure data: knows
//! nothing of HTTP, paging or signatures.

use super::rng::rfc3339_offset;
use super::tencent::TencentRecord;

/// The region that holds the bulk catalogue (not a real Tencent region).
pub const TENCENT_BULK_REGION: &str = "ap-bench";
/// Images in [`TENCENT_BULK_REGION`].
pub const TENCENT_BULK_IMAGES: usize = 10_000;

/// `count` records in `region`, cycling through `base` (which must not be empty to yield any).
pub(crate) fn build(
    base: &[TencentRecord],
    region: &'static str,
    count: usize,
) -> Vec<TencentRecord> {
    base.iter()
        .cycle()
        .take(if base.is_empty() { 0 } else { count })
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.region = region;
            // `img-` + 8 lower-case alphanumerics, the shape the API validates; unique by index.
            r.image_id = format!("img-b{i:07}");
            r.image_name = format!("{} #{i}", r.image_name);
            // Distinct times keep `most_recent` deterministic over the whole region.
            r.created += i as i64;
            r.created_time = rfc3339_offset(r.created);
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn bulk_region_is_large_unique_and_well_formed() {
        let all = super::super::tencent_bulk();
        assert_eq!(all.len(), TENCENT_BULK_IMAGES);
        assert!(all.iter().all(|r| r.region == TENCENT_BULK_REGION));
        let ids: HashSet<_> = all.iter().map(|r| &r.image_id).collect();
        assert_eq!(ids.len(), all.len());
        assert!(all.iter().all(|r| r.image_id.len() == 12));
        assert!(build(&[], TENCENT_BULK_REGION, 5).is_empty());
    }
}
