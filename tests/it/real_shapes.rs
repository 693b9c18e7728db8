//! Every data source on the response shapes the real APIs send (`cloudimage-mock --shapes real`):
//! `null` for absent optional members (Tencent's `SyncPercent`, `SnapshotSet`, `Tags`, `ImageFamily`,
//! `IsSupportCloudinit`; Baidu's `desc` and its snapshots' times), both UTC spellings (`+00:00` and
//! `Z`), UCloud's prices as floats, and fields no client knows. The provider is served in-process over
//! gRPC twice, once per shape mode of an emulator holding the same catalogue:
//!
//! - every data source reads exactly the same state from both (the shapes are only an encoding), and
//! - every attribute of every image the plural data sources list matches the catalogue.

use crate::support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use support::clouds::{provider_config, BAIDU_SPEC, TENCENT_REGION, UCLOUD_PROJECT, UCLOUD_REGION};
use support::grpc::{InProcess, FAST_BACKOFF};
use terraform_provider_cloudimage::mock::catalogue::{
    self, BaiduRecord, TencentRecord, UCloudRecord,
};
use terraform_provider_cloudimage::mock::{MockConfig, MockServer, Shapes};

/// `YYYY-MM-DDTHH:MM:SSZ`, as the provider writes times; empty for the epoch (unknown).
fn rfc3339(secs: i64) -> String {
    if secs == 0 {
        return String::new();
    }
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("time")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The data sources read, with their configurations, on `tencent_api`.
fn reads() -> Vec<(&'static str, Value)> {
    vec![
        ("cloudimage_baidu_images", json!({})),
        (
            "cloudimage_baidu_image",
            json!({ "os_name": "ubuntu", "most_recent": true }),
        ),
        (
            "cloudimage_baidu_image",
            json!({ "spec": BAIDU_SPEC, "os_name": "centos", "most_recent_by": "version", "most_recent": true }),
        ),
        (
            "cloudimage_baidu_spec_images",
            json!({ "spec": BAIDU_SPEC }),
        ),
        ("cloudimage_ucloud_images", json!({})),
        (
            "cloudimage_ucloud_image",
            json!({ "os_name": "ubuntu", "most_recent": true }),
        ),
        ("cloudimage_tencent_images", json!({})),
        (
            "cloudimage_tencent_image",
            json!({ "os_name": "ubuntu", "most_recent": true }),
        ),
        (
            "cloudimage_images",
            json!({ "os_family": "ubuntu", "version": ">= 20.04" }),
        ),
    ]
}

async fn emulator(shapes: Shapes) -> MockServer {
    MockServer::start(MockConfig {
        shapes,
        ..Default::default()
    })
    .await
    .expect("emulator")
}

/// The images of a plural data source's state, by id.
fn images_by_id(state: &Value) -> BTreeMap<String, Value> {
    state["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| (i["id"].as_str().expect("id").to_string(), i.clone()))
        .collect()
}

/// Checks the cloud's own attributes of `image` (the normalised ones are compared across shapes).
fn check(image: &Value, want: &Value, what: &str) {
    let got: BTreeMap<&String, &Value> = want
        .as_object()
        .expect("object")
        .keys()
        .map(|k| (k, &image[k]))
        .collect();
    let want: BTreeMap<&String, &Value> = want.as_object().expect("object").iter().collect();
    assert_eq!(got, want, "{what}");
}

fn baidu(r: &BaiduRecord) -> Value {
    json!({
        "id": r.id, "name": r.name, "type": r.image_type, "os_type": r.os_type,
        "os_version": r.os_version, "os_name": r.os_name, "os_build": r.os_build, "os_arch": r.os_arch,
        "status": r.status, "create_time": rfc3339(r.created),
        "description": r.desc.clone().unwrap_or_default(),
    })
}

fn baidu_spec(r: &BaiduRecord) -> Value {
    json!({
        "id": r.id, "name": r.name, "os_type": r.os_type, "os_version": r.os_version,
        "os_arch": r.os_arch, "os_name": r.os_name, "os_lang": r.os_lang,
        "min_size_in_gib": r.min_size_gib,
    })
}

fn ucloud(r: &UCloudRecord) -> Value {
    json!({
        "id": r.image_id, "name": r.image_name, "zone": r.zone.unwrap_or(""), "type": r.image_type,
        "os_type": r.os_type, "os_name": r.os_name, "func_type": r.func_type, "features": r.features,
        "integrated_software": r.integrated_software, "vendor": r.vendor, "links": r.links,
        "status": r.state, "description": r.image_description, "create_time": rfc3339(r.create_time),
        "size": r.image_size, "minimal_cpu": r.minimal_cpu, "maintain_eol": r.maintain_eol,
        "supported_gpu_types": r.supported_gpu_types, "scene_categories": r.scene_categories,
        "primary_software": r.primary_software,
    })
}

fn tencent(r: &TencentRecord, api: &str) -> Value {
    let legacy = api == "legacy";
    let public = r.image_type == "PUBLIC_IMAGE";
    json!({
        "id": r.image_id, "name": r.image_name,
        "os_name": if legacy { &r.legacy_os_name } else { &r.os_name },
        "type": r.image_type, "status": r.image_state,
        // The legacy API reports public images as created at the epoch: unknown.
        "create_time": if legacy && public { String::new() } else { rfc3339(r.created) },
        "description": r.image_description,
        "creator": if legacy { r.legacy_creator() } else { r.image_creator.as_str() },
        "architecture": if r.architecture == "arm" { "arm64" } else { r.architecture },
        "platform": if legacy { "" } else { r.platform },
        "size": if legacy { Value::Null } else { json!(r.image_size) },
        "source": if legacy { "" } else { r.image_source },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_data_source_reads_the_same_state_from_real_shapes() {
    let default = emulator(Shapes::Default).await;
    let real = emulator(Shapes::Real).await;
    let on_default = InProcess::start(&FAST_BACKOFF).await;
    let on_real = InProcess::start(&FAST_BACKOFF).await;
    for tencent_api in ["v3", "legacy"] {
        for (plugin, server) in [(&on_default, &default), (&on_real, &real)] {
            let diags = plugin
                .configure(provider_config(&server.url(), tencent_api, 0, "30s"))
                .await;
            assert!(diags.iter().all(|d| !d.error), "{diags:?}");
        }
        for (name, config) in reads() {
            let want = on_default.read(name, config.clone()).await;
            let got = on_real.read(name, config.clone()).await;
            assert!(
                want.errors().is_empty(),
                "{name} {config}: {:?}",
                want.diags
            );
            assert!(
                got.errors().is_empty(),
                "{name} {config} on real shapes: {:?}",
                got.diags
            );
            assert_eq!(
                got.state, want.state,
                "{name} {config} ({tencent_api}): real shapes read differently"
            );
        }
    }
    assert!(
        real.requests().iter().all(|r| r.code.is_none()),
        "every request to the real-shapes emulator succeeded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attribute_of_every_image_matches_the_catalogue_on_real_shapes() {
    let real = emulator(Shapes::Real).await;
    let plugin = InProcess::start(&FAST_BACKOFF).await;
    for tencent_api in ["v3", "legacy"] {
        let diags = plugin
            .configure(provider_config(&real.url(), tencent_api, 0, "30s"))
            .await;
        assert!(diags.iter().all(|d| !d.error), "{diags:?}");
        let read = |name: &'static str, config: Value| {
            let plugin = &plugin;
            async move {
                let read = plugin.read(name, config).await;
                assert!(read.errors().is_empty(), "{name}: {:?}", read.diags);
                images_by_id(read.state.as_ref().expect("state"))
            }
        };

        let tencent_images = read("cloudimage_tencent_images", json!({})).await;
        let want: Vec<&TencentRecord> = catalogue::tencent()
            .iter()
            .filter(|r| r.region == TENCENT_REGION)
            .collect();
        assert_eq!(tencent_images.len(), want.len(), "{tencent_api}");
        for r in want {
            check(
                &tencent_images[&r.image_id],
                &tencent(r, tencent_api),
                &format!("tencent {tencent_api} {}", r.image_id),
            );
        }
        if tencent_api == "legacy" {
            continue;
        }

        let baidu_images = read("cloudimage_baidu_images", json!({})).await;
        assert_eq!(baidu_images.len(), catalogue::baidu().len());
        for r in catalogue::baidu() {
            check(&baidu_images[&r.id], &baidu(r), &format!("baidu {}", r.id));
        }
        let spec_images = read(
            "cloudimage_baidu_spec_images",
            json!({ "spec": BAIDU_SPEC }),
        )
        .await;
        let want = catalogue::baidu_spec_images(BAIDU_SPEC).expect("spec");
        assert_eq!(spec_images.len(), want.len());
        for r in want {
            check(
                &spec_images[&r.id],
                &baidu_spec(r),
                &format!("baidu spec {}", r.id),
            );
        }
        let ucloud_images = read("cloudimage_ucloud_images", json!({})).await;
        let want: Vec<&UCloudRecord> = catalogue::ucloud()
            .iter()
            .filter(|r| r.region == UCLOUD_REGION && r.project.is_none_or(|p| p == UCLOUD_PROJECT))
            .collect();
        assert_eq!(ucloud_images.len(), want.len());
        for r in want {
            check(
                &ucloud_images[&r.image_id],
                &ucloud(r),
                &format!("ucloud {}", r.image_id),
            );
        }
    }
}
