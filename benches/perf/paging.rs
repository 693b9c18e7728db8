//! Figure 5: one 10,000-image offset listing (Tencent API 3.0, 100 pages of 100) against the
//! emulator with a per-request latency, read by the provider's own client with its default page
//! concurrency and with concurrency 1 (sequential paging, what the clouds' official providers do).

use std::time::{Duration, Instant};

use terraform_provider_cloudimage::cloud::paging::PAGE_CONCURRENCY;
use terraform_provider_cloudimage::cloud::tencent::client::PAGE_SIZE;
use terraform_provider_cloudimage::cloud::tencent::{
    TencentApi, TencentClient, TencentCredentials, TencentImageQuery,
};
use terraform_provider_cloudimage::cloud::{CloudContext, Endpoint, HttpExecutor};
use terraform_provider_cloudimage::mock::catalogue::{TENCENT_BULK_IMAGES, TENCENT_BULK_REGION};
use terraform_provider_cloudimage::mock::{FaultConfig, MockConfig, MockServer};
use terraform_provider_cloudimage::secret::Secret;

/// One timed listing: wall time and the requests the emulator saw.
struct Listing {
    elapsed: Duration,
    requests: usize,
    images: usize,
}

async fn list_once(server: &MockServer, concurrency: usize) -> Result<Listing, String> {
    let http =
        HttpExecutor::new(Default::default(), Default::default()).map_err(|e| e.to_string())?;
    // A fresh context per run: a fresh listing cache, so every run really pages.
    let ctx = CloudContext::new(http).with_page_concurrency(concurrency);
    let endpoint = Endpoint::parse(&server.url()).map_err(|e| e.to_string())?;
    let client = TencentClient::new(
        ctx,
        endpoint,
        TENCENT_BULK_REGION,
        TencentCredentials {
            secret_id: "AKIDmockTencent0000000000000000000000".into(),
            secret_key: Secret::new("mock-tencent-sk"),
        },
        TencentApi::V3,
    );
    server.clear();
    let started = Instant::now();
    let images = client
        .list_images(&TencentImageQuery::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(Listing {
        elapsed: started.elapsed(),
        requests: server.requests().len(),
        images: images.len(),
    })
}

/// Runs figure 5 and prints one JSON object.
pub fn run(latency_ms: u64, runs: usize) -> Result<serde_json::Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = MockServer::start(MockConfig {
            faults: FaultConfig {
                latency_ms: 0,
                rules: Vec::new(),
            },
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
        // Warm-up without latency: builds the bulk catalogue and the connection pool code paths.
        list_once(&server, PAGE_CONCURRENCY).await?;
        server
            .set_faults(FaultConfig {
                latency_ms,
                rules: Vec::new(),
            })
            .map_err(|e| e.to_string())?;
        let mut out = serde_json::Map::new();
        for (name, concurrency) in [("sequential", 1), ("concurrent", PAGE_CONCURRENCY)] {
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..runs {
                let l = list_once(&server, concurrency).await?;
                if l.images != TENCENT_BULK_IMAGES {
                    return Err(format!(
                        "{name}: {} images, expected {TENCENT_BULK_IMAGES}",
                        l.images
                    ));
                }
                times.push(l.elapsed.as_secs_f64() * 1000.0);
                last = Some(l);
            }
            let requests = last.map(|l| l.requests).unwrap_or(0);
            out.insert(
                name.into(),
                serde_json::json!({
                    "concurrency": concurrency,
                    "median_ms": crate::median(&mut times),
                    "runs_ms": times,
                    "requests": requests,
                }),
            );
        }
        let pages = TENCENT_BULK_IMAGES.div_ceil(PAGE_SIZE as usize);
        out.insert("images".into(), TENCENT_BULK_IMAGES.into());
        out.insert("pages".into(), pages.into());
        out.insert("latency_ms".into(), latency_ms.into());
        out.insert(
            "ideal_ms".into(),
            (pages.div_ceil(PAGE_CONCURRENCY) as u64 * latency_ms).into(),
        );
        server.shutdown().await;
        Ok(serde_json::Value::Object(out))
    })
}
