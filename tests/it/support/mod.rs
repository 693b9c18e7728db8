//! Test support: runs real Terraform binaries against the provider built by this test run.
//!
//! Each [`Workspace`] is a temp dir with a `main.tf`, a CLI config whose only installation method is a
//! filesystem mirror holding the freshly built provider, and no network access needed
//! (`CHECKPOINT_DISABLE=1`). Terraform binaries come from `scripts/install-terraform.sh` (`.tools/`).
#![allow(dead_code)]

pub mod clouds;
pub mod grpc;
pub mod net;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A Terraform release the tests run.
#[derive(Debug, Clone, Copy)]
pub struct Terraform {
    pub version: &'static str,
    /// The plugin protocol it speaks to this provider.
    pub protocol: u32,
}

pub const TF_1_0_3: Terraform = Terraform {
    version: "1.0.3",
    protocol: 6,
};
pub const TF_0_14_6: Terraform = Terraform {
    version: "0.14.6",
    protocol: 5,
};
pub const ALL_TERRAFORMS: [Terraform; 2] = [TF_1_0_3, TF_0_14_6];

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Terraform {
    pub fn binary(&self) -> PathBuf {
        let path = repo_root()
            .join(".tools")
            .join(format!("terraform-{}", self.version))
            .join("terraform");
        assert!(
            path.exists(),
            "{} is missing: run scripts/install-terraform.sh (the README's test command does)",
            path.display()
        );
        path
    }
}

/// The provider binary under test: the one cargo built for these tests, or the one
/// `CLOUDIMAGE_TEST_BINARY` names (scripts/test.sh reruns some tests on the shipped release binary).
pub fn provider_binary() -> PathBuf {
    std::env::var_os("CLOUDIMAGE_TEST_BINARY")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-cloudimage")))
}

/// The emulator (`qemu-aarch64`, `wine`) that runs the provider under test when it was built for another
/// platform: `CLOUDIMAGE_TEST_RUNNER` (scripts/test.sh sets it to check the cross-built release binaries).
pub fn provider_runner() -> Option<PathBuf> {
    std::env::var_os("CLOUDIMAGE_TEST_RUNNER")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// A command that starts the provider under test, under its runner if it has one.
pub fn provider_command() -> Command {
    match provider_runner() {
        Some(runner) => {
            let mut cmd = Command::new(runner);
            cmd.arg(provider_binary());
            cmd
        }
        None => Command::new(provider_binary()),
    }
}

/// Lays out a filesystem mirror holding the provider under `root`. Each workspace has its own, inside its
/// own temporary directory, so it goes when the workspace does: nextest runs every test in a process of its
/// own, and a mirror kept in a static would outlive each of them (statics are never dropped), pinning a
/// hard link to every provider binary ever tested.
fn lay_out_mirror(root: &Path) {
    let platform = root
        .join("registry.terraform.io/cloudimage/cloudimage")
        .join(PROVIDER_VERSION)
        .join("linux_amd64");
    std::fs::create_dir_all(&platform).expect("mirror layout");
    let target = platform.join("terraform-provider-cloudimage");
    if let Some(runner) = provider_runner() {
        // Terraform execs the provider itself: a foreign binary goes in behind a script that runs it.
        use std::os::unix::fs::PermissionsExt as _;
        let script = format!(
            "#!/bin/sh\nexec '{}' '{}' \"$@\"\n",
            runner.display(),
            provider_binary().display()
        );
        std::fs::write(&target, script).expect("provider wrapper");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
            .expect("wrapper is executable");
        return;
    }
    if std::fs::hard_link(provider_binary(), &target).is_err() {
        std::fs::copy(provider_binary(), &target).expect("copy provider into mirror");
    }
}

/// Cloud credential variables a developer may have set: never let them leak into a test.
const HOST_VARIABLES: &[&str] = &[
    "BAIDUCLOUD_ACCESS_KEY",
    "BAIDUCLOUD_SECRET_KEY",
    "BAIDUCLOUD_REGION",
    "CLOUDIMAGE_BAIDU_ENDPOINT",
    "UCLOUD_PUBLIC_KEY",
    "UCLOUD_PRIVATE_KEY",
    "UCLOUD_REGION",
    "UCLOUD_PROJECT_ID",
    "CLOUDIMAGE_UCLOUD_ENDPOINT",
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_REGION",
    "CLOUDIMAGE_TENCENT_ENDPOINT",
    "TF_LOG",
    "TF_LOG_PROVIDER",
    "TF_LOG_CORE",
    "TF_LOG_PATH",
    "TF_CLI_ARGS",
    "TF_DATA_DIR",
    "TF_REATTACH_PROVIDERS",
];

/// A Terraform working directory with one configuration.
pub struct Workspace {
    pub terraform: Terraform,
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// The result of one Terraform command.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.success,
            "terraform failed:\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn assert_fails_with(&self, needles: &[&str]) -> &Self {
        assert!(
            !self.success,
            "terraform unexpectedly succeeded:\n{}",
            self.combined()
        );
        let all = self.combined();
        for needle in needles {
            assert!(all.contains(needle), "output lacks {needle:?}:\n{all}");
        }
        self
    }
}

pub const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    cloudimage = {
      source = "cloudimage/cloudimage"
    }
  }
}
"#;

impl Workspace {
    /// A workspace whose `main.tf` is `REQUIRED_PROVIDERS` followed by `config`.
    pub fn new(terraform: Terraform, config: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("cloudimage-tf")
            .tempdir()
            .expect("workspace dir");
        let mirror = dir.path().join("mirror");
        lay_out_mirror(&mirror);
        let cli_config = dir.path().join("terraformrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n    include = [\"registry.terraform.io/cloudimage/cloudimage\"]\n  }}\n}}\n",
                mirror.display().to_string()
            ),
        )
        .expect("cli config");
        let ws = Workspace {
            terraform,
            dir,
            env: Vec::new(),
        };
        ws.write_config(config);
        ws.with_env(
            "TF_CLI_CONFIG_FILE",
            cli_config.to_str().expect("utf-8 path"),
        )
    }

    /// Replaces `main.tf`.
    pub fn write_config(&self, config: &str) {
        std::fs::write(
            self.dir.path().join("main.tf"),
            format!("{REQUIRED_PROVIDERS}\n{config}"),
        )
        .expect("main.tf");
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `terraform <args>` in the workspace with extra environment variables.
    pub fn run_with(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = self
            .command(args, extra_env)
            .output()
            .expect("terraform runs");
        let stdout = String::from_utf8_lossy(&stdout);
        Run {
            success: status.success(),
            // The PyPI build of 0.14.6 prefixes its stdout with "o:".
            stdout: stdout.strip_prefix("o:").unwrap_or(&stdout).to_string(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// `terraform <args>` ready to spawn in the workspace, with the test environment.
    pub fn command(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(self.terraform.binary());
        cmd.args(args).current_dir(self.dir.path());
        for var in HOST_VARIABLES {
            cmd.env_remove(var);
        }
        // Terraform's and the provider's temporary files (the plugin's socket directory among them) live
        // in the workspace, so a provider that Terraform has to kill leaves nothing behind in /tmp.
        cmd.env("TMPDIR", self.tmp_dir())
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// What the workspace's commands (Terraform and the providers it started) left in their `TMPDIR`.
    pub fn leftover_temp_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.tmp_dir())
            .expect("workspace TMPDIR")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The `TMPDIR` of every command in this workspace.
    fn tmp_dir(&self) -> PathBuf {
        let dir = self.dir.path().join("tmp");
        std::fs::create_dir_all(&dir).expect("workspace TMPDIR");
        dir
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// `terraform init` from the mirror; panics with Terraform's output when it fails.
    pub fn init(&self) -> &Self {
        self.run(&["init", "-no-color", "-input=false"]).assert_ok();
        self
    }

    /// `terraform apply -auto-approve` followed by `terraform output -json`, parsed.
    pub fn apply_outputs(&self) -> serde_json::Value {
        self.run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .assert_ok();
        let out = self.run(&["output", "-no-color", "-json"]);
        out.assert_ok();
        let outputs: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("output -json is JSON");
        outputs
    }
}

/// The local cloud emulator, served by its own runtime so plain `#[test]`s can run Terraform meanwhile.
pub struct Emulator {
    pub server: terraform_provider_cloudimage::mock::MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Emulator {
    pub fn start() -> Emulator {
        Self::start_with(Default::default())
    }

    /// An emulator with its own configuration (credentials, faults from the start).
    pub fn start_with(config: terraform_provider_cloudimage::mock::MockConfig) -> Emulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(terraform_provider_cloudimage::mock::MockServer::start(
                config,
            ))
            .expect("emulator starts");
        Emulator {
            server,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Replaces the fault rules with the given JSON list (see `mock::FaultRule`).
    pub fn set_faults(&self, rules: serde_json::Value) {
        let config = serde_json::json!({ "rules": rules });
        self.server
            .set_faults(serde_json::from_value(config).expect("fault rules"))
            .expect("faults accepted");
    }

    /// How many requests the emulator logged for `action` since the last `clear`.
    pub fn count(&self, action: &str) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.action == action)
            .count()
    }
}

/// The value of output `name` from `terraform output -json`.
pub fn output<'a>(outputs: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let v = &outputs[name]["value"];
    assert!(!v.is_null(), "output {name} missing in {outputs}");
    v
}

/// A JSON array of strings as a Vec.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

/// Client-side TCP connections to `port` that are still ESTABLISHED (in this network namespace).
pub fn established_to(port: u16) -> usize {
    let own = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let mut count = 0;
    for table in [own("/proc/self/net/tcp"), own("/proc/self/net/tcp6")] {
        for line in table.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(remote), Some(state)) = (cols.get(2), cols.get(3)) else {
                continue;
            };
            let remote_port = remote
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if remote_port == Some(port) && *state == "01" {
                count += 1;
            }
        }
    }
    count
}
