//! UCloud DescribeImage: offset paging with TotalCount, every filter, RetCode errors, signatures.

use super::{list, n, s, Client, Sign};
use crate::mock::catalogue::{self, UCloudRecord, UCLOUD_DEFAULT_PROJECT, UCLOUD_OTHER_PROJECT};

fn base<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![("Action", "DescribeImage"), ("Region", "cn-bj2")];
    p.extend_from_slice(extra);
    p
}

/// Reads every page by TotalCount; returns the ids.
async fn all(c: &Client, extra: &[(&str, &str)]) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let offset = ids.len().to_string();
        let mut p = base(extra);
        p.push(("Limit", "100"));
        p.push(("Offset", &offset));
        let a = c.ucloud(&p).await;
        assert_eq!(n(&a.json, "/RetCode"), 0, "{}", a.text);
        let page = list(&a.json, "/ImageSet");
        ids.extend(
            page.iter()
                .map(|i| i["ImageId"].as_str().unwrap_or("").to_string()),
        );
        if page.is_empty() || ids.len() as i64 >= n(&a.json, "/TotalCount") {
            return ids;
        }
    }
}

fn bj(pred: impl Fn(&UCloudRecord) -> bool) -> Vec<String> {
    catalogue::ucloud()
        .iter()
        .filter(|r| r.region == "cn-bj2" && r.project.is_none_or(|p| p == UCLOUD_DEFAULT_PROJECT))
        .filter(|r| pred(r))
        .map(|r| r.image_id.clone())
        .collect()
}

#[tokio::test]
async fn pages_by_total_count_and_clamps_limit() {
    let c = Client::start().await;
    let want = bj(|_| true);
    assert!(want.len() > 200);
    assert_eq!(all(&c, &[]).await, want);
    let a = c.ucloud(&base(&[("Limit", "1000")])).await;
    assert_eq!(
        (list(&a.json, "/ImageSet").len(), n(&a.json, "/TotalCount")),
        (100, want.len() as i64)
    );
    assert_eq!(s(&a.json, "/Action"), "DescribeImageResponse");
    let default = c.ucloud(&base(&[])).await;
    assert_eq!(list(&default.json, "/ImageSet").len(), 20);
    assert!(default.headers.get("x-ucloud-request-uuid").is_some());
    let img = &list(&default.json, "/ImageSet")[0];
    for key in [
        "Zone",
        "ImageId",
        "ImageName",
        "OsType",
        "OsName",
        "ImageType",
        "Features",
        "FuncType",
        "IntegratedSoftware",
        "Vendor",
        "Links",
        "State",
        "ImageDescription",
        "CreateTime",
        "ImageSize",
        "MinimalCPU",
        "MaintainEol",
        "SupportedGPUTypes",
        "SceneCategories",
        "PrimarySoftware",
        "DataSnapshotIds",
        "Tag",
    ] {
        assert!(img.get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn filters() {
    let c = Client::start().await;
    let gpu_id = bj(|r| r.func_type == "gpu")[0].clone();
    let gpu_id = gpu_id.as_str();
    let cases: Vec<(super::ParamVec, Vec<String>)> = vec![
        (
            vec![("ImageType", "Custom")],
            bj(|r| r.image_type == "Custom"),
        ),
        (
            vec![("ImageType", "Base"), ("OsType", "Windows")],
            bj(|r| r.image_type == "Base" && r.os_type == "Windows"),
        ),
        (vec![("FuncType", "gpu")], bj(|r| r.func_type == "gpu")),
        (vec![("FuncType", "nonsense")], bj(|_| true)),
        (
            vec![("Zone", "cn-bj2-03")],
            bj(|r| r.zone.is_none_or(|z| z == "cn-bj2-03")),
        ),
        (vec![("ImageId", gpu_id)], vec![gpu_id.to_string()]),
        (
            vec![("PriceSet", "1"), ("OsType", "Linux")],
            bj(|r| r.os_type == "Linux"),
        ),
    ];
    for (extra, want) in &cases {
        assert_eq!(&all(&c, extra).await, want, "{extra:?}");
    }
    let other: Vec<String> = catalogue::ucloud()
        .iter()
        .filter(|r| r.region == "cn-bj2" && r.project.is_none_or(|p| p == UCLOUD_OTHER_PROJECT))
        .map(|r| r.image_id.clone())
        .collect();
    assert_eq!(all(&c, &[("ProjectId", UCLOUD_OTHER_PROJECT)]).await, other);
    let empty = c
        .ucloud(&[("Action", "DescribeImage"), ("Region", "us-ws")])
        .await;
    assert_eq!(
        (n(&empty.json, "/RetCode"), n(&empty.json, "/TotalCount")),
        (0, 0)
    );
    let zoned = c
        .ucloud(&base(&[
            ("Zone", "cn-bj2-04"),
            ("ImageType", "Base"),
            ("Limit", "1"),
        ]))
        .await;
    assert_eq!(s(&zoned.json, "/ImageSet/0/Zone"), "cn-bj2-04");
}

#[tokio::test]
async fn get_query_form_is_accepted() {
    let c = Client::start().await;
    let q = c.ucloud_form(
        &[
            ("Action", "DescribeImage"),
            ("Region", "hk"),
            ("Limit", "5"),
        ],
        &Sign::ucloud(),
    );
    let resp = c
        .http
        .get(c.server.url() + "/")
        .query(&q)
        .send()
        .await
        .expect("sent");
    let v: serde_json::Value = resp.json().await.unwrap_or_default();
    assert_eq!((n(&v, "/RetCode"), list(&v, "/ImageSet").len()), (0, 5));
}

#[tokio::test]
async fn errors_are_retcodes_in_http_200() {
    let c = Client::start().await;
    let cases: Vec<(super::Params, Sign, i64)> = vec![
        (&[("Action", "DescribeImage")], Sign::ucloud(), 220),
        (
            &[("Action", "DescribeImage"), ("Region", "mars-1")],
            Sign::ucloud(),
            230,
        ),
        (
            &[
                ("Action", "DescribeImage"),
                ("Region", "cn-bj2"),
                ("Zone", "hk-01"),
            ],
            Sign::ucloud(),
            230,
        ),
        (
            &[
                ("Action", "DescribeImage"),
                ("Region", "cn-bj2"),
                ("OsType", "Plan9"),
            ],
            Sign::ucloud(),
            230,
        ),
        (
            &[
                ("Action", "DescribeImage"),
                ("Region", "cn-bj2"),
                ("Offset", "-1"),
            ],
            Sign::ucloud(),
            230,
        ),
        (
            &[("Action", "DescribeUHostInstance"), ("Region", "cn-bj2")],
            Sign::ucloud(),
            161,
        ),
        (&[("Region", "cn-bj2")], Sign::ucloud(), 160),
        (
            &[("Action", "DescribeImage"), ("Region", "cn-bj2")],
            Sign::with("mock-ucloud-public", "wrong"),
            171,
        ),
        (
            &[("Action", "DescribeImage"), ("Region", "cn-bj2")],
            Sign::with("stranger", "mock-ucloud-private"),
            172,
        ),
        (
            &[("Action", "DescribeImage"), ("Region", "cn-bj2")],
            Sign::ucloud().unsigned(),
            170,
        ),
    ];
    for (params, sign, code) in &cases {
        let a = c.ucloud_signed(params, sign).await;
        assert_eq!(
            (a.status, n(&a.json, "/RetCode")),
            (200, *code),
            "{params:?}: {}",
            a.text
        );
        assert!(!s(&a.json, "/Message").is_empty());
    }
    let a = c
        .ucloud_signed(&base(&[]), &Sign::with("mock-ucloud-public", "wrong"))
        .await;
    assert_eq!(s(&a.json, "/Message"), "Signature VerifyAC Error");
}

#[tokio::test]
async fn image_ids_and_price_set() {
    let c = Client::start().await;
    let some = bj(|_| true);
    let (a, b) = (some[3].as_str(), some[77].as_str());
    let two = c
        .ucloud(&base(&[
            ("ImageIds.0", a),
            ("ImageIds.1", b),
            ("Limit", "100"),
        ]))
        .await;
    let mut got: Vec<&str> = list(&two.json, "/ImageSet")
        .iter()
        .map(|i| i["ImageId"].as_str().unwrap_or(""))
        .collect();
    got.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!((got, n(&two.json, "/TotalCount")), (want, 2));
    let plain = c.ucloud(&base(&[("Limit", "100")])).await;
    assert!(list(&plain.json, "/ImageSet")
        .iter()
        .all(|i| i.get("PriceSet").is_none()));
    let priced = c
        .ucloud(&base(&[("Limit", "100"), ("PriceSet", "1")]))
        .await;
    let images = list(&priced.json, "/ImageSet");
    for image in images {
        let prices = image["PriceSet"].as_array().cloned().unwrap_or_default();
        assert_eq!(prices.len(), 3, "{image}");
        for p in &prices {
            assert!(p["Price"].is_f64() && p["OriginalPrice"].is_f64(), "{p}");
            assert!(p["ChargeType"].is_string(), "{p}");
        }
    }
    assert!(images
        .iter()
        .any(|i| i["ImageType"] == "Business" && i["PriceSet"][0]["Price"].as_f64() > Some(0.0)));
    let bad = c.ucloud(&base(&[("PriceSet", "yes")])).await;
    assert_eq!(n(&bad.json, "/RetCode"), 230);
}
