//! UCloud data sources under real Terraform (1.0.3 and 0.14.6) against the local emulator. Expected
//! answers are computed from the emulator's catalogue, independently of the provider's code.

use crate::support;

use terraform_provider_cloudimage::cloud::normalize::{normalize, Facts};

use support::{output, strings, Emulator, Workspace, ALL_TERRAFORMS};
use terraform_provider_cloudimage::mock::catalogue::{
    self, UCloudRecord, UCLOUD_DEFAULT_PROJECT, UCLOUD_OTHER_PROJECT,
};
use terraform_provider_cloudimage::mock::credentials::{UCLOUD_PRIVATE, UCLOUD_PUBLIC};

const REGION: &str = "cn-bj2";

fn provider(url: &str, private: &str, max_retries: u32) -> String {
    format!(
        r#"
provider "cloudimage" {{
  max_retries = {max_retries}
  ucloud {{
    public_key  = "{UCLOUD_PUBLIC}"
    private_key = "{private}"
    region      = "{REGION}"
    project_id  = "{UCLOUD_DEFAULT_PROJECT}"
    endpoint    = "{url}"
  }}
}}
"#
    )
}

/// What `DescribeImage` lists for a region, project and zone, in the API's order.
fn listed(region: &str, project: &str, zone: Option<&str>) -> Vec<&'static UCloudRecord> {
    catalogue::ucloud()
        .iter()
        .filter(|r| r.region == region && r.project.is_none_or(|p| p == project))
        .filter(|r| zone.is_none_or(|z| r.zone.is_none_or(|rz| rz == z)))
        .collect()
}

/// Ids of `images` that pass `keep`, newest first, ties by id.
fn newest_first(images: &[&UCloudRecord], keep: impl Fn(&UCloudRecord) -> bool) -> Vec<String> {
    let mut kept: Vec<&UCloudRecord> = images.iter().copied().filter(|r| keep(r)).collect();
    kept.sort_by(|a, b| {
        b.create_time
            .cmp(&a.create_time)
            .then_with(|| a.image_id.cmp(&b.image_id))
    });
    kept.into_iter().map(|r| r.image_id.clone()).collect()
}

/// The default project's images of [`REGION`] that pass `keep`, newest first.
fn expected(keep: impl Fn(&UCloudRecord) -> bool) -> Vec<String> {
    newest_first(&listed(REGION, UCLOUD_DEFAULT_PROJECT, None), keep)
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .expect("valid time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A plural data source named `name` with `body`, and an output of its ids.
fn plural(name: &str, body: &str) -> String {
    format!(
        "data \"cloudimage_ucloud_images\" \"{name}\" {{\n{body}\n}}\noutput \"{name}\" {{ value = data.cloudimage_ucloud_images.{name}.ids }}\n"
    )
}

#[test]
fn plural_data_sources_return_exactly_the_expected_images() {
    let emulator = Emulator::start();
    let all = expected(|_| true);
    let one = catalogue::ucloud()
        .iter()
        .find(|r| r.region == REGION && r.image_type == "Business")
        .expect("a market image");
    let regex = r"^Ubuntu 2\d\.04";
    let mut config = provider(&emulator.url(), UCLOUD_PRIVATE, 3);
    config.push_str(&plural("all", ""));
    config.push_str(
        "output \"all_count\" { value = data.cloudimage_ucloud_images.all.total_count }\n",
    );
    config.push_str("output \"all_images\" { value = data.cloudimage_ucloud_images.all.images }\n");
    let cases: &[(&str, String)] = &[
        ("zone", "zone = \"cn-bj2-03\"".into()),
        ("custom", "image_type = \"custom\"".into()),
        ("business", "image_type = \"BUSINESS\"".into()),
        ("base", "image_type = \"Base\"".into()),
        ("gpu", "func_type = \"GPU\"".into()),
        ("app", "func_type = \"app\"".into()),
        ("windows", "os_type = \"windows\"".into()),
        ("by_id", format!("image_id = \"{}\"", one.image_id)),
        ("making", "status = \"making\"".into()),
        ("unavailable", "status = \"Unavailable\"".into()),
        (
            "regex",
            format!("name_regex = \"{}\"", regex.replace('\\', "\\\\")),
        ),
        ("os", "os_name = \"ROCKY\"".into()),
        ("empty", "region = \"us-ws\"".into()),
        ("sh2", "region = \"cn-sh2\"\n  os_type = \"Linux\"".into()),
        (
            "team2",
            format!("project_id = \"{UCLOUD_OTHER_PROJECT}\"\n  image_type = \"Custom\""),
        ),
    ];
    for (name, body) in cases {
        config.push_str(&plural(name, body));
    }
    config
        .push_str("output \"zone_images\" { value = data.cloudimage_ucloud_images.zone.images }\n");
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        let outputs = ws.apply_outputs();
        assert!(all.len() > 200, "several pages of 100: {}", all.len());
        assert_eq!(
            strings(output(&outputs, "all")),
            all,
            "{tf:?}: all images, newest first"
        );
        assert_eq!(output(&outputs, "all_count"), all.len());

        // Every attribute of every image, typed.
        let images = output(&outputs, "all_images")
            .as_array()
            .expect("images list");
        for (image, id) in images.iter().zip(&all) {
            let r = catalogue::ucloud()
                .iter()
                .find(|r| &r.image_id == id)
                .expect("catalogue image");
            let n = normalize(Facts {
                os_name: &r.os_name,
                image_name: &r.image_name,
                arch: if r.features.contains(&"Aarch64_Type") {
                    "arm64"
                } else {
                    "x86_64"
                },
                eol: &r.maintain_eol,
                ..Facts::default()
            });
            let want = serde_json::json!({
                "os_family": n.os_family, "version": n.version, "architecture": n.architecture, "eol_date": n.eol_date,
                "id": r.image_id, "name": r.image_name, "zone": r.zone.unwrap_or(""), "type": r.image_type,
                "os_type": r.os_type, "os_name": r.os_name, "func_type": r.func_type, "features": r.features,
                "integrated_software": r.integrated_software, "vendor": r.vendor, "links": r.links, "status": r.state,
                "description": r.image_description, "create_time": rfc3339(r.create_time), "size": r.image_size,
                "minimal_cpu": r.minimal_cpu, "maintain_eol": r.maintain_eol, "supported_gpu_types": r.supported_gpu_types,
                "scene_categories": r.scene_categories, "primary_software": r.primary_software,
            });
            assert_eq!(image, &want, "{tf:?}: attributes of {id}");
        }

        let zoned = newest_first(
            &listed(REGION, UCLOUD_DEFAULT_PROJECT, Some("cn-bj2-03")),
            |_| true,
        );
        assert!(zoned.len() < all.len());
        assert_eq!(strings(output(&outputs, "zone")), zoned, "{tf:?}: zone");
        let zone_images = output(&outputs, "zone_images")
            .as_array()
            .expect("images list");
        assert!(
            zone_images.iter().all(|i| i["zone"] == "cn-bj2-03"),
            "{tf:?}: region-wide images echo the zone asked"
        );

        let re = regex::Regex::new(regex).expect("regex");
        let checks: Vec<(&str, Vec<String>)> = vec![
            ("custom", expected(|r| r.image_type == "Custom")),
            ("business", expected(|r| r.image_type == "Business")),
            ("base", expected(|r| r.image_type == "Base")),
            ("gpu", expected(|r| r.func_type == "gpu")),
            ("app", expected(|r| r.func_type == "app")),
            ("windows", expected(|r| r.os_type == "Windows")),
            ("by_id", vec![one.image_id.clone()]),
            ("making", expected(|r| r.state == "Making")),
            ("unavailable", expected(|r| r.state == "Unavailable")),
            ("regex", expected(|r| re.is_match(&r.image_name))),
            (
                "os",
                expected(|r| r.os_name.to_lowercase().contains("rocky")),
            ),
            (
                "sh2",
                newest_first(&listed("cn-sh2", UCLOUD_DEFAULT_PROJECT, None), |r| {
                    r.os_type == "Linux"
                }),
            ),
            (
                "team2",
                newest_first(&listed(REGION, UCLOUD_OTHER_PROJECT, None), |r| {
                    r.image_type == "Custom"
                }),
            ),
        ];
        for (name, want) in checks {
            assert!(
                !want.is_empty() && want.len() < all.len(),
                "{name} is a real filter"
            );
            assert_eq!(strings(output(&outputs, name)), want, "{tf:?}: {name}");
        }
        assert_eq!(
            strings(output(&outputs, "empty")),
            Vec::<String>::new(),
            "{tf:?}: a region without images"
        );

        // The overrides reached the requests; the provider's settings apply elsewhere.
        let requests = emulator.server.requests();
        let param = |r: &terraform_provider_cloudimage::mock::log::LoggedRequest, k: &str| {
            r.params
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        let described: Vec<_> = requests
            .iter()
            .filter(|r| r.action == "DescribeImage")
            .collect();
        assert!(
            described
                .iter()
                .any(|r| param(r, "Region").as_deref() == Some("cn-sh2")),
            "{tf:?}: region override"
        );
        assert!(described
            .iter()
            .any(|r| param(r, "Region").as_deref() == Some("us-ws")));
        assert!(
            described
                .iter()
                .any(|r| param(r, "ProjectId").as_deref() == Some(UCLOUD_OTHER_PROJECT)),
            "{tf:?}: project_id override"
        );
        for r in &described {
            let project = param(r, "ProjectId");
            assert!(
                project.as_deref() == Some(UCLOUD_DEFAULT_PROJECT)
                    || project.as_deref() == Some(UCLOUD_OTHER_PROJECT),
                "{tf:?}: the provider's project_id is sent by default: {r:?}"
            );
            assert!(param(r, "Region").is_some());
            assert_eq!(param(r, "Status"), None, "status is filtered client-side");
        }
        assert!(
            described
                .iter()
                .any(|r| param(r, "OsType").as_deref() == Some("Windows")),
            "enumerations in the API's case"
        );
        assert!(described
            .iter()
            .any(|r| param(r, "FuncType").as_deref() == Some("gpu")));
        assert!(described
            .iter()
            .any(|r| param(r, "ImageType").as_deref() == Some("Business")));
    }
}

#[test]
fn every_page_is_fetched_once_and_kept_in_api_order() {
    let emulator = Emulator::start();
    let api_order: Vec<String> = listed(REGION, UCLOUD_DEFAULT_PROJECT, None)
        .iter()
        .map(|r| r.image_id.clone())
        .collect();
    let pages = api_order.len().div_ceil(100);
    assert!(pages >= 3, "{pages} pages");

    // Through Terraform: one read fetches each page once (the listing is cached within the process).
    let config = format!(
        "{}{}{}",
        provider(&emulator.url(), UCLOUD_PRIVATE, 3),
        plural("a", ""),
        plural("b", "  name_regex = \".\"")
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        let mut offsets: Vec<u64> = emulator
            .server
            .requests()
            .iter()
            .filter(|r| r.action == "DescribeImage")
            .filter_map(|r| {
                r.params
                    .iter()
                    .find(|(k, _)| k == "Offset")
                    .and_then(|(_, v)| v.parse().ok())
            })
            .collect();
        offsets.sort_unstable();
        let want: Vec<u64> = (0..pages as u64).map(|p| p * 100).collect();
        assert_eq!(offsets, want, "{tf:?}: every page exactly once");
    }

    // The client the data sources use: pages after the first arrive concurrently, yet the listing
    // is in the API's sequential order.
    use terraform_provider_cloudimage::cloud::ucloud::{
        UCloudClient, UCloudCredentials, UCloudImageQuery,
    };
    use terraform_provider_cloudimage::cloud::{CloudContext, Endpoint, HttpExecutor};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let images = runtime.block_on(async {
        let http = HttpExecutor::new(Default::default(), Default::default()).expect("http client");
        let client = UCloudClient::new(
            CloudContext::new(http),
            Endpoint::parse(&emulator.url()).expect("endpoint"),
            REGION,
            UCloudCredentials {
                public_key: UCLOUD_PUBLIC.into(),
                private_key: terraform_provider_cloudimage::secret::Secret::new(UCLOUD_PRIVATE),
            },
        );
        emulator.server.clear();
        client
            .list_images(&UCloudImageQuery::default())
            .await
            .expect("listing")
    });
    let ids: Vec<String> = images.iter().map(|i| i.id.to_string()).collect();
    assert_eq!(ids, api_order, "the API's sequential order");
    assert_eq!(emulator.count("DescribeImage"), pages, "each page once");
}

#[test]
fn singular_data_source_picks_one_or_explains_why_not() {
    let emulator = Emulator::start();
    let windows = expected(|r| r.os_type == "Windows" && r.state == "Available");
    let any_windows = expected(|r| r.os_type == "Windows");
    let making = catalogue::ucloud()
        .iter()
        .find(|r| {
            r.region == REGION && r.project == Some(UCLOUD_DEFAULT_PROJECT) && r.state == "Making"
        })
        .expect("a Making image");
    let config = format!(
        r#"{}
data "cloudimage_ucloud_image" "win" {{
  os_type     = "WINDOWS"
  most_recent = true
}}
output "win" {{ value = data.cloudimage_ucloud_image.win.id }}
output "win_status" {{ value = data.cloudimage_ucloud_image.win.status }}
output "win_os_type" {{ value = data.cloudimage_ucloud_image.win.os_type }}
output "win_features" {{ value = data.cloudimage_ucloud_image.win.features }}
output "win_size" {{ value = data.cloudimage_ucloud_image.win.size }}
output "win_time" {{ value = data.cloudimage_ucloud_image.win.create_time }}

data "cloudimage_ucloud_image" "making" {{
  image_id = "{}"
  status   = "making"
}}
output "making" {{ value = data.cloudimage_ucloud_image.making.name }}
"#,
        provider(&emulator.url(), UCLOUD_PRIVATE, 3),
        making.image_id
    );
    let newest = catalogue::ucloud()
        .iter()
        .find(|r| r.image_id == windows[0])
        .expect("newest");
    assert!(
        any_windows.len() > windows.len(),
        "some Windows images are not Available"
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let outputs = ws.apply_outputs();
        assert_eq!(
            output(&outputs, "win"),
            windows[0].as_str(),
            "{tf:?}: most_recent among Available"
        );
        assert_eq!(output(&outputs, "win_status"), "Available");
        assert_eq!(output(&outputs, "win_os_type"), "Windows");
        assert_eq!(
            output(&outputs, "win_features"),
            &serde_json::json!(newest.features)
        );
        assert_eq!(output(&outputs, "win_size"), newest.image_size);
        assert_eq!(
            output(&outputs, "win_time"),
            rfc3339(newest.create_time).as_str()
        );
        assert_eq!(
            output(&outputs, "making"),
            making.image_name.as_str(),
            "{tf:?}: status overrides the default"
        );

        ws.write_config(&format!(
            "{}\ndata \"cloudimage_ucloud_image\" \"none\" {{ name_regex = \"^no-such-image$\" }}\ndata \"cloudimage_ucloud_image\" \"many\" {{ os_type = \"windows\" }}\ndata \"cloudimage_ucloud_image\" \"gone\" {{ image_id = \"{}\" }}\n",
            provider(&emulator.url(), UCLOUD_PRIVATE, 3),
            making.image_id
        ));
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "No image matches the filters",
                "name_regex = \"^no-such-image$\"",
                &format!("{} images match", windows.len()),
                &windows[0],
                "most_recent = true",
                &format!("image_id = \"{}\"", making.image_id),
                // The API did return the image; the default status filter is what dropped it, and the
                // image is shown as the closest miss.
                "API 1 → status (default \"Available\") 0",
                &format!("{} {:?}", making.image_id, making.image_name),
            ]);
    }
}

#[test]
fn plan_time_validation_points_at_the_attribute() {
    let config = r#"
data "cloudimage_ucloud_images" "bad_regex" { name_regex = "([a-z" }
data "cloudimage_ucloud_images" "bad_type" { image_type = "Gold" }
data "cloudimage_ucloud_images" "bad_func" { func_type = "fpga" }
data "cloudimage_ucloud_image" "bad_os" { os_type = "BSD" }
data "cloudimage_ucloud_image" "bad_status" { status = "Deleted" }
"#;
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, config);
        ws.init();
        ws.run(&["validate", "-no-color"]).assert_fails_with(&[
            "Invalid name_regex",
            "name_regex = \"([a-z\"",
            "Invalid image_type",
            "image_type = \"Gold\"",
            "\"Business\"",
            "Invalid func_type",
            "func_type = \"fpga\"",
            "\"uhost\"",
            "Invalid os_type",
            "os_type = \"BSD\"",
            "\"Windows\"",
            "Invalid status",
            "status = \"Deleted\"",
            "\"Copying\"",
        ]);
    }
}

#[test]
fn missing_credentials_or_region_say_what_to_set() {
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, "data \"cloudimage_ucloud_images\" \"x\" {}\n");
        ws.init();
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "Missing UCloud credentials",
                "UCLOUD_PUBLIC_KEY",
                "UCLOUD_PRIVATE_KEY",
            ]);
        let keys = [
            ("UCLOUD_PUBLIC_KEY", UCLOUD_PUBLIC),
            ("UCLOUD_PRIVATE_KEY", UCLOUD_PRIVATE),
        ];
        let url = emulator.url();
        let mut env: Vec<(&str, &str)> = keys.to_vec();
        env.push(("CLOUDIMAGE_UCLOUD_ENDPOINT", &url));
        ws.run_with(&["plan", "-no-color", "-input=false"], &env)
            .assert_fails_with(&["Missing UCloud region", "UCLOUD_REGION"]);
        env.push(("UCLOUD_REGION", "hk"));
        ws.run_with(&["plan", "-no-color", "-input=false"], &env)
            .assert_ok();
    }
}

#[test]
fn provider_settings_unknown_at_plan_are_reported_not_replaced() {
    let emulator = Emulator::start();
    // The region is set, but only known at apply. Terraform still reads the data source during plan.
    let config = provider(&emulator.url(), UCLOUD_PRIVATE, 3).replace(
        &format!("region      = \"{REGION}\""),
        &format!("region      = timestamp() == \"\" ? \"x\" : \"{REGION}\""),
    )
        + "data \"cloudimage_ucloud_images\" \"x\" {}\ndata \"cloudimage_images\" \"all\" {}\n";
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        // Neither "not set" nor UCLOUD_REGION standing in for the configured value.
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("UCLOUD_REGION", "hk")],
        );
        run.assert_fails_with(&[
            "UCloud settings not known until apply",
            "provider.ucloud.region is not known yet",
        ]);
        assert!(
            !run.combined().contains("Missing UCloud region"),
            "{tf:?}: {}",
            run.combined()
        );
        // The cross-cloud data source searches UCloud too (its other settings are configured), and says so.
        assert!(
            run.combined().contains("(cloud ucloud)"),
            "{tf:?}: {}",
            run.combined()
        );
    }
    // A data source that names its own region does not need the provider's.
    let own_region =
        provider(&emulator.url(), UCLOUD_PRIVATE, 3).replace(
            &format!("region      = \"{REGION}\""),
            &format!("region      = timestamp() == \"\" ? \"x\" : \"{REGION}\""),
        ) + &format!("data \"cloudimage_ucloud_images\" \"own\" {{ region = \"{REGION}\" }}\n");
    // Settings every read uses count too: an unknown request_timeout would otherwise be the default's.
    let unknown_timeout = own_region.replace(
        "max_retries = 3",
        "max_retries = 3\n  request_timeout = \"30s${substr(timestamp(), 0, 0)}\"",
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &own_region);
        ws.init();
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        ws.write_config(&unknown_timeout);
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&["provider.request_timeout is not known yet"]);
    }
}

#[test]
fn faults_are_retried_or_reported_with_retcode() {
    let emulator = Emulator::start();
    let config = |private: &str, retries: u32| {
        format!(
            "{}{}output \"n\" {{ value = data.cloudimage_ucloud_images.x.total_count }}\n",
            provider(&emulator.url(), private, retries),
            plural("x", "  image_type = \"custom\"")
        )
    };
    let want = expected(|r| r.image_type == "Custom");
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config(UCLOUD_PRIVATE, 3));
        ws.init();
        // Within max_retries (3 faults, 3 retries): the right answer.
        emulator.set_faults(serde_json::json!([
            {"kind": "throttle", "cloud": "ucloud", "times": 1},
            {"kind": "http_error", "cloud": "ucloud", "status": 503, "times": 1},
            {"kind": "throttle", "cloud": "ucloud", "status": 429, "times": 1},
        ]));
        emulator.server.clear();
        let outputs = ws.apply_outputs();
        assert_eq!(
            strings(output(&outputs, "x")),
            want,
            "{tf:?}: retried to the right answer"
        );
        assert_eq!(
            emulator
                .server
                .requests()
                .iter()
                .filter(|r| r.fault.is_some())
                .count(),
            3,
            "the faults were served"
        );

        // Beyond max_retries: status, RetCode-free HTTP error and the request id.
        ws.write_config(&config(UCLOUD_PRIVATE, 1));
        emulator.set_faults(
            serde_json::json!([{"kind": "http_error", "cloud": "ucloud", "status": 502}]),
        );
        emulator.server.clear();
        let run = ws.run(&["plan", "-no-color", "-input=false"]);
        let request_id = emulator
            .server
            .requests()
            .last()
            .map(|r| r.request_id.clone())
            .expect("a request");
        run.assert_fails_with(&[
            "Failed to list images on UCloud",
            "HTTP status: 502",
            "Request id:",
            &request_id,
        ]);

        // Malformed bodies: an error, never a panic or an empty list.
        for kind in ["truncated", "html", "wrong_shape"] {
            emulator.set_faults(serde_json::json!([{"kind": kind, "cloud": "ucloud"}]));
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            run.assert_fails_with(&[
                "Failed to list images on UCloud",
                "API action: DescribeImage",
            ]);
            assert!(
                !run.combined().contains("panic"),
                "{kind}: {}",
                run.combined()
            );
        }
        emulator.set_faults(serde_json::json!([]));

        // A wrong private key: UCloud's RetCode and message, the public key named, the private key nowhere.
        let wrong = "wrong-private-7c3e91";
        ws.write_config(&config(wrong, 0));
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TF_LOG", "TRACE")],
        );
        run.assert_fails_with(&["Error code: 171", "Signature VerifyAC Error", UCLOUD_PUBLIC]);
        assert!(
            !run.combined().contains(wrong),
            "{tf:?}: the private key leaked"
        );
    }
}

#[test]
fn the_private_key_never_reaches_logs_or_output_files() {
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, "");
        let out = ws.path().join("images.json");
        ws.write_config(&format!(
            "{}\ndata \"cloudimage_ucloud_images\" \"x\" {{\n  func_type   = \"gpu\"\n  output_file = \"{}\"\n}}\n",
            provider(&emulator.url(), UCLOUD_PRIVATE, 3),
            out.display()
        ));
        ws.init();
        let run = ws.run_with(
            &["apply", "-auto-approve", "-no-color", "-input=false"],
            &[("TF_LOG", "TRACE")],
        );
        run.assert_ok();
        let written = std::fs::read_to_string(&out).expect("output_file written");
        let images: serde_json::Value = serde_json::from_str(&written).expect("pretty JSON");
        assert_eq!(
            images.as_array().map(Vec::len),
            Some(expected(|r| r.func_type == "gpu").len())
        );
        assert!(
            images[0]["size"].is_number() && images[0]["features"].is_array(),
            "typed: {}",
            images[0]
        );
        for (what, text) in [("logs", run.combined()), ("output_file", written)] {
            assert!(
                !text.contains(UCLOUD_PRIVATE),
                "{tf:?}: private key in {what}"
            );
        }
        assert!(
            run.stderr
                .contains("provider.terraform-provider-cloudimage"),
            "provider logs were captured"
        );
    }
}
