//! Every fault kind, per cloud where the shape differs; `times`, selectors, latency, start-up faults.

use std::time::Instant;

use serde_json::json;

use super::{list, n, s, Answer, Client};
use crate::mock::{FaultConfig, FaultKind, FaultRule, MockConfig, Target};

fn rule(spec: &str) -> FaultRule {
    FaultRule::parse_spec(spec).expect("valid fault spec")
}

/// One request to each API, in a fixed order: Baidu list, Baidu spec, UCloud, legacy, v3.
async fn each_api(c: &Client) -> Vec<Answer> {
    vec![
        c.baidu("/v2/image", &[("maxKeys", "10")]).await,
        c.baidu(
            "/v2/image/getAvailableImagesBySpec",
            &[("spec", "bcc.g5.c2m8")],
        )
        .await,
        c.ucloud(&[("Action", "DescribeImage"), ("Region", "cn-bj2")])
            .await,
        c.legacy("GET", &[]).await,
        c.v3(&json!({})).await,
    ]
}

#[tokio::test]
async fn throttle_has_each_clouds_shape_and_is_used_up() {
    let c = Client::start().await;
    c.server
        .add_fault(rule("throttle,times=5,retry_after=3"))
        .expect("rule");
    let got = each_api(&c).await;
    let want: [(u16, &str, &str); 5] = [
        (429, "/code", "RequestRateLimitExceeded"),
        (429, "/code", "RequestRateLimitExceeded"),
        (200, "", ""),
        (200, "/Response/Error/Code", "RequestLimitExceeded"),
        (200, "/Response/Error/Code", "RequestLimitExceeded"),
    ];
    for (a, (status, ptr, code)) in got.iter().zip(want) {
        assert_eq!(a.status, status, "{}", a.text);
        if !ptr.is_empty() {
            assert_eq!(s(&a.json, ptr), code);
        }
        assert_eq!(
            a.headers.get("retry-after").and_then(|v| v.to_str().ok()),
            Some("3")
        );
    }
    assert_eq!(n(&got[2].json, "/RetCode"), 2001);
    assert!(c.server.faults().rules.is_empty());
    for a in each_api(&c).await {
        assert_eq!(a.status, 200);
        assert!(
            a.json.pointer("/Response/Error").is_none() && n(&a.json, "/RetCode") <= 0,
            "{}",
            a.text
        );
    }
    c.server
        .add_fault(rule("throttle,cloud=ucloud,status=429,times=1"))
        .expect("rule");
    let a = c
        .ucloud(&[("Action", "DescribeImage"), ("Region", "cn-bj2")])
        .await;
    assert_eq!(a.status, 429);
}

#[tokio::test]
async fn http_errors_carry_the_clouds_error_body() {
    let c = Client::start().await;
    c.server
        .add_fault(rule("http_error,status=502"))
        .expect("rule");
    let got = each_api(&c).await;
    assert!(got.iter().all(|a| a.status == 502));
    assert_eq!(s(&got[0].json, "/code"), "BadGateway");
    assert_eq!(n(&got[2].json, "/RetCode"), 150);
    assert_eq!(s(&got[4].json, "/Response/Error/Code"), "BadGateway");
    assert!(got[0].headers.get("x-bce-request-id").is_some());
    assert!(got[2].headers.get("x-ucloud-request-uuid").is_some());
}

#[tokio::test]
async fn slow_and_latency_delay_answers() {
    let c = Client::start_with(MockConfig {
        faults: FaultConfig {
            latency_ms: 100,
            rules: vec![],
        },
        ..MockConfig::default()
    })
    .await;
    let t = Instant::now();
    assert_eq!(c.v3(&json!({"Limit": 1})).await.status, 200);
    assert!(t.elapsed().as_millis() >= 100);
    c.server
        .set_faults(FaultConfig {
            latency_ms: 0,
            rules: vec![rule("slow,ms=300,cloud=tencent-legacy,times=1")],
        })
        .expect("set");
    // Not by the clock (a loaded machine may take 300 ms for anything): the rule was not used up.
    c.v3(&json!({"Limit": 1})).await;
    assert_eq!(
        c.server.faults().rules.first().and_then(|r| r.times),
        Some(1),
        "v3 must not be slowed"
    );
    assert_eq!(
        c.server.requests().last().and_then(|r| r.fault.clone()),
        None
    );
    let t = Instant::now();
    let a = c.legacy("GET", &[("Limit", "1")]).await;
    assert!(t.elapsed().as_millis() >= 300);
    assert_eq!(list(&a.json, "/Response/ImageSet").len(), 1);
}

#[tokio::test]
async fn malformed_bodies() {
    let c = Client::start().await;
    c.server
        .add_fault(rule("truncated,cloud=baidu,times=1"))
        .expect("rule");
    let a = c.baidu("/v2/image", &[("maxKeys", "10")]).await;
    assert_eq!(a.status, 200);
    assert!(a.json.is_null() && a.text.starts_with('{') && !a.text.is_empty());

    c.server
        .add_fault(rule("html,times=1,status=502"))
        .expect("rule");
    let a = c
        .ucloud(&[("Action", "DescribeImage"), ("Region", "cn-bj2")])
        .await;
    assert_eq!(a.status, 502);
    assert!(a.text.starts_with("<!DOCTYPE html>"));
    assert!(a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .starts_with("text/html"));

    c.server
        .add_fault(rule("wrong_shape,times=3"))
        .expect("rule");
    let b = c.baidu("/v2/image", &[]).await;
    assert!(b.json["images"].is_object() && b.json["isTruncated"].is_string());
    let u = c
        .ucloud(&[("Action", "DescribeImage"), ("Region", "cn-bj2")])
        .await;
    assert!(u.json["TotalCount"].is_string());
    let t = c.v3(&json!({})).await;
    assert!(t
        .json
        .pointer("/Response/ImageSet")
        .is_some_and(|v| v.is_string()));
}

#[tokio::test]
async fn reset_mid_body_and_oversized() {
    let c = Client::start().await;
    c.server.add_fault(rule("reset,times=1")).expect("rule");
    let resp = c
        .http
        .get(c.server.url() + "/v2/index.php?Action=DescribeImages")
        .send()
        .await;
    let broken = match resp {
        Ok(r) => r.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(broken, "the body must not arrive whole");

    c.server
        .add_fault(rule("oversized,mib=1,times=1"))
        .expect("rule");
    let resp = c
        .http
        .get(c.server.url() + "/v2/image")
        .send()
        .await
        .expect("sent");
    // Announced: a client can refuse it before reading.
    assert_eq!(resp.content_length(), Some(12 + 1024 * 1024 + 2));
    let body = resp.bytes().await.expect("oversized body arrives");
    assert_eq!(body.len(), 12 + 1024 * 1024 + 2);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());

    // The chunked variant says nothing of its size up front.
    c.server
        .add_fault(rule("oversized_chunked,mib=1,times=1"))
        .expect("rule");
    let resp = c
        .http
        .get(c.server.url() + "/v2/image")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.content_length(), None);
    assert_eq!(
        resp.headers()
            .get("transfer-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("chunked")
    );
    let body = resp.bytes().await.expect("chunked body arrives");
    assert_eq!(body.len(), 12 + 1024 * 1024 + 2);
}

#[tokio::test]
async fn huge_pages_are_valid_pages_with_a_mebibyte_of_text_each() {
    let c = Client::start().await;
    c.server.add_fault(rule("huge_pages,mib=1")).expect("rule");
    let pages = [
        c.baidu("/v2/image", &[("maxKeys", "10")]).await,
        c.baidu(
            "/v2/image/getAvailableImagesBySpec",
            &[("spec", "bcc.g5.c2m8"), ("maxKeys", "10")],
        )
        .await,
        c.ucloud(&[
            ("Action", "DescribeImage"),
            ("Region", "cn-bj2"),
            ("Limit", "10"),
        ])
        .await,
        c.legacy("GET", &[("Limit", "10")]).await,
        c.v3(&json!({"Limit": 10})).await,
    ];
    let fields = [
        ("/images", "/desc"),
        ("/images", "/imageName"),
        ("/ImageSet", "/ImageDescription"),
        ("/Response/ImageSet", "/ImageDescription"),
        ("/Response/ImageSet", "/ImageDescription"),
    ];
    for (a, (set, field)) in pages.iter().zip(fields) {
        assert_eq!(a.status, 200, "{set}");
        let images = list(&a.json, set);
        assert_eq!(images.len(), 10, "{set}: the page keeps its images");
        for image in images {
            assert_eq!(s(image, field).len(), (1 << 20) / 10, "{set}{field}");
        }
        // Still a normal page otherwise: ids and paging fields are intact.
        assert!(images.iter().all(|i| {
            ["/id", "/imageId", "/ImageId"].iter().any(|p| {
                !i.pointer(p)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .is_empty()
            })
        }));
        let length: usize = a
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("sent with a Content-Length");
        assert_eq!(length, a.text.len());
        assert!(length > 1 << 20);
    }
    assert!(!s(&pages[0].json, "/nextMarker").is_empty());
    assert!(n(&pages[2].json, "/TotalCount") > 10);
    let logged: Vec<Option<String>> = c.server.requests().into_iter().map(|r| r.fault).collect();
    assert!(logged.iter().all(|f| f.as_deref() == Some("huge_pages")));

    // Error answers pass unchanged.
    let bad = c
        .ucloud(&[("Action", "DescribeImage"), ("Region", "nowhere")])
        .await;
    assert_eq!(n(&bad.json, "/RetCode"), 230);
    assert!(bad.text.len() < 1000);
}

#[tokio::test]
async fn absurd_totals_claim_a_million_with_one_image_a_page() {
    let c = Client::start().await;
    let normal = c
        .ucloud(&[
            ("Action", "DescribeImage"),
            ("Region", "cn-bj2"),
            ("Limit", "100"),
        ])
        .await;
    c.server.add_fault(rule("absurd_total")).expect("rule");
    let p = |offset: &'static str| {
        vec![
            ("Action", "DescribeImage"),
            ("Region", "cn-bj2"),
            ("Limit", "100"),
            ("Offset", offset),
        ]
    };
    for (offset, index) in [("0", 0), ("7", 7)] {
        let a = c.ucloud(&p(offset)).await;
        assert_eq!(n(&a.json, "/TotalCount"), 1_000_000);
        let set = list(&a.json, "/ImageSet");
        assert_eq!(set.len(), 1);
        assert_eq!(
            s(&set[0], "/ImageId"),
            s(&list(&normal.json, "/ImageSet")[index], "/ImageId")
        );
    }
    for a in [
        c.v3(&json!({"Limit": 100})).await,
        c.legacy("GET", &[("Limit", "100")]).await,
    ] {
        assert_eq!(n(&a.json, "/Response/TotalCount"), 1_000_000);
        assert_eq!(list(&a.json, "/Response/ImageSet").len(), 1);
    }
    // `by` sets the claim; Baidu is never touched.
    c.server
        .set_faults(FaultConfig {
            latency_ms: 0,
            rules: vec![rule("absurd_total,by=5000")],
        })
        .expect("set");
    let a = c.v3(&json!({"Limit": 100})).await;
    assert_eq!(n(&a.json, "/Response/TotalCount"), 5000);
    let b = c.baidu("/v2/image", &[("maxKeys", "10")]).await;
    assert_eq!(list(&b.json, "/images").len(), 10);
    assert_eq!(
        c.server.requests().last().and_then(|r| r.fault.clone()),
        None
    );
}

#[tokio::test]
async fn baidu_repeated_next_marker() {
    let c = Client::start().await;
    c.server.add_fault(rule("repeat_marker")).expect("rule");
    let first = c.baidu("/v2/image", &[("maxKeys", "10")]).await;
    let page_marker = s(&list(&first.json, "/images")[0], "/id").to_string();
    assert_eq!(s(&first.json, "/nextMarker"), page_marker);
    let again = c
        .baidu("/v2/image", &[("maxKeys", "10"), ("marker", &page_marker)])
        .await;
    assert_eq!(s(&again.json, "/nextMarker"), page_marker);
    assert_eq!(again.json["isTruncated"], true);
}

#[tokio::test]
async fn offset_totals_shrink_between_pages() {
    let c = Client::start().await;
    c.server.add_fault(rule("shrink_total,by=7")).expect("rule");
    let p = |offset: &'static str| {
        vec![
            ("Action", "DescribeImage"),
            ("Region", "cn-bj2"),
            ("Limit", "100"),
            ("Offset", offset),
        ]
    };
    let first = n(&c.ucloud(&p("0")).await.json, "/TotalCount");
    let second = n(&c.ucloud(&p("100")).await.json, "/TotalCount");
    assert_eq!(first - second, 7);
    let t0 = n(
        &c.v3(&json!({"Offset": 0})).await.json,
        "/Response/TotalCount",
    );
    let t1 = n(
        &c.v3(&json!({"Offset": 100})).await.json,
        "/Response/TotalCount",
    );
    assert_eq!(t0 - t1, 7);
    let l1 = n(
        &c.legacy("GET", &[("Offset", "20")]).await.json,
        "/Response/TotalCount",
    );
    assert_eq!(t0 - l1, 7);
}

#[tokio::test]
async fn selectors_pick_cloud_and_action() {
    let c = Client::start().await;
    c.server
        .set_faults(FaultConfig {
            latency_ms: 0,
            rules: vec![FaultRule {
                cloud: Some(Target::Baidu),
                action: Some("GetAvailableImagesBySpec".into()),
                ..FaultRule::new(FaultKind::HttpError)
            }],
        })
        .expect("set");
    let got = each_api(&c).await;
    let statuses: Vec<u16> = got.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![200, 503, 200, 200, 200]);
    assert_eq!(s(&got[1].json, "/code"), "ServiceUnavailable");
    let logged: Vec<Option<String>> = c.server.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(
        logged,
        vec![None, Some("http_error".into()), None, None, None]
    );
}

#[tokio::test]
async fn hostile_text_in_each_clouds_error_envelope() {
    use crate::mock::fault_replies::HOSTILE_TEXT;
    let c = Client::start().await;
    c.server
        .add_fault(rule("hostile_text,times=5"))
        .expect("rule");
    let got = each_api(&c).await;
    // (status, pointer to the message, pointer to the code, pointer to the request id)
    let want: [(u16, &str, &str, &str); 5] = [
        (400, "/message", "/code", "/requestId"),
        (400, "/message", "/code", "/requestId"),
        (200, "/Message", "", ""),
        (200, "/message", "/codeDesc", ""),
        (
            200,
            "/Response/Error/Message",
            "/Response/Error/Code",
            "/Response/RequestId",
        ),
    ];
    for (a, (status, message, code, rid)) in got.iter().zip(want) {
        assert_eq!(a.status, status, "{}", a.text);
        assert_eq!(s(&a.json, message), HOSTILE_TEXT);
        if !code.is_empty() {
            assert_eq!(s(&a.json, code), format!("InvalidParameter{HOSTILE_TEXT}"));
        }
        if !rid.is_empty() {
            assert!(s(&a.json, rid).ends_with(HOSTILE_TEXT), "{}", a.text);
        }
    }
    assert_eq!(n(&got[2].json, "/RetCode"), 230);
    assert_eq!(n(&got[3].json, "/code"), 4000);
    assert!(c.server.faults().rules.is_empty());

    // Padded: the message alone is about `mib` MiB, still one valid JSON envelope.
    c.server
        .add_fault(rule("hostile_text,cloud=tencent-v3,mib=2,times=1"))
        .expect("rule");
    let a = c.v3(&json!({})).await;
    let message = s(&a.json, "/Response/Error/Message");
    assert!(message.starts_with(HOSTILE_TEXT));
    assert!(
        (2 << 20..(2 << 20) + 4096).contains(&message.len()),
        "{}",
        message.len()
    );
    assert!(message[HOSTILE_TEXT.len()..].contains('\x1b'));
}

#[tokio::test]
async fn hostile_names_are_a_valid_listing_each_client_reads() {
    use crate::cloud::fuzzing::{decode_page, ResponseApi};
    use crate::mock::fault_replies::{hostile_image_id, hostile_image_name};
    let c = Client::start().await;
    c.server
        .add_fault(rule("hostile_names,times=5,mib=1"))
        .expect("rule");
    let got = each_api(&c).await;
    let apis = [
        (ResponseApi::BaiduList, "/images", "/id", "/name"),
        (ResponseApi::BaiduSpec, "/images", "/imageId", "/imageName"),
        (ResponseApi::UCloud, "/ImageSet", "/ImageId", "/ImageName"),
        (
            ResponseApi::Tencent,
            "/Response/ImageSet",
            "/ImageId",
            "/ImageName",
        ),
        (
            ResponseApi::Tencent,
            "/Response/ImageSet",
            "/ImageId",
            "/ImageName",
        ),
    ];
    for (a, (api, set, id, name)) in got.iter().zip(apis) {
        assert_eq!(a.status, 200);
        let images = list(&a.json, set);
        assert_eq!(images.len(), 3, "{api:?}");
        assert_eq!(s(&images[1], id), hostile_image_id(1));
        assert_eq!(s(&images[1], name), hostile_image_name(1));
        let padded = s(&images[0], name);
        assert!(padded.starts_with(&hostile_image_name(0)) && padded.len() >= 1 << 20);
        assert_eq!(
            decode_page(api, 200, None, a.text.as_bytes()).map_err(|e| e.to_string()),
            Ok(3),
            "{api:?}"
        );
    }
}
