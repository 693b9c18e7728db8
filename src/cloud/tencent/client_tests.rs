//! Tencent client tests against the in-test server, which re-derives every TC3 / v1 signature from
//! the request as received.

use super::*;
use crate::cloud::tencent::query::TencentFilter;
use crate::cloud::tencent::sign_v1::SignatureMethod;
use crate::cloud::test_server::{Reply, Seen, TestServer};
use crate::cloud::test_support::{context, NOW};

const ID: &str = "AKID-test";
const KEY: &str = "key-test";

fn client(server: &TestServer, api: TencentApi) -> TencentClient {
    TencentClient::new(
        context(),
        Endpoint::parse(&server.url()).unwrap_or_else(|e| panic!("{e}")),
        "ap-guangzhou",
        TencentCredentials {
            secret_id: ID.into(),
            secret_key: Secret::new(KEY),
        },
        api,
    )
}

fn legacy(m: SignatureMethod) -> TencentApi {
    TencentApi::Legacy {
        signature_method: m,
    }
}

fn verify_v3(req: &Seen) {
    let ts: i64 = req.header("x-tc-timestamp").parse().unwrap_or(0);
    assert_eq!(ts, NOW);
    let want = sign_tc3::authorization(&Tc3Input {
        method: req.method.as_str(),
        host: req.header("host"),
        canonical_query: req.uri.query().unwrap_or(""),
        content_type: req.header("content-type"),
        payload: &req.body,
        service: "cvm",
        timestamp: ts,
        secret_id: ID,
        secret_key: KEY,
    });
    assert_eq!(req.header("authorization"), want);
    assert_eq!(req.header("x-tc-action"), "DescribeImages");
    assert_eq!(req.header("x-tc-version"), "2017-03-12");
    assert_eq!(req.header("x-tc-region"), "ap-guangzhou");
    assert_eq!(req.uri.path(), "/");
}

fn form(req: &Seen, name: &str) -> Option<String> {
    req.form_pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn verify_legacy(req: &Seen) {
    let (sig, rest): (Vec<_>, Vec<_>) = req
        .form_pairs()
        .into_iter()
        .partition(|(k, _)| k == "Signature");
    let alg = match form(req, "SignatureMethod").as_deref() {
        Some("HmacSHA1") => SignatureMethod::HmacSha1,
        _ => SignatureMethod::HmacSha256,
    };
    let want = sign_v1::signature("POST", req.header("host"), req.uri.path(), &rest, KEY, alg);
    assert_eq!(sig.len(), 1);
    assert_eq!(sig[0].1, want);
    assert_eq!(req.uri.path(), "/v2/index.php");
    assert_eq!(form(req, "Action").as_deref(), Some("DescribeImages"));
    assert_eq!(form(req, "Version").as_deref(), Some("2017-03-12"));
    assert_eq!(form(req, "Region").as_deref(), Some("ap-guangzhou"));
    assert_eq!(form(req, "SecretId").as_deref(), Some(ID));
    assert_eq!(form(req, "Timestamp"), Some(NOW.to_string()));
    assert!(form(req, "Nonce")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n > 0));
}

/// A catalogue of `total` images served in the v3 or legacy shape by Offset/Limit.
fn catalogue(total: u64) -> impl Fn(usize, &Seen) -> Reply + Send + Sync {
    move |_, req| {
        let is_v3 = req.header("content-type").starts_with("application/json");
        let (offset, limit) = if is_v3 {
            verify_v3(req);
            let body: serde_json::Value =
                serde_json::from_slice(&req.body).unwrap_or_else(|e| panic!("{e}"));
            (
                body["Offset"].as_u64().unwrap_or(0),
                body["Limit"].as_u64().unwrap_or(20),
            )
        } else {
            verify_legacy(req);
            let n = |k| form(req, k).and_then(|v| v.parse::<u64>().ok());
            (n("Offset").unwrap_or(0), n("Limit").unwrap_or(20))
        };
        let items: Vec<String> = (offset..(offset + limit.min(100)).min(total))
            .map(|i| {
                if is_v3 {
                    format!(
                        r#"{{"ImageId":"img-{i}","ImageName":"n{i}","OsName":"Ubuntu Server 22.04 LTS 64位",
                            "Architecture":"x86_64","ImageState":"NORMAL","CreatedTime":"2024-01-01T00:00:00Z",
                            "ImageSize":20,"Platform":"Ubuntu","ImageSource":"OFFICIAL","ImageCreator":"PUBLIC"}}"#
                    )
                } else {
                    format!(
                        r#"{{"ImageId":"img-{i}","ImageName":"n{i}","ImageOsName":"centos7.2x86_64",
                            "ImageStatus":"NORMAL","ImageCreateTime":"2016-01-01T00:00:00+00:00","Creator":"PUBLIC"}}"#
                    )
                }
            })
            .collect();
        let rid = if is_v3 { "RequestId" } else { "RequestID" };
        Reply::json(
            200,
            format!(
                r#"{{"Response":{{"ImageSet":[{}],"TotalCount":{total},"{rid}":"rid-1"}}}}"#,
                items.join(",")
            ),
        )
    }
}

#[tokio::test]
async fn v3_lists_all_pages_with_verified_signatures() {
    let server = TestServer::start(catalogue(230)).await;
    let query = TencentImageQuery {
        image_ids: vec![],
        filters: vec![TencentFilter {
            name: "image-type".into(),
            values: vec!["PUBLIC_IMAGE".into()],
        }],
        instance_type: Some("S5.SMALL1".into()),
    };
    let images = client(&server, TencentApi::V3)
        .list_images(&query)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<String> = images.iter().map(|i| i.id.to_string()).collect();
    assert_eq!(
        ids,
        (0..230).map(|i| format!("img-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(images[0].architecture, "x86_64");
    assert_eq!(images[0].size, Some(20));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        let body: serde_json::Value =
            serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(body["Filters"][0]["Name"], "image-type");
        assert_eq!(body["Filters"][0]["Values"][0], "PUBLIC_IMAGE");
        assert_eq!(body["InstanceType"], "S5.SMALL1");
        assert_eq!(body["Limit"], 100);
        assert_eq!(
            r.header("host"),
            format!("127.0.0.1:{}", server.addr.port())
        );
    }
}

#[tokio::test]
async fn legacy_lists_with_both_signature_methods() {
    for method in [SignatureMethod::HmacSha256, SignatureMethod::HmacSha1] {
        let server = TestServer::start(catalogue(150)).await;
        let query = TencentImageQuery {
            image_ids: vec!["img-a".into(), "img-b".into()],
            ..Default::default()
        };
        let images = client(&server, legacy(method))
            .list_images(&query)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(images.len(), 150);
        assert_eq!(images[0].os_name, "centos7.2x86_64");
        assert_eq!(images[0].architecture, "x86_64");
        assert_eq!(images[0].creator, "PUBLIC");
        assert_eq!(images[0].platform, "");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2);
        for r in &reqs {
            assert_eq!(
                form(r, "SignatureMethod").as_deref(),
                Some(method.param_value())
            );
            assert_eq!(form(r, "ImageIds.0").as_deref(), Some("img-a"));
            assert_eq!(form(r, "ImageIds.1").as_deref(), Some("img-b"));
            assert_eq!(form(r, "Limit").as_deref(), Some("100"));
        }
    }
}

#[tokio::test]
async fn listings_are_cached_per_api_and_query() {
    let server = TestServer::start(catalogue(3)).await;
    let v3 = client(&server, TencentApi::V3);
    let q = TencentImageQuery::default();
    let (a, b) = tokio::join!(v3.list_images(&q), v3.list_images(&q));
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(server.count(), 1);
    let _ = client(&server, legacy(SignatureMethod::HmacSha256))
        .list_images(&q)
        .await;
    assert_eq!(server.count(), 2, "another client has a fresh cache");
}

#[tokio::test]
async fn invalid_queries_fail_before_any_request() {
    let server = TestServer::start(catalogue(3)).await;
    let both = TencentImageQuery {
        image_ids: vec!["img-1".into()],
        filters: vec![TencentFilter {
            name: "image-type".into(),
            values: vec!["PRIVATE_IMAGE".into()],
        }],
        instance_type: None,
    };
    let legacy_it = TencentImageQuery {
        instance_type: Some("S5.SMALL1".into()),
        ..Default::default()
    };
    let cases = [
        (TencentApi::V3, both),
        (legacy(SignatureMethod::HmacSha256), legacy_it),
    ];
    for (api, q) in cases {
        let err = client(&server, api).list_images(&q).await.err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidRequest));
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn error_shapes() {
    // (status, body, kind, code, request id, requests with max_retries = 2)
    type Case = (
        u16,
        &'static str,
        ErrorKind,
        Option<&'static str>,
        Option<&'static str>,
        usize,
    );
    let cases: &[Case] = &[
        (
            200,
            r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r1"}}"#,
            ErrorKind::Auth,
            Some("AuthFailure.SignatureFailure"),
            Some("r1"),
            1,
        ),
        (
            200,
            r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r2"}}"#,
            ErrorKind::Throttled,
            Some("RequestLimitExceeded"),
            Some("r2"),
            3,
        ),
        (
            200,
            r#"{"Response":{"Error":{"Code":"InternalError","Message":"oops"},"RequestId":"r3"}}"#,
            ErrorKind::Api,
            Some("InternalError"),
            Some("r3"),
            3,
        ),
        (
            200,
            r#"{"Response":{"Error":{"Code":"InvalidFilter","Message":"bad filter"},"RequestID":"r4"}}"#,
            ErrorKind::Api,
            Some("InvalidFilter"),
            Some("r4"),
            1,
        ),
        (
            200,
            r#"{"code":4100,"message":"auth failed","codeDesc":"AuthFailure"}"#,
            ErrorKind::Auth,
            Some("AuthFailure"),
            None,
            1,
        ),
        (
            200,
            r#"{"code":4000,"message":"bad param"}"#,
            ErrorKind::Api,
            Some("4000"),
            None,
            1,
        ),
        (
            200,
            r#"{"code":6000,"message":"server error"}"#,
            ErrorKind::Api,
            Some("6000"),
            None,
            3,
        ),
        (
            503,
            "<html>unavailable</html>",
            ErrorKind::Api,
            None,
            None,
            3,
        ),
        (
            400,
            r#"{"Response":{"Error":{"Code":"InvalidParameter","Message":"x"},"RequestId":"r5"}}"#,
            ErrorKind::Api,
            Some("InvalidParameter"),
            Some("r5"),
            1,
        ),
        (
            200,
            "<html>portal</html>",
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"Response":{"RequestId":"r"}}"#,
            ErrorKind::MalformedResponse,
            None,
            // The request id of a misshapen answer is still quoted (wire::body_request_id).
            Some("r"),
            1,
        ),
        (
            200,
            r#"{"code":0,"message":"","codeDesc":"Success"}"#,
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"Response":{"ImageSet":[{"ImageName":"x"}],"TotalCount":1}}"#,
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"Response":{"ImageSet":[],"TotalCount":7}}"#,
            ErrorKind::Paging,
            None,
            None,
            1,
        ),
    ];
    for (status, body, kind, code, rid, requests) in cases {
        let (status, owned) = (*status, body.to_string());
        let server = TestServer::start(move |_, _| Reply::json(status, owned.clone())).await;
        let err = client(&server, TencentApi::V3)
            .list_images(&TencentImageQuery::default())
            .await
            .err()
            .unwrap_or_else(|| panic!("{body}: expected an error"));
        assert_eq!(err.kind(), *kind, "{body}: {err}");
        assert_eq!(err.code(), *code, "{body}: {err}");
        assert_eq!(err.request_id(), *rid, "{body}: {err}");
        assert_eq!(server.count(), *requests, "{body}: {err}");
        assert_eq!(err.credential_id(), Some(ID));
        assert!(!err.to_string().contains(KEY));
    }
}
