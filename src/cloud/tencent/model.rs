//! Tencent `DescribeImages` wire structs for both APIs (legacy `image.api.qcloud.com` and CVM API
//! 3.0, PascalCase, mirroring the wire) and their one-time conversion into [`TencentImage`].
//! Decoding only: no HTTP, no signing, no Terraform.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::cloud::wire::{known_time, lenient_i64, lenient_string, parse_time, text, Text};

/// Any body either API may send: `{"Response": {...}}`, or the legacy `{"code","message","codeDesc"}`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(default, rename = "Response")]
    pub response: Option<ResponseBody>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub code: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
    #[serde(default, rename = "codeDesc", deserialize_with = "lenient_string")]
    pub code_desc: Option<String>,
}

/// The `Response` object: an `Error`, or the listing.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseBody {
    #[serde(default)]
    pub error: Option<ApiError>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
    /// The legacy API spells it `RequestID`.
    #[serde(default, rename = "RequestID", deserialize_with = "lenient_string")]
    pub request_id_legacy: Option<String>,
    #[serde(default)]
    pub image_set: Option<Vec<WireImage>>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total_count: Option<i64>,
}

impl ResponseBody {
    pub fn request_id(&self) -> Option<String> {
        self.request_id
            .clone()
            .or_else(|| self.request_id_legacy.clone())
    }
}

/// `Response.Error`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiError {
    #[serde(default, deserialize_with = "lenient_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
}

/// One `ImageSet` item, with both APIs' field names (legacy: `ImageOsName`, `ImageCreateTime`,
/// `ImageStatus`, `Creator`; v3: `OsName`, `CreatedTime`, `ImageState`, `ImageCreator`, ...).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WireImage {
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_description: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_os_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub created_time: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_create_time: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_state: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_status: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_creator: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub creator: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub architecture: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub platform: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub image_size: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_source: Option<String>,
}

/// A CVM image from either API; strings are empty when the API omits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TencentImage {
    pub id: Text,
    pub name: Text,
    pub os_name: Text,
    /// PUBLIC_IMAGE, PRIVATE_IMAGE or SHARED_IMAGE.
    pub image_type: Text,
    /// v3 `ImageState` / legacy `ImageStatus` (e.g. NORMAL).
    pub status: Text,
    /// `None` when the API does not know it (absent, unparsable, or the epoch the legacy API reports
    /// for public images).
    pub create_time: Option<DateTime<Utc>>,
    pub description: Text,
    pub creator: Text,
    /// `x86_64`, `arm64`, `i386` or empty; legacy images take it from the OS name suffix.
    pub architecture: Text,
    /// v3 only.
    pub platform: Text,
    /// v3 only (GB).
    pub size: Option<i64>,
    /// v3 only.
    pub source: Text,
}

fn first(a: Option<String>, b: Option<String>) -> Text {
    text(a.filter(|s| !s.is_empty()).or(b.filter(|s| !s.is_empty())))
}

impl WireImage {
    /// The typed image, or `None` when the API sent an image without an id.
    pub fn into_image(self) -> Option<TencentImage> {
        let id = self.image_id.filter(|s| !s.is_empty())?;
        let os_name = first(self.os_name, self.image_os_name);
        let architecture = match self.architecture.as_deref().map(normalize_architecture) {
            Some(arch) if !arch.is_empty() => Text::from(arch),
            _ => Text::from(architecture_from_os_name(&os_name)),
        };
        let created = first(self.created_time, self.image_create_time);
        Some(TencentImage {
            id: id.into(),
            name: text(self.image_name),
            image_type: text(self.image_type),
            status: first(self.image_state, self.image_status),
            create_time: known_time(parse_time(&created)),
            description: text(self.image_description),
            creator: first(self.image_creator, self.creator),
            architecture,
            platform: text(self.platform),
            size: self.image_size,
            source: text(self.image_source),
            os_name,
        })
    }
}

/// A cloud's architecture field as `x86_64`, `arm64`, `i386`, or empty when unknown.
pub fn normalize_architecture(raw: &str) -> &'static str {
    match raw.trim().to_ascii_lowercase().as_str() {
        "x86_64" | "x86-64" | "amd64" | "x64" => "x86_64",
        "arm" | "arm64" | "aarch64" | "armv8" => "arm64",
        "i386" | "i686" | "x86" | "x86_32" => "i386",
        _ => "",
    }
}

/// The architecture encoded in a legacy OS name such as `centos6.6x86_32` or `ubuntu16.04x86_64`;
/// `64位`/`32位` as a last resort (legacy catalogues predate Arm images). Empty when none is found.
pub fn architecture_from_os_name(os_name: &str) -> &'static str {
    let s = os_name.to_ascii_lowercase();
    if s.contains("x86_64") || s.contains("amd64") {
        "x86_64"
    } else if s.contains("aarch64") || s.contains("arm64") {
        "arm64"
    } else if s.contains("x86_32") || s.contains("i386") || s.contains("i686") {
        "i386"
    } else if os_name.contains("64位") {
        "x86_64"
    } else if os_name.contains("32位") {
        "i386"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_seed_example_decodes() {
        let body = r#"{"Response": {"ImageSet": [{"ImageId": "img-pmqg1cw7",
            "ImageOsName": "centos6.6x86_32", "ImageType": "PUBLIC_IMAGE",
            "ImageCreateTime": "1970-01-01T00:00:00+00:00", "ImageStatus": "NORMAL",
            "ImageName": "Centos 6.6 32-bit", "ImageDescription": "Centos 6.6 32-bit",
            "Creator": "PUBLIC"}], "TotalCount": 1,
            "RequestID": "5920380e-277a-420a-a221-0caac3eb7159"}}"#;
        let env: Envelope = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        let resp = env.response.unwrap_or_else(|| panic!("no Response"));
        assert_eq!(
            resp.request_id().as_deref(),
            Some("5920380e-277a-420a-a221-0caac3eb7159")
        );
        assert_eq!(resp.total_count, Some(1));
        let image = resp
            .image_set
            .and_then(|v| v.into_iter().next())
            .and_then(WireImage::into_image);
        assert_eq!(
            image,
            Some(TencentImage {
                id: "img-pmqg1cw7".into(),
                name: "Centos 6.6 32-bit".into(),
                os_name: "centos6.6x86_32".into(),
                image_type: "PUBLIC_IMAGE".into(),
                status: "NORMAL".into(),
                // The epoch means the API does not know.
                create_time: None,
                description: "Centos 6.6 32-bit".into(),
                creator: "PUBLIC".into(),
                architecture: "i386".into(),
                platform: Default::default(),
                size: None,
                source: Default::default(),
            })
        );
    }

    #[test]
    fn v3_item_decodes() {
        let body = r#"{"Response":{"TotalCount":1,"RequestId":"r-1","ImageSet":[{
            "ImageId":"img-1","OsName":"TencentOS Server 3.1 (TK4)","ImageType":"PUBLIC_IMAGE",
            "CreatedTime":"2023-03-01T08:00:00Z","ImageName":"TencentOS Server 3.1 (TK4) Arm",
            "ImageDescription":"d","ImageSize":20,"Architecture":"arm","ImageState":"NORMAL",
            "Platform":"TencentOS","ImageCreator":"PUBLIC","ImageSource":"OFFICIAL",
            "SyncPercent":null,"IsSupportCloudinit":true,"SnapshotSet":[]}]}}"#;
        let env: Envelope = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        let image = env
            .response
            .and_then(|r| r.image_set)
            .and_then(|v| v.into_iter().next())
            .and_then(WireImage::into_image)
            .unwrap_or_else(|| panic!("no image"));
        assert_eq!(image.architecture, "arm64");
        assert_eq!(image.platform, "TencentOS");
        assert_eq!(image.size, Some(20));
        assert_eq!(image.source, "OFFICIAL");
        assert_eq!(image.creator, "PUBLIC");
        assert_eq!(image.status, "NORMAL");
        assert_eq!(image.create_time.map(|t| t.timestamp()), Some(1677657600));
    }

    #[test]
    fn error_shapes_decode() {
        let v3: Envelope = serde_json::from_str(
            r#"{"Response":{"Error":{"Code":"InvalidFilter","Message":"bad"},"RequestId":"r"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let err = v3
            .response
            .and_then(|r| r.error)
            .unwrap_or_else(|| panic!("no error"));
        assert_eq!(err.code.as_deref(), Some("InvalidFilter"));
        let legacy: Envelope = serde_json::from_str(
            r#"{"code":4100,"message":"auth failed","codeDesc":"AuthFailure"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(legacy.code, Some(4100));
        assert_eq!(legacy.code_desc.as_deref(), Some("AuthFailure"));
        assert!(legacy.response.is_none());
    }

    #[test]
    fn architectures() {
        let normalized = [
            ("x86_64", "x86_64"),
            ("AMD64", "x86_64"),
            ("arm", "arm64"),
            ("aarch64", "arm64"),
            ("i386", "i386"),
            ("ppc64le", ""),
            ("", ""),
        ];
        for (raw, want) in normalized {
            assert_eq!(normalize_architecture(raw), want, "{raw}");
        }
        let from_os = [
            ("centos6.6x86_32", "i386"),
            ("centos7.2x86_64", "x86_64"),
            ("ubuntu20.04aarch64", "arm64"),
            ("CentOS 7.6 64位", "x86_64"),
            ("Windows Server 2008 32位", "i386"),
            ("TencentOS Server", ""),
        ];
        for (raw, want) in from_os {
            assert_eq!(architecture_from_os_name(raw), want, "{raw}");
        }
    }
}
