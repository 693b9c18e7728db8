//! Benchmark figure 6 as a CI check (the non-timing part of `bench/run.sh`): in one `terraform plan`,
//! 20 data sources per cloud that share one listing (same cloud, region, credentials and request
//! parameters; different `name_regex`) cost exactly one listing request sequence: every page once.

use crate::support;

use std::collections::BTreeMap;

use support::{Emulator, Workspace, TF_1_0_3};
use terraform_provider_cloudimage::mock::credentials::{
    BAIDU_AK, BAIDU_SK, TENCENT_ID, TENCENT_KEY, UCLOUD_PRIVATE, UCLOUD_PUBLIC,
};

const PER_CLOUD: usize = 20;
/// Client-side filters only: none of them changes a request.
const REGEXES: [&str; 4] = ["a", "[0-9]", "^[A-Z]", "64"];

fn config(url: &str) -> String {
    let mut out = format!(
        r#"
provider "cloudimage" {{
  baidu {{
    access_key = "{BAIDU_AK}"
    secret_key = "{BAIDU_SK}"
    endpoint   = "{url}"
  }}
  ucloud {{
    public_key  = "{UCLOUD_PUBLIC}"
    private_key = "{UCLOUD_PRIVATE}"
    region      = "cn-bj2"
    endpoint    = "{url}"
  }}
  tencent {{
    secret_id  = "{TENCENT_ID}"
    secret_key = "{TENCENT_KEY}"
    region     = "ap-guangzhou"
    endpoint   = "{url}"
  }}
}}
"#
    );
    for ds in [
        "cloudimage_baidu_images",
        "cloudimage_ucloud_images",
        "cloudimage_tencent_images",
    ] {
        for i in 0..PER_CLOUD {
            let regex = REGEXES[i % REGEXES.len()];
            out.push_str(&format!(
                "data \"{ds}\" \"d{i}\" {{\n  name_regex = \"{regex}|x{i}\"\n}}\n"
            ));
        }
    }
    out
}

#[test]
fn data_sources_sharing_a_listing_fetch_each_page_once_per_plan() {
    let emulator = Emulator::start();
    let ws = Workspace::new(TF_1_0_3, &config(&emulator.url()));
    ws.init();
    emulator.server.clear();
    ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
    // Per cloud: page (offset or marker) → times requested.
    let mut pages: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in emulator.server.requests() {
        let page = r
            .params
            .iter()
            .find(|(k, _)| k == "Offset" || k == "marker")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        *pages.entry(r.cloud).or_default().entry(page).or_default() += 1;
    }
    assert_eq!(pages.len(), 3, "every cloud was read: {pages:?}");
    for (cloud, counts) in &pages {
        assert!(counts.len() >= 2, "{cloud}: several pages: {counts:?}");
        assert!(
            counts.values().all(|&n| n == 1),
            "{cloud}: each page exactly once: {counts:?}"
        );
    }
}
