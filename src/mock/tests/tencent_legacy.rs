//! Tencent legacy DescribeImages: GET and POST, both HMACs, 0/1-based arrays, filters, API rules,
//! and the v1 signature failures in Tencent's error shape.

use super::{list, n, s, Client, Sign};
use crate::cloud::tencent::sign_v1::SignatureMethod;
use crate::mock::catalogue::{self, TencentRecord};

fn gz(pred: impl Fn(&TencentRecord) -> bool) -> Vec<String> {
    catalogue::tencent()
        .iter()
        .filter(|r| r.region == "ap-guangzhou" && pred(r))
        .map(|r| r.image_id.clone())
        .collect()
}

fn ids(a: &super::Answer) -> Vec<String> {
    list(&a.json, "/Response/ImageSet")
        .iter()
        .map(|i| i["ImageId"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn get_and_post_page_the_region() {
    let c = Client::start().await;
    let want = gz(|_| true);
    let mut got = Vec::new();
    while got.len() < want.len() {
        let offset = got.len().to_string();
        let method = if got.is_empty() { "GET" } else { "POST" };
        let a = c
            .legacy(method, &[("Offset", &offset), ("Limit", "100")])
            .await;
        assert_eq!(
            n(&a.json, "/Response/TotalCount"),
            want.len() as i64,
            "{}",
            a.text
        );
        let page = ids(&a);
        assert!(!page.is_empty());
        got.extend(page);
    }
    assert_eq!(got, want);
    let a = c.legacy("GET", &[]).await;
    assert_eq!(ids(&a).len(), 20);
    assert_eq!(s(&a.json, "/Response/RequestID").len(), 36);
    let img = &list(&a.json, "/Response/ImageSet")[0];
    for key in [
        "ImageId",
        "ImageOsName",
        "ImageType",
        "ImageCreateTime",
        "ImageStatus",
        "ImageName",
        "ImageDescription",
        "Creator",
    ] {
        assert!(img.get(key).is_some(), "{key}");
    }
    let sha1 = c
        .legacy_signed(
            "GET",
            &[("Limit", "1")],
            &Sign::tencent(),
            SignatureMethod::HmacSha1,
        )
        .await;
    assert_eq!(ids(&sha1).len(), 1, "{}", sha1.text);
}

#[tokio::test]
async fn filters_and_image_ids() {
    let c = Client::start().await;
    let one = gz(|r| r.image_type == "PRIVATE_IMAGE")[0].clone();
    let name = catalogue::tencent()
        .iter()
        .find(|r| r.image_id == one)
        .map(|r| r.image_name.clone())
        .unwrap_or_default();
    let cases: Vec<(super::ParamVec, Vec<String>)> = vec![
        (vec![("ImageIds.0", &one)], vec![one.clone()]),
        (vec![("ImageIds.1", &one)], vec![one.clone()]),
        (
            vec![
                ("Filters.1.Name", "image-type"),
                ("Filters.1.Values.1", "PRIVATE_IMAGE"),
                ("Filters.1.Values.2", "SHARED_IMAGE"),
            ],
            gz(|r| matches!(r.image_type, "PRIVATE_IMAGE" | "SHARED_IMAGE")),
        ),
        (
            vec![
                ("Filters.0.Name", "image-type"),
                ("Filters.0.Values.0", "PUBLIC_IMAGE"),
                ("Filters.1.Name", "image-name"),
                ("Filters.1.Values.0", &name),
            ],
            gz(|r| r.image_type == "PUBLIC_IMAGE" && r.image_name == name),
        ),
        (
            vec![("Filters.0.Name", "image-id"), ("Filters.0.Values.0", &one)],
            vec![one.clone()],
        ),
    ];
    for (params, want) in &cases {
        let mut p = params.clone();
        p.push(("Limit", "100"));
        let a = c.legacy("GET", &p).await;
        assert_eq!(
            n(&a.json, "/Response/TotalCount"),
            want.len() as i64,
            "{params:?}"
        );
        assert_eq!(ids(&a), want[..want.len().min(100)], "{params:?}");
    }
    let a = c.legacy("GET", &[("Region", "ap-nanjing")]).await;
    assert_eq!(n(&a.json, "/Response/TotalCount"), 0);
}

#[tokio::test]
async fn api_rules_and_signature_errors() {
    let c = Client::start().await;
    let id = gz(|_| true)[0].clone();
    let rule_cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("ImageIds.0", &id),
                ("Filters.0.Name", "image-type"),
                ("Filters.0.Values.0", "PUBLIC_IMAGE"),
            ],
            "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
        ),
        (
            vec![
                ("Filters.0.Name", "platform"),
                ("Filters.0.Values.0", "Ubuntu"),
            ],
            "InvalidFilter",
        ),
        (
            vec![("Limit", "101")],
            "InvalidParameterValue.InvalidParameterValueLimit",
        ),
        (vec![("InstanceType", "S5.LARGE8")], "UnknownParameter"),
        (
            vec![("ImageIds.0", "not-an-id")],
            "InvalidImageId.Malformed",
        ),
        (vec![("Region", "ap-mars")], "UnsupportedRegion"),
        (vec![("Region", "<drop>")], "MissingParameter"),
        (vec![("Version", "2099-01-01")], "NoSuchVersion"),
        (vec![("Action", "RunInstances")], "InvalidAction"),
    ];
    for (params, code) in &rule_cases {
        let a = c.legacy("GET", params).await;
        assert_eq!(
            (a.status, s(&a.json, "/Response/Error/Code")),
            (200, *code),
            "{params:?}"
        );
    }
    let sign_cases: &[(Sign, &str)] = &[
        (
            Sign::with("AKIDmockTencent0000000000000000000000", "wrong"),
            "AuthFailure.SignatureFailure",
        ),
        (
            Sign::with("AKIDstranger", "mock-tencent-sk"),
            "AuthFailure.SecretIdNotFound",
        ),
        (
            Sign::tencent().skew(-301 - 5),
            "AuthFailure.SignatureExpire",
        ),
        (Sign::tencent().skew(400), "AuthFailure.SignatureExpire"),
        (
            Sign::tencent().host("image.api.qcloud.com"),
            "AuthFailure.SignatureFailure",
        ),
        (Sign::tencent().unsigned(), "MissingParameter"),
    ];
    for (sign, code) in sign_cases {
        let a = c
            .legacy_signed("POST", &[], sign, SignatureMethod::HmacSha256)
            .await;
        assert_eq!(s(&a.json, "/Response/Error/Code"), *code, "{}", a.text);
        assert_eq!(s(&a.json, "/Response/RequestId").len(), 36);
    }
}
