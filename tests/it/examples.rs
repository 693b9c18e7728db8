//! The examples the docs show are real: each `examples/**/*.tf` passes `terraform validate` under
//! Terraform 1.0.3 and 0.14.6, and all of them together `plan` against the local emulator with
//! credentials, regions and endpoints from the environment, as a user's would be.

use crate::support;

use std::path::{Path, PathBuf};

use support::{repo_root, Emulator, Terraform, Workspace, ALL_TERRAFORMS};
use terraform_provider_cloudimage::mock::credentials as mock;

/// Every example file: the provider's, each data source's, and the demo.
fn examples() -> Vec<PathBuf> {
    let root = repo_root().join("examples");
    let mut out = vec![root.join("provider/provider.tf"), root.join("demo/main.tf")];
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root.join("data-sources"))
        .expect("examples/data-sources")
        .map(|e| e.expect("entry").path().join("data-source.tf"))
        .collect();
    sources.sort();
    out.extend(sources);
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The environment a user of the emulator exports (see README).
fn emulator_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("BAIDUCLOUD_ACCESS_KEY", mock::BAIDU_AK.into()),
        ("BAIDUCLOUD_SECRET_KEY", mock::BAIDU_SK.into()),
        ("CLOUDIMAGE_BAIDU_ENDPOINT", url.into()),
        ("UCLOUD_PUBLIC_KEY", mock::UCLOUD_PUBLIC.into()),
        ("UCLOUD_PRIVATE_KEY", mock::UCLOUD_PRIVATE.into()),
        ("UCLOUD_REGION", "cn-bj2".into()),
        ("CLOUDIMAGE_UCLOUD_ENDPOINT", url.into()),
        ("TENCENTCLOUD_SECRET_ID", mock::TENCENT_ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", mock::TENCENT_KEY.into()),
        ("TENCENTCLOUD_REGION", "ap-guangzhou".into()),
        ("CLOUDIMAGE_TENCENT_ENDPOINT", url.into()),
    ]
}

fn validate_all(terraform: Terraform) {
    // One workspace per example, in parallel: each must stand on its own.
    std::thread::scope(|s| {
        let handles: Vec<_> = examples()
            .into_iter()
            .map(|path| {
                s.spawn(move || {
                    let config = read(&path);
                    // The demo declares its own required_providers.
                    let ws = if config.contains("required_providers") {
                        let ws = Workspace::new(terraform, "");
                        std::fs::write(ws.path().join("main.tf"), &config).expect("main.tf");
                        ws
                    } else {
                        Workspace::new(terraform, &config)
                    };
                    ws.init();
                    let run = ws.run(&["validate", "-no-color"]);
                    assert!(
                        run.success,
                        "{} fails terraform {} validate:\n{}",
                        path.display(),
                        terraform.version,
                        run.combined()
                    );
                })
            })
            .collect();
        for h in handles {
            h.join().expect("validate thread");
        }
    });
}

#[test]
fn examples_validate_with_terraform_1_0_3() {
    validate_all(support::TF_1_0_3);
}

#[test]
fn examples_validate_with_terraform_0_14_6() {
    validate_all(support::TF_0_14_6);
}

#[test]
fn examples_plan_against_the_emulator() {
    let emulator = Emulator::start();
    let env = emulator_env(&emulator.url());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The provider example configures the provider; each data-source example reads with it.
    let config: String = examples()
        .iter()
        .filter(|p| !p.ends_with("demo/main.tf"))
        .map(|p| read(p))
        .collect::<Vec<_>>()
        .join("\n");
    for terraform in ALL_TERRAFORMS {
        let ws = Workspace::new(terraform, &config);
        ws.init();
        let run = ws.run_with(&["plan", "-no-color", "-input=false"], &env);
        assert!(
            run.success,
            "terraform {} plan of the examples failed:\n{}",
            terraform.version,
            run.combined()
        );
        // Data sources are read during plan: their outputs are known in the plan.
        for output in [
            "baidu_centos7_image_id",
            "ucloud_ubuntu_image_id",
            "tencent_centos_image_id",
        ] {
            assert!(
                run.stdout.contains(output),
                "plan lacks output {output}:\n{}",
                run.stdout
            );
        }
    }
}
