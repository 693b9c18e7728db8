//! Concurrency soak (issue 6 §3): many concurrent `ReadDataSource` calls over gRPC mixed across the five
//! cloud APIs with retryable faults on, and one Terraform configuration with many data sources; every
//! answer must equal the fault-free answer, with no deadlock (everything ends within a deadline). The
//! request counts and peak RSS are printed (`--nocapture`).
//!
//! CI runs a small version. The soak proper (≥ 200 concurrent reads, ≥ 100 data sources):
//! `CLOUDIMAGE_SOAK=1 cargo test --test it -- soak:: --nocapture --test-threads 1`.

use crate::support;

use std::time::{Duration, Instant};

use support::clouds::{self, CloudApi, APIS};
use support::grpc::{read_with, InProcess, Read, FAST_BACKOFF};
use terraform_provider_cloudimage::mock::catalogue::{
    self, BAIDU_IMAGE_TYPES, TENCENT_REGIONS, UCLOUD_REGIONS,
};
use terraform_provider_cloudimage::mock::{MockConfig, MockServer};

/// `max_retries` of the soak: a request chain absorbs at most [`FAULTS_PER_API`] faults, so every read
/// must succeed however the faults fall.
const MAX_RETRIES: u32 = 10;
const FAULTS_PER_API: u32 = 10;

fn soak() -> bool {
    std::env::var("CLOUDIMAGE_SOAK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Distinct reads per API: server-side parameters (separate listings) and client-side filters
/// (shared listings), so both the cache's sharing and many parallel listings are exercised.
fn variants(api: &CloudApi) -> Vec<serde_json::Value> {
    use serde_json::json;
    let regexes = ["", ".", "^[A-Za-z]", "[0-9]"];
    let mut out = Vec::new();
    let with_regex = |base: serde_json::Value, out: &mut Vec<serde_json::Value>| {
        for r in regexes {
            let mut v = base.clone();
            if !r.is_empty() {
                v["name_regex"] = r.into();
            }
            out.push(v);
        }
    };
    match api.label {
        "baidu-list" => {
            for ty in &BAIDU_IMAGE_TYPES[1..4] {
                with_regex(json!({ "image_type": ty.to_lowercase() }), &mut out);
            }
        }
        "baidu-spec" => {
            for spec in catalogue::baidu_specs().iter().take(3) {
                with_regex(json!({ "spec": spec.spec }), &mut out);
            }
        }
        "ucloud" => {
            for (region, _) in UCLOUD_REGIONS.iter().take(3) {
                with_regex(json!({ "region": region }), &mut out);
            }
        }
        _ => {
            for region in TENCENT_REGIONS {
                with_regex(json!({ "region": region }), &mut out);
            }
        }
    }
    out
}

/// Retryable faults only, at most [`FAULTS_PER_API`] per API.
fn retryable_faults() -> serde_json::Value {
    let mix = [
        ("throttle", None, 4),
        ("http_error", Some(503), 3),
        ("reset", None, 3),
    ];
    assert!(mix.iter().map(|m| m.2).sum::<u32>() <= FAULTS_PER_API);
    let mut rules = Vec::new();
    for api in &APIS {
        for (kind, status, times) in mix {
            let mut r = serde_json::json!({"kind": kind, "cloud": api.target, "action": api.action, "times": times});
            if let Some(s) = status {
                r["status"] = s.into();
            }
            rules.push(r);
        }
    }
    serde_json::json!({ "rules": rules })
}

fn vm_hwm_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

fn same_answer(a: &Read, b: &Read) -> bool {
    a.errors().is_empty() && b.errors().is_empty() && a.state == b.state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_over_grpc_with_faults() {
    let copies = if soak() { 5 } else { 1 };
    let mock = MockServer::start(MockConfig::default())
        .await
        .expect("emulator");
    let url = mock.url();
    let plugins = [
        InProcess::start(&FAST_BACKOFF).await,
        InProcess::start(&FAST_BACKOFF).await,
    ];
    // plugins[0] speaks Tencent API 3.0, plugins[1] the legacy API (the provider block decides).
    let plugin_for = |api: &CloudApi| usize::from(api.label == "tencent-legacy");
    let configure = || async {
        for (p, kind) in plugins.iter().zip(["v3", "legacy"]) {
            let d = p
                .configure(clouds::provider_config(&url, kind, MAX_RETRIES, "60s"))
                .await;
            assert!(d.iter().all(|d| !d.error), "{d:?}");
        }
    };

    // Fault-free answers, one per distinct read.
    configure().await;
    let mut cases = Vec::new();
    for api in &APIS {
        for config in variants(api) {
            let baseline = plugins[plugin_for(api)]
                .read(api.data_source, config.clone())
                .await;
            assert!(
                baseline.errors().is_empty(),
                "{} {config}: {:?}",
                api.label,
                baseline.diags
            );
            cases.push((*api, config, baseline));
        }
    }
    let baseline_requests = mock.requests().len();

    // Everything at once, `copies` times over, with faults, on fresh caches.
    configure().await;
    mock.clear();
    mock.set_faults(serde_json::from_value(retryable_faults()).expect("rules"))
        .expect("valid");
    let mut tasks = Vec::new();
    let started = Instant::now();
    for _ in 0..copies {
        for (i, (api, config, _)) in cases.iter().enumerate() {
            let plugin = &plugins[plugin_for(api)];
            // A few connections, each multiplexing many streams, as Terraform's one connection does.
            let mut client = if i % 8 == 0 {
                InProcess::connect(plugin.socket.clone()).await
            } else {
                plugin.client.clone()
            };
            let ty = plugin.data_source_type(api.data_source);
            let (api, config) = (*api, config.clone());
            tasks.push(tokio::spawn(async move {
                (
                    i,
                    read_with(&mut client, &ty, api.data_source, config).await,
                )
            }));
        }
    }
    let total = tasks.len();
    let results = tokio::time::timeout(
        Duration::from_secs(600),
        futures_util::future::join_all(tasks),
    )
    .await
    .expect("no deadlock: every read ended");
    let took = started.elapsed();
    let mut wrong = Vec::new();
    for r in results {
        let (i, read) = r.expect("read task");
        if !same_answer(&read, &cases[i].2) {
            wrong.push(format!(
                "{} {}: {:?}",
                cases[i].0.label, cases[i].1, read.diags
            ));
        }
    }
    let log = mock.requests();
    let faulted = log.iter().filter(|r| r.fault.is_some()).count();
    let hwm = vm_hwm_kib("self").unwrap_or(0);
    eprintln!(
        "gRPC soak: {total} concurrent ReadDataSource ({} distinct), {} correct, {} wrong, {:.2} s; \
         {} cloud requests ({faulted} faulted; fault-free baseline {baseline_requests} for the distinct reads); \
         peak RSS of the test process (provider + emulator + client) {} MiB",
        cases.len(),
        total - wrong.len(),
        wrong.len(),
        took.as_secs_f64(),
        log.len(),
        hwm / 1024
    );
    assert!(
        wrong.is_empty(),
        "{} wrong answers: {wrong:#?}",
        wrong.len()
    );
    assert!(faulted > 0, "faults were served");
    for p in plugins {
        p.shutdown().await;
    }
    mock.shutdown().await;
}

#[test]
fn terraform_plan_with_many_data_sources_and_faults() {
    use std::os::unix::process::CommandExt;
    use support::{Emulator, Workspace, TF_1_0_3};
    let per_api = if soak() { 24 } else { 4 };
    let emulator = Emulator::start();
    let mut config = clouds::providers_hcl(&emulator.url(), MAX_RETRIES, "60s");
    let mut count = 0;
    for api in &APIS {
        for (i, v) in variants(api).into_iter().cycle().take(per_api).enumerate() {
            let name = format!("{}_{i}", api.label.replace('-', "_"));
            let mut body = String::new();
            for (k, val) in v.as_object().expect("object") {
                body.push_str(&format!("{k} = {val}\n"));
            }
            let provider = if api.label == "tencent-legacy" {
                "provider = cloudimage.legacy\n"
            } else {
                ""
            };
            config.push_str(&format!(
                "data \"{ds}\" \"{name}\" {{\n{provider}{body}}}\noutput \"{name}\" {{ value = data.{ds}.{name}.ids }}\n",
                ds = api.data_source
            ));
            count += 1;
        }
    }
    let ws = Workspace::new(TF_1_0_3, &config)
        .with_env(FAST_BACKOFF[0].0, FAST_BACKOFF[0].1)
        .with_env(FAST_BACKOFF[1].0, FAST_BACKOFF[1].1);
    ws.init();
    let baseline = ws.apply_outputs();
    emulator.server.clear();
    emulator.set_faults(retryable_faults()["rules"].clone());

    let started = Instant::now();
    let mut child = ws
        .command(
            &["apply", "-no-color", "-input=false", "-auto-approve"],
            &[],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("terraform");
    // Peak RSS of the provider processes, polled until Terraform is done.
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        for pid in provider_pids(child.id()) {
            peak_kib = peak_kib.max(vm_hwm_kib(&pid.to_string()).unwrap_or(0));
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "terraform finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let mut stderr = String::new();
    use std::io::Read as _;
    let _ = child
        .stderr
        .take()
        .map(|mut e| e.read_to_string(&mut stderr));
    assert!(status.success(), "apply under faults: {stderr}");
    let outputs: serde_json::Value =
        serde_json::from_str(&ws.run(&["output", "-no-color", "-json"]).stdout).expect("outputs");
    assert_eq!(
        outputs, baseline,
        "every data source answers as without faults"
    );
    let log = emulator.server.requests();
    eprintln!(
        "terraform soak: {count} data sources (Terraform {}), all correct, {:.2} s; {} cloud requests ({} faulted); \
         peak provider RSS {} MiB",
        TF_1_0_3.version,
        took.as_secs_f64(),
        log.len(),
        log.iter().filter(|r| r.fault.is_some()).count(),
        peak_kib / 1024
    );
}

/// The provider processes in Terraform's process group (Terraform re-executes itself under panicwrap,
/// so the provider is a grandchild).
fn provider_pids(group: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let Some((comm, rest)) = stat.split_once(") ") else {
                return false;
            };
            let pgrp = rest
                .split_whitespace()
                .nth(2)
                .and_then(|p| p.parse::<u32>().ok());
            pgrp == Some(group) && comm.contains("terraform-provi")
        })
        .collect()
}
