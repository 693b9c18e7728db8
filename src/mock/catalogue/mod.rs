//! The emulator's image catalogues, one per cloud: deterministic (seeded, built once), realistic,
//! and public so tests can compute the answers they expect. Pure data: this module knows nothing
//! of HTTP, request parameters, paging, faults or signatures.

mod baidu;
mod bulk;
pub(crate) mod rng;
mod tencent;
mod ucloud;

use std::sync::OnceLock;

pub use baidu::{BaiduRecord, BaiduSnapshot, BaiduSpec, BAIDU_IMAGE_TYPES};
pub use bulk::{TENCENT_BULK_IMAGES, TENCENT_BULK_REGION};
pub use tencent::{
    TencentRecord, TENCENT_INSTANCE_TYPES, TENCENT_OWNER_UIN, TENCENT_REGIONS, TENCENT_VENDOR_UIN,
};
pub use ucloud::{UCloudRecord, UCLOUD_DEFAULT_PROJECT, UCLOUD_OTHER_PROJECT, UCLOUD_REGIONS};

static BAIDU: OnceLock<(Vec<BaiduRecord>, Vec<BaiduSpec>)> = OnceLock::new();
static UCLOUD: OnceLock<Vec<UCloudRecord>> = OnceLock::new();
static TENCENT: OnceLock<Vec<TencentRecord>> = OnceLock::new();
static TENCENT_BULK: OnceLock<Vec<TencentRecord>> = OnceLock::new();

/// Every Baidu image in `GET /v2/image` order (`imageType=All`).
pub fn baidu() -> &'static [BaiduRecord] {
    &BAIDU.get_or_init(baidu::build).0
}

/// The specs `getAvailableImagesBySpec` knows, each with its images in API order.
pub fn baidu_specs() -> &'static [BaiduSpec] {
    &BAIDU.get_or_init(baidu::build).1
}

/// The images of one spec, or `None` for an unknown spec.
pub fn baidu_spec_images(spec: &str) -> Option<Vec<&'static BaiduRecord>> {
    let spec = baidu_specs().iter().find(|s| s.spec == spec)?;
    let all = baidu();
    Some(
        spec.image_ids
            .iter()
            .filter_map(|id| all.iter().find(|r| &r.id == id))
            .collect(),
    )
}

/// Every UCloud image of every region, in `DescribeImage` order within a region.
pub fn ucloud() -> &'static [UCloudRecord] {
    UCLOUD.get_or_init(ucloud::build)
}

/// Every Tencent image of every region, in `DescribeImages` order within a region.
pub fn tencent() -> &'static [TencentRecord] {
    TENCENT.get_or_init(tencent::build)
}

/// The images of [`TENCENT_BULK_REGION`] (built on first use).
pub fn tencent_bulk() -> &'static [TencentRecord] {
    TENCENT_BULK.get_or_init(|| {
        let base: Vec<TencentRecord> = tencent()
            .iter()
            .filter(|r| r.region == "ap-guangzhou")
            .cloned()
            .collect();
        bulk::build(&base, TENCENT_BULK_REGION, TENCENT_BULK_IMAGES)
    })
}

/// The Tencent images of `region`, in `DescribeImages` order.
pub fn tencent_region(region: &str) -> impl Iterator<Item = &'static TencentRecord> + '_ {
    let source = if region == TENCENT_BULK_REGION {
        tencent_bulk()
    } else {
        tencent()
    };
    source.iter().filter(move |r| r.region == region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn baidu_is_big_varied_and_unique() {
        let all = baidu();
        assert!(all.len() >= 2500, "{}", all.len());
        for ty in &BAIDU_IMAGE_TYPES[1..] {
            assert!(all.iter().any(|r| r.image_type == *ty), "no {ty}");
        }
        let ids: HashSet<_> = all.iter().map(|r| &r.id).collect();
        assert_eq!(ids.len(), all.len());
        let times: HashSet<_> = all.iter().map(|r| r.created).collect();
        assert!(
            times.len() < all.len(),
            "some equal creation times are wanted"
        );
        assert!(times.len() > all.len() * 9 / 10);
        for needle in ["(64bit)", "+", "[GPU]", "."] {
            assert!(all.iter().any(|r| r.name.contains(needle)), "{needle}");
        }
        assert!(all.iter().any(|r| r.desc.is_none()));
        assert!(all.iter().any(|r| r.os_arch == baidu::ARM));
    }

    #[test]
    fn baidu_specs_cover_gpu_and_empty() {
        let gpu = baidu_spec_images("bcc.gn5.c8m32.1v100").unwrap_or_default();
        assert!(gpu.len() > 10 && gpu.iter().all(|r| r.name.contains("CUDA")));
        assert_eq!(baidu_spec_images("bcc.f1.c16m64").map(|v| v.len()), Some(0));
        assert!(baidu_spec_images("bcc.g5.c2m8").unwrap_or_default().len() > 100);
        assert!(baidu_spec_images("nope").is_none());
    }

    #[test]
    fn ucloud_regions_projects_and_values() {
        let all = ucloud();
        let bj = all.iter().filter(|r| r.region == "cn-bj2").count();
        assert!((250..1000).contains(&bj), "{bj}");
        assert!(!all.iter().any(|r| r.region == "us-ws"));
        for v in ["Base", "Business", "Custom"] {
            assert!(all.iter().any(|r| r.image_type == v));
        }
        for v in ["gpu", "app", "uhost"] {
            assert!(all.iter().any(|r| r.func_type == v));
        }
        for v in ["Available", "Making", "Unavailable", "Copying"] {
            assert!(all.iter().any(|r| r.state == v), "{v}");
        }
        for f in ["Aarch64_Type", "CloudInit", "NetEnhanced"] {
            assert!(all.iter().any(|r| r.features.contains(&f)), "{f}");
        }
        assert!(all.iter().any(|r| r.os_type == "Windows"));
        assert!(all
            .iter()
            .any(|r| r.maintain_eol.as_str() < "2025/01/01" && !r.maintain_eol.is_empty()));
        assert!(all.iter().any(|r| r.project == Some(UCLOUD_OTHER_PROJECT)));
        let ids: HashSet<_> = all.iter().map(|r| &r.image_id).collect();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn tencent_regions_types_and_arches() {
        let all = tencent();
        assert!(all.iter().filter(|r| r.region == "ap-guangzhou").count() >= 250);
        assert!(!all.iter().any(|r| r.region == "ap-nanjing"));
        // Only the values of the SDK's `Image` model.
        for t in ["PUBLIC_IMAGE", "PRIVATE_IMAGE", "SHARED_IMAGE"] {
            assert!(all.iter().any(|r| r.image_type == t), "{t}");
        }
        assert!(all.iter().all(|r| matches!(
            r.image_type,
            "PUBLIC_IMAGE" | "PRIVATE_IMAGE" | "SHARED_IMAGE"
        )));
        for s in ["OFFICIAL", "CREATE_IMAGE", "EXTERNAL_IMPORT"] {
            assert!(all.iter().any(|r| r.image_source == s), "{s}");
        }
        for l in ["TencentCloud", "BYOL"] {
            assert!(all.iter().any(|r| r.license_type == l), "{l}");
        }
        assert!(all.iter().any(|r| r.image_deprecated));
        assert!(all.iter().any(|r| !r.image_family.is_empty()));
        for a in ["x86_64", "arm", "i386"] {
            assert!(all.iter().any(|r| r.architecture == a), "{a}");
        }
        assert!(all.iter().any(|r| !r.tags.is_empty()));
        assert!(all
            .iter()
            .filter(|r| r.architecture == "arm")
            .all(|r| r.runs_on("SR1.MEDIUM4") && !r.runs_on("S5.LARGE8")));
        let ids: HashSet<_> = all.iter().map(|r| &r.image_id).collect();
        assert_eq!(ids.len(), all.len());
    }
}
