//! Secret hygiene (issue 6 §5): every data source the provider registers, read with secrets that look
//! different raw, URL-encoded and base64-encoded, at `TF_LOG=TRACE`, without and with faults that produce
//! errors. Every log line, diagnostic, raw gRPC response, `output_file` and the state file is scanned
//! for each secret in each form: zero hits. And credentials never go over plain http to another host.

use crate::support;

use base64::Engine;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use support::clouds::{TENCENT_REGION, UCLOUD_PROJECT, UCLOUD_REGION};
use support::grpc::{InProcess, FAST_BACKOFF};
use terraform_provider_cloudimage::data_sources;
use terraform_provider_cloudimage::mock::{Cloud, Credentials, MockConfig, MockServer};
use terraform_provider_cloudimage::secret::Secret;

const BAIDU: (&str, &str) = ("rel-baidu-ak", "Rel/Baidu+Secret=K3y&a b");
const UCLOUD: (&str, &str) = ("rel-ucloud-public", "rel~ucloud:private/key+%2F==");
const TENCENT: (&str, &str) = (
    "AKIDrelTencent00000000000000000000000",
    "rel tencent@secret/key?=+",
);

fn credentials() -> Credentials {
    let mut c = Credentials::empty();
    c.add(Cloud::Baidu, BAIDU.0, Secret::new(BAIDU.1));
    c.add(Cloud::Ucloud, UCLOUD.0, Secret::new(UCLOUD.1));
    c.add(Cloud::Tencent, TENCENT.0, Secret::new(TENCENT.1));
    c
}

/// Each secret in every form it could leak in.
fn forms() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for secret in [BAIDU.1, UCLOUD.1, TENCENT.1] {
        let b64 = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for (f, name) in [
            (secret.to_string(), "raw"),
            (
                utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
                "percent-encoded",
            ),
            (form, "form-encoded"),
            (b64.encode(secret), "base64"),
            (
                b64.encode(secret).trim_end_matches('=').to_string(),
                "base64 unpadded",
            ),
            (url.encode(secret), "base64url"),
        ] {
            out.push((f, name));
        }
    }
    out
}

/// Hits of any secret form in `text`, as "form in what".
fn scan(text: &str, what: &str, hits: &mut Vec<String>) {
    for (form, name) in forms() {
        if text.contains(&form) {
            hits.push(format!("{name} {form:?} in {what}"));
        }
    }
}

fn provider_json(url: &str, tencent_api: &str, retries: u32) -> serde_json::Value {
    serde_json::json!({
        "max_retries": retries,
        "request_timeout": "2s",
        "baidu": { "access_key": BAIDU.0, "secret_key": BAIDU.1, "endpoint": url },
        "ucloud": { "public_key": UCLOUD.0, "private_key": UCLOUD.1, "region": UCLOUD_REGION,
                    "project_id": UCLOUD_PROJECT, "endpoint": url },
        "tencent": { "secret_id": TENCENT.0, "secret_key": TENCENT.1, "region": TENCENT_REGION,
                     "endpoint": url, "api": tencent_api },
    })
}

/// Every registered data source's name with a configuration that reads (singulars pick the newest).
fn data_source_configs() -> Vec<(&'static str, serde_json::Value)> {
    data_sources::registry()
        .iter()
        .map(|ds| {
            let name = ds.type_name();
            let schema = ds.schema();
            let has = |attr: &str| schema.block.attributes.iter().any(|a| a.name == attr);
            let mut config = serde_json::json!({});
            if name.contains("baidu_spec") {
                config["spec"] = support::clouds::BAIDU_SPEC.into();
            }
            if has("most_recent") {
                config["most_recent"] = true.into();
            }
            (name, config)
        })
        .collect()
}

/// Every fault kind that ends in an error diagnostic (persistent, so retries cannot clear them).
const ERROR_FAULTS: [&str; 6] = [
    "throttle",
    "http_error",
    "truncated",
    "html",
    "wrong_shape",
    "reset",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_grpc_responses_or_diagnostics() {
    let mock = MockServer::start(MockConfig {
        credentials: credentials(),
        ..Default::default()
    })
    .await
    .expect("emulator");
    let plugin = InProcess::start(&FAST_BACKOFF).await;
    let out_dir = tempfile::tempdir().expect("dir");
    let mut hits = Vec::new();
    let mut reads = 0;
    for tencent_api in ["v3", "legacy"] {
        for fault in std::iter::once(None).chain(ERROR_FAULTS.map(Some)) {
            let diags = plugin
                .configure(provider_json(&mock.url(), tencent_api, 1))
                .await;
            assert!(diags.iter().all(|d| !d.error), "{diags:?}");
            let rules = match fault {
                Some(kind) => serde_json::json!([{ "kind": kind }]),
                None => serde_json::json!([]),
            };
            mock.set_faults(serde_json::from_value(serde_json::json!({ "rules": rules })).unwrap())
                .unwrap();
            for (name, mut config) in data_source_configs() {
                let file = out_dir
                    .path()
                    .join(format!("{name}-{tencent_api}-{fault:?}.json"));
                let has_output_file = plugin
                    .provider
                    .data_source_schema(name)
                    .is_some_and(|s| s.block.attributes.iter().any(|a| a.name == "output_file"));
                if has_output_file {
                    config["output_file"] = file.to_str().unwrap().into();
                }
                let read = plugin.read(name, config).await;
                reads += 1;
                if fault.is_some() {
                    assert!(!read.errors().is_empty(), "{name} {fault:?}: an error");
                } else {
                    assert!(read.errors().is_empty(), "{name}: {:?}", read.diags);
                }
                let what = format!("{name} ({tencent_api}, {fault:?})");
                for d in &read.diags {
                    scan(&d.text(), &format!("a diagnostic of {what}"), &mut hits);
                }
                scan(
                    &String::from_utf8_lossy(&read.raw_state),
                    &format!("the state of {what}"),
                    &mut hits,
                );
                if let Ok(text) = std::fs::read_to_string(&file) {
                    scan(&text, &format!("output_file of {what}"), &mut hits);
                }
            }
        }
    }
    // Auth failures quote the key id, never the secret (a wrong secret is scanned too).
    let wrong = "Wrong/Secret+Value=1";
    let mut bad = provider_json(&mock.url(), "v3", 0);
    for cloud in ["baidu", "ucloud", "tencent"] {
        let key = if cloud == "ucloud" {
            "private_key"
        } else {
            "secret_key"
        };
        bad[cloud][key] = wrong.into();
    }
    mock.clear_faults();
    plugin.configure(bad).await;
    for (name, config) in data_source_configs() {
        let read = plugin.read(name, config).await;
        reads += 1;
        let text: String = read.diags.iter().map(|d| d.text()).collect();
        assert!(!read.errors().is_empty(), "{name}: auth error");
        assert!(
            !text.contains(wrong),
            "{name}: the wrong secret leaked: {text}"
        );
    }
    eprintln!(
        "secret scan over gRPC: {reads} reads, {} forms per secret, {} hits",
        forms().len() / 3,
        hits.len()
    );
    assert!(hits.is_empty(), "{hits:#?}");
    plugin.shutdown().await;
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_never_sent_over_plain_http_to_another_host() {
    let plugin = InProcess::start(&FAST_BACKOFF).await;
    // Refused before any client is built or any connection tried: the diagnostic below comes from that check.
    let remote = "http://10.255.255.1:8080";
    for tencent_api in ["v3", "legacy"] {
        plugin
            .configure(provider_json(remote, tencent_api, 0))
            .await;
        for (name, config) in data_source_configs() {
            let read = plugin.read(name, config).await;
            let errors = read.errors();
            // The cross-cloud search reports each configured cloud it refused.
            let want = if name == "cloudimage_images" { 3 } else { 1 };
            assert_eq!(errors.len(), want, "{name}: {:?}", read.diags);
            assert!(
                errors.iter().all(|e| e
                    .summary
                    .starts_with("Credentials would be sent over plain http")),
                "{name}: {:?}",
                read.diags
            );
            assert!(
                errors[0].detail.contains("10.255.255.1"),
                "{name}: {}",
                errors[0].detail
            );
        }
    }
    plugin.shutdown().await;
}

#[test]
fn no_secret_in_trace_logs_output_files_or_state() {
    use support::{Emulator, Workspace, ALL_TERRAFORMS};
    let emulator = Emulator::start_with(MockConfig {
        credentials: credentials(),
        ..Default::default()
    });
    let url = emulator.url();
    let provider = |alias: &str, api: &str| {
        format!(
            "provider \"cloudimage\" {{\n  {alias}\n  max_retries = 1\n  baidu {{\n    access_key = \"{}\"\n    endpoint = \"{url}\"\n  }}\n  ucloud {{\n    public_key = \"{}\"\n    region = \"{UCLOUD_REGION}\"\n    project_id = \"{UCLOUD_PROJECT}\"\n    endpoint = \"{url}\"\n  }}\n  tencent {{\n    secret_id = \"{}\"\n    region = \"{TENCENT_REGION}\"\n    endpoint = \"{url}\"\n    api = \"{api}\"\n  }}\n}}\n",
            BAIDU.0, UCLOUD.0, TENCENT.0
        )
    };
    let mut config = format!(
        "{}{}",
        provider("", "v3"),
        provider("alias = \"legacy\"", "legacy")
    );
    for (name, ds_config) in data_source_configs() {
        for (suffix, alias) in [("v3", ""), ("legacy", "provider = cloudimage.legacy\n")] {
            if !name.contains("tencent") && suffix == "legacy" {
                continue;
            }
            let mut body = String::from(alias);
            for (k, v) in ds_config.as_object().unwrap() {
                body.push_str(&format!("{k} = {v}\n"));
            }
            if ds_config.get("most_recent").is_none() {
                body.push_str(&format!(
                    "output_file = \"${{path.module}}/out-{name}-{suffix}.json\"\n"
                ));
            }
            config.push_str(&format!("data \"{name}\" \"{suffix}\" {{\n{body}}}\n"));
        }
    }
    let mut scanned = 0;
    for tf in ALL_TERRAFORMS {
        let ws = Workspace::new(tf, &config);
        ws.init();
        let log = ws.path().join("trace.log");
        // Secrets come from the environment, so the configuration itself holds none and every file
        // in the workspace can be scanned.
        let env = [
            ("TF_LOG", "TRACE"),
            ("TF_LOG_PATH", log.to_str().unwrap()),
            ("BAIDUCLOUD_SECRET_KEY", BAIDU.1),
            ("UCLOUD_PRIVATE_KEY", UCLOUD.1),
            ("TENCENTCLOUD_SECRET_KEY", TENCENT.1),
        ];
        let mut hits = Vec::new();
        let mut outputs_text = String::new();
        // Success (output files written), then every error-producing fault.
        emulator.set_faults(serde_json::json!([]));
        let run = ws.run_with(
            &["apply", "-no-color", "-input=false", "-auto-approve"],
            &env,
        );
        run.assert_ok();
        scan(&run.combined(), "terraform output", &mut hits);
        outputs_text.push_str(&run.combined());
        for fault in ERROR_FAULTS {
            emulator.set_faults(serde_json::json!([{ "kind": fault }]));
            let run = ws.run_with(&["plan", "-no-color", "-input=false"], &env);
            assert!(!run.success, "{tf:?} {fault}: fails");
            scan(
                &run.combined(),
                &format!("terraform output ({fault})"),
                &mut hits,
            );
            outputs_text.push_str(&run.combined());
        }
        for entry in std::fs::read_dir(ws.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                scanned += text.lines().count();
                scan(&text, &path.display().to_string(), &mut hits);
            }
        }
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        // 0.14.6 (the PyPI build) logs to stderr whatever TF_LOG_PATH says: either place counts.
        assert!(
            format!("{log_text}{outputs_text}").contains("ReadDataSource"),
            "{tf:?}: the TRACE log captured the provider's RPCs"
        );
        assert!(hits.is_empty(), "{tf:?}: {hits:#?}");
        // Output files were written.
        let outputs = std::fs::read_dir(ws.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("out-")
            })
            .count();
        assert!(outputs > 0, "{tf:?}: output files written");
    }
    eprintln!("secret scan through Terraform: {scanned} lines of logs, output files and state scanned, 0 hits");
}
