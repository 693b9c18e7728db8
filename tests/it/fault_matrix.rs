//! The fault matrix (issue 6 §1): every cloud API × every emulator fault, twice — a transient fault that
//! clears within `max_retries`, and a persistent one — through real gRPC (`serve_connections` on a unix
//! socket, the tfplugin6 client), plus a representative subset through real Terraform.
//!
//! Expected per case: a retryable fault that clears gives exactly the fault-free answer; otherwise the
//! read fails with no state at all (never a partial list) and exactly one error diagnostic naming the
//! cloud, the API action, the HTTP status or the cloud's code (or the timeout), and the request id
//! whenever the emulator put one on the wire that survived the fault. Never a panic. A summary table
//! is printed (`--nocapture`) and RELIABILITY.md quotes it.
//!
//! Nothing here depends on how fast the machine is: every case but `slow` runs with a per-attempt
//! timeout far above any attempt's duration on a loaded machine, and the `slow` case reads a small
//! listing (one short page, milliseconds) with a short timeout while the emulator delays answers far
//! beyond it. Oversized bodies announce their size (refused unread) or are cut at the cap, neither of
//! which races a timeout.

use crate::support;

use std::time::Instant;

use support::clouds::{self, Class, CloudApi, Fault, Paging, APIS, HOSTILE_BUDGET_MIB};
use support::grpc::{InProcess, Read, FAST_BACKOFF};
use terraform_provider_cloudimage::mock::{MockConfig, MockServer};

const MAX_RETRIES: u32 = 2;
/// The per-attempt timeout of every case but `slow`: never reached by a normal attempt, however loaded
/// the machine (the largest, a 1,000-image Baidu page, takes under half a second in a debug build on
/// 2 busy cores).
const TIMEOUT: &str = "30s";
/// The `slow` case's timeout, over a one-page listing of a few dozen images (milliseconds)...
const SLOW_CASE_TIMEOUT: &str = "1s";
/// ... and the emulator's delay: 60 times the timeout.
const SLOW_MS: u64 = 60_000;

/// A small listing (one short page) per API, for the `slow` case: what must succeed within its short
/// timeout is milliseconds of work. `id` is an image of the API's full listing.
fn small_config(api: &CloudApi, id: &str) -> serde_json::Value {
    match api.label {
        "baidu-list" => serde_json::json!({ "image_type": "FpgaBccCustom" }),
        "baidu-spec" => serde_json::json!({ "spec": "bcc.gn5.c8m32.1v100" }),
        "ucloud" => serde_json::json!({ "image_id": id }),
        _ => serde_json::json!({ "image_ids": [id] }),
    }
}

/// The provider's environment: fast retries, and the response budget the `huge_pages` fault exceeds.
fn provider_env() -> Vec<(&'static str, &'static str)> {
    let mut env = FAST_BACKOFF.to_vec();
    env.push(("CLOUDIMAGE_RESPONSE_BUDGET_MIB", HOSTILE_BUDGET_MIB));
    env
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The fault is served `MAX_RETRIES` times, then the emulator answers normally.
    Transient,
    /// Every matching request gets the fault.
    Persistent,
}

struct Outcome {
    api: &'static str,
    fault: &'static str,
    mode: Mode,
    expected: &'static str,
    failure: Option<String>,
    ms: u128,
    faulted: usize,
}

fn applies(fault: &Fault, api: &CloudApi) -> bool {
    fault.only.is_none_or(|p| p == api.paging)
}

fn is_paging(fault: &Fault) -> bool {
    fault.only.is_some()
}

/// Checks an error outcome; `Err` says what was wrong.
fn check_error(
    read: &Read,
    api: &CloudApi,
    fault: &Fault,
    fault_ids: &[String],
) -> Result<(), String> {
    if read.state.is_some() {
        return Err(format!(
            "a state came back: {:?}",
            read.ids().map(|i| i.len())
        ));
    }
    let errors = read.errors();
    if errors.len() != 1 || read.diags.len() != 1 {
        return Err(format!("want one error diagnostic, got {:?}", read.diags));
    }
    let text = errors[0].text();
    let mut want = vec![
        api.display.to_string(),
        format!("API action: {}", api.action),
    ];
    if fault.no_response {
        want.push(match fault.label {
            "slow" => "no complete response within".into(),
            _ => "connection".into(),
        });
    } else if !is_paging(fault) && !text.contains("HTTP status: ") && !text.contains("Error code: ")
    {
        return Err(format!("neither status nor code: {text}"));
    }
    // Paging faults too: the error carries the id of the page that broke the listing.
    let expect_id = !fault.no_response && (api.header_request_id || fault.enveloped);
    if expect_id
        && !fault_ids
            .iter()
            .any(|id| text.contains(&format!("Request id: {id}")))
    {
        return Err(format!("no request id of {fault_ids:?} in: {text}"));
    }
    if let Some(missing) = want.iter().find(|w| !text.contains(w.as_str())) {
        return Err(format!("lacks {missing:?}: {text}"));
    }
    if text.to_lowercase().contains("panic") {
        return Err(format!("mentions a panic: {text}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_under_every_fault_over_grpc() {
    let mock = MockServer::start(MockConfig::default())
        .await
        .expect("emulator");
    let plugin = InProcess::start(&provider_env()).await;
    let budget = plugin.provider.response_budget().clone();
    let url = mock.url();
    let mut outcomes = Vec::new();
    let started = Instant::now();
    for api in &APIS {
        // The fault-free answer, read through the same path.
        mock.clear_faults();
        let diags = plugin
            .configure(clouds::provider_for(api, &url, MAX_RETRIES, TIMEOUT))
            .await;
        assert!(diags.iter().all(|d| !d.error), "{diags:?}");
        mock.clear();
        let baseline = plugin.read(api.data_source, api.config()).await;
        assert!(
            baseline.errors().is_empty(),
            "{}: {:?}",
            api.label,
            baseline.diags
        );
        let baseline_ids = baseline.ids().expect("ids");
        assert!(!baseline_ids.is_empty(), "{}: images", api.label);
        // The cached listing keeps its share of the provider's one budget (every configuration charges
        // it); a later configuration's cache replaces this one and gives the share back.
        assert!(
            budget.used() > 0,
            "{}: the cached listing is charged to the provider's budget",
            api.label
        );
        // Paging faults need a listing of several pages.
        assert!(
            mock.requests().len() > 1,
            "{}: more than one page",
            api.label
        );
        // The slow case's small listing: one page.
        mock.clear();
        let small = small_config(api, &baseline_ids[0]);
        let small_baseline = plugin.read(api.data_source, small.clone()).await;
        assert!(
            small_baseline.errors().is_empty()
                && small_baseline.ids().is_some_and(|i| !i.is_empty()),
            "{}: small listing {:?}",
            api.label,
            small_baseline.diags
        );
        assert_eq!(
            mock.requests().len(),
            1,
            "{}: small listing is one page",
            api.label
        );

        for fault in clouds::faults(SLOW_MS).iter().filter(|f| applies(f, api)) {
            let slow = fault.label == "slow";
            let (timeout, config, baseline, baseline_ids) = if slow {
                let ids = small_baseline.ids().expect("ids");
                (SLOW_CASE_TIMEOUT, small.clone(), &small_baseline, ids)
            } else {
                (TIMEOUT, api.config(), &baseline, baseline_ids.clone())
            };
            for mode in [Mode::Transient, Mode::Persistent] {
                // A fresh configuration per case: a fresh listing cache, so every case hits the wire.
                plugin
                    .configure(clouds::provider_for(api, &url, MAX_RETRIES, timeout))
                    .await;
                let times = (mode == Mode::Transient).then_some(MAX_RETRIES);
                mock.set_faults(
                    serde_json::from_value(serde_json::json!({
                        "rules": [clouds::rule(fault, api, times)]
                    }))
                    .expect("rule"),
                )
                .expect("valid rule");
                mock.clear();
                let case_start = Instant::now();
                let read = plugin.read(api.data_source, config.clone()).await;
                let ms = case_start.elapsed().as_millis();
                let log = mock.requests();
                // This case's fault only: a slow answer of an earlier case may still be logged late.
                let kind = fault.rule["kind"].as_str();
                let fault_ids: Vec<String> = log
                    .iter()
                    .filter(|r| r.fault.is_some() && r.fault.as_deref() == kind)
                    .map(|r| r.request_id.clone())
                    .collect();
                // The emulator logs a request when it answers; a client that timed out never lets a
                // slow answer finish, so count those from the rule's used-up `times` or the attempts.
                let served = if fault.label == "slow" {
                    match mode {
                        Mode::Transient if mock.faults().rules.is_empty() => MAX_RETRIES as usize,
                        Mode::Persistent
                            if read.diags.iter().any(|d| {
                                d.detail.contains(&format!("Attempts: {}", MAX_RETRIES + 1))
                            }) =>
                        {
                            MAX_RETRIES as usize + 1
                        }
                        _ => 0,
                    }
                } else {
                    fault_ids.len()
                };
                let succeeds = fault.class == Class::Retryable && mode == Mode::Transient;
                // A failed read keeps nothing on the response budget (no listing is cached, every page
                // and body read for it is gone).
                let held = budget.used();
                let failure = if served == 0 {
                    Some("the fault was never served".to_string())
                } else if succeeds {
                    match (read.errors().is_empty(), read.ids()) {
                        (true, Some(ids))
                            if ids == baseline_ids && read.state == baseline.state =>
                        {
                            None
                        }
                        (true, ids) => Some(format!(
                            "a different answer: {} ids vs {}",
                            ids.map(|i| i.len()).unwrap_or(0),
                            baseline_ids.len()
                        )),
                        (false, _) => Some(format!("failed: {:?}", read.diags)),
                    }
                } else {
                    let attempts = match (fault.class, mode) {
                        (Class::Retryable, Mode::Persistent) => {
                            Some(format!("Attempts: {}", MAX_RETRIES + 1))
                        }
                        _ => None,
                    };
                    check_error(&read, api, fault, &fault_ids)
                        .err()
                        .or_else(|| {
                            (held != 0).then(|| format!("{held} bytes still held on the budget"))
                        })
                        .or_else(|| {
                            let text = read.errors()[0].text();
                            match attempts {
                                Some(a) if !text.contains(&a) => {
                                    Some(format!("lacks {a:?}: {text}"))
                                }
                                None if text.contains("Attempts:") => {
                                    Some(format!("retried a fatal fault: {text}"))
                                }
                                _ => None,
                            }
                        })
                };
                outcomes.push(Outcome {
                    api: api.label,
                    fault: fault.label,
                    mode,
                    expected: if succeeds {
                        "right answer"
                    } else {
                        "one error"
                    },
                    failure,
                    ms,
                    faulted: served,
                });
            }
        }
    }
    mock.clear_faults();
    // The server survived every case.
    plugin
        .configure(clouds::provider_for(&APIS[0], &url, 0, TIMEOUT))
        .await;
    let after = plugin.read(APIS[0].data_source, APIS[0].config()).await;
    assert!(
        after.errors().is_empty(),
        "still serving: {:?}",
        after.diags
    );

    eprintln!("| api | fault | mode | expected | result | faults served | ms |");
    eprintln!("|---|---|---|---|---|---|---|");
    for o in &outcomes {
        eprintln!(
            "| {} | {} | {:?} | {} | {} | {} | {} |",
            o.api,
            o.fault,
            o.mode,
            o.expected,
            match &o.failure {
                None => "pass".to_string(),
                Some(f) => format!("FAIL: {}", f.replace('\n', " ")),
            },
            o.faulted,
            o.ms
        );
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    eprintln!(
        "fault matrix over gRPC: {} cases, {} passed, {} failed, {:.1} s; response budget {} MiB, peak {:.1} MiB",
        outcomes.len(),
        outcomes.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64(),
        HOSTILE_BUDGET_MIB,
        budget.peak() as f64 / (1 << 20) as f64
    );
    assert!(
        failed.is_empty(),
        "{} cases failed (table above)",
        failed.len()
    );
    plugin.shutdown().await;
    mock.shutdown().await;
}

/// A representative subset through real Terraform 1.0.3 (protocol 6) and 0.14.6 (protocol 5): all five
/// APIs in one configuration; a transient throttle (right answers), persistent 503s and truncated
/// bodies (one error per data source), and the two paging faults.
#[test]
fn representative_faults_through_terraform() {
    use support::{output, strings, Emulator, Workspace, ALL_TERRAFORMS};
    let emulator = Emulator::start();
    let url = emulator.url();
    // No case here tests timeouts: a timeout no attempt reaches, however loaded the machine.
    let mut config = clouds::providers_hcl(&url, MAX_RETRIES, TIMEOUT);
    for api in &APIS {
        config.push_str(&clouds::data_source_hcl(api, &api.label.replace('-', "_")));
    }
    let faults = clouds::faults(SLOW_MS);
    let by_label = |l: &str| faults.iter().find(|f| f.label == l).expect("fault").clone();
    let mut cases = 0;
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config)
            .with_env(FAST_BACKOFF[0].0, FAST_BACKOFF[0].1)
            .with_env(FAST_BACKOFF[1].0, FAST_BACKOFF[1].1);
        ws.init();
        emulator.set_faults(serde_json::json!([]));
        let baseline = ws.apply_outputs();

        // Throttling on every API, cleared within max_retries: the same answers.
        let rules: Vec<_> = APIS
            .iter()
            .map(|a| clouds::rule(&by_label("throttle"), a, Some(MAX_RETRIES)))
            .collect();
        emulator.set_faults(serde_json::Value::Array(rules));
        let outputs = ws.apply_outputs();
        for api in &APIS {
            let name = api.label.replace('-', "_");
            assert_eq!(
                strings(output(&outputs, &name)),
                strings(output(&baseline, &name)),
                "{tf:?} {}: retried to the same answer",
                api.label
            );
        }
        cases += 1;

        // Persistent faults: one error per data source, naming cloud and action; no panic.
        for label in ["http_503", "truncated", "repeat_marker", "shrink_total"] {
            let fault = by_label(label);
            let affected: Vec<&CloudApi> = APIS
                .iter()
                .filter(|a| fault.only.is_none_or(|p| p == a.paging))
                .collect();
            let rules: Vec<_> = affected
                .iter()
                .map(|a| clouds::rule(&fault, a, None))
                .collect();
            emulator.set_faults(serde_json::Value::Array(rules));
            let run = ws.run(&["plan", "-no-color", "-input=false"]);
            let all = run.combined();
            assert!(!run.success, "{tf:?} {label}: plan must fail\n{all}");
            for api in &affected {
                assert!(
                    all.contains(&format!("API action: {}", api.action))
                        && all.contains(api.display),
                    "{tf:?} {label} {}: {all}",
                    api.label
                );
            }
            let summaries = all.matches("Error: ").count();
            assert_eq!(
                summaries,
                affected.len(),
                "{tf:?} {label}: one error per data source\n{all}"
            );
            assert!(
                !all.to_lowercase().contains("panic"),
                "{tf:?} {label}: {all}"
            );
            if fault.only == Some(Paging::Offset) || fault.only == Some(Paging::Marker) {
                assert!(all.contains("no partial result"), "{tf:?} {label}: {all}");
            }
            cases += 1;
        }
        emulator.set_faults(serde_json::json!([]));
    }
    eprintln!("fault matrix through Terraform: {cases} cases passed");
}
