//! Baidu AI Cloud data sources under real Terraform (1.0.3 and 0.14.6) against the local emulator.

use crate::support;

use support::{output, strings, Emulator, Workspace, ALL_TERRAFORMS, TF_1_0_3};
use terraform_provider_cloudimage::mock::catalogue::{self, BaiduRecord};
use terraform_provider_cloudimage::mock::credentials::{BAIDU_AK, BAIDU_SK};

fn provider(url: &str, secret: &str, max_retries: u32) -> String {
    format!(
        r#"
provider "cloudimage" {{
  max_retries = {max_retries}
  baidu {{
    access_key = "{BAIDU_AK}"
    secret_key = "{secret}"
    endpoint   = "{url}"
  }}
}}
"#
    )
}

/// Ids of the catalogue's images that pass `keep`, newest first, ties by id.
fn expected(keep: impl Fn(&BaiduRecord) -> bool) -> Vec<String> {
    let mut images: Vec<&BaiduRecord> = catalogue::baidu().iter().filter(|r| keep(r)).collect();
    images.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    images.into_iter().map(|r| r.id.clone()).collect()
}

#[test]
fn plural_data_sources_return_exactly_the_expected_images() {
    let emulator = Emulator::start();
    let regex = r"^Ubuntu.*\(64bit\)";
    let mut config = provider(&emulator.url(), BAIDU_SK, 3);
    config.push_str(&format!(
        r#"
data "cloudimage_baidu_images" "all" {{}}
output "all" {{ value = data.cloudimage_baidu_images.all.ids }}
output "all_count" {{ value = data.cloudimage_baidu_images.all.total_count }}
output "first" {{ value = data.cloudimage_baidu_images.all.images[0] }}

data "cloudimage_baidu_images" "by_name" {{ image_name = "CentOS" }}
output "by_name" {{ value = data.cloudimage_baidu_images.by_name.ids }}

data "cloudimage_baidu_images" "by_regex" {{ name_regex = "{}" }}
output "by_regex" {{ value = data.cloudimage_baidu_images.by_regex.ids }}

data "cloudimage_baidu_images" "by_os" {{ os_name = "WINDOWS" }}
output "by_os" {{ value = data.cloudimage_baidu_images.by_os.ids }}

data "cloudimage_baidu_spec_images" "gpu" {{ spec = "bcc.gn5.c8m32.1v100" }}
output "gpu" {{ value = data.cloudimage_baidu_spec_images.gpu.ids }}
output "gpu_first" {{ value = data.cloudimage_baidu_spec_images.gpu.images[0] }}

data "cloudimage_baidu_spec_images" "none" {{ spec = "bcc.f1.c16m64" }}
output "none" {{ value = data.cloudimage_baidu_spec_images.none.total_count }}
"#,
        regex.replace('\\', "\\\\")
    ));
    for ty in &catalogue::BAIDU_IMAGE_TYPES[1..] {
        config.push_str(&format!(
            "data \"cloudimage_baidu_images\" \"t_{ty}\" {{ image_type = \"{}\" }}\noutput \"t_{ty}\" {{ value = data.cloudimage_baidu_images.t_{ty}.ids }}\n",
            ty.to_lowercase()
        ));
    }
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        emulator.server.clear();
        let outputs = ws.apply_outputs();
        let all = expected(|_| true);
        assert_eq!(
            strings(output(&outputs, "all")),
            all,
            "{tf:?}: all images, newest first"
        );
        assert!(all.len() > 2000, "three pages at 1000");
        assert_eq!(output(&outputs, "all_count"), all.len());
        let first = output(&outputs, "first");
        let record = catalogue::baidu().iter().find(|r| r.id == all[0]).unwrap();
        assert_eq!(first["name"], record.name.as_str());
        assert_eq!(first["create_time"], record.create_time.as_str());
        assert_eq!(first["os_arch"], record.os_arch);
        assert_eq!(
            first["description"],
            record.desc.clone().unwrap_or_default().as_str()
        );
        assert_eq!(
            strings(output(&outputs, "by_name")),
            expected(|r| r.name.contains("CentOS")),
            "{tf:?}: image_name"
        );
        let re = regex::Regex::new(regex).unwrap();
        let by_regex = expected(|r| re.is_match(&r.name));
        assert!(!by_regex.is_empty());
        assert_eq!(
            strings(output(&outputs, "by_regex")),
            by_regex,
            "{tf:?}: name_regex"
        );
        assert_eq!(
            strings(output(&outputs, "by_os")),
            expected(|r| r.os_name.to_lowercase().contains("windows")),
            "{tf:?}: os_name"
        );
        for ty in &catalogue::BAIDU_IMAGE_TYPES[1..] {
            let want = expected(|r| r.image_type == *ty);
            assert!(!want.is_empty(), "{ty}");
            assert_eq!(
                strings(output(&outputs, &format!("t_{ty}"))),
                want,
                "{tf:?}: image_type {ty}"
            );
        }
        let gpu: Vec<String> = catalogue::baidu_spec_images("bcc.gn5.c8m32.1v100")
            .unwrap()
            .iter()
            .map(|r| r.id.clone())
            .collect();
        assert!(!gpu.is_empty());
        assert_eq!(
            strings(output(&outputs, "gpu")),
            gpu,
            "{tf:?}: spec images in API order"
        );
        let gpu_first = output(&outputs, "gpu_first");
        assert!(gpu_first["min_size_in_gib"].is_number(), "{gpu_first}");
        assert_eq!(
            output(&outputs, "none"),
            0,
            "{tf:?}: a spec without images is an empty list"
        );
        // Identical listings within one process are fetched once; the read walk runs in one process.
        assert!(emulator.count("ListImages") >= 3, "all pages were fetched");
    }
}

/// An endpoint given by host name: the provider resolves it in-process (hickory reads /etc/hosts and
/// resolv.conf), as the statically linked release binary must, with no glibc NSS module involved.
#[test]
fn endpoints_given_by_host_name_are_resolved() {
    let emulator = Emulator::start();
    let url = emulator.url().replace("127.0.0.1", "localhost");
    let config = format!(
        "{}\ndata \"cloudimage_baidu_images\" \"all\" {{}}\noutput \"count\" {{ value = data.cloudimage_baidu_images.all.total_count }}\n",
        provider(&url, BAIDU_SK, 0)
    );
    let ws = Workspace::new(TF_1_0_3, &config);
    ws.init();
    let outputs = ws.apply_outputs();
    assert_eq!(output(&outputs, "count"), expected(|_| true).len());
    assert!(
        emulator.count("ListImages") >= 3,
        "the listing came from the emulator"
    );
}

#[test]
fn singular_data_source_picks_one_or_explains_why_not() {
    let emulator = Emulator::start();
    // The singular data source keeps only images that can be launched unless `status` says otherwise.
    let newest_ubuntu = expected(|r| r.os_name == "Ubuntu" && r.status == "Available")[0].clone();
    let newest_failed = expected(|r| r.status == "CreateFailed")[0].clone();
    assert!(
        !expected(|r| r.status != "Available").is_empty(),
        "the catalogue has images that are not Available"
    );
    for tf in ALL_TERRAFORMS {
        let ok = format!(
            "{}\ndata \"cloudimage_baidu_image\" \"u\" {{\n  os_name = \"ubuntu\"\n  most_recent = true\n}}\noutput \"id\" {{ value = data.cloudimage_baidu_image.u.id }}\noutput \"os\" {{ value = data.cloudimage_baidu_image.u.os_name }}\n\
             data \"cloudimage_baidu_image\" \"failed\" {{\n  status      = \"createfailed\"\n  most_recent = true\n}}\noutput \"failed\" {{ value = data.cloudimage_baidu_image.failed.id }}\n",
            provider(&emulator.url(), BAIDU_SK, 3)
        );
        let ws = Workspace::new(tf, &ok);
        ws.init();
        let outputs = ws.apply_outputs();
        assert_eq!(
            output(&outputs, "id"),
            newest_ubuntu.as_str(),
            "{tf:?}: most_recent"
        );
        assert_eq!(output(&outputs, "os"), "Ubuntu");
        assert_eq!(
            output(&outputs, "failed"),
            newest_failed.as_str(),
            "{tf:?}: status overrides the default"
        );

        let ubuntu_count = expected(|r| r.os_name == "Ubuntu" && r.status == "Available").len();
        let available = expected(|r| r.status == "Available").len();
        ws.write_config(&format!(
            "{}\ndata \"cloudimage_baidu_image\" \"none\" {{ name_regex = \"^no-such-image$\" }}\ndata \"cloudimage_baidu_image\" \"many\" {{ os_name = \"ubuntu\" }}\n",
            provider(&emulator.url(), BAIDU_SK, 3)
        ));
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "No image matches the filters",
                "name_regex = \"^no-such-image$\"",
                &format!("{ubuntu_count} images match"),
                "most_recent = true",
                &format!(
                    "API {} → status (default \"Available\") {available}",
                    expected(|_| true).len()
                ),
            ]);
    }
}

#[test]
fn plan_time_validation_points_at_the_attribute() {
    let config = r#"
data "cloudimage_baidu_images" "bad_regex" { name_regex = "([a-z" }
data "cloudimage_baidu_images" "bad_type" { image_type = "Gold" }
data "cloudimage_baidu_image" "spec_recent" {
  spec        = "bcc.g5.c2m8"
  most_recent = true
}
data "cloudimage_baidu_image" "spec_status" {
  spec   = "bcc.g5.c2m8"
  status = "Available"
}
data "cloudimage_baidu_images" "empty_status" { status = "" }
data "cloudimage_baidu_spec_images" "blank_spec" { spec = " " }
"#;
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, config);
        ws.init();
        ws.run(&["validate", "-no-color"]).assert_fails_with(&[
            "Invalid name_regex",
            "name_regex = \"([a-z\"",
            "Invalid image_type",
            "image_type = \"Gold\"",
            "\"GpuBccSystem\"",
            "most_recent with spec needs most_recent_by = \"version\"",
            "most_recent = true",
            "Conflicting arguments spec and status",
            "status is empty",
            "spec is empty",
        ]);
        // Choosing by version needs no creation times.
        ws.write_config(
            "data \"cloudimage_baidu_image\" \"by_version\" {\n  spec           = \"bcc.g5.c2m8\"\n  most_recent    = true\n  most_recent_by = \"version\"\n}\n",
        );
        ws.run(&["validate", "-no-color"]).assert_ok();
    }
}

#[test]
fn provider_arguments_are_validated_with_their_path() {
    let cases = [
        ("request_timeout = \"abc\"", "Invalid request_timeout"),
        ("max_retries = 99", "Invalid max_retries"),
        (
            "tencent {\n    api = \"v9\"\n  }",
            "Invalid Tencent Cloud API",
        ),
    ];
    for tf in ALL_TERRAFORMS {
        for (body, summary) in cases {
            let ws = Workspace::new(
                tf,
                &format!("provider \"cloudimage\" {{\n  {body}\n}}\ndata \"cloudimage_baidu_spec_images\" \"x\" {{ spec = \"bcc.g5.c2m8\" }}\n"),
            );
            ws.init();
            let offending = body.lines().find(|l| l.contains('=')).unwrap().trim();
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            if tf.protocol == 6 {
                run.assert_fails_with(&[summary, offending, "main.tf line"]);
            } else {
                // Terraform 0.14 shows provider-config diagnostics without their source line; the summary
                // still names the attribute.
                run.assert_fails_with(&[summary]);
            }
        }
    }
}

#[test]
fn a_bad_endpoint_variable_is_named_and_only_breaks_its_own_cloud() {
    let emulator = Emulator::start();
    let config = format!(
        "{}\ndata \"cloudimage_baidu_images\" \"x\" {{ name_regex = \"^Ubuntu\" }}\n",
        provider(&emulator.url(), BAIDU_SK, 0)
    );
    let bad = [("CLOUDIMAGE_UCLOUD_ENDPOINT", "not a url")];
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        // A Baidu-only configuration does not care what the UCloud variable says.
        ws.run_with(&["plan", "-no-color", "-input=false"], &bad)
            .assert_ok();
        // A UCloud read says which variable is wrong.
        ws.write_config(&format!(
            "{config}provider \"cloudimage\" {{\n  alias = \"u\"\n  ucloud {{\n    public_key  = \"p\"\n    private_key = \"k\"\n    region      = \"cn-bj2\"\n  }}\n}}\ndata \"cloudimage_ucloud_images\" \"u\" {{\n  provider = cloudimage.u\n}}\n"
        ));
        ws.run_with(&["plan", "-no-color", "-input=false"], &bad)
            .assert_fails_with(&[
                "Invalid endpoint",
                "CLOUDIMAGE_UCLOUD_ENDPOINT is not a usable endpoint",
                "\"not a url\"",
            ]);
    }
}

#[test]
fn missing_credentials_name_the_environment_variables() {
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, "data \"cloudimage_baidu_images\" \"x\" {}\n");
        ws.init();
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "Missing Baidu AI Cloud credentials",
                "BAIDUCLOUD_ACCESS_KEY",
                "BAIDUCLOUD_SECRET_KEY",
            ]);
        // The same variables make it work.
        let emulator = Emulator::start();
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[
                ("BAIDUCLOUD_ACCESS_KEY", BAIDU_AK),
                ("BAIDUCLOUD_SECRET_KEY", BAIDU_SK),
                ("CLOUDIMAGE_BAIDU_ENDPOINT", &emulator.url()),
            ],
        );
        run.assert_ok();
    }
}

#[test]
fn faults_are_retried_or_reported_with_code_and_request_id() {
    let emulator = Emulator::start();
    let config = |secret: &str, retries: u32| {
        format!(
            "{}\ndata \"cloudimage_baidu_spec_images\" \"gpu\" {{ spec = \"bcc.gn5.c8m32.1v100\" }}\noutput \"n\" {{ value = data.cloudimage_baidu_spec_images.gpu.total_count }}\n",
            provider(&emulator.url(), secret, retries)
        )
    };
    let want = catalogue::baidu_spec_images("bcc.gn5.c8m32.1v100")
        .unwrap()
        .len();
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config(BAIDU_SK, 3));
        ws.init();
        // Within max_retries: the right answer.
        emulator.set_faults(serde_json::json!([
            {"kind": "throttle", "cloud": "baidu", "times": 1},
            {"kind": "http_error", "cloud": "baidu", "status": 503, "times": 1},
            {"kind": "http_error", "cloud": "baidu", "status": 500, "times": 1},
        ]));
        let outputs = ws.apply_outputs();
        assert_eq!(
            output(&outputs, "n"),
            want,
            "{tf:?}: retried to the right answer"
        );

        // Beyond max_retries: the BCE code and the request id.
        ws.write_config(&config(BAIDU_SK, 1));
        emulator.set_faults(
            serde_json::json!([{"kind": "http_error", "cloud": "baidu", "status": 502}]),
        );
        emulator.server.clear();
        let run = ws.run(&["plan", "-no-color", "-input=false", "-refresh=true"]);
        let request_id = emulator
            .server
            .requests()
            .last()
            .map(|r| r.request_id.clone())
            .unwrap();
        run.assert_fails_with(&[
            "Failed to list images for a spec on Baidu AI Cloud",
            "HTTP status: 502",
            "Request id:",
            &request_id,
        ]);

        // Malformed bodies: an error, never a panic or an empty list.
        for kind in ["truncated", "html", "wrong_shape"] {
            emulator.set_faults(serde_json::json!([{"kind": kind, "cloud": "baidu"}]));
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            run.assert_fails_with(&["Failed to list images for a spec on Baidu AI Cloud"]);
            assert!(
                !run.combined().contains("panic"),
                "{kind}: {}",
                run.combined()
            );
        }
        emulator.set_faults(serde_json::json!([]));

        // A wrong secret: BCE's SignatureDoesNotMatch, the access key named, the secret nowhere.
        let wrong = "wrong-secret-1f5a9c";
        ws.write_config(&config(wrong, 0));
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TF_LOG", "TRACE")],
        );
        run.assert_fails_with(&["SignatureDoesNotMatch", BAIDU_AK]);
        assert!(!run.combined().contains(wrong), "{tf:?}: the secret leaked");
    }
}

#[test]
fn secrets_never_reach_logs_or_output_files() {
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, "");
        let out = ws.path().join("images.json");
        ws.write_config(&format!(
            "{}\ndata \"cloudimage_baidu_images\" \"x\" {{\n  image_type  = \"custom\"\n  output_file = \"{}\"\n}}\n",
            provider(&emulator.url(), BAIDU_SK, 3),
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
            images.as_array().unwrap().len(),
            expected(|r| r.image_type == "Custom").len()
        );
        for (what, text) in [("logs", run.combined()), ("output_file", written)] {
            assert!(!text.contains(BAIDU_SK), "{tf:?}: secret in {what}");
        }
        assert!(
            run.stderr
                .contains("provider.terraform-provider-cloudimage"),
            "provider logs were captured"
        );
    }
}

#[test]
fn unknown_arguments_defer_the_read_to_apply() {
    let emulator = Emulator::start();
    let config = format!(
        "{}\ndata \"cloudimage_baidu_images\" \"x\" {{\n  name_regex = \"^Ubuntu${{substr(timestamp(), 0, 0)}}\"\n}}\noutput \"n\" {{ value = data.cloudimage_baidu_images.x.total_count }}\n",
        provider(&emulator.url(), BAIDU_SK, 3)
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let plan = ws.run(&["plan", "-no-color", "-input=false"]);
        plan.assert_ok();
        assert!(
            plan.stdout.contains("read during apply") || plan.stdout.contains("<= read"),
            "{tf:?}:\n{}",
            plan.stdout
        );
        let outputs = ws.apply_outputs();
        assert_eq!(
            output(&outputs, "n"),
            expected(|r| r.name.starts_with("Ubuntu")).len()
        );
    }
}

#[test]
fn singular_with_spec_asks_the_spec_api_by_os_name() {
    let emulator = Emulator::start();
    let spec = "bcc.g5.c2m8";
    let config = |os_name: &str| {
        format!(
            "{}\ndata \"cloudimage_baidu_image\" \"x\" {{\n  spec           = \"{spec}\"\n  os_name        = \"{os_name}\"\n  most_recent    = true\n  most_recent_by = \"version\"\n}}\noutput \"os\" {{ value = data.cloudimage_baidu_image.x.os_name }}\n",
            provider(&emulator.url(), BAIDU_SK, 0)
        )
    };
    assert!(catalogue::baidu_spec_images(spec)
        .expect("spec")
        .iter()
        .any(|r| r.os_name == "Ubuntu"));
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config("ubuntu"));
        ws.init();
        let outputs = ws.apply_outputs();
        assert_eq!(output(&outputs, "os"), "Ubuntu", "{tf:?}");
        // osName names an OS as Baidu does: part of a name matches nothing on Baidu's side, as with
        // cloudimage_baidu_spec_images.
        ws.write_config(&config("Ubunt"));
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&["No image matches the filters", "API 0"]);
    }
}

#[test]
fn output_file_under_the_home_directory() {
    let emulator = Emulator::start();
    let config = format!(
        "{}\ndata \"cloudimage_baidu_images\" \"u\" {{\n  name_regex  = \"^Ubuntu\"\n  output_file = \"~/ubuntu.json\"\n}}\n",
        provider(&emulator.url(), BAIDU_SK, 0)
    );
    let ws = Workspace::new(TF_1_0_3, &config);
    let home = ws.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env = [("HOME", home.to_str().unwrap())];
    ws.run_with(&["init", "-no-color", "-input=false"], &env)
        .assert_ok();
    ws.run_with(&["plan", "-no-color", "-input=false"], &env)
        .assert_ok();
    let written: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("ubuntu.json")).expect("~/ubuntu.json"),
    )
    .expect("JSON");
    assert_eq!(
        written.as_array().expect("a list").len(),
        expected(|r| r.name.starts_with("Ubuntu")).len()
    );
}
