//! Tencent CVM API 3.0 DescribeImages: JSON body, TC3 signatures, the v3-only filters and
//! InstanceType, the API rules with their real codes.

use serde_json::json;

use super::{list, n, s, Client, Sign};
use crate::mock::catalogue::{self, TencentRecord};

fn gz(pred: impl Fn(&TencentRecord) -> bool) -> Vec<String> {
    catalogue::tencent()
        .iter()
        .filter(|r| r.region == "ap-guangzhou" && pred(r))
        .map(|r| r.image_id.clone())
        .collect()
}

async fn all(c: &Client, body: serde_json::Value) -> Vec<String> {
    let mut got = Vec::new();
    loop {
        let mut b = body.clone();
        b["Offset"] = json!(got.len());
        b["Limit"] = json!(100);
        let a = c.v3(&b).await;
        assert!(a.json.pointer("/Response/Error").is_none(), "{}", a.text);
        let page = list(&a.json, "/Response/ImageSet");
        got.extend(
            page.iter()
                .map(|i| i["ImageId"].as_str().unwrap_or("").to_string()),
        );
        if page.is_empty() || got.len() as i64 >= n(&a.json, "/Response/TotalCount") {
            return got;
        }
    }
}

#[tokio::test]
async fn pages_and_shapes() {
    let c = Client::start().await;
    assert_eq!(all(&c, json!({})).await, gz(|_| true));
    let a = c.v3(&json!({})).await;
    assert_eq!(list(&a.json, "/Response/ImageSet").len(), 20);
    assert_eq!(s(&a.json, "/Response/RequestId").len(), 36);
    let img = &list(&a.json, "/Response/ImageSet")[0];
    for key in [
        "ImageId",
        "OsName",
        "ImageType",
        "CreatedTime",
        "ImageName",
        "ImageDescription",
        "ImageSize",
        "Architecture",
        "ImageState",
        "Platform",
        "ImageCreator",
        "ImageSource",
        "SyncPercent",
        "IsSupportCloudinit",
        "SnapshotSet",
        "Tags",
        "LicenseType",
        "ImageFamily",
        "ImageDeprecated",
        "CdcCacheStatus",
    ] {
        assert!(img.get(key).is_some_and(|v| !v.is_null()), "{key}");
    }
    // Exactly `application/json`: tencentcloud-sdk-python reads Response.Error under no other type.
    assert_eq!(
        a.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let sh = c
        .v3_signed(
            "ap-shanghai",
            "DescribeImages",
            &json!({"Limit": 100}),
            &Sign::tencent(),
        )
        .await;
    let want = catalogue::tencent()
        .iter()
        .filter(|r| r.region == "ap-shanghai")
        .count() as i64;
    assert_eq!(n(&sh.json, "/Response/TotalCount"), want);
}

#[tokio::test]
async fn filters_and_instance_type() {
    let c = Client::start().await;
    let tagged = catalogue::tencent()
        .iter()
        .find(|r| r.region == "ap-guangzhou" && !r.tags.is_empty());
    let (tag_k, tag_v) = tagged.map(|r| r.tags[0].clone()).unwrap_or_default();
    let cases: Vec<(serde_json::Value, Vec<String>)> = vec![
        (
            json!({"Filters": [{"Name": "platform", "Values": ["Ubuntu", "Debian"]}]}),
            gz(|r| matches!(r.platform, "Ubuntu" | "Debian")),
        ),
        // platform and image-name match fuzzily: the value anywhere in the field.
        (
            json!({"Filters": [{"Name": "platform", "Values": ["Cent", "Alma"]}]}),
            gz(|r| matches!(r.platform, "CentOS" | "AlmaLinux")),
        ),
        (
            json!({"Filters": [{"Name": "platform", "Values": ["centOS"]}]}),
            gz(|r| r.platform == "TencentOS"),
        ),
        (
            json!({"Filters": [{"Name": "image-name", "Values": ["(ARM)"]}]}),
            gz(|r| r.image_name.contains("(ARM)")),
        ),
        // image-id and image-type match exactly.
        (
            json!({"Filters": [{"Name": "image-type", "Values": ["SHARED_IMAGE", "PUBLIC"]}]}),
            gz(|r| r.image_type == "SHARED_IMAGE"),
        ),
        (
            json!({"Filters": [{"Name": "image-type", "Values": ["PRIVATE_IMAGE"]}, {"Name": "platform", "Values": ["CentOS"]}]}),
            gz(|r| r.image_type == "PRIVATE_IMAGE" && r.platform == "CentOS"),
        ),
        (
            json!({"Filters": [{"Name": "tag-key", "Values": [tag_k]}]}),
            gz(|r| r.tags.iter().any(|(k, _)| *k == tag_k)),
        ),
        (
            json!({"Filters": [{"Name": "tag-value", "Values": [tag_v]}]}),
            gz(|r| r.tags.iter().any(|(_, v)| *v == tag_v)),
        ),
        (
            json!({"Filters": [{"Name": format!("tag:{tag_k}"), "Values": [tag_v]}]}),
            gz(|r| r.tags.iter().any(|(k, v)| *k == tag_k && *v == tag_v)),
        ),
        (
            json!({"InstanceType": "SR1.MEDIUM4"}),
            gz(|r| r.architecture == "arm"),
        ),
        (
            json!({"InstanceType": "GN7.2XLARGE32"}),
            gz(|r| r.runs_on("GN7.2XLARGE32")),
        ),
    ];
    for (body, want) in &cases {
        assert!(!want.is_empty(), "{body}");
        assert_eq!(&all(&c, body.clone()).await, want, "{body}");
    }
}

#[tokio::test]
async fn api_rules_have_real_codes() {
    let c = Client::start().await;
    let filter = |n: usize, values: usize| {
        let vals: Vec<String> = (0..values).map(|i| format!("v{i}")).collect();
        json!((0..n)
            .map(|_| json!({"Name": "image-name", "Values": vals}))
            .collect::<Vec<_>>())
    };
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            json!({"ImageIds": ["img-aaaaaaaa"], "Filters": [{"Name": "image-type", "Values": ["PUBLIC_IMAGE"]}]}),
            "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
        ),
        (
            json!({"Filters": filter(11, 1)}),
            "InvalidParameterValue.LimitExceeded",
        ),
        (
            json!({"Filters": filter(1, 6)}),
            "InvalidFilterValue.LimitExceeded",
        ),
        (
            json!({"Limit": 101}),
            "InvalidParameterValue.InvalidParameterValueLimit",
        ),
        (
            json!({"Limit": 0}),
            "InvalidParameterValue.InvalidParameterValueLimit",
        ),
        (
            json!({"InstanceType": "S5.HUGE999"}),
            "InvalidParameterValue.InstanceTypeNotFound",
        ),
        (
            json!({"InstanceType": "nodot"}),
            "InvalidInstanceType.Malformed",
        ),
        (
            json!({"Filters": [{"Name": "os-name", "Values": ["x"]}]}),
            "InvalidFilter",
        ),
        (json!({"Colour": "blue"}), "UnknownParameter"),
        (json!({"Limit": "ten"}), "InvalidParameter"),
        (json!({"ImageIds": ["IMG-1"]}), "InvalidImageId.Malformed"),
    ];
    for (body, code) in &cases {
        let a = c.v3(body).await;
        assert_eq!(
            (a.status, s(&a.json, "/Response/Error/Code")),
            (200, *code),
            "{body}"
        );
    }
    let region = c
        .v3_signed("ap-mars", "DescribeImages", &json!({}), &Sign::tencent())
        .await;
    assert_eq!(s(&region.json, "/Response/Error/Code"), "UnsupportedRegion");
    let action = c
        .v3_signed("ap-guangzhou", "RunInstances", &json!({}), &Sign::tencent())
        .await;
    assert_eq!(s(&action.json, "/Response/Error/Code"), "InvalidAction");
}

#[tokio::test]
async fn tc3_signature_failures() {
    let c = Client::start().await;
    let cases: &[(Sign, &str)] = &[
        (
            Sign::with("AKIDmockTencent0000000000000000000000", "wrong"),
            "AuthFailure.SignatureFailure",
        ),
        (
            Sign::with("AKIDstranger", "mock-tencent-sk"),
            "AuthFailure.SecretIdNotFound",
        ),
        (Sign::tencent().skew(-400), "AuthFailure.SignatureExpire"),
        (
            Sign::tencent().host("cvm.tencentcloudapi.com"),
            "AuthFailure.SignatureFailure",
        ),
        (
            Sign::tencent().unsigned(),
            "AuthFailure.InvalidAuthorization",
        ),
    ];
    for (sign, code) in cases {
        let a = c
            .v3_signed("ap-guangzhou", "DescribeImages", &json!({}), sign)
            .await;
        assert_eq!(
            (a.status, s(&a.json, "/Response/Error/Code")),
            (200, *code),
            "{}",
            a.text
        );
    }
    // A body changed after signing.
    let ts = chrono::Utc::now().timestamp();
    let input = crate::cloud::tencent::sign_tc3::Tc3Input {
        method: "POST",
        host: &c.server.addr().to_string(),
        canonical_query: "",
        content_type: "application/json",
        payload: b"{\"Limit\":1}",
        service: "cvm",
        timestamp: ts,
        secret_id: "AKIDmockTencent0000000000000000000000",
        secret_key: "mock-tencent-sk",
    };
    let auth = crate::cloud::tencent::sign_tc3::authorization(&input);
    let send = |body: &'static str| {
        c.http
            .post(c.server.url() + "/")
            .header("content-type", "application/json")
            .header("x-tc-action", "DescribeImages")
            .header("x-tc-version", "2017-03-12")
            .header("x-tc-timestamp", ts.to_string())
            .header("x-tc-region", "ap-guangzhou")
            .header("authorization", auth.clone())
            .body(body)
            .send()
    };
    let ok: serde_json::Value = send("{\"Limit\":1}")
        .await
        .expect("sent")
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(list(&ok, "/Response/ImageSet").len(), 1, "{ok}");
    let bad: serde_json::Value = send("{\"Limit\":2}")
        .await
        .expect("sent")
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(
        s(&bad, "/Response/Error/Code"),
        "AuthFailure.SignatureFailure"
    );
}

/// Signs a TC3 request over `method` with the given query and body, signing `extra` headers too.
fn tc3_request(
    c: &Client,
    method: reqwest::Method,
    query: &str,
    body: &str,
    extra: &[(&str, &str)],
    secret: &str,
) -> reqwest::RequestBuilder {
    use crate::cloud::tencent::sign_tc3::{canonical_request_over, signature, string_to_sign};
    let ts = chrono::Utc::now().timestamp();
    let host = c.server.addr().to_string();
    let ct = if method == reqwest::Method::GET {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let mut signed = vec![("content-type", ct), ("host", host.as_str())];
    signed.extend_from_slice(extra);
    signed.sort();
    let canonical = canonical_request_over(method.as_str(), query, &signed, body.as_bytes());
    let sig = signature(secret, ts, "cvm", &string_to_sign(ts, "cvm", &canonical));
    let names: Vec<&str> = signed.iter().map(|(n, _)| *n).collect();
    let auth = format!(
        "TC3-HMAC-SHA256 Credential={}/{}/cvm/tc3_request, SignedHeaders={}, Signature={sig}",
        crate::mock::credentials::TENCENT_ID,
        crate::cloud::tencent::sign_tc3::utc_date(ts),
        names.join(";")
    );
    let url = if query.is_empty() {
        c.server.url() + "/"
    } else {
        format!("{}/?{query}", c.server.url())
    };
    c.http
        .request(method, url)
        .header("content-type", ct)
        .header("x-tc-action", "DescribeImages")
        .header("x-tc-version", "2017-03-12")
        .header("x-tc-timestamp", ts.to_string())
        .header("x-tc-region", "ap-guangzhou")
        .header("authorization", auth)
        .body(body.to_string())
}

async fn send(req: reqwest::RequestBuilder) -> serde_json::Value {
    req.send()
        .await
        .expect("sent")
        .json()
        .await
        .unwrap_or_default()
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    list(v, "/Response/ImageSet")
        .iter()
        .map(|i| i["ImageId"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn tc3_over_get_and_with_more_signed_headers() {
    let c = Client::start().await;
    let key = crate::mock::credentials::TENCENT_KEY;
    let post = c.v3(&json!({"Limit": 7, "Offset": 3})).await;
    let want = ids(&post.json);
    assert_eq!(want.len(), 7);
    let get = send(tc3_request(
        &c,
        reqwest::Method::GET,
        "Limit=7&Offset=3",
        "",
        &[],
        key,
    ))
    .await;
    assert_eq!(ids(&get), want, "{get}");
    let filtered = send(tc3_request(
        &c,
        reqwest::Method::GET,
        "Filters.0.Name=platform&Filters.0.Values.0=Debian&Limit=100",
        "",
        &[],
        key,
    ))
    .await;
    assert_eq!(ids(&filtered), gz(|r| r.platform == "Debian"));
    // The signing document's example also signs x-tc-action, its value lower-cased.
    for method in [reqwest::Method::POST, reqwest::Method::GET] {
        let (query, body) = if method == reqwest::Method::GET {
            ("Limit=7&Offset=3", "")
        } else {
            ("", r#"{"Limit":7,"Offset":3}"#)
        };
        let more = send(tc3_request(
            &c,
            method.clone(),
            query,
            body,
            &[("x-tc-action", "describeimages")],
            key,
        ))
        .await;
        assert_eq!(ids(&more), want, "{method}: {more}");
        let wrong = send(tc3_request(
            &c,
            method.clone(),
            query,
            body,
            &[("x-tc-action", "describeimages")],
            "not-the-key",
        ))
        .await;
        assert_eq!(
            s(&wrong, "/Response/Error/Code"),
            "AuthFailure.SignatureFailure"
        );
    }
}

#[tokio::test]
async fn signature_v1_on_api_3() {
    use crate::cloud::tencent::sign_v1::{signature, SignatureMethod};
    let c = Client::start().await;
    let host = c.server.addr().to_string();
    let want = ids(&c.v3(&json!({"Limit": 5})).await.json);
    for method in ["POST", "GET"] {
        for (alg, name) in [
            (SignatureMethod::HmacSha1, "HmacSHA1"),
            (SignatureMethod::HmacSha256, "HmacSHA256"),
        ] {
            let ts = chrono::Utc::now().timestamp().to_string();
            let mut params: Vec<(String, String)> = [
                ("Action", "DescribeImages"),
                ("Version", "2017-03-12"),
                ("Region", "ap-guangzhou"),
                ("Nonce", "99"),
                ("Timestamp", ts.as_str()),
                ("SecretId", crate::mock::credentials::TENCENT_ID),
                ("SignatureMethod", name),
                ("Limit", "5"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            let sig = signature(
                method,
                &host,
                "/",
                &params,
                crate::mock::credentials::TENCENT_KEY,
                alg,
            );
            params.push(("Signature".into(), sig));
            let url = c.server.url() + "/";
            let req = if method == "POST" {
                c.http.post(url).form(&params)
            } else {
                c.http.get(url).query(&params)
            };
            let got = send(req).await;
            assert_eq!(ids(&got), want, "{method} {name}: {got}");
        }
    }
    let logged = c.server.requests();
    assert!(logged
        .iter()
        .all(|r| r.api == crate::mock::api::Api::TencentV3 && r.action == "DescribeImages"));
}

#[tokio::test]
async fn real_shapes_send_nulls_both_spellings_and_extra_fields() {
    let c = Client::start_with(crate::mock::MockConfig {
        shapes: crate::mock::Shapes::Real,
        ..Default::default()
    })
    .await;
    let mut images = Vec::new();
    loop {
        let a = c.v3(&json!({"Offset": images.len(), "Limit": 100})).await;
        let page = list(&a.json, "/Response/ImageSet").to_vec();
        let done = page.len() < 100;
        images.extend(page);
        if done {
            break;
        }
    }
    let public: Vec<_> = images
        .iter()
        .filter(|i| i["ImageType"] == "PUBLIC_IMAGE")
        .collect();
    assert!(!public.is_empty());
    for i in &public {
        assert!(
            i["SyncPercent"].is_null() && i["SnapshotSet"].is_null(),
            "{i}"
        );
        assert!(s(i, "/CreatedTime").ends_with("+00:00"), "{i}");
    }
    let custom: Vec<_> = images
        .iter()
        .filter(|i| i["ImageType"] != "PUBLIC_IMAGE")
        .collect();
    assert!(custom.iter().all(|i| s(i, "/CreatedTime").ends_with('Z')));
    assert!(images.iter().any(|i| i["Tags"].is_null()));
    assert!(images.iter().any(|i| i["ImageFamily"].is_null()));
    assert!(images.iter().any(|i| i["IsSupportCloudinit"].is_null()));
    assert!(images.iter().all(|i| i.get("BootModes").is_some()));
}
