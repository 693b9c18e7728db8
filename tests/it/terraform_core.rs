//! The provider core under real Terraform: 1.0.3 (protocol 6, AutoMTLS) and 0.14.6 (protocol 5).

use crate::support;

use support::{Emulator, Workspace, ALL_TERRAFORMS};
use terraform_provider_cloudimage::mock::credentials::{BAIDU_AK, BAIDU_SK};

const VALID_PROVIDER: &str = r#"
provider "cloudimage" {
  max_retries     = 5
  request_timeout = "45s"
  baidu {
    access_key = "AK"
    secret_key = "SK"
    region     = "gz"
  }
  ucloud {
    public_key  = "pub"
    private_key = "priv"
    region      = "cn-bj2"
    project_id  = "org-1"
    endpoint    = "http://127.0.0.1:18080"
  }
  tencent {
    secret_id        = "id"
    secret_key       = "key"
    region           = "ap-guangzhou"
    api              = "legacy"
    signature_method = "HmacSHA1"
  }
}
"#;

#[test]
fn schema_is_served_with_every_provider_argument() {
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, VALID_PROVIDER);
        ws.init();
        let run = ws.run(&["providers", "schema", "-json"]);
        run.assert_ok();
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema JSON");
        let block = &json["provider_schemas"]["registry.terraform.io/cloudimage/cloudimage"]
            ["provider"]["block"];
        assert!(
            block.is_object(),
            "{tf:?}: provider schema present in {json}"
        );
        for attr in ["max_retries", "request_timeout"] {
            assert!(
                block["attributes"][attr]["optional"]
                    .as_bool()
                    .unwrap_or(false),
                "{tf:?} {attr}"
            );
            assert!(
                !block["attributes"][attr]["description"]
                    .as_str()
                    .unwrap_or("")
                    .is_empty(),
                "{tf:?} {attr} described"
            );
        }
        let expect = [
            (
                "baidu",
                vec!["access_key", "secret_key", "region", "endpoint"],
                "secret_key",
            ),
            (
                "ucloud",
                vec![
                    "public_key",
                    "private_key",
                    "region",
                    "project_id",
                    "endpoint",
                ],
                "private_key",
            ),
            (
                "tencent",
                vec![
                    "secret_id",
                    "secret_key",
                    "region",
                    "api",
                    "signature_method",
                    "endpoint",
                ],
                "secret_key",
            ),
        ];
        for (cloud, attrs, secret) in expect {
            let b = &block["block_types"][cloud];
            assert_eq!(b["nesting_mode"], "single", "{tf:?} {cloud}");
            for attr in attrs {
                let a = &b["block"]["attributes"][attr];
                assert_eq!(a["type"], "string", "{tf:?} {cloud}.{attr}");
                assert!(
                    !a["description"].as_str().unwrap_or("").is_empty(),
                    "{tf:?} {cloud}.{attr} described"
                );
                assert_eq!(
                    a["sensitive"].as_bool().unwrap_or(false),
                    attr == secret,
                    "{tf:?} {cloud}.{attr} sensitivity"
                );
            }
        }
    }
}

#[test]
fn valid_provider_block_validates_plans_and_leaves_no_temp_files() {
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, VALID_PROVIDER);
        ws.init();
        ws.run(&["validate", "-no-color"]).assert_ok();
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        // Terraform stops each provider with the Shutdown RPC; the provider removes its socket directory.
        assert_eq!(
            ws.leftover_temp_files(),
            Vec::<String>::new(),
            "{tf:?}: nothing left in TMPDIR"
        );
    }
}

// Invalid provider arguments are tested in tests/it/baidu.rs: Terraform only configures a provider that
// some data source uses.

#[test]
fn provider_logs_reach_terraform_at_their_levels_and_stdout_stays_clean() {
    let emulator = Emulator::start();
    // One read, so the plan has the provider make requests and Terraform close its connections after.
    let config = VALID_PROVIDER
        .replace(
            "access_key = \"AK\"",
            &format!(
                "access_key = \"{BAIDU_AK}\"\n    endpoint   = \"{}\"",
                emulator.url()
            ),
        )
        .replace(
            "secret_key = \"SK\"",
            &format!("secret_key = \"{BAIDU_SK}\""),
        )
        + "data \"cloudimage_baidu_images\" \"x\" { name_regex = \"^Ubuntu\" }\n";
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TF_LOG", "DEBUG")],
        );
        run.assert_ok();
        let provider_lines: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains("provider.terraform-provider-cloudimage"))
            .collect();
        assert!(
            provider_lines
                .iter()
                .any(|l| l.contains("[DEBUG]") && l.contains("plugin address")),
            "{tf:?}: provider debug line missing:\n{}",
            provider_lines.join("\n")
        );
        assert!(
            !run.stderr.contains("unexpected data"),
            "{tf:?}: provider wrote to stdout"
        );
        assert!(
            !run.stdout.contains("@message"),
            "{tf:?}: logs leaked to stdout"
        );
        // Each API attempt is logged with the data source it serves and the cloud's request id.
        let attempt = provider_lines
            .iter()
            .find(|l| l.contains("attempt got a response"))
            .unwrap_or_else(|| {
                panic!(
                    "{tf:?}: no API attempt logged:\n{}",
                    provider_lines.join("\n")
                )
            });
        for field in [
            "data_source=cloudimage_baidu_images",
            "tf_rpc=ReadDataSource",
            "cloud=baidu",
            "action=",
            "attempt=1",
            "request_id=",
        ] {
            assert!(
                attempt.contains(field),
                "{tf:?}: {field} missing in {attempt}"
            );
        }
        // A plain plan has nothing to warn about (Terraform closing connections at shutdown is not one).
        let warnings: Vec<&&str> = provider_lines
            .iter()
            .filter(|l| l.contains("[WARN]") || l.contains("[ERROR]"))
            .collect();
        assert!(warnings.is_empty(), "{tf:?}: {warnings:#?}");
    }
}

/// The transport the provider uses on Windows (TCP on 127.0.0.1, as go-plugin does there), chosen here
/// on Linux with `CLOUDIMAGE_PLUGIN_NETWORK=tcp`: both Terraforms connect, with AutoMTLS (1.0.3) and
/// without (0.14.6), read a data source against the emulator and shut the provider down.
#[test]
fn terraform_plans_over_the_windows_tcp_transport() {
    let emulator = Emulator::start();
    let config = format!(
        r#"
provider "cloudimage" {{
  baidu {{
    access_key = "{BAIDU_AK}"
    secret_key = "{BAIDU_SK}"
    region     = "gz"
    endpoint   = "{}"
  }}
}}
data "cloudimage_baidu_image" "x" {{
  name_regex  = "^Ubuntu"
  most_recent = true
}}
output "id" {{ value = data.cloudimage_baidu_image.x.id }}
"#,
        emulator.url()
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config).with_env("CLOUDIMAGE_PLUGIN_NETWORK", "tcp");
        ws.init();
        let run = ws.run_with(
            &["plan", "-no-color", "-input=false"],
            &[("TF_LOG", "DEBUG")],
        );
        run.assert_ok();
        assert!(
            run.stderr.contains("network=tcp"),
            "{tf:?}: the provider did not listen on TCP:\n{}",
            run.stderr
                .lines()
                .filter(|l| l.contains("plugin address"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            run.stdout.contains("id = \"m-"),
            "{tf:?}: no image id in the plan:\n{}",
            run.stdout
        );
        assert_eq!(
            ws.leftover_temp_files(),
            Vec::<String>::new(),
            "{tf:?}: nothing left in TMPDIR"
        );
    }
}
