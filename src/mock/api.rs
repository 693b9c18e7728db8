//! Which emulated API a request is for, decided from its shape alone (path, method, headers,
//! `Action`), before anything is verified. Knows nothing of catalogues, faults or signatures.

use axum::http::Method;

use super::credentials::Cloud;
use super::request::{param, Incoming};

/// The four APIs (five endpoints) the emulator serves on one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Baidu `GET /v2/image` (seed 001).
    BaiduImages,
    /// Baidu `GET /v2/image/getAvailableImagesBySpec` (seed 000).
    BaiduSpecImages,
    /// UCloud `Action=...` at `/` (seed 002).
    Ucloud,
    /// Tencent legacy `/v2/index.php` (seed 003).
    TencentLegacy,
    /// Tencent CVM API 3.0 at `/`: TC3-signed with `X-TC-Action` (POST JSON or GET query), or
    /// signature v1 with `Action` and `SecretId` parameters (POST form or GET query).
    TencentV3,
}

impl Api {
    pub fn cloud(&self) -> Cloud {
        match self {
            Api::BaiduImages | Api::BaiduSpecImages => Cloud::Baidu,
            Api::Ucloud => Cloud::Ucloud,
            Api::TencentLegacy | Api::TencentV3 => Cloud::Tencent,
        }
    }

    /// Offset/Limit paging (as opposed to Baidu's marker paging).
    pub fn offset_paged(&self) -> bool {
        !matches!(self.cloud(), Cloud::Baidu)
    }
}

/// What the dispatcher learns from a request's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub api: Api,
    /// `ListImages` / `GetAvailableImagesBySpec` for Baidu (named after the SDK calls), else the
    /// request's `Action` (empty when missing).
    pub action: String,
    /// The requested `Offset`, for offset-paged APIs when it parses.
    pub offset: Option<u64>,
}

/// Classifies a request, or `None` when it is none of the emulated APIs.
pub fn classify(req: &Incoming) -> Option<Shape> {
    let path = req.path.trim_end_matches('/');
    match path {
        "/v2/image" => Some(Shape {
            api: Api::BaiduImages,
            action: "ListImages".into(),
            offset: None,
        }),
        "/v2/image/getAvailableImagesBySpec" => Some(Shape {
            api: Api::BaiduSpecImages,
            action: "GetAvailableImagesBySpec".into(),
            offset: None,
        }),
        "/v2/index.php" => {
            let params = req.params();
            Some(Shape {
                api: Api::TencentLegacy,
                action: param(&params, "Action").unwrap_or("").to_string(),
                offset: param(&params, "Offset").and_then(|o| o.parse().ok()),
            })
        }
        "" => {
            if let Some(action) = req.header("x-tc-action") {
                let offset = if req.method == Method::POST {
                    serde_json::from_slice::<serde_json::Value>(&req.body)
                        .ok()
                        .and_then(|v| v.get("Offset").and_then(|o| o.as_u64()))
                } else {
                    param(&req.query_pairs(), "Offset").and_then(|o| o.parse().ok())
                };
                return Some(Shape {
                    api: Api::TencentV3,
                    action: action.to_string(),
                    offset,
                });
            }
            let params = req.params();
            // Tencent's signature v1 names the key `SecretId`; UCloud's requests carry `PublicKey`.
            let api =
                if param(&params, "SecretId").is_some() && param(&params, "PublicKey").is_none() {
                    Api::TencentV3
                } else {
                    Api::Ucloud
                };
            Some(Shape {
                api,
                action: param(&params, "Action").unwrap_or("").to_string(),
                offset: param(&params, "Offset").and_then(|o| o.parse().ok()),
            })
        }
        _ => None,
    }
}
