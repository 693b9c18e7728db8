//! Careless or hostile input that once reached the network or the file system unchecked: a region that
//! chose the host of a signed request, and an `output_file` that wrote through a symbolic link. Each is
//! refused (or done safely) through real Terraform, with the argument or variable at fault named.

use crate::support;

use support::clouds::{providers_hcl, TENCENT_REGION, UCLOUD_REGION};
use support::{Emulator, Workspace, ALL_TERRAFORMS, TF_1_0_3};
use terraform_provider_cloudimage::mock::credentials;

/// Region values that are not region names: each once chose the host (`bcc.<region>.baidubce.com`) or
/// the port of Baidu's signed requests, or would be spliced into other clouds' requests.
const HOSTILE_REGIONS: [&str; 4] = ["attacker.example/", "bj:8443", "bj.attacker.example", "BJ"];

/// Every cloud's region, in the provider block and on the data sources, is checked at plan time and the
/// error points at the argument; nothing is sent.
#[test]
fn hostile_regions_are_refused_at_plan_time_on_every_cloud() {
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        for region in HOSTILE_REGIONS {
            // The provider block.
            let config = providers_hcl(&emulator.url(), 0, "10s")
                .replacen(
                    &format!("region      = \"{UCLOUD_REGION}\""),
                    &format!("region      = \"{region}\""),
                    1,
                )
                .replacen(
                    &format!("region     = \"{TENCENT_REGION}\""),
                    &format!("region     = \"{region}\""),
                    1,
                )
                + "data \"cloudimage_ucloud_images\" \"u\" {}\n";
            let ws = Workspace::new(tf, &config);
            ws.init();
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            run.assert_fails_with(&["Invalid region", "is not a region name"]);
            if tf.version == TF_1_0_3.version {
                // 1.0.3 shows the line of the provider block at fault.
                assert!(
                    run.combined()
                        .contains(&format!("region      = \"{region}\"")),
                    "{}",
                    run.combined()
                );
            }

            // Each data source's own region.
            let mut config = providers_hcl(&emulator.url(), 0, "10s");
            for (i, ty) in [
                "cloudimage_baidu_images",
                "cloudimage_ucloud_images",
                "cloudimage_tencent_images",
                "cloudimage_baidu_image",
            ]
            .iter()
            .enumerate()
            {
                config.push_str(&format!(
                    "data \"{ty}\" \"d{i}\" {{\n  region = \"{region}\"\n}}\n"
                ));
            }
            let ws = Workspace::new(tf, &config);
            ws.init();
            let run = ws.run(&["validate", "-no-color"]);
            run.assert_fails_with(&["Invalid region", "is not a region name"]);
            assert_eq!(
                run.combined().matches("Error: Invalid region").count(),
                4,
                "{tf:?} {region}: one error per data source\n{}",
                run.combined()
            );
        }
    }
    for action in ["ListImages", "DescribeImage", "DescribeImages"] {
        assert_eq!(emulator.count(action), 0, "{action}: nothing was sent");
    }
}

/// A region from the environment (`BAIDUCLOUD_REGION`, `UCLOUD_REGION`, `TENCENTCLOUD_REGION`) is checked by
/// the reads of its cloud, and the error names the variable.
#[test]
fn hostile_regions_from_the_environment_name_their_variable() {
    let emulator = Emulator::start();
    let url = emulator.url();
    let config = format!(
        r#"
provider "cloudimage" {{
  max_retries = 0
  baidu {{
    access_key = "{ak}"
    secret_key = "{sk}"
    endpoint   = "{url}"
  }}
  ucloud {{
    public_key  = "{up}"
    private_key = "{uk}"
    project_id  = "{project}"
    endpoint    = "{url}"
  }}
  tencent {{
    secret_id  = "{ti}"
    secret_key = "{tk}"
    endpoint   = "{url}"
  }}
}}
data "cloudimage_baidu_images" "b" {{}}
data "cloudimage_ucloud_images" "u" {{}}
data "cloudimage_tencent_images" "t" {{}}
"#,
        ak = credentials::BAIDU_AK,
        sk = credentials::BAIDU_SK,
        up = credentials::UCLOUD_PUBLIC,
        uk = credentials::UCLOUD_PRIVATE,
        project = support::clouds::UCLOUD_PROJECT,
        ti = credentials::TENCENT_ID,
        tk = credentials::TENCENT_KEY,
    );
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config)
            .with_env("BAIDUCLOUD_REGION", "attacker.example/")
            .with_env("UCLOUD_REGION", "cn-bj2:9000")
            .with_env("TENCENTCLOUD_REGION", "ap-guangzhou/../x");
        ws.init();
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&[
                "The environment variable BAIDUCLOUD_REGION is not a usable region",
                "The environment variable UCLOUD_REGION is not a usable region",
                "The environment variable TENCENTCLOUD_REGION is not a usable region",
            ]);
    }
    for action in ["ListImages", "DescribeImage", "DescribeImages"] {
        assert_eq!(emulator.count(action), 0, "{action}: nothing was sent");
    }
}

/// `output_file` at a symbolic link replaces the link with the file and leaves its target alone; a
/// directory is refused at the argument.
#[test]
fn output_file_never_writes_through_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        let config = format!(
            "{}data \"cloudimage_baidu_images\" \"u\" {{\n  name_regex  = \"^Ubuntu\"\n  output_file = \"images.json\"\n}}\n",
            providers_hcl(&emulator.url(), 0, "10s")
        );
        let ws = Workspace::new(tf, &config);
        ws.init();
        let precious = ws.path().join("precious.txt");
        std::fs::write(&precious, "not the images").expect("target");
        std::fs::set_permissions(&precious, std::fs::Permissions::from_mode(0o600)).expect("mode");
        let link = ws.path().join("images.json");
        std::os::unix::fs::symlink(&precious, &link).expect("symlink");
        ws.run(&["plan", "-no-color", "-input=false"]).assert_ok();
        assert_eq!(
            std::fs::read_to_string(&precious).expect("target"),
            "not the images",
            "{tf:?}: the link's target is untouched"
        );
        let meta = std::fs::symlink_metadata(&link).expect("output");
        assert!(meta.file_type().is_file(), "{tf:?}: the link became a file");
        let images: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&link).expect("output")).expect("JSON");
        assert!(!images.as_array().expect("a list").is_empty(), "{tf:?}");

        // A directory at the path: a clear error at the argument.
        std::fs::remove_file(&link).expect("rm");
        std::fs::create_dir(&link).expect("mkdir");
        ws.run(&["plan", "-no-color", "-input=false"])
            .assert_fails_with(&["Cannot write output_file", "is a directory"]);
    }
}
