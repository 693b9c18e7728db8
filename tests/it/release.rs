//! Release packaging: scripts/package.py (what scripts/release.sh runs) turns the provider binary into the
//! registry artifacts, and Terraform installs the zip from a filesystem mirror in the *packed* layout
//! (HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip), honouring a version constraint, and
//! plans with it. The debug binary stands in for the release one to keep the test fast.

use crate::support;

use std::process::Command;

use support::{provider_binary, Emulator, Workspace, ALL_TERRAFORMS, PROVIDER_VERSION};
use terraform_provider_cloudimage::mock::credentials as mock;

const NAME: &str = "terraform-provider-cloudimage";

/// The artifacts of the provider binary under test, in a directory the caller owns (and so removes).
fn dist() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let run = Command::new("python3")
        .arg(support::repo_root().join("scripts/package.py"))
        .args(["--binary", provider_binary().to_str().expect("utf-8 path")])
        .args([
            "--version",
            PROVIDER_VERSION,
            "--os",
            "linux",
            "--arch",
            "amd64",
        ])
        .args(["--out", out.path().to_str().expect("utf-8 path")])
        .output()
        .expect("python3 runs");
    assert!(
        run.status.success(),
        "package.py failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn version_flag_prints_the_crate_version() {
    let out = Command::new(provider_binary())
        .arg("--version")
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{NAME} {PROVIDER_VERSION}")
    );
}

#[test]
fn artifacts_have_the_registry_names_manifest_and_checksums() {
    let dist = dist();
    let dist = dist.path();
    let v = PROVIDER_VERSION;
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dist.join(format!("{NAME}_{v}_manifest.json"))).expect("manifest"),
    )
    .expect("manifest JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["5.0", "6.0"]}})
    );
    let sums = std::fs::read_to_string(dist.join(format!("{NAME}_{v}_SHA256SUMS"))).expect("sums");
    let zip = format!("{NAME}_{v}_linux_amd64.zip");
    let zip_bytes = std::fs::read(dist.join(&zip)).expect("zip");
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(&zip_bytes));
    assert!(sums.contains(&format!("{digest}  {zip}\n")), "{sums}");
    assert!(
        sums.contains(&format!("  {NAME}_{v}_manifest.json\n")),
        "{sums}"
    );
}

#[test]
fn terraform_installs_the_zip_from_a_packed_mirror_with_a_version_constraint() {
    let dist = dist();
    let dist = dist.path();
    let mirror = tempfile::tempdir().expect("tempdir");
    let packed = mirror
        .path()
        .join("registry.terraform.io/cloudimage/cloudimage");
    std::fs::create_dir_all(&packed).expect("mirror dir");
    let zip = format!("{NAME}_{PROVIDER_VERSION}_linux_amd64.zip");
    std::fs::copy(dist.join(&zip), packed.join(&zip)).expect("zip into mirror");

    let emulator = Emulator::start();
    for terraform in ALL_TERRAFORMS {
        let ws = Workspace::new(terraform, "");
        let cli_config = ws.path().join("packed.tfrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\n",
                mirror.path().display().to_string()
            ),
        )
        .expect("cli config");
        let minor = PROVIDER_VERSION
            .rsplit_once('.')
            .map(|(m, _)| m)
            .unwrap_or(PROVIDER_VERSION);
        std::fs::write(
            ws.path().join("main.tf"),
            format!(
                r#"terraform {{
  required_providers {{
    cloudimage = {{
      source  = "cloudimage/cloudimage"
      version = "~> {minor}.0"
    }}
  }}
}}

provider "cloudimage" {{
  baidu {{
    access_key = "{ak}"
    secret_key = "{sk}"
    endpoint   = "{url}"
  }}
}}

data "cloudimage_baidu_spec_images" "gpu" {{
  spec = "bcc.gn5.c8m32.1v100"
}}

output "count" {{
  value = data.cloudimage_baidu_spec_images.gpu.total_count
}}
"#,
                ak = mock::BAIDU_AK,
                sk = mock::BAIDU_SK,
                url = emulator.url()
            ),
        )
        .expect("main.tf");
        let ws = ws.with_env(
            "TF_CLI_CONFIG_FILE",
            cli_config.to_str().expect("utf-8 path"),
        );
        let init = ws.run(&["init", "-no-color", "-input=false"]);
        init.assert_ok();
        assert!(
            init.stdout.contains(&format!(
                "Installed cloudimage/cloudimage v{PROVIDER_VERSION}"
            )),
            "terraform {} did not install from the packed mirror:\n{}",
            terraform.version,
            init.combined()
        );
        let plan = ws.run(&["plan", "-no-color", "-input=false"]);
        plan.assert_ok();
        assert!(plan.stdout.contains("count"), "{}", plan.stdout);
    }
}
