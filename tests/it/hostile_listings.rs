//! Hostile listings through real Terraform 1.0.3 (protocol 6) and 0.14.6 (protocol 5): an endpoint
//! whose every page is valid but huge, and one whose `TotalCount` is absurd for the pages it sends.
//!
//! - Huge pages on every cloud API: the plan fails with one budget error per data source (not an
//!   out-of-memory kill, not a hang), naming the response budget and the server-side filters that
//!   narrow that data source's query, after a bounded number of requests. The provider runs with a
//!   16 MiB budget (`CLOUDIMAGE_RESPONSE_BUDGET_MIB`) so that CI moves tens, not hundreds, of MiB.
//! - An absurd `TotalCount` on the offset-paged APIs: a clear paging error after the first request of
//!   each listing, counted in the emulator's request log.
//! - A listing that fits the budget while the answer built from it does not: the plural data source fails
//!   with the budget error, the singular one (one image of the same listing) still answers.
//!
//! The full-size figure (default 256 MiB budget, pages just under the 8 MiB body cap, ten listings at
//! once, the provider's peak RSS) is a separate command, documented in RELIABILITY.md:
//! `CLOUDIMAGE_HOSTILE_RSS=1 cargo test --test it -- --nocapture hostile_listings::peak_rss`.
//!
//! No timeouts are tested here: every per-attempt timeout is far above any attempt's duration.

use crate::support;

use std::time::{Duration, Instant};

use support::clouds::{self, CloudApi, APIS, HOSTILE_BUDGET_MIB};
use support::grpc::FAST_BACKOFF;
use support::{Emulator, Terraform, Workspace, ALL_TERRAFORMS, TF_1_0_3};

const MAX_RETRIES: u32 = 2;
const TIMEOUT: &str = "60s";
/// Pages in flight per offset listing (`cloud::paging::PAGE_CONCURRENCY`).
const PAGE_CONCURRENCY: usize = 16;

/// Terraform's output with every run of whitespace made one space (Terraform may wrap long lines).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn workspace(tf: Terraform, config: &str, budget_mib: Option<&str>) -> Workspace {
    let mut ws = Workspace::new(tf, config)
        .with_env(FAST_BACKOFF[0].0, FAST_BACKOFF[0].1)
        .with_env(FAST_BACKOFF[1].0, FAST_BACKOFF[1].1);
    if let Some(mib) = budget_mib {
        ws = ws.with_env("CLOUDIMAGE_RESPONSE_BUDGET_MIB", mib);
    }
    ws.init();
    ws
}

/// What the budget error's hint tells a user of `api` to set.
fn narrowing(api: &CloudApi) -> &'static str {
    match api.label {
        "baidu-list" => "set `image_type` (for example \"System\") or `image_name`",
        "baidu-spec" => "set `os_name` (sent as osName)",
        "ucloud" => "set `image_type`, `os_type`, `func_type`, `zone` or `image_id`",
        _ => "set `image_type`, `image_ids`, `instance_type` or `filter` blocks",
    }
}

#[test]
fn huge_pages_fail_with_the_budget_error_on_every_cloud() {
    let emulator = Emulator::start();
    let mut config = clouds::providers_hcl(&emulator.url(), MAX_RETRIES, TIMEOUT);
    for api in &APIS {
        config.push_str(&clouds::data_source_hcl(api, &api.label.replace('-', "_")));
    }
    for tf in ALL_TERRAFORMS {
        let ws = workspace(tf, &config, Some(HOSTILE_BUDGET_MIB));
        // Every page a valid answer of 6 MiB (under the 8 MiB body cap): each page fits the budget, the
        // listings do not.
        emulator.set_faults(serde_json::json!([{ "kind": "huge_pages", "mib": 6 }]));
        emulator.server.clear();
        let started = Instant::now();
        let run = ws.run(&["plan", "-no-color", "-input=false"]);
        let took = started.elapsed();
        let all = flat(&run.combined());
        assert!(!run.success, "{tf:?}: the plan must fail\n{all}");
        assert_eq!(
            all.matches("Error: ").count(),
            APIS.len(),
            "{tf:?}: one error per data source\n{all}"
        );
        let budget =
            format!("would take the provider past its response budget of {HOSTILE_BUDGET_MIB} MiB");
        assert_eq!(
            all.matches(&budget).count(),
            APIS.len(),
            "{tf:?}: every error names the budget\n{all}"
        );
        for api in &APIS {
            assert!(
                all.contains(&format!(
                    "Failed to list images{}",
                    if api.label == "baidu-spec" {
                        " for a spec"
                    } else {
                        ""
                    }
                )) && all.contains(&format!("API action: {}", api.action))
                    && all.contains(narrowing(api)),
                "{tf:?} {}: names the action and how to narrow the query\n{all}",
                api.label
            );
        }
        assert!(
            all.contains(
                "`name_regex` and the other client-side filters do not reduce what is read"
            ),
            "{all}"
        );
        // Still alive: no crash, and no broken connection to a provider that was killed.
        for bad in [
            "panic",
            "plugin crashed",
            "rpc error",
            "connection is shut down",
        ] {
            assert!(!all.to_lowercase().contains(bad), "{tf:?}: {bad}\n{all}");
        }
        // Bounded work: a marker listing stops at the page that does not fit (the list API's first
        // page alone nearly fills 16 MiB), an offset listing after its first page and one round of
        // pages in flight.
        let counts = [
            ("ListImages", 2),
            ("GetAvailableImagesBySpec", 2),
            ("DescribeImage", 1 + PAGE_CONCURRENCY),
            ("DescribeImages", 2 * (1 + PAGE_CONCURRENCY)),
        ];
        let mut summary = Vec::new();
        for (action, most) in counts {
            let n = emulator.count(action);
            assert!(
                (1..=most).contains(&n),
                "{tf:?} {action}: {n} requests (at most {most})"
            );
            summary.push(format!("{action} {n}"));
        }
        eprintln!(
            "huge pages, Terraform {}: plan failed with {} budget errors in {:.1} s; requests: {}",
            tf.version,
            APIS.len(),
            took.as_secs_f64(),
            summary.join(", ")
        );
    }
}

#[test]
fn an_absurd_total_count_fails_after_one_request_per_listing() {
    let emulator = Emulator::start();
    let offset_apis: Vec<&CloudApi> = APIS
        .iter()
        .filter(|a| a.paging == clouds::Paging::Offset)
        .collect();
    let mut config = clouds::providers_hcl(&emulator.url(), MAX_RETRIES, TIMEOUT);
    for api in &offset_apis {
        config.push_str(&clouds::data_source_hcl(api, &api.label.replace('-', "_")));
    }
    // (TotalCount claimed with 1 image a page, words of the error)
    let cases = [
        (
            1_000_000u64,
            "TotalCount 1000000 exceeds 100000 images; no real catalogue is that large, so no further page was read",
        ),
        (
            50_000,
            "TotalCount 50000 at 1 images a page (the first page's size) would take 50000 pages, more than 1000; no real catalogue is that long, so no further page was read",
        ),
    ];
    for tf in ALL_TERRAFORMS {
        let ws = workspace(tf, &config, None);
        for (total, words) in cases {
            emulator.set_faults(serde_json::json!([{ "kind": "absurd_total", "by": total }]));
            emulator.server.clear();
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            let all = flat(&run.combined());
            assert!(!run.success, "{tf:?} {total}: the plan must fail\n{all}");
            assert_eq!(
                all.matches("Error: ").count(),
                offset_apis.len(),
                "{tf:?} {total}: one error per data source\n{all}"
            );
            assert_eq!(
                all.matches(words).count(),
                offset_apis.len(),
                "{tf:?}: {all}"
            );
            for api in &offset_apis {
                assert!(
                    all.contains(&format!("API action: {}", api.action))
                        && all.contains(api.display),
                    "{tf:?} {}: {all}",
                    api.label
                );
            }
            assert!(all.contains("no partial result"), "{all}");
            // One request per listing: the first page, whose TotalCount is judged before any other.
            let (ucloud, tencent) = (
                emulator.count("DescribeImage"),
                emulator.count("DescribeImages"),
            );
            assert_eq!((ucloud, tencent), (1, 2), "{tf:?} {total}: requests");
            eprintln!(
                "absurd TotalCount {total}, Terraform {}: plan failed after {} requests ({ucloud} UCloud, {tencent} Tencent)",
                tf.version,
                ucloud + tencent
            );
        }
    }
}

#[test]
fn an_answer_larger_than_the_budget_fails_and_a_narrower_one_is_returned() {
    let emulator = Emulator::start();
    let providers = clouds::providers_hcl(&emulator.url(), MAX_RETRIES, TIMEOUT);
    let plural = "data \"cloudimage_tencent_images\" \"all\" {}\n";
    let singular = "data \"cloudimage_tencent_image\" \"newest\" {\n  most_recent = true\n}\noutput \"newest\" { value = data.cloudimage_tencent_image.newest.id }\n";
    // 3 pages of 2 MiB of text: the listing (6 MiB) fits the 16 MiB budget, an answer of all its images
    // (charged three times: values, encoding, frame) does not; one image does.
    let faults = serde_json::json!([{ "kind": "huge_pages", "mib": 2, "cloud": "tencent-v3" }]);
    for tf in ALL_TERRAFORMS {
        let ws = workspace(
            tf,
            &format!("{providers}{plural}{singular}"),
            Some(HOSTILE_BUDGET_MIB),
        );
        emulator.set_faults(faults.clone());
        emulator.server.clear();
        let run = ws.run(&["plan", "-no-color", "-input=false"]);
        let all = flat(&run.combined());
        assert!(!run.success, "{tf:?}: the plan must fail\n{all}");
        assert_eq!(
            all.matches("Error: ").count(),
            1,
            "{tf:?}: only the plural fails\n{all}"
        );
        for words in [
            "Error: Answer too large for the provider's response budget",
            "data \"cloudimage_tencent_images\" \"all\"",
            &format!(
                "would take the provider past its response budget of {HOSTILE_BUDGET_MIB} MiB"
            ),
            "every filter shrinks the answer",
            "use a singular data source with `most_recent = true`",
        ] {
            assert!(all.contains(words), "{tf:?}: lacks {words:?}\n{all}");
        }
        assert_eq!(
            emulator.count("DescribeImages"),
            3,
            "{tf:?}: one listing, read once"
        );
        // The narrower answer alone works, on the same hostile listing.
        ws.write_config(&format!("{providers}{singular}"));
        let outputs = ws.apply_outputs();
        let id = support::output(&outputs, "newest");
        assert!(
            id.as_str().is_some_and(|i| i.starts_with("img-")),
            "{tf:?}: {id}"
        );
        eprintln!(
            "answer over budget, Terraform {}: the plural fails, the singular returns {id}",
            tf.version
        );
    }
}

/// The full-size figure for RELIABILITY.md; set `CLOUDIMAGE_HOSTILE_RSS=1` (and `CLOUDIMAGE_TEST_BINARY`
/// for the release binary). Ten data sources, each reading a different listing of 7 MiB pages (the
/// largest under the 8 MiB body cap), against the default 256 MiB budget, in one provider process; then
/// the worst single listing (100 pages of the emulator's bulk region); then the same ten without faults
/// for the baseline; then a listing that fits the budget (100 MiB of text) but whose answer, three copies
/// of it, does not. Prints the provider's peak RSS (VmHWM) for each.
#[test]
fn peak_rss_under_hostile_listings() {
    if !std::env::var("CLOUDIMAGE_HOSTILE_RSS").is_ok_and(|v| !v.is_empty() && v != "0") {
        eprintln!("skipped: set CLOUDIMAGE_HOSTILE_RSS=1 to measure");
        return;
    }
    // The provider inherits this process's environment: a smaller budget here shows how the peak moves
    // with it.
    let budget_mib =
        std::env::var("CLOUDIMAGE_RESPONSE_BUDGET_MIB").unwrap_or_else(|_| "256".into());
    let budget_words = format!("response budget of {budget_mib} MiB");
    let emulator = Emulator::start();
    let mut config = clouds::providers_hcl(&emulator.url(), MAX_RETRIES, TIMEOUT);
    let sources: [(&str, &str, &str); 10] = [
        (
            "cloudimage_tencent_images",
            "bulk",
            r#"region = "ap-bench""#,
        ),
        (
            "cloudimage_tencent_images",
            "bulk_public",
            "region = \"ap-bench\"\nimage_type = \"PUBLIC_IMAGE\"",
        ),
        (
            "cloudimage_tencent_images",
            "guangzhou",
            r#"region = "ap-guangzhou""#,
        ),
        (
            "cloudimage_tencent_images",
            "shanghai",
            r#"region = "ap-shanghai""#,
        ),
        ("cloudimage_ucloud_images", "bj2", r#"region = "cn-bj2""#),
        (
            "cloudimage_ucloud_images",
            "bj2_base",
            "region = \"cn-bj2\"\nimage_type = \"Base\"",
        ),
        ("cloudimage_baidu_images", "all", ""),
        (
            "cloudimage_baidu_images",
            "custom",
            r#"image_type = "Custom""#,
        ),
        (
            "cloudimage_baidu_images",
            "system",
            r#"image_type = "System""#,
        ),
        (
            "cloudimage_baidu_spec_images",
            "spec",
            r#"spec = "bcc.g5.c2m8""#,
        ),
    ];
    for (ds, name, body) in sources {
        config.push_str(&format!(
            "data \"{ds}\" \"{name}\" {{\n{body}\n}}\noutput \"{name}\" {{ value = length(data.{ds}.{name}.ids) }}\n"
        ));
    }
    let ws = workspace(TF_1_0_3, &config, None);
    let bulk_only = format!(
        "{}data \"cloudimage_tencent_images\" \"bulk\" {{\nregion = \"ap-bench\"\n}}\n",
        clouds::providers_hcl(&emulator.url(), MAX_RETRIES, TIMEOUT)
    );
    let single = workspace(TF_1_0_3, &bulk_only, None);
    let runs: [(&str, &Workspace, serde_json::Value); 4] = [
        (
            "ten hostile listings at once (huge_pages mib=7)",
            &ws,
            serde_json::json!([{ "kind": "huge_pages", "mib": 7 }]),
        ),
        (
            "one hostile listing, 100 pages (Tencent ap-bench, huge_pages mib=7)",
            &single,
            serde_json::json!([{ "kind": "huge_pages", "mib": 7 }]),
        ),
        (
            "the same ten listings without faults (baseline)",
            &ws,
            serde_json::json!([]),
        ),
        (
            "one listing that fits the budget, but not its answer (Tencent ap-bench, huge_pages mib=1: 100 MiB of text)",
            &single,
            serde_json::json!([{ "kind": "huge_pages", "mib": 1 }]),
        ),
    ];
    for (label, ws, faults) in runs {
        emulator.set_faults(faults.clone());
        emulator.server.clear();
        let (success, peak_kib, took, output) = plan_with_peak_rss(ws);
        // Every hostile run fails with the budget error (the last one when its answer is built).
        let hostile = faults.as_array().is_some_and(|f| !f.is_empty());
        let all = flat(&output);
        if hostile {
            assert!(!success, "{label}: must fail\n{all}");
            assert!(all.contains(&budget_words), "{label}: {all}");
        } else {
            assert!(success, "{label}: {all}");
        }
        for line in output
            .lines()
            .filter(|l| l.contains("Error: ") || l.contains("Message: "))
        {
            eprintln!("    {}", line.trim().chars().take(200).collect::<String>());
        }
        let log = emulator.server.requests();
        eprintln!(
            "{label}: plan {} in {:.1} s, {} requests ({} answered with a huge page), {} budget errors; provider peak RSS (VmHWM) {:.1} MiB",
            if success { "succeeded" } else { "failed" },
            took.as_secs_f64(),
            log.len(),
            log.iter().filter(|r| r.fault.is_some()).count(),
            all.matches(&budget_words).count(),
            peak_kib as f64 / 1024.0
        );
    }
}

/// `terraform plan` with the peak RSS of its provider processes, polled until Terraform exits.
fn plan_with_peak_rss(ws: &Workspace) -> (bool, u64, Duration, String) {
    use std::io::Read as _;
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    let mut child = ws
        .command(&["plan", "-no-color", "-input=false"], &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("terraform");
    // Drain the pipes meanwhile, so a large output cannot block Terraform.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        for pid in provider_pids(child.id()) {
            peak_kib = peak_kib.max(vm_hwm_kib(pid).unwrap_or(0));
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "terraform did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    let output = format!(
        "{}\n{}",
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    (status.success(), peak_kib, took, output)
}

/// The provider processes in Terraform's process group.
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

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}
