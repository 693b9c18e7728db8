//! UCloud client tests against the in-test server, which re-derives every signature from the form
//! body as received.

use super::*;
use crate::cloud::test_server::{Reply, Seen, TestServer};
use crate::cloud::test_support::context;

const PUBLIC: &str = "pub-test";
const PRIVATE: &str = "priv-test";

fn client(server: &TestServer, region: &str) -> UCloudClient {
    UCloudClient::new(
        context(),
        Endpoint::parse(&server.url()).unwrap_or_else(|e| panic!("{e}")),
        region,
        UCloudCredentials {
            public_key: PUBLIC.into(),
            private_key: Secret::new(PRIVATE),
        },
    )
}

fn form(req: &Seen, name: &str) -> Option<String> {
    req.form_pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn verify(req: &Seen) {
    let pairs = req.form_pairs();
    let (sig, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "Signature");
    assert_eq!(sig.len(), 1);
    assert_eq!(sig[0].1, signature(&rest, PRIVATE));
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.uri.query(), Some("Action=DescribeImage"));
    assert_eq!(form(req, "PublicKey").as_deref(), Some(PUBLIC));
}

/// Serves images `img-0..img-{total}` by Offset/Limit (capped at 100) with TotalCount.
fn catalogue(total: u64) -> impl Fn(usize, &Seen) -> Reply + Send + Sync {
    move |_, req| {
        verify(req);
        let offset: u64 = form(req, "Offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let limit: u64 = form(req, "Limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(20)
            .min(100);
        let items: Vec<String> = (offset..(offset + limit).min(total))
            .map(|i| {
                format!(
                    r#"{{"ImageId":"img-{i}","ImageName":"n{i}","State":"Available","CreateTime":{},
                        "Features":["CloudInit"],"ImageSize":20}}"#,
                    1_600_000_000 + i
                )
            })
            .collect();
        Reply::json(
            200,
            format!(
                r#"{{"RetCode":0,"Action":"DescribeImageResponse","TotalCount":{total},"ImageSet":[{}]}}"#,
                items.join(",")
            ),
        )
        .header("x-ucloud-request-uuid", "uuid-1")
    }
}

#[tokio::test]
async fn lists_all_pages_in_order_with_verified_signatures() {
    let server = TestServer::start(catalogue(250)).await;
    let query = UCloudImageQuery {
        zone: Some("cn-bj2-02".into()),
        project_id: Some("org-1".into()),
        image_type: Some("Base".into()),
        func_type: None,
        os_type: Some("Linux".into()),
        image_id: Some(String::new()),
    };
    let images = client(&server, "cn-bj2")
        .list_images(&query)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<String> = images.iter().map(|i| i.id.to_string()).collect();
    let want: Vec<String> = (0..250).map(|i| format!("img-{i}")).collect();
    assert_eq!(ids, want);
    assert_eq!(images[3].features, ["CloudInit"]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let mut offsets: Vec<String> = reqs.iter().filter_map(|r| form(r, "Offset")).collect();
    offsets.sort();
    assert_eq!(offsets, ["0", "100", "200"]);
    for r in &reqs {
        assert_eq!(form(r, "Region").as_deref(), Some("cn-bj2"));
        assert_eq!(form(r, "Zone").as_deref(), Some("cn-bj2-02"));
        assert_eq!(form(r, "ProjectId").as_deref(), Some("org-1"));
        assert_eq!(form(r, "ImageType").as_deref(), Some("Base"));
        assert_eq!(form(r, "OsType").as_deref(), Some("Linux"));
        assert_eq!(form(r, "ImageId"), None, "empty values are not sent");
        assert_eq!(form(r, "FuncType"), None);
        assert_eq!(form(r, "Limit").as_deref(), Some("100"));
    }
}

#[tokio::test]
async fn identical_listings_are_fetched_once() {
    let server = TestServer::start(catalogue(5)).await;
    let c = client(&server, "cn-bj2");
    let q = UCloudImageQuery::default();
    let (a, b) = tokio::join!(c.list_images(&q), c.list_images(&q));
    assert_eq!(a.ok().map(|v| v.len()), Some(5));
    assert_eq!(b.ok().map(|v| v.len()), Some(5));
    assert_eq!(server.count(), 1);
    // Another region is another listing.
    let _ = client(&server, "cn-sh2").list_images(&q).await;
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn error_shapes() {
    // (status, body, kind, code, requests with max_retries = 2)
    let cases: &[(u16, &str, ErrorKind, Option<&str>, usize)] = &[
        (
            200,
            r#"{"RetCode":171,"Message":"Signature VerifyAC Error"}"#,
            ErrorKind::Auth,
            Some("171"),
            1,
        ),
        (
            200,
            r#"{"RetCode":230,"Message":"Params [Region] not available"}"#,
            ErrorKind::Api,
            Some("230"),
            1,
        ),
        (
            200,
            r#"{"RetCode":2000,"Message":"busy"}"#,
            ErrorKind::Api,
            Some("2000"),
            3,
        ),
        (502, "<html>bad gateway</html>", ErrorKind::Api, None, 3),
        // An envelope that names no failure keeps the body excerpt instead.
        (
            503,
            r#"{"RetCode":0,"Message":""}"#,
            ErrorKind::Api,
            None,
            3,
        ),
        // A UCloud envelope on an error status: its RetCode is the code, and the status still retries.
        (
            503,
            r#"{"Action":"DescribeImageResponse","Message":"service unavailable","RetCode":150}"#,
            ErrorKind::Api,
            Some("150"),
            3,
        ),
        (429, "", ErrorKind::Throttled, None, 3),
        (403, "denied", ErrorKind::Auth, None, 1),
        (200, "not json", ErrorKind::MalformedResponse, None, 1),
        (
            200,
            r#"{"ImageSet":[]}"#,
            ErrorKind::MalformedResponse,
            None,
            1,
        ),
        (
            200,
            r#"{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"no id"}]}"#,
            ErrorKind::MalformedResponse,
            None,
            1,
        ),
        (
            200,
            r#"{"RetCode":0,"TotalCount":3,"ImageSet":[]}"#,
            ErrorKind::Paging,
            None,
            1,
        ),
        (
            200,
            r#"{"RetCode":0,"TotalCount":-1,"ImageSet":[]}"#,
            ErrorKind::MalformedResponse,
            None,
            1,
        ),
    ];
    for (status, body, kind, code, requests) in cases {
        let (status, owned) = (*status, body.to_string());
        let server = TestServer::start(move |_, _| {
            Reply::json(status, owned.clone()).header("x-ucloud-request-uuid", "uuid-9")
        })
        .await;
        let err = client(&server, "cn-bj2")
            .list_images(&UCloudImageQuery::default())
            .await
            .err()
            .unwrap_or_else(|| panic!("{status} {body}: expected an error"));
        assert_eq!(err.kind(), *kind, "{body}: {err}");
        assert_eq!(err.code(), *code, "{body}: {err}");
        assert_eq!(server.count(), *requests, "{body}: {err}");
        assert_eq!(err.credential_id(), Some(PUBLIC));
        if matches!(
            kind,
            ErrorKind::Api | ErrorKind::Auth | ErrorKind::Throttled
        ) {
            assert_eq!(err.request_id(), Some("uuid-9"));
        }
        assert!(!err.to_string().contains(PRIVATE));
    }
}

#[tokio::test]
async fn empty_region_is_rejected_before_any_request() {
    let server = TestServer::start(catalogue(1)).await;
    let err = client(&server, "")
        .list_images(&UCloudImageQuery::default())
        .await
        .err()
        .map(|e| e.kind());
    assert_eq!(err, Some(ErrorKind::InvalidRequest));
    assert_eq!(server.count(), 0);
}
