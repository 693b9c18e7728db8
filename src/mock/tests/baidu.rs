//! Baidu BCC: listing and spec APIs, marker paging, filters, parameter errors, and every signature
//! failure with BCE's error shape.

use super::{list, n, s, Client, Sign};
use crate::mock::catalogue;

const LIST: &str = "/v2/image";
const SPEC: &str = "/v2/image/getAvailableImagesBySpec";

/// Follows `nextMarker` to the end; returns every id and the number of pages.
async fn all_pages(c: &Client, path: &str, query: &[(&str, &str)]) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut marker) = (Vec::new(), 0, None::<String>);
    loop {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        if let Some(m) = marker.as_deref() {
            q.push(("marker", m));
        }
        let a = c.baidu(path, &q).await;
        assert_eq!(a.status, 200, "{}", a.text);
        pages += 1;
        let key = if path == LIST { "id" } else { "imageId" };
        ids.extend(
            list(&a.json, "/images")
                .iter()
                .map(|i| i[key].as_str().unwrap_or("").to_string()),
        );
        if a.json["isTruncated"] != true {
            assert!(
                a.json.get("nextMarker").is_none(),
                "nextMarker must be absent on the last page"
            );
            return (ids, pages);
        }
        marker = Some(s(&a.json, "/nextMarker").to_string());
        assert!(pages < 100, "runaway paging");
    }
}

#[tokio::test]
async fn list_pages_through_the_whole_catalogue() {
    let c = Client::start().await;
    let (ids, pages) = all_pages(&c, LIST, &[]).await;
    let want: Vec<String> = catalogue::baidu().iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, want);
    assert!(pages >= 3);
    let first = c.baidu(LIST, &[]).await;
    assert_eq!(n(&first.json, "/maxKeys"), 1000);
    // No marker sent: the first image's id is echoed, as seed 001's and 000's samples show.
    assert_eq!(s(&first.json, "/marker"), want[0]);
    let rid = first
        .headers
        .get("x-bce-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(rid.len(), 36);
    let img = &list(&first.json, "/images")[0];
    for key in [
        "id",
        "createTime",
        "name",
        "type",
        "osType",
        "osVersion",
        "osName",
        "osBuild",
        "osArch",
        "osLang",
        "status",
        "desc",
        "specialVersion",
        "package",
        "encrypted",
        "minDiskGb",
        "diskSize",
        "ephemeralSize",
        "shareToUserNumLimit",
        "sharedToUserNum",
        "snapshots",
    ] {
        assert!(img.get(key).is_some(), "{key}");
    }
    // bce-sdk-go's ImageStatus spells the failed state CreateFailed.
    let statuses: std::collections::BTreeSet<&str> =
        catalogue::baidu().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["Available", "CreateFailed", "Creating", "NotAvailable"]
    );
    let package = catalogue::baidu()
        .iter()
        .find(|r| r.package)
        .expect("a package image");
    assert!(!package.snapshots.is_empty());
}

#[tokio::test]
async fn unknown_paths_answer_bces_envelope() {
    let c = Client::start().await;
    // bce-python-sdk's own spec method asks for this (singular) path, which the API does not serve.
    let a = c
        .baidu(
            "/v2/image/getAvailableImageBySpec",
            &[("spec", "bcc.g5.c2m8")],
        )
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(s(&a.json, "/code"), "NoSuchKey");
    assert!(!s(&a.json, "/message").is_empty());
    let rid = a
        .headers
        .get("x-bce-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(s(&a.json, "/requestId"), rid);
    assert_eq!(rid.len(), 36);
}

#[tokio::test]
async fn real_shapes_send_null_desc_and_snapshot_times() {
    let c = Client::start_with(crate::mock::MockConfig {
        shapes: crate::mock::Shapes::Real,
        ..Default::default()
    })
    .await;
    let a = c.baidu(LIST, &[]).await;
    let images = list(&a.json, "/images");
    assert!(images.iter().any(|i| i["desc"].is_null()));
    assert!(images.iter().all(|i| i["desc"] != ""));
    let snapshots: Vec<&serde_json::Value> = images
        .iter()
        .flat_map(|i| i["snapshots"].as_array().into_iter().flatten())
        .collect();
    assert!(!snapshots.is_empty());
    assert!(snapshots
        .iter()
        .all(|s| s["createTime"].is_null() && s["expireTime"].is_null()));
    assert!(images.iter().all(|i| i.get("bootMode").is_some()));
}

#[tokio::test]
async fn list_filters_and_clamps() {
    let c = Client::start().await;
    let all = catalogue::baidu();
    let cases: &[(&[(&str, &str)], usize)] = &[
        (
            &[("imageType", "GpuBccSystem")],
            all.iter()
                .filter(|r| r.image_type == "GpuBccSystem")
                .count(),
        ),
        (
            &[("imageType", "custom")],
            all.iter().filter(|r| r.image_type == "Custom").count(),
        ),
        (
            &[("imageType", "All"), ("imageName", "(64bit)")],
            all.iter().filter(|r| r.name.contains("(64bit)")).count(),
        ),
        (
            &[("imageName", "[GPU]")],
            all.iter().filter(|r| r.name.contains("[GPU]")).count(),
        ),
        (&[("imageName", "no-such-image-name")], 0),
    ];
    for (query, want) in cases {
        let (ids, _) = all_pages(&c, LIST, query).await;
        assert_eq!(ids.len(), *want, "{query:?}");
    }
    let a = c.baidu(LIST, &[("maxKeys", "5000")]).await;
    assert_eq!(
        (n(&a.json, "/maxKeys"), list(&a.json, "/images").len()),
        (1000, 1000)
    );
    let a = c.baidu(LIST, &[("maxKeys", "7")]).await;
    assert_eq!(list(&a.json, "/images").len(), 7);
    assert_eq!(s(&a.json, "/nextMarker"), all[7].id);
}

#[tokio::test]
async fn spec_api_pages_by_ten_and_filters_by_os() {
    let c = Client::start().await;
    let gpu = catalogue::baidu_spec_images("bcc.gn5.c8m32.1v100").unwrap_or_default();
    let (ids, pages) = all_pages(&c, SPEC, &[("spec", "bcc.gn5.c8m32.1v100")]).await;
    assert_eq!(ids, gpu.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    assert_eq!(pages, gpu.len().div_ceil(10));
    let g5 = catalogue::baidu_spec_images("bcc.g5.c2m8").unwrap_or_default();
    let (ids, pages) = all_pages(&c, SPEC, &[("spec", "bcc.g5.c2m8"), ("maxKeys", "1000")]).await;
    assert_eq!((ids.len(), pages), (g5.len(), g5.len().div_ceil(100)));
    let (ids, _) = all_pages(
        &c,
        SPEC,
        &[
            ("spec", "bcc.g5.c2m8"),
            ("osName", "ubuntu"),
            ("maxKeys", "100"),
        ],
    )
    .await;
    assert_eq!(
        ids.len(),
        g5.iter().filter(|r| r.os_name == "Ubuntu").count()
    );
    let a = c.baidu(SPEC, &[("spec", "bcc.f1.c16m64")]).await;
    assert_eq!(
        (
            a.status,
            list(&a.json, "/images").len(),
            a.json["isTruncated"].clone()
        ),
        (200, 0, false.into())
    );
    let one = c.baidu(SPEC, &[("spec", "bcc.g5.c2m8")]).await;
    let img = &list(&one.json, "/images")[0];
    for key in [
        "imageId",
        "imageName",
        "osType",
        "osVersion",
        "osArch",
        "osName",
        "osLang",
        "minSizeInGiB",
    ] {
        assert!(img.get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn parameter_errors() {
    let c = Client::start().await;
    let cases: Vec<(&str, super::Params, &str)> = vec![
        (LIST, &[("imageType", "Bogus")], "InvalidParameterValue"),
        (LIST, &[("maxKeys", "0")], "InvalidParameterValue"),
        (LIST, &[("maxKeys", "ten")], "InvalidParameterValue"),
        (LIST, &[("marker", "m-notthere")], "InvalidParameterValue"),
        (SPEC, &[], "MissingParameter"),
        (SPEC, &[("spec", "bcc.nope.c1m1")], "InvalidParameterValue"),
    ];
    for (path, query, code) in &cases {
        let a = c.baidu(path, query).await;
        assert_eq!(
            (a.status, s(&a.json, "/code")),
            (400, *code),
            "{path} {query:?}"
        );
    }
}

#[tokio::test]
async fn signature_failures_have_bce_shape() {
    let c = Client::start().await;
    let cases: &[(Sign, u16, &str)] = &[
        (Sign::baidu().unsigned(), 403, "AccessDenied"),
        (
            Sign::with("mock-baidu-ak", "wrong-secret"),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            Sign::with("who-is-this", "mock-baidu-sk"),
            403,
            "InvalidAccessKeyId",
        ),
        (Sign::baidu().skew(-3600), 400, "RequestExpired"),
        (Sign::baidu().skew(3600), 400, "RequestExpired"),
        (
            Sign::baidu().host("bcc.bj.baidubce.com"),
            403,
            "SignatureDoesNotMatch",
        ),
        (Sign::baidu().skew(-600), 200, ""),
    ];
    for (sign, status, code) in cases {
        let a = c.baidu_signed(LIST, &[("maxKeys", "1")], sign).await;
        assert_eq!(
            (a.status, s(&a.json, "/code")),
            (*status, *code),
            "{}",
            a.text
        );
        if *status != 200 {
            let rid = a
                .headers
                .get("x-bce-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert_eq!(s(&a.json, "/requestId"), rid);
            assert!(!s(&a.json, "/message").is_empty());
        }
    }
}

#[tokio::test]
async fn signature_covers_the_query_as_received() {
    let c = Client::start().await;
    // Signed for maxKeys=1 but sent with maxKeys=2.
    let ts = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let headers = vec![
        ("host".to_string(), c.server.addr().to_string()),
        ("x-bce-date".to_string(), ts.clone()),
    ];
    let signed_q = vec![("maxKeys".to_string(), "1".to_string())];
    let auth =
        crate::cloud::baidu::sign::authorization(&crate::cloud::baidu::sign::BceSigningInput {
            method: "GET",
            path: LIST,
            query: &signed_q,
            headers: &headers,
            access_key: "mock-baidu-ak",
            secret_key: "mock-baidu-sk",
            timestamp: &ts,
            expiration_secs: 1800,
        });
    let resp = c
        .http
        .get(format!("{}{LIST}?maxKeys=2", c.server.url()))
        .header("x-bce-date", &ts)
        .header("authorization", &auth)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 403);
    let resp = c
        .http
        .get(format!("{}{LIST}?maxKeys=1", c.server.url()))
        .header("x-bce-date", &ts)
        .header("authorization", "bce-auth-v1/only/three")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 400);
    let resp = c
        .http
        .get(format!("{}{LIST}?maxKeys=1", c.server.url()))
        .header("x-bce-date", &ts)
        .header("authorization", &auth)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 200);
}
