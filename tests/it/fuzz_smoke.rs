//! A stable-toolchain smoke version of the `cloud_responses` and `data_source_config` fuzz targets
//! (fuzz/): seeded random mutations of realistic inputs through the same entry points, for a short time
//! in CI. No panic is the property. `CLOUDIMAGE_FUZZ_SECS` (default 2 per target) sets the budget,
//! `CLOUDIMAGE_FUZZ_SEED` replays a run. The real fuzzing is cargo-fuzz; see RELIABILITY.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use terraform_provider_cloudimage::cloud::fuzzing::{decode_page, ResponseApi};
use terraform_provider_cloudimage::data_sources;
use terraform_provider_cloudimage::provider::Provider;
use terraform_provider_cloudimage::server::fuzzing::{
    configure_json_v6, read_data_source_v6, validate_data_source_v6,
};

fn budget() -> Duration {
    let secs = std::env::var("CLOUDIMAGE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(2);
    Duration::from_secs(secs)
}

fn rng() -> (u64, StdRng) {
    let seed = std::env::var("CLOUDIMAGE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    (seed, StdRng::seed_from_u64(seed))
}

/// Byte-level mutations: flips, inserts of interesting bytes, deletions, splices, truncation.
fn mutate(rng: &mut StdRng, input: &[u8], seeds: &[&[u8]]) -> Vec<u8> {
    const INTERESTING: &[&[u8]] = &[
        b"null",
        b"-1",
        b"1e400",
        b"\"\"",
        b"[]",
        b"{}",
        b"18446744073709551616",
        b"\"\\u0000\"",
        b"true",
        b"\xff",
        b"\xc1",
        b"\xdd\xff\xff\xff\xff",
        b"\x92",
    ];
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..6) {
        let len = out.len();
        match rng.random_range(0..6) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                let i = rng.random_range(0..=len);
                let what = INTERESTING[rng.random_range(0..INTERESTING.len())];
                out.splice(i..i, what.iter().copied());
            }
            2 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = rng.random_range(a..=len.min(a + 16));
                out.drain(a..b);
            }
            3 => {
                let other = seeds[rng.random_range(0..seeds.len())];
                let cut = rng.random_range(0..=other.len());
                let i = rng.random_range(0..=len);
                out.splice(i..i, other[..cut].iter().copied());
            }
            4 if len > 0 => out.truncate(rng.random_range(0..len)),
            _ => out.push(rng.random()),
        }
    }
    out
}

const PAGES: &[&[u8]] = &[
    br#"{"marker":"m-1","isTruncated":true,"nextMarker":"m-2","maxKeys":1000,"images":[{"id":"m-a1","name":"Ubuntu 22.04","type":"System","osType":"linux","osName":"Ubuntu","osVersion":"22.04","osArch":"x86_64 (64bit)","status":"Available","createTime":"2024-01-02T03:04:05Z"}]}"#,
    br#"{"images":[{"id":"m-b","name":"gpu","osName":"CentOS","osVersion":"7.9","osArch":"x86_64 (64bit)","osType":"linux","osBuild":"2021"}],"isTruncated":false}"#,
    br#"{"code":"InternalError","message":"boom","requestId":"r-1"}"#,
    br#"{"Action":"DescribeImageResponse","RetCode":0,"TotalCount":2,"ImageSet":[{"ImageId":"uimage-1","ImageName":"CentOS 7","OsType":"Linux","OsName":"CentOS 7.9 64","ImageType":"Base","State":"Available","CreateTime":1700000000,"Features":["NetEnhanced"],"Zone":"cn-bj2-02"}]}"#,
    br#"{"RetCode":2001,"Message":"too frequent"}"#,
    br#"{"Response":{"TotalCount":1,"ImageSet":[{"ImageId":"img-1","ImageName":"TencentOS","OsName":"TencentOS Server 3.1","ImageType":"PUBLIC_IMAGE","CreatedTime":"2024-01-01T00:00:00Z","Architecture":"x86_64","Platform":"TencentOS","ImageState":"NORMAL"}],"RequestId":"r-2"}}"#,
    br#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"r-3"}}"#,
    br#"{"code":0,"message":"","totalCount":1,"imageSet":[{"unImgId":"img-2","imageName":"CentOS","osName":"CentOS 7.6 64bit","imageType":2,"createTime":"2020-01-01 00:00:00"}]}"#,
    br#"{"code":4100,"codeDesc":"AuthFailure","message":"bad"}"#,
];

#[test]
fn cloud_responses_never_panic() {
    let (seed, mut rng) = rng();
    let deadline = Instant::now() + budget();
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let base = PAGES[rng.random_range(0..PAGES.len())];
        let body = mutate(&mut rng, base, PAGES);
        let api = ResponseApi::ALL[rng.random_range(0..ResponseApi::ALL.len())];
        let status = [200, 200, 200, 400, 403, 429, 500, 502, 503][rng.random_range(0..9)];
        let result = std::panic::catch_unwind(|| decode_page(api, status, Some("rid"), &body));
        assert!(
            result.is_ok(),
            "seed {seed}: {api:?} {status} panicked on {:?}",
            String::from_utf8_lossy(&body)
        );
        runs += 1;
    }
    eprintln!("cloud_responses smoke: {runs} inputs, seed {seed}");
}

const CONFIGS: &[&[u8]] = &[
    br#"{"name_regex":"^Ubuntu","image_type":"system"}"#,
    br#"{"spec":"bcc.gn5.c8m32.1v100","os_name":"CentOS","most_recent":true}"#,
    br#"{"region":"cn-bj2","zone":"cn-bj2-02","image_type":"Base","status":"Available"}"#,
    br#"{"filter":[{"name":"platform","values":["TencentOS","Ubuntu"]}],"image_ids":["img-1"]}"#,
    br#"{"instance_type":"S5.MEDIUM4","name_regex":"(","output_file":"/dev/null"}"#,
    // msgpack: a fixmap with one string attribute, and nested arrays.
    b"\x81\xaaname_regex\xa3^Ub",
    b"\x82\xa6filter\x91\x82\xa4name\xa8platform\xa6values\x91\xa6Ubuntu\xa6region\xc0",
];

#[test]
fn data_source_config_path_never_panics() {
    let (seed, mut rng) = rng();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let provider = Arc::new(Provider::with_env(
        data_sources::registry(),
        Box::new(|_| None),
    ));
    let endpoint = "http://127.0.0.1:9";
    let config = serde_json::json!({
        "max_retries": 0,
        "request_timeout": "1s",
        "baidu": {"access_key": "ak", "secret_key": "sk", "endpoint": endpoint},
        "ucloud": {"public_key": "pk", "private_key": "pk", "region": "cn-bj2", "endpoint": endpoint},
        "tencent": {"secret_id": "id", "secret_key": "sk", "region": "ap-guangzhou", "endpoint": endpoint},
    });
    let diags = runtime.block_on(configure_json_v6(
        &provider,
        &serde_json::to_vec(&config).unwrap(),
    ));
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<&str> = provider.data_source_names().collect();
    let deadline = Instant::now() + budget();
    let (mut runs, mut decoded) = (0u64, 0u64);
    while Instant::now() < deadline {
        let base = CONFIGS[rng.random_range(0..CONFIGS.len())];
        let bytes = mutate(&mut rng, base, CONFIGS);
        let name = names[rng.random_range(0..names.len())];
        let json = base.first() == Some(&b'{');
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let v = validate_data_source_v6(&provider, name, &bytes, json);
            let r = runtime.block_on(read_data_source_v6(&provider, name, &bytes, json));
            (v, r)
        }));
        let Ok((validated, (state, _))) = result else {
            panic!("seed {seed}: {name} panicked on {bytes:?}");
        };
        assert!(
            !state,
            "seed {seed}: nothing listens, so no read can succeed"
        );
        if !validated
            .iter()
            .any(|s| s.starts_with("Invalid data source configuration"))
        {
            decoded += 1;
        }
        runs += 1;
    }
    eprintln!("data_source_config smoke: {runs} inputs ({decoded} decoded), seed {seed}");
}
