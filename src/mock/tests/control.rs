//! The `/_mock/` control API over HTTP, the request log's content, and shutdown.

use reqwest::Method;
use serde_json::json;

use super::{list, n, s, Client, Sign};

#[tokio::test]
async fn faults_can_be_set_read_and_cleared_over_http() {
    let c = Client::start().await;
    assert_eq!(
        s(
            &c.raw(Method::GET, "/_mock/health", None).await.json,
            "/status"
        ),
        "ok"
    );
    let a = c
        .raw(
            Method::POST,
            "/_mock/faults",
            Some(r#"{"kind":"throttle","cloud":"tencent","times":1}"#),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = c
        .raw(
            Method::POST,
            "/_mock/faults",
            Some(r#"[{"kind":"slow","ms":1},{"kind":"html"}]"#),
        )
        .await;
    assert_eq!(list(&a.json, "/rules").len(), 3);
    let v3 = c.v3(&json!({})).await;
    assert_eq!(s(&v3.json, "/Response/Error/Code"), "RequestLimitExceeded");
    let got = c.raw(Method::GET, "/_mock/faults", None).await;
    assert_eq!(
        list(&got.json, "/rules").len(),
        2,
        "the used-up rule is gone"
    );
    let put = c
        .raw(
            Method::PUT,
            "/_mock/faults",
            Some(r#"{"latency_ms":5,"rules":[{"kind":"http_error","status":500}]}"#),
        )
        .await;
    assert_eq!(
        (n(&put.json, "/latency_ms"), list(&put.json, "/rules").len()),
        (5, 1)
    );
    assert_eq!(c.v3(&json!({})).await.status, 500);
    assert_eq!(
        c.raw(Method::DELETE, "/_mock/faults", None).await.status,
        204
    );
    assert_eq!(c.v3(&json!({})).await.status, 200);
    for bad in [
        r#"{"kind":"explode"}"#,
        r#"{"kind":"oversized","mib":4096}"#,
        "not json",
        r#"{"kind":"slow","extra":true}"#,
    ] {
        let a = c.raw(Method::POST, "/_mock/faults", Some(bad)).await;
        assert_eq!(a.status, 400, "{bad}");
        assert!(!s(&a.json, "/error").is_empty());
    }
    assert_eq!(
        c.raw(
            Method::PUT,
            "/_mock/faults",
            Some(r#"{"latency_ms":999999999}"#)
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn request_log_records_without_signatures() {
    let c = Client::start().await;
    c.ucloud(&[("Action", "DescribeImage"), ("Region", "hk")])
        .await;
    c.ucloud_signed(
        &[("Action", "DescribeImage"), ("Region", "hk")],
        &Sign::with("mock-ucloud-public", "bad"),
    )
    .await;
    let v3 = c
        .v3(&json!({"Filters": [{"Name": "platform", "Values": ["Ubuntu"]}]}))
        .await;
    c.legacy("POST", &[("Limit", "1")]).await;
    let b = c.baidu("/v2/image", &[("maxKeys", "1")]).await;
    let log = c.raw(Method::GET, "/_mock/requests", None).await;
    let entries = list(&log.json, "");
    assert_eq!(entries.len(), 5);
    let summary: Vec<(String, String, String, i64, String)> = entries
        .iter()
        .map(|e| {
            (
                s(e, "/cloud").into(),
                s(e, "/action").into(),
                s(e, "/method").into(),
                n(e, "/status"),
                s(e, "/code").into(),
            )
        })
        .collect();
    let want = [
        ("ucloud", "DescribeImage", "POST", 200, ""),
        ("ucloud", "DescribeImage", "POST", 200, "171"),
        ("tencent", "DescribeImages", "POST", 200, ""),
        ("tencent", "DescribeImages", "POST", 200, ""),
        ("baidu", "ListImages", "GET", 200, ""),
    ];
    let want: Vec<(String, String, String, i64, String)> = want
        .iter()
        .map(|(a, b, c, d, e)| {
            (
                a.to_string(),
                b.to_string(),
                c.to_string(),
                *d,
                e.to_string(),
            )
        })
        .collect();
    assert_eq!(summary, want);
    assert!(
        !log.text.contains("Signature\""),
        "signatures are never logged"
    );
    assert_eq!(s(&entries[0], "/credential"), "mock-ucloud-public");
    assert_eq!(s(&entries[2], "/api"), "tencent_v3");
    assert!(log.text.contains(r#"["Filters.0.Name","platform"]"#));
    assert_eq!(
        s(&entries[2], "/request_id"),
        s(&v3.json, "/Response/RequestId")
    );
    let bce_rid = b
        .headers
        .get("x-bce-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(s(&entries[4], "/request_id"), bce_rid);
    assert_eq!(c.server.requests().len(), 5);
    assert_eq!(
        c.raw(Method::DELETE, "/_mock/requests", None).await.status,
        204
    );
    assert!(c.server.requests().is_empty());
    c.legacy("GET", &[]).await;
    c.server.clear();
    assert!(c.server.requests().is_empty());
}

#[tokio::test]
async fn unknown_paths_and_shutdown() {
    let c = Client::start().await;
    let a = c.raw(Method::GET, "/v3/whatever", None).await;
    assert_eq!(a.status, 404);
    assert!(
        c.server.requests().is_empty(),
        "non-API requests are not logged"
    );
    let url = c.server.url();
    let http = c.http.clone();
    c.server.shutdown().await;
    assert!(http.get(url + "/_mock/health").send().await.is_err());
}
