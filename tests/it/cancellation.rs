//! Cancellation (issue 6 §2), measured: `StopProvider` during slow reads of every cloud API ends them
//! within 1 s with a "Cancelled" diagnostic and closes their connections; Ctrl-C (SIGINT to the process
//! group) during `terraform apply` ends it cleanly, with the provider process gone and no socket left.

use crate::support;

use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::clouds::{self, APIS};
use support::established_to;
use support::grpc::{read_with, InProcess, FAST_BACKOFF};
use terraform_provider_cloudimage::mock::{FaultConfig, MockConfig, MockServer};

/// Every cloud request waits this long: far beyond the test, so only cancellation can end a read.
const SLOW_MS: u64 = 30_000;
const READS_PER_API: usize = 4;

fn slow_everything() -> FaultConfig {
    FaultConfig {
        latency_ms: SLOW_MS,
        rules: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_provider_ends_slow_reads_within_a_second() {
    let mock = MockServer::start(MockConfig {
        faults: slow_everything(),
        ..Default::default()
    })
    .await
    .expect("emulator");
    let port = mock.addr().port();
    let mut all = Vec::new();
    let mut worst = Duration::ZERO;
    for round in 0..2 {
        // Two APIs share a provider configuration only when they agree on Tencent's API: one plugin
        // per Tencent flavour, all stopped by their own StopProvider.
        let mut plugins = Vec::new();
        for api_kind in ["v3", "legacy"] {
            let plugin = InProcess::start(&FAST_BACKOFF).await;
            plugin
                .configure(clouds::provider_config(&mock.url(), api_kind, 3, "120s"))
                .await;
            plugins.push((api_kind, plugin));
        }
        let mut reads = Vec::new();
        for (kind, plugin) in &plugins {
            for api in APIS
                .iter()
                .filter(|a| (a.label == "tencent-legacy") == (*kind == "legacy"))
            {
                for _ in 0..READS_PER_API {
                    let mut client = InProcess::connect(plugin.socket.clone()).await;
                    let ty = plugin.data_source_type(api.data_source);
                    let api = *api;
                    reads.push(tokio::spawn(async move {
                        let read = read_with(&mut client, &ty, api.data_source, api.config()).await;
                        (api, read, Instant::now())
                    }));
                }
            }
        }
        // Let every read reach the emulator. Identical reads share one listing (the single-flight
        // cache), so there is one request in flight per API.
        let deadline = Instant::now() + Duration::from_secs(10);
        while established_to(port) < APIS.len() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let open_before = established_to(port);
        assert!(
            open_before >= APIS.len(),
            "round {round}: {open_before} connections for {} APIs",
            APIS.len()
        );
        let stopped = Instant::now();
        for (_, plugin) in &plugins {
            plugin.stop_provider().await;
        }
        for r in reads {
            let (api, read, done) = r.await.expect("read task");
            let took = done.saturating_duration_since(stopped);
            worst = worst.max(took);
            // The figure (RELIABILITY.md) is printed below; the bound only catches a read that StopProvider
            // did not end at all (its emulator request waits 30 s), however busy the machine.
            assert!(
                took < Duration::from_secs(SLOW_MS / 2000),
                "{}: ended {took:?} after StopProvider",
                api.label
            );
            assert!(read.state.is_none(), "{}: no state", api.label);
            assert_eq!(read.diags.len(), 1, "{}: {:?}", api.label, read.diags);
            let d = &read.diags[0];
            assert!(
                d.error && d.summary.starts_with("Cancelled"),
                "{}: {d:?}",
                api.label
            );
            assert!(
                d.detail.contains(&format!("API action: {}", api.action)),
                "{d:?}"
            );
            all.push(took);
        }
        // Cancelled reads drop their connections (no socket lingers to a slow server).
        let deadline = Instant::now() + Duration::from_secs(10);
        while established_to(port) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            established_to(port),
            0,
            "round {round}: connections released"
        );
        // Later reads start afresh (StopProvider is not sticky).
        mock.clear_faults();
        let (_, plugin) = &plugins[0];
        let after = plugin.read(APIS[0].data_source, APIS[0].config()).await;
        assert!(
            after.errors().is_empty(),
            "reads work after StopProvider: {:?}",
            after.diags
        );
        mock.set_faults(slow_everything()).expect("faults");
        for (_, p) in plugins {
            p.shutdown().await;
        }
    }
    all.sort();
    let median = all[all.len() / 2];
    eprintln!(
        "StopProvider: {} slow reads cancelled, median {median:?}, worst {worst:?} after the call",
        all.len()
    );
    mock.shutdown().await;
}

/// Processes in process group `group` whose command name starts with `prefix` (Terraform may be a
/// wrapper, so the provider is not necessarily its direct child).
fn children(group: u32, prefix: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid ...
            let Some((comm, rest)) = stat.split_once(") ") else {
                return false;
            };
            let comm = comm.split_once('(').map(|(_, c)| c).unwrap_or("");
            // state ppid pgrp ...
            let pgrp = rest
                .split_whitespace()
                .nth(2)
                .and_then(|p| p.parse::<u32>().ok());
            pgrp == Some(group) && comm.starts_with(prefix)
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.split_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
        .unwrap_or(false)
}

fn plugin_dirs(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with("cloudimage-plugin"))
                .collect()
        })
        .unwrap_or_default()
}

/// Sends SIGINT to the process group, as Ctrl-C in a terminal does.
fn ctrl_c(group: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{group}")])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Ctrl-C to process group `group`, and a second one if Terraform is still running 3 s later (as a user
/// does; Terraform then shuts its providers down). Fails the test if Terraform has not exited 60 s later.
fn interrupt_until_exit(
    child: &mut std::process::Child,
    group: u32,
    label: &str,
) -> (std::process::ExitStatus, u32) {
    let sent = Instant::now();
    ctrl_c(group);
    let mut interrupts = 1;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return (s, interrupts);
        }
        if interrupts == 1 && sent.elapsed() > Duration::from_secs(3) {
            ctrl_c(group);
            interrupts = 2;
        }
        if sent.elapsed() > Duration::from_secs(60) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .status();
            let _ = child.wait();
            let mut out = String::new();
            for stream in [
                child
                    .stdout
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read>),
                child
                    .stderr
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read>),
            ]
            .into_iter()
            .flatten()
            {
                let mut stream = stream;
                let _ = stream.read_to_string(&mut out);
            }
            panic!("{label}: still running 60 s after Ctrl-C\n{out}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Ctrl-C during a slow read, for `terraform plan` and `terraform apply` under both Terraform versions.
/// Terraform answers the first Ctrl-C with StopProvider where it waits on the operation (`plan`, and the
/// apply phase); during the plan phase of `apply`, Terraform 1.0/0.14 do not stop providers and wait, so
/// a user presses Ctrl-C again ("Two interrupts received"): Terraform then shuts the provider down. In
/// every case the provider process must be gone and its socket directory removed.
#[test]
fn sigint_to_terraform_during_a_slow_read_ends_cleanly() {
    use std::os::unix::process::CommandExt;
    use support::{Emulator, Workspace, ALL_TERRAFORMS};
    let emulator = Emulator::start();
    emulator
        .server
        .set_faults(slow_everything())
        .expect("faults");
    let mut config = clouds::providers_hcl(&emulator.url(), 3, "120s");
    for api in &APIS {
        config.push_str(&clouds::data_source_hcl(api, &api.label.replace('-', "_")));
    }
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        for command in ["plan", "apply"] {
            let tmp = tempfile::tempdir().expect("TMPDIR for the provider");
            let tmp_path = tmp.path().to_str().expect("utf-8").to_string();
            let mut args = vec![command, "-no-color", "-input=false"];
            if command == "apply" {
                args.push("-auto-approve");
            }
            let mut child = ws
                .command(&args, &[("TMPDIR", &tmp_path)])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0)
                .spawn()
                .expect("terraform starts");
            let group = child.id();
            // Wait for the provider and its socket, then for the reads to be in flight.
            let deadline = Instant::now() + Duration::from_secs(15);
            let mut providers = Vec::new();
            while Instant::now() < deadline {
                providers = children(group, "terraform-provi");
                if !providers.is_empty() && !plugin_dirs(tmp.path()).is_empty() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(
                !providers.is_empty(),
                "{tf:?} {command}: the provider started"
            );
            // The reads are in flight once the provider holds connections to the emulator (the TCP
            // table is per network namespace, so it shows the provider's sockets too). Terraform 0.14
            // starts the provider several times, so the first process seen may not be the reader.
            let port = emulator.server.addr().port();
            let deadline = Instant::now() + Duration::from_secs(10);
            while established_to(port) < APIS.len() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(200));
            let in_flight = established_to(port);
            providers = children(group, "terraform-provi");
            let sent = Instant::now();
            let (exit, interrupts) =
                interrupt_until_exit(&mut child, group, &format!("{tf:?} {command}"));
            let tf_exit = sent.elapsed();
            let out = child.wait_with_output().expect("output");
            let all = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                !exit.success(),
                "{tf:?} {command}: an interrupted run fails\n{all}"
            );
            assert!(
                !all.to_lowercase().contains("panic"),
                "{tf:?} {command}: {all}"
            );
            let deadline = Instant::now() + Duration::from_secs(20);
            while providers.iter().any(|p| alive(*p)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            let provider_gone = sent.elapsed();
            assert!(
                providers.iter().all(|p| !alive(*p)),
                "{tf:?} {command}: provider gone"
            );
            assert!(
                plugin_dirs(tmp.path()).is_empty(),
                "{tf:?} {command}: socket directory left: {:?}",
                plugin_dirs(tmp.path())
            );
            let cancelled = all.matches("Cancelled while trying to").count();
            if interrupts == 1 {
                assert!(
                    cancelled > 0,
                    "{tf:?} {command}: a Cancelled diagnostic\n{all}"
                );
            }
            eprintln!(
                "{tf:?} terraform {command}: {in_flight} reads in flight, {interrupts} Ctrl-C; terraform exited {tf_exit:?} and the provider was gone {provider_gone:?} after the first; {cancelled} Cancelled diagnostics; no socket left"
            );
        }
    }
}

/// A named pipe for `output_file`, with this test holding its read end (opened non-blocking, so the
/// provider's open for writing succeeds and its write then blocks once the pipe's buffer is full).
struct Fifo {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    reader: std::fs::File,
}

impl Fifo {
    fn new() -> Fifo {
        use std::os::unix::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("images.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo");
        assert!(made.success(), "mkfifo");
        let reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
            .expect("open the pipe's read end");
        Fifo {
            _dir: dir,
            path,
            reader,
        }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("utf-8 path")
    }

    /// Waits (up to 60 s) until the provider has written into the pipe. Reading no more after that, the
    /// provider's write of the whole listing (megabytes) blocks on the full pipe.
    fn wait_for_writer(&mut self) {
        use std::io::Read;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut buf = [0u8; 16];
        while Instant::now() < deadline {
            match self.reader.read(&mut buf) {
                Ok(n) if n > 0 => return,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        panic!("nothing was written into the pipe within 60 s");
    }
}

/// `output_file` naming a named pipe that nobody reads (or a hung network mount) blocks the write; the
/// write runs off the executor, so StopProvider still ends the read, promptly, with a clear diagnostic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_provider_ends_a_read_blocked_on_output_file() {
    let mock = MockServer::start(MockConfig::default())
        .await
        .expect("emulator");
    let plugin = InProcess::start(&FAST_BACKOFF).await;
    plugin
        .configure(clouds::provider_config(&mock.url(), "v3", 3, "120s"))
        .await;
    let mut fifo = Fifo::new();
    let config = serde_json::json!({ "output_file": fifo.path() });
    let mut client = InProcess::connect(plugin.socket.clone()).await;
    let ty = plugin.data_source_type("cloudimage_baidu_images");
    let read = tokio::spawn(async move {
        let read = read_with(&mut client, &ty, "cloudimage_baidu_images", config).await;
        (read, Instant::now())
    });
    let mut fifo = tokio::task::spawn_blocking(move || {
        fifo.wait_for_writer();
        fifo
    })
    .await
    .expect("pipe");
    let stopped = Instant::now();
    plugin.stop_provider().await;
    let (read, done) = tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the read ended after StopProvider")
        .expect("read task");
    let took = done.saturating_duration_since(stopped);
    assert!(read.state.is_none(), "no state");
    assert_eq!(read.diags.len(), 1, "{:?}", read.diags);
    let d = &read.diags[0];
    assert!(
        d.error && d.summary == "Cancelled while writing output_file",
        "{d:?}"
    );
    // The provider still serves, and a pipe that is read gets the whole listing.
    let after = plugin
        .read("cloudimage_baidu_images", serde_json::json!({}))
        .await;
    assert!(after.errors().is_empty(), "{:?}", after.diags);
    eprintln!("StopProvider ended a read blocked on a named pipe {took:?} after the call");
    // Closing the read end ends the abandoned write (EPIPE), so no thread is left blocked.
    drop(std::mem::replace(
        &mut fifo.reader,
        std::fs::File::open("/dev/null").expect("/dev/null"),
    ));
    plugin.shutdown().await;
    mock.shutdown().await;
}

/// Ctrl-C while `terraform plan` is blocked writing `output_file` into a pipe nobody reads: Terraform
/// and the provider exit (before, the provider's only thread was stuck in the write, so it could answer
/// neither StopProvider nor Shutdown and Terraform hung).
#[test]
fn ctrl_c_ends_a_plan_blocked_on_output_file() {
    use std::os::unix::process::CommandExt;
    use support::{Emulator, Workspace, ALL_TERRAFORMS};
    let emulator = Emulator::start();
    for tf in ALL_TERRAFORMS {
        let mut fifo = Fifo::new();
        let mut config = clouds::providers_hcl(&emulator.url(), 3, "120s");
        config.push_str(&format!(
            "data \"cloudimage_baidu_images\" \"all\" {{\n  output_file = \"{}\"\n}}\n",
            fifo.path()
        ));
        let ws = Workspace::new(tf, &config);
        ws.init();
        let tmp = tempfile::tempdir().expect("TMPDIR for the provider");
        let tmp_path = tmp.path().to_str().expect("utf-8").to_string();
        let mut child = ws
            .command(
                &["plan", "-no-color", "-input=false"],
                &[("TMPDIR", &tmp_path)],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("terraform starts");
        let group = child.id();
        fifo.wait_for_writer();
        let providers = children(group, "terraform-provi");
        let sent = Instant::now();
        let (exit, interrupts) = interrupt_until_exit(&mut child, group, &format!("{tf:?} plan"));
        let tf_exit = sent.elapsed();
        let out = child.wait_with_output().expect("output");
        let all = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!exit.success(), "{tf:?}: an interrupted plan fails\n{all}");
        assert!(!all.to_lowercase().contains("panic"), "{tf:?}: {all}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while providers.iter().any(|p| alive(*p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let provider_gone = sent.elapsed();
        assert!(
            providers.iter().all(|p| !alive(*p)),
            "{tf:?}: provider gone"
        );
        assert!(
            plugin_dirs(tmp.path()).is_empty(),
            "{tf:?}: socket directory left"
        );
        if interrupts == 1 {
            assert!(
                all.contains("Cancelled while writing output_file"),
                "{tf:?}: the cancelled read says so\n{all}"
            );
        }
        eprintln!(
            "{tf:?} terraform plan blocked on a named pipe: {interrupts} Ctrl-C; terraform exited {tf_exit:?} and the provider was gone {provider_gone:?} after the first"
        );
    }
}

/// A costly `name_regex` of the kind `name_regex_figures` (tests/it/hostile_text.rs) found the costliest
/// accepted: many optional items the matcher tracks at every byte, and a final `X` no name has. A tenth of
/// the worst one (`{1000}`), so the test takes seconds, not a minute, in a debug build.
const COSTLY_PATTERN: &str = r"(?:(?-u:\w)?){100}X";

/// A read whose filter is busy (the costliest accepted `name_regex` over the 10,000-image bulk region)
/// ends on StopProvider at once, not when the filter is done: the filter runs off the executor and watches
/// the read's cancellation. Measured against the filter's own duration in the same run, so a slow or busy
/// machine stretches both sides alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_provider_ends_a_read_while_its_filter_is_busy() {
    use terraform_provider_cloudimage::mock::catalogue::TENCENT_BULK_REGION;
    let mock = MockServer::start(MockConfig::default())
        .await
        .expect("emulator");
    let plugin = InProcess::start(&FAST_BACKOFF).await;
    plugin
        .configure(clouds::provider_config(&mock.url(), "v3", 3, "120s"))
        .await;
    let config = serde_json::json!({ "region": TENCENT_BULK_REGION, "name_regex": COSTLY_PATTERN });
    // The first read lists the region (then cached for the process); the second times the filter alone.
    let listing = serde_json::json!({ "region": TENCENT_BULK_REGION });
    let first = plugin.read("cloudimage_tencent_images", listing).await;
    assert!(first.errors().is_empty(), "{:?}", first.diags);
    let started = Instant::now();
    let second = plugin
        .read("cloudimage_tencent_images", config.clone())
        .await;
    let filter = started.elapsed();
    assert!(second.errors().is_empty(), "{:?}", second.diags);
    assert_eq!(second.ids(), Some(Vec::new()), "no name ends in X");

    let mut client = InProcess::connect(plugin.socket.clone()).await;
    let ty = plugin.data_source_type("cloudimage_tencent_images");
    let read = tokio::spawn(async move {
        let read = read_with(&mut client, &ty, "cloudimage_tencent_images", config).await;
        (read, Instant::now())
    });
    // A third of the way through the filter: two thirds of its work are still to do.
    tokio::time::sleep(filter / 3).await;
    let stopped = Instant::now();
    plugin.stop_provider().await;
    let (read, done) = read.await.expect("read task");
    let took = done.saturating_duration_since(stopped);
    assert!(read.state.is_none(), "no state");
    assert!(
        read.diags
            .iter()
            .any(|d| d.error && d.summary == "Cancelled while filtering images"),
        "{:?}",
        read.diags
    );
    assert!(
        took < filter / 3,
        "the read ended {took:?} after StopProvider, though the filter alone takes {filter:?}"
    );
    eprintln!(
        "StopProvider ended a read {took:?} after the call, a third of the way through a {filter:?} filter"
    );
    plugin.shutdown().await;
    mock.shutdown().await;
}
