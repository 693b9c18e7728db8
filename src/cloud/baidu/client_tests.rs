//! Baidu client tests against the in-test server, which re-derives every signature from the request
//! as received.

use super::*;
use crate::cloud::test_server::{Reply, Seen, TestServer};
use crate::cloud::test_support::context;

const AK: &str = "ak-test";
const SK: &str = "sk-test";

fn client(server: &TestServer) -> BaiduClient {
    BaiduClient::new(
        context(),
        Endpoint::parse(&server.url()).unwrap_or_else(|e| panic!("{e}")),
        "bj",
        BaiduCredentials {
            access_key: AK.into(),
            secret_key: Secret::new(SK),
        },
    )
}

/// Recomputes the BCE signature from what the server received.
fn verify(req: &Seen) {
    let auth = req.header("authorization");
    let signed: Vec<&str> = auth.split('/').nth(4).unwrap_or("").split(';').collect();
    assert_eq!(signed, ["content-type", "host", "x-bce-date"]);
    let headers: Vec<(String, String)> = signed
        .iter()
        .map(|h| (h.to_string(), req.header(h).to_string()))
        .collect();
    let want = authorization(&BceSigningInput {
        method: req.method.as_str(),
        path: req.uri.path(),
        query: &req.query_pairs(),
        headers: &headers,
        access_key: AK,
        secret_key: SK,
        timestamp: req.header("x-bce-date"),
        expiration_secs: 1800,
    });
    assert_eq!(auth, want);
    assert_eq!(req.header("x-bce-date"), "2019-02-25T16:44:25Z");
    assert_eq!(req.header("content-type"), "application/json;charset=utf-8");
}

fn image(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"n-{id}","type":"System","osType":"linux","osVersion":"22.04",
            "osName":"Ubuntu","osBuild":"1","osArch":"x86_64 (64bit)","status":"Available",
            "createTime":"2024-01-0{}T00:00:00Z","desc":"d"}}"#,
        id.len() % 9 + 1
    )
}

fn page(ids: &[&str], next: Option<&str>) -> String {
    let images: Vec<String> = ids.iter().map(|i| image(i)).collect();
    match next {
        Some(n) => format!(
            r#"{{"isTruncated":true,"nextMarker":"{n}","maxKeys":1000,"images":[{}]}}"#,
            images.join(",")
        ),
        None => format!(
            r#"{{"isTruncated":false,"maxKeys":1000,"images":[{}]}}"#,
            images.join(",")
        ),
    }
}

fn param(req: &Seen, name: &str) -> Option<String> {
    req.query_pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[tokio::test]
async fn lists_every_page_with_verified_signatures() {
    let server = TestServer::start(|_, req| {
        verify(req);
        match param(req, "marker").as_deref() {
            None => Reply::json(200, page(&["m-1", "m-22"], Some("m-3"))),
            Some("m-3") => Reply::json(200, page(&["m-3"], Some("m 4/ü"))),
            Some("m 4/ü") => Reply::json(200, page(&["m-4444"], None)),
            Some(other) => Reply::json(400, format!(r#"{{"code":"Bad","message":"{other}"}}"#)),
        }
        .header("x-bce-request-id", "rid")
    })
    .await;
    let query = BaiduImageQuery {
        image_type: Some("System".into()),
        image_name: Some("ubuntu 22".into()),
    };
    assert!(!format!("{:?}", client(&server)).contains(SK));
    let images = client(&server)
        .list_images(&query)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = images.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["m-1", "m-22", "m-3", "m-4444"]);
    assert_eq!(images[1].os_arch, "x86_64 (64bit)");
    assert_eq!(images[1].description, "d");
    assert!(images[0].create_time.is_some());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for req in &reqs {
        assert_eq!(req.uri.path(), "/v2/image");
        assert_eq!(
            req.header("host"),
            format!("127.0.0.1:{}", server.addr.port())
        );
        assert_eq!(param(req, "imageType").as_deref(), Some("System"));
        assert_eq!(param(req, "imageName").as_deref(), Some("ubuntu 22"));
        assert_eq!(param(req, "maxKeys").as_deref(), Some("1000"));
    }
}

#[tokio::test]
async fn identical_listings_are_fetched_once() {
    let server = TestServer::start(|_, _| Reply::json(200, page(&["m-1"], None))).await;
    let c = client(&server);
    let q = BaiduImageQuery::default();
    let (a, b) = tokio::join!(c.list_images(&q), c.list_images(&q));
    assert_eq!(a.ok(), b.ok());
    let _ = c.list_images(&q).await;
    assert_eq!(server.count(), 1);
    let other = BaiduImageQuery {
        image_type: Some("Custom".into()),
        image_name: None,
    };
    let _ = c.list_images(&other).await;
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn spec_listing_sends_spec_and_os_name() {
    let server = TestServer::start(|_, req| {
        verify(req);
        Reply::json(
            200,
            r#"{"isTruncated":false,"images":[{"imageId":"m-x","imageName":"CentOS 7.5",
                "osType":"linux","osVersion":"7.5","osArch":"x86_64 (64bit)","osName":"CentOS",
                "osLang":"ENG","minSizeInGiB":"20"}]}"#,
        )
    })
    .await;
    let c = client(&server);
    let images = c
        .list_images_by_spec(&BaiduSpecQuery {
            spec: "bcc.ic4.c1m1".into(),
            os_name: Some("CentOS".into()),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].min_size_in_gib, Some(20));
    let req = &server.requests()[0];
    assert_eq!(req.uri.path(), "/v2/image/getAvailableImagesBySpec");
    assert_eq!(param(req, "spec").as_deref(), Some("bcc.ic4.c1m1"));
    assert_eq!(param(req, "osName").as_deref(), Some("CentOS"));
    assert_eq!(param(req, "maxKeys").as_deref(), Some("100"));
    let err = c
        .list_images_by_spec(&BaiduSpecQuery::default())
        .await
        .err()
        .map(|e| e.kind());
    assert_eq!(err, Some(ErrorKind::InvalidRequest));
}

#[tokio::test]
async fn error_shapes() {
    // (status, body, expected kind, code, request id, requests made with max_retries = 2)
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
            403,
            r#"{"code":"AccessDenied","message":"Access denied.","requestId":"body-rid"}"#,
            ErrorKind::Auth,
            Some("AccessDenied"),
            Some("hdr-rid"),
            1,
        ),
        (
            400,
            r#"{"code":"SignatureDoesNotMatch","message":"bad sig"}"#,
            ErrorKind::Auth,
            Some("SignatureDoesNotMatch"),
            Some("hdr-rid"),
            1,
        ),
        (
            500,
            "",
            ErrorKind::Api,
            Some("InternalError"),
            Some("hdr-rid"),
            3,
        ),
        (
            502,
            "<html>bad gateway</html>",
            ErrorKind::Api,
            None,
            Some("hdr-rid"),
            3,
        ),
        (429, "", ErrorKind::Throttled, None, Some("hdr-rid"), 3),
        (
            404,
            r#"{"code":"NoSuchImage","message":"x"}"#,
            ErrorKind::Api,
            Some("NoSuchImage"),
            Some("hdr-rid"),
            1,
        ),
        (
            200,
            "<html>hello</html>",
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (200, "{}", ErrorKind::MalformedResponse, None, None, 1),
        (
            200,
            r#"{"images":"nope"}"#,
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"isTruncated":false,"images":[{"name":"no id"}]}"#,
            ErrorKind::MalformedResponse,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"isTruncated":true,"images":[]}"#,
            ErrorKind::Paging,
            None,
            None,
            1,
        ),
        (
            200,
            r#"{"code":"InternalError","message":"oops","requestId":"b"}"#,
            ErrorKind::Api,
            Some("InternalError"),
            Some("hdr-rid"),
            3,
        ),
    ];
    for (status, body, kind, code, rid, requests) in cases {
        let (status, owned) = (*status, body.to_string());
        let server = TestServer::start(move |_, _| {
            Reply::json(status, owned.clone()).header("x-bce-request-id", "hdr-rid")
        })
        .await;
        let err = client(&server)
            .list_images(&BaiduImageQuery::default())
            .await
            .err()
            .unwrap_or_else(|| panic!("{status} {body:?}: expected an error"));
        assert_eq!(err.kind(), *kind, "{status}: {err}");
        assert_eq!(err.code(), *code, "{status}: {err}");
        if *kind != ErrorKind::MalformedResponse && *kind != ErrorKind::Paging {
            assert_eq!(err.request_id(), *rid, "{status}: {err}");
        }
        assert_eq!(err.credential_id(), Some(AK));
        assert_eq!(server.count(), *requests, "{status}: {err}");
        assert!(!err.to_string().contains(SK));
    }
}
