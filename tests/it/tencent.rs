//! Tencent Cloud data sources under real Terraform (1.0.3 and 0.14.6) against the local emulator, on
//! both APIs at once: the default provider speaks API 3.0, `cloudimage.legacy` the legacy API. Expected
//! answers are computed from the emulator's catalogue, independently of the provider code.

use crate::support;

use support::{output, strings, Emulator, Workspace, ALL_TERRAFORMS};
use terraform_provider_cloudimage::mock::api::Api;
use terraform_provider_cloudimage::mock::catalogue::{self, TencentRecord};
use terraform_provider_cloudimage::mock::credentials::{TENCENT_ID, TENCENT_KEY};

const REGION: &str = "ap-guangzhou";
/// Both APIs: (label, the provider reference for `provider = ...`, the emulator's API).
const APIS: [(&str, &str, Api); 2] = [
    ("v3", "cloudimage", Api::TencentV3),
    ("legacy", "cloudimage.legacy", Api::TencentLegacy),
];

/// Two provider configurations on one emulator: API 3.0 (default) and the legacy API (alias `legacy`).
fn providers(url: &str, secret: &str, max_retries: u32, region: Option<&str>) -> String {
    let region = region
        .map(|r| format!("region = \"{r}\""))
        .unwrap_or_default();
    let block = |api: &str, extra: &str| {
        format!(
            "  max_retries = {max_retries}\n  tencent {{\n    secret_id  = \"{TENCENT_ID}\"\n    secret_key = \"{secret}\"\n    endpoint   = \"{url}\"\n    api        = \"{api}\"\n    {region}\n    {extra}\n  }}\n"
        )
    };
    format!(
        "provider \"cloudimage\" {{\n{}}}\nprovider \"cloudimage\" {{\n  alias = \"legacy\"\n{}}}\n",
        block("v3", ""),
        block("legacy", "signature_method = \"HmacSHA1\"")
    )
}

fn region_images() -> Vec<&'static TencentRecord> {
    catalogue::tencent()
        .iter()
        .filter(|r| r.region == REGION)
        .collect()
}

/// The creation time `api` reports for `r`: the legacy API reports public images as created at the
/// Unix epoch, which means it does not know.
fn created(r: &TencentRecord, api: &str) -> Option<i64> {
    (api != "legacy" || r.image_type != "PUBLIC_IMAGE").then_some(r.created)
}

/// `ids` in the order the data sources give on `api`: newest first, images without a known creation
/// time after every dated one, ties by id.
fn ordered(api: &str, mut ids: Vec<String>) -> Vec<String> {
    ids.sort_by(|a, b| {
        created(record(b), api)
            .cmp(&created(record(a), api))
            .then_with(|| a.cmp(b))
    });
    ids
}

/// Ids of the region's images that pass `keep`, in the data sources' order on `api`.
fn expected_on(api: &str, keep: &dyn Fn(&TencentRecord) -> bool) -> Vec<String> {
    let ids = region_images()
        .into_iter()
        .filter(|r| keep(r))
        .map(|r| r.image_id.clone())
        .collect();
    ordered(api, ids)
}

/// [`expected_on`] API 3.0, where every image has its creation time.
fn expected(keep: impl Fn(&TencentRecord) -> bool) -> Vec<String> {
    expected_on("v3", &keep)
}

fn record(id: &str) -> &'static TencentRecord {
    catalogue::tencent()
        .iter()
        .find(|r| r.image_id == id)
        .expect("catalogue image")
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("time")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The OS name each API reports.
fn os_name(r: &TencentRecord, api: &str) -> String {
    if api == "legacy" {
        r.legacy_os_name.clone()
    } else {
        r.os_name.clone()
    }
}

/// One plural data source `<label>_<api>` with `body`, and an output of its ids.
fn plural(label: &str, body: &str) -> String {
    let mut out = String::new();
    for (api, provider, _) in APIS {
        out.push_str(&format!(
            "data \"cloudimage_tencent_images\" \"{label}_{api}\" {{\n  provider = {provider}\n{body}\n}}\noutput \"{label}_{api}\" {{ value = data.cloudimage_tencent_images.{label}_{api}.ids }}\n"
        ));
    }
    out
}

fn filter(name: &str, values: &[&str]) -> String {
    let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!(
        "  filter {{\n    name   = {name:?}\n    values = [{}]\n  }}\n",
        values.join(", ")
    )
}

#[test]
fn plural_and_singular_return_exactly_the_expected_images_on_both_apis() {
    let emulator = Emulator::start();
    let all = expected(|_| true);
    assert!(all.len() > 200, "several pages at 100: {}", all.len());
    let private: Vec<&TencentRecord> = region_images()
        .into_iter()
        .filter(|r| r.image_type == "PRIVATE_IMAGE")
        .collect();
    let public: Vec<&TencentRecord> = region_images()
        .into_iter()
        .filter(|r| r.image_type == "PUBLIC_IMAGE")
        .collect();
    let ids = [all[3].as_str(), all[40].as_str(), all[150].as_str()];
    let two_ids = [private[0].image_id.as_str(), public[0].image_id.as_str()];
    let name_a = private[1].image_name.as_str();
    let name_b = public[1].image_name.as_str();
    let two_names = [name_a, public[2].image_name.as_str()];
    let regex = r"^TencentOS .*\(ARM\)$";

    let mut config = providers(&emulator.url(), TENCENT_KEY, 3, Some(REGION));
    for (api, provider, _) in APIS {
        config.push_str(&format!(
            "data \"cloudimage_tencent_images\" \"all_{api}\" {{ provider = {provider} }}\noutput \"all_{api}\" {{ value = data.cloudimage_tencent_images.all_{api}.images }}\noutput \"count_{api}\" {{ value = data.cloudimage_tencent_images.all_{api}.total_count }}\n\
             data \"cloudimage_tencent_image\" \"newest_{api}\" {{\n  provider = {provider}\n  image_type = \"public_image\"\n  os_name = \"ubuntu\"\n  most_recent = true\n}}\noutput \"newest_{api}\" {{ value = data.cloudimage_tencent_image.newest_{api} }}\n"
        ));
    }
    // The newest launchable Ubuntu image of any type: dated on both APIs, so both must choose it, while
    // every public Ubuntu image (newer or older) has no creation time on the legacy API.
    let launchable_ubuntu = |r: &TencentRecord| {
        r.os_name.to_lowercase().contains("ubuntu") && matches!(r.image_state, "NORMAL" | "USING")
    };
    let same_newest = expected(launchable_ubuntu)[0].clone();
    assert_ne!(record(&same_newest).image_type, "PUBLIC_IMAGE");
    assert!(
        expected_on("legacy", &|r: &TencentRecord| launchable_ubuntu(r)
            && r.image_type == "PUBLIC_IMAGE")
        .len()
            > 1,
        "public Ubuntu images are among the candidates"
    );
    for (api, provider, _) in APIS {
        config.push_str(&format!(
            "data \"cloudimage_tencent_image\" \"same_{api}\" {{\n  provider = {provider}\n  os_name = \"ubuntu\"\n  most_recent = true\n}}\noutput \"same_{api}\" {{ value = {{ id = data.cloudimage_tencent_image.same_{api}.id, create_time = data.cloudimage_tencent_image.same_{api}.create_time }} }}\n"
        ));
    }
    config.push_str(&plural(
        "ids",
        &format!(
            "  image_ids = [{}]",
            ids.map(|i| format!("{i:?}")).join(", ")
        ),
    ));
    config.push_str(&plural("f_id", &filter("image-id", &two_ids)));
    config.push_str(&plural("f_type", &filter("image-type", &["PRIVATE_IMAGE"])));
    config.push_str(&plural("f_name", &filter("image-name", &[name_b])));
    config.push_str(&plural(
        "two",
        &(filter("image-type", &["PRIVATE_IMAGE", "SHARED_IMAGE"])
            + &filter("image-name", &two_names)),
    ));
    config.push_str(&plural("shorthand", "  image_type = \"shared_image\""));
    config.push_str(&plural("regex", &format!("  name_regex = {regex:?}")));
    config.push_str(&plural("os", "  os_name = \"UBUNTU\""));
    // API 3.0 only.
    let v3_only = [
        ("platform", filter("platform", &["Debian", "AlmaLinux"])),
        ("tag_key", filter("tag-key", &["team"])),
        ("tag_value", filter("tag-value", &["prod"])),
        ("tag_env", filter("tag:env", &["staging", "dev"])),
        ("itype", "  instance_type = \"SR1.MEDIUM4\"".to_string()),
    ];
    for (label, body) in &v3_only {
        config.push_str(&format!(
            "data \"cloudimage_tencent_images\" \"{label}\" {{\n{body}\n}}\noutput \"{label}\" {{ value = data.cloudimage_tencent_images.{label}.ids }}\n"
        ));
    }

    let has_tag = |r: &TencentRecord, k: Option<&str>, values: &[&str]| {
        r.tags.iter().any(|(tk, tv)| match k {
            Some("*") => values.contains(&tk.as_str()),
            Some(k) => tk == k && values.contains(&tv.as_str()),
            None => values.contains(&tv.as_str()),
        })
    };
    let re = regex::Regex::new(regex).unwrap();
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        let outputs = ws.apply_outputs();
        let mut objects = Vec::new();
        for (api, _, emulated) in APIS {
            let images = output(&outputs, &format!("all_{api}"))
                .as_array()
                .unwrap()
                .clone();
            let got: Vec<String> = images
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string())
                .collect();
            let all = expected_on(api, &|_| true);
            assert_eq!(got, all, "{tf:?} {api}: every image, newest first");
            assert_eq!(output(&outputs, &format!("count_{api}")), all.len());
            for image in &images {
                let r = record(image["id"].as_str().unwrap());
                assert_eq!(image["name"], r.image_name.as_str());
                assert_eq!(image["type"], r.image_type);
                assert_eq!(image["status"], r.image_state);
                let time = created(r, api).map(rfc3339).unwrap_or_default();
                assert_eq!(image["create_time"], time.as_str(), "{tf:?} {api}: {image}");
                assert_eq!(image["description"], r.image_description.as_str());
                assert_eq!(image["os_name"], os_name(r, api).as_str());
                let arch = if r.architecture == "arm" {
                    "arm64"
                } else {
                    r.architecture
                };
                assert_eq!(image["architecture"], arch, "{tf:?} {api}: {image}");
                if api == "legacy" {
                    assert_eq!(image["creator"], r.legacy_creator());
                    assert!(image["size"].is_null(), "{image}");
                    assert_eq!(image["platform"], "");
                    assert_eq!(image["source"], "");
                } else {
                    assert_eq!(image["creator"], r.image_creator.as_str());
                    assert_eq!(image["size"], r.image_size);
                    assert_eq!(image["platform"], r.platform);
                    assert_eq!(image["source"], r.image_source);
                }
            }
            objects.push(images);
            // Every page of the unfiltered listing was asked for, at the largest page size.
            let mut offsets: Vec<String> = emulator
                .server
                .requests()
                .iter()
                .filter(|r| {
                    r.api == emulated
                        && !r.params.iter().any(|(k, _)| {
                            k.starts_with("Filters")
                                || k.starts_with("ImageIds")
                                || k == "InstanceType"
                        })
                })
                .filter(|r| r.params.iter().any(|(k, v)| k == "Limit" && v == "100"))
                .filter_map(|r| {
                    r.params
                        .iter()
                        .find(|(k, _)| k == "Offset")
                        .map(|(_, v)| v.clone())
                })
                .collect();
            offsets.sort();
            offsets.dedup();
            assert_eq!(
                offsets.len(),
                all.len().div_ceil(100),
                "{tf:?} {api}: pages {offsets:?}"
            );

            let got = |label: &str| strings(output(&outputs, &format!("{label}_{api}")));
            let want_ids = ordered(api, ids.iter().map(|s| s.to_string()).collect());
            assert_eq!(got("ids"), want_ids, "{tf:?} {api}: image_ids");
            assert_eq!(
                got("f_id"),
                expected_on(api, &|r: &TencentRecord| two_ids
                    .contains(&r.image_id.as_str())),
                "{tf:?} {api}: image-id"
            );
            let private = expected_on(api, &|r: &TencentRecord| r.image_type == "PRIVATE_IMAGE");
            assert!(!private.is_empty());
            assert_eq!(got("f_type"), private, "{tf:?} {api}: image-type");
            // image-name: fuzzy (contains) on API 3.0, exact on the legacy API.
            let name_matches = |name: &str, value: &str| {
                if api == "legacy" {
                    name == value
                } else {
                    name.contains(value)
                }
            };
            let by_name = expected_on(api, &|r: &TencentRecord| {
                name_matches(&r.image_name, name_b)
            });
            assert!(!by_name.is_empty());
            assert_eq!(got("f_name"), by_name, "{tf:?} {api}: image-name");
            let two = expected_on(api, &|r: &TencentRecord| {
                matches!(r.image_type, "PRIVATE_IMAGE" | "SHARED_IMAGE")
                    && two_names.iter().any(|n| name_matches(&r.image_name, n))
            });
            assert!(
                two.iter().any(|i| record(i).image_name == name_a),
                "{two:?}"
            );
            assert_eq!(
                got("two"),
                two,
                "{tf:?} {api}: two filters with two values each"
            );
            let shared = expected_on(api, &|r: &TencentRecord| r.image_type == "SHARED_IMAGE");
            assert!(!shared.is_empty());
            assert_eq!(got("shorthand"), shared, "{tf:?} {api}: image_type");
            let by_regex = expected_on(api, &|r: &TencentRecord| re.is_match(&r.image_name));
            assert!(!by_regex.is_empty());
            assert_eq!(got("regex"), by_regex, "{tf:?} {api}: name_regex");
            let by_os = expected_on(api, &|r: &TencentRecord| {
                os_name(r, api).to_lowercase().contains("ubuntu")
            });
            assert!(!by_os.is_empty());
            assert_eq!(got("os"), by_os, "{tf:?} {api}: os_name");

            // Both filters and both values of each reached the API, in order.
            let sent = emulator
                .server
                .requests()
                .into_iter()
                .filter(|r| r.api == emulated)
                .find(|r| {
                    r.params
                        .iter()
                        .any(|(k, v)| k == "Filters.1.Values.1" && v == two_names[1])
                })
                .unwrap_or_else(|| panic!("{tf:?} {api}: no request with both filters"));
            let want = [
                ("Filters.0.Name", "image-type"),
                ("Filters.0.Values.0", "PRIVATE_IMAGE"),
                ("Filters.0.Values.1", "SHARED_IMAGE"),
                ("Filters.1.Name", "image-name"),
                ("Filters.1.Values.0", two_names[0]),
                ("Filters.1.Values.1", two_names[1]),
            ];
            for (k, v) in want {
                assert!(
                    sent.params.iter().any(|(pk, pv)| pk == k && pv == v),
                    "{tf:?} {api}: {k}={v} not in {:?}",
                    sent.params
                );
            }
            assert_eq!(
                sent.params
                    .iter()
                    .filter(|(k, _)| k.starts_with("Filters."))
                    .count(),
                6,
                "{:?}",
                sent.params
            );

            // Public images only: API 3.0 has their times; the legacy API does not, so there the
            // undated images are ranked by id (documented on create_time).
            let newest = output(&outputs, &format!("newest_{api}"));
            let want = expected_on(api, &|r: &TencentRecord| {
                r.image_type == "PUBLIC_IMAGE"
                    && os_name(r, api).to_lowercase().contains("ubuntu")
                    && matches!(r.image_state, "NORMAL" | "USING")
            });
            assert_eq!(newest["id"], want[0].as_str(), "{tf:?} {api}: most_recent");
            if api == "legacy" {
                assert_eq!(
                    newest["create_time"], "",
                    "{tf:?}: an epoch time is unknown"
                );
            }
            assert_eq!(newest["name"], record(&want[0]).image_name.as_str());
            assert_eq!(newest["os_name"], os_name(record(&want[0]), api).as_str());
        }
        // Where the APIs' fields overlap, they describe the same images; only the creation times of
        // public images are unknown on the legacy API (and so its order differs there).
        let by_id = |images: &Vec<serde_json::Value>| -> std::collections::BTreeMap<String, serde_json::Value> {
            images
                .iter()
                .map(|i| (i["id"].as_str().unwrap_or("").to_string(), i.clone()))
                .collect()
        };
        let (v3, legacy) = (by_id(&objects[0]), by_id(&objects[1]));
        assert_eq!(
            v3.keys().collect::<Vec<_>>(),
            legacy.keys().collect::<Vec<_>>(),
            "{tf:?}: the same images"
        );
        for (id, a) in &v3 {
            let b = &legacy[id];
            for field in ["name", "type", "status", "description", "architecture"] {
                assert_eq!(a[field], b[field], "{tf:?}: {field} of {id} differs");
            }
            if a["type"] == "PUBLIC_IMAGE" {
                assert_eq!(b["create_time"], "", "{tf:?}: {id}");
                assert_ne!(a["create_time"], "", "{tf:?}: {id}");
            } else {
                assert_eq!(a["create_time"], b["create_time"], "{tf:?}: {id}");
            }
        }
        // most_recent over both APIs: the same image, although the legacy API knows no public image's time.
        let same_v3 = output(&outputs, "same_v3");
        assert_eq!(
            same_v3,
            output(&outputs, "same_legacy"),
            "{tf:?}: the same image on both APIs"
        );
        assert_eq!(same_v3["id"], same_newest.as_str(), "{tf:?}");
        assert_eq!(
            same_v3["create_time"],
            rfc3339(record(&same_newest).created).as_str()
        );

        let got = |label: &str| strings(output(&outputs, label));
        assert_eq!(
            got("platform"),
            expected(|r| matches!(r.platform, "Debian" | "AlmaLinux")),
            "{tf:?}: platform"
        );
        assert_eq!(
            got("tag_key"),
            expected(|r| has_tag(r, Some("*"), &["team"])),
            "{tf:?}: tag-key"
        );
        assert_eq!(
            got("tag_value"),
            expected(|r| has_tag(r, None, &["prod"])),
            "{tf:?}: tag-value"
        );
        assert_eq!(
            got("tag_env"),
            expected(|r| has_tag(r, Some("env"), &["staging", "dev"])),
            "{tf:?}: tag:env"
        );
        let arm = expected(|r| r.runs_on("SR1.MEDIUM4"));
        assert!(!arm.is_empty() && arm.len() < all.len());
        assert_eq!(got("itype"), arm, "{tf:?}: instance_type");
        for label in ["platform", "tag_key", "tag_value", "tag_env"] {
            assert!(!got(label).is_empty(), "{label}");
        }
    }
}

#[test]
fn singular_explains_no_match_and_several_matches() {
    let emulator = Emulator::start();
    let mut config = providers(&emulator.url(), TENCENT_KEY, 3, Some(REGION));
    for (api, provider, _) in APIS {
        config.push_str(&format!(
            "data \"cloudimage_tencent_image\" \"none_{api}\" {{\n  provider = {provider}\n  name_regex = \"^no-such-image$\"\n{}}}\n\
             data \"cloudimage_tencent_image\" \"many_{api}\" {{\n  provider = {provider}\n  image_type = \"SHARED_IMAGE\"\n}}\n",
            filter("image-type", &["PRIVATE_IMAGE"])
        ));
    }
    // The singular data source keeps launchable images (NORMAL or USING) unless `status` is set.
    let market =
        expected(|r| r.image_type == "SHARED_IMAGE" && matches!(r.image_state, "NORMAL" | "USING"))
            .len();
    assert!(
        expected(|r| r.image_type == "SHARED_IMAGE").len() > market,
        "some shared images are not launchable"
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let run = ws.run(&["plan", "-no-color", "-input=false"]);
        run.assert_fails_with(&[
            "No image matches the filters",
            "name_regex = \"^no-such-image$\"",
            "filter { name = \"image-type\", values = [\"PRIVATE_IMAGE\"] }",
            &format!("{market} images match"),
            "most_recent = true",
        ]);
        let all = run.combined();
        assert_eq!(
            all.matches("No image matches the filters").count(),
            2,
            "{tf:?}: both APIs\n{all}"
        );
        assert_eq!(
            all.matches(&format!("{market} images match the filters"))
                .count(),
            2,
            "{tf:?}: both APIs\n{all}"
        );
    }
}

#[test]
fn plan_time_validation_points_at_the_attribute() {
    let eleven: String = (0..10)
        .map(|i| filter("image-name", &[&format!("n{i}")]))
        .collect();
    let config = format!(
        r#"
data "cloudimage_tencent_images" "ids_and_filter" {{
  image_ids = ["img-aaaaaaaa"]
{}}}
data "cloudimage_tencent_image" "ids_and_type" {{
  image_ids  = ["img-bbbbbbbb"]
  image_type = "PRIVATE_IMAGE"
}}
data "cloudimage_tencent_images" "too_many_filters" {{
  image_type = "PUBLIC_IMAGE"
{eleven}}}
data "cloudimage_tencent_images" "too_many_values" {{
  filter {{
    name   = "image-id"
    values = ["img-00000001", "img-00000002", "img-00000003", "img-00000004", "img-00000005", "img-00000006"]
  }}
}}
data "cloudimage_tencent_images" "bad_name" {{
{}}}
data "cloudimage_tencent_images" "bad_type" {{ image_type = "GOLD_IMAGE" }}
"#,
        filter("image-type", &["PUBLIC_IMAGE"]),
        filter("owner", &["me"])
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let run = ws.run(&["validate", "-no-color"]);
        run.assert_fails_with(&[
            "Conflicting arguments image_ids and filter",
            "image_ids = [\"img-aaaaaaaa\"]",
            "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
            "Conflicting arguments image_ids and image_type",
            "image_ids  = [\"img-bbbbbbbb\"]",
            "Too many filters",
            "this data source has 11",
            "Too many filter values",
            "values = [\"img-00000001\"",
            "Invalid filter name",
            "name   = \"owner\"",
            "\"tag:<key>\"",
            "Invalid image_type",
            "image_type = \"GOLD_IMAGE\"",
        ]);
        let all = run.combined();
        assert!(
            all.contains("too_many_filters")
                && all.contains("in data \"cloudimage_tencent_images\" \"too_many_filters\""),
            "{all}"
        );
    }
}

#[test]
fn api_specific_arguments_fail_clearly_on_the_legacy_api() {
    let emulator = Emulator::start();
    let mut config = providers(&emulator.url(), TENCENT_KEY, 3, Some(REGION));
    config.push_str(&format!(
        "data \"cloudimage_tencent_images\" \"itype\" {{\n  provider      = cloudimage.legacy\n  instance_type = \"S5.MEDIUM2\"\n}}\n\
         data \"cloudimage_tencent_images\" \"platform\" {{\n  provider = cloudimage.legacy\n{}}}\n",
        filter("platform", &["CentOS"])
    ));
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "instance_type needs the Tencent Cloud API 3.0",
                "api = \"legacy\"",
                "instance_type = \"S5.MEDIUM2\"",
                "Filter not supported by the legacy API",
                "name   = \"platform\"",
            ]);
        assert_eq!(
            emulator.count("DescribeImages"),
            0,
            "{tf:?}: refused before any request"
        );
    }
}

#[test]
fn a_missing_region_is_a_clear_error() {
    let emulator = Emulator::start();
    let config = format!(
        "{}\ndata \"cloudimage_tencent_images\" \"x\" {{}}\n",
        providers(&emulator.url(), TENCENT_KEY, 3, None)
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&["Missing Tencent Cloud region", "TENCENTCLOUD_REGION"]);
        // The environment variable is enough.
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TENCENTCLOUD_REGION", "ap-shanghai")],
        );
        run.assert_ok();
    }
}

#[test]
fn faults_are_retried_or_reported_with_code_message_and_request_id() {
    let emulator = Emulator::start();
    let config = |secret: &str| {
        let mut c = providers(&emulator.url(), secret, 3, Some(REGION));
        for (api, provider, _) in APIS {
            c.push_str(&format!(
                "data \"cloudimage_tencent_images\" \"x_{api}\" {{ provider = {provider} }}\noutput \"n_{api}\" {{ value = data.cloudimage_tencent_images.x_{api}.ids }}\n"
            ));
        }
        c
    };
    assert!(expected(|_| true).len() > 100, "more than one page");
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config(TENCENT_KEY));
        ws.init();
        // Throttling and 5xx within max_retries: the right answer, on both APIs.
        let mut rules = Vec::new();
        for target in ["tencent-v3", "tencent-legacy"] {
            rules.push(serde_json::json!({"kind": "throttle", "cloud": target, "times": 1}));
            rules.push(serde_json::json!({"kind": "http_error", "cloud": target, "status": 503, "times": 1}));
            rules.push(serde_json::json!({"kind": "http_error", "cloud": target, "status": 500, "times": 1}));
        }
        emulator.set_faults(serde_json::Value::Array(rules));
        emulator.server.clear();
        let run = ws.run_with(
            &["apply", "-no-color", "-input=false", "-auto-approve"],
            &[("TF_LOG", "TRACE")],
        );
        run.assert_ok();
        assert!(
            !run.combined().contains(TENCENT_KEY),
            "{tf:?}: the secret leaked into TRACE logs"
        );
        let outputs: serde_json::Value =
            serde_json::from_str(&ws.run(&["output", "-no-color", "-json"]).stdout).unwrap();
        for (api, _, emulated) in APIS {
            assert_eq!(
                strings(output(&outputs, &format!("n_{api}"))),
                expected_on(api, &|_| true),
                "{tf:?} {api}: retried to the right answer"
            );
            let faulted: Vec<String> = emulator
                .server
                .requests()
                .iter()
                .filter(|r| r.api == emulated)
                .filter_map(|r| r.fault.clone())
                .collect();
            assert_eq!(faulted.len(), 3, "{tf:?} {api}: {faulted:?}");
            assert!(
                emulator.server.requests().iter().any(|r| r.api == emulated && r.code.as_deref() == Some("RequestLimitExceeded")),
                "{tf:?} {api}: throttled"
            );
        }
        assert!(
            emulator
                .server
                .faults()
                .rules
                .iter()
                .all(|r| r.times == Some(0)),
            "every fault was used"
        );

        // Malformed bodies: an error, never a panic or an empty list.
        for kind in ["truncated", "html", "wrong_shape"] {
            emulator.set_faults(serde_json::json!([{"kind": kind, "cloud": "tencent"}]));
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            run.assert_fails_with(&["Failed to list images on Tencent Cloud"]);
            let all = run.combined();
            assert_eq!(
                all.matches("Failed to list images on Tencent Cloud")
                    .count(),
                2,
                "{tf:?} {kind}: both APIs\n{all}"
            );
            assert!(!all.contains("panic"), "{kind}: {all}");
        }
        emulator.set_faults(serde_json::json!([]));

        // A wrong secret: AuthFailure.SignatureFailure with its message, the request id and the SecretId;
        // the secret nowhere, even in TRACE logs.
        let wrong = "wrong-tencent-secret-7c1d";
        ws.write_config(&config(wrong));
        emulator.server.clear();
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TF_LOG", "TRACE")],
        );
        run.assert_fails_with(&[
            "Failed to list images on Tencent Cloud",
            "Error code: AuthFailure.SignatureFailure",
            "The provided credentials could not be validated",
            TENCENT_ID,
        ]);
        let all = run.combined();
        for (api, _, emulated) in APIS {
            let request_id = emulator
                .server
                .requests()
                .iter()
                .rev()
                .find(|r| r.api == emulated)
                .map(|r| r.request_id.clone())
                .unwrap();
            assert!(
                all.contains(&format!("Request id: {request_id}")),
                "{tf:?} {api}: request id {request_id}\n{all}"
            );
        }
        assert!(!all.contains(wrong), "{tf:?}: the secret leaked");
        ws.write_config(&config(TENCENT_KEY));
    }
}

#[test]
fn conflicts_wait_for_unknown_values_and_are_checked_before_the_read() {
    let emulator = Emulator::start();
    let some_id = &region_images()[0].image_id;
    // `cond ? x : null` with a condition known only at apply: image_type turns out null, so there is no
    // conflict, and neither validate nor plan may claim one.
    let null_later = format!(
        "{}\ndata \"cloudimage_tencent_images\" \"x\" {{\n  region     = \"{REGION}\"\n  image_ids  = [\"{some_id}\"]\n  image_type = length(timestamp()) > 100 ? \"PUBLIC_IMAGE\" : null\n}}\noutput \"ids\" {{ value = data.cloudimage_tencent_images.x.ids }}\n",
        providers(&emulator.url(), TENCENT_KEY, 3, None)
    );
    // The same shape turning out set: the conflict is reported at apply, before any request.
    let set_later = null_later.replace("> 100", "> 0");
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &null_later);
        ws.init();
        ws.run(&["validate", "-no-color"]).assert_ok();
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        let outputs = ws.apply_outputs();
        assert_eq!(
            strings(output(&outputs, "ids")),
            vec![some_id.to_string()],
            "{tf:?}"
        );

        ws.write_config(&set_later);
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        ws.run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .assert_fails_with(&["Conflicting arguments image_ids and image_type"]);
    }
}
