//! Baidu BCC wire structs (camelCase, mirroring the API) and their one-time conversion into the typed
//! images the rest of the crate uses. Decoding only: no HTTP, no signing, no Terraform.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::cloud::wire::{
    known_time, lenient_bool, lenient_i64, lenient_string, parse_time, text, Text,
};

/// The envelope shared by `GET /v2/image` and `GET /v2/image/getAvailableImagesBySpec`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    #[serde(default, deserialize_with = "lenient_string")]
    pub marker: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_truncated: Option<bool>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub next_marker: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub max_keys: Option<i64>,
    /// Required: a 200 without `images` is not a listing.
    pub images: Option<Vec<T>>,
}

/// `ImageModel` of `GET /v2/image`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageModel {
    #[serde(default, deserialize_with = "lenient_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient_string")]
    pub image_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_version: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_build: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_arch: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub create_time: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub desc: Option<String>,
}

/// `SystemImageModel` of `GET /v2/image/getAvailableImagesBySpec`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemImageModel {
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_version: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_arch: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_lang: Option<String>,
    #[serde(default, rename = "minSizeInGiB", deserialize_with = "lenient_i64")]
    pub min_size_in_gib: Option<i64>,
}

/// The BCE error body (`{"code","message","requestId"}`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "lenient_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
}

/// An image from `GET /v2/image`; strings are empty when the API omits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaiduImage {
    pub id: Text,
    pub name: Text,
    /// `type` on the wire: System, Custom, Integration, ...
    pub image_type: Text,
    pub os_type: Text,
    pub os_version: Text,
    pub os_name: Text,
    pub os_build: Text,
    /// As sent, e.g. `x86_64 (64bit)`.
    pub os_arch: Text,
    pub status: Text,
    pub create_time: Option<DateTime<Utc>>,
    /// `desc` on the wire.
    pub description: Text,
}

/// An image from `GET /v2/image/getAvailableImagesBySpec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaiduSpecImage {
    pub id: Text,
    pub name: Text,
    pub os_type: Text,
    pub os_version: Text,
    pub os_arch: Text,
    pub os_name: Text,
    pub os_lang: Text,
    pub min_size_in_gib: Option<i64>,
}

impl ImageModel {
    /// The typed image, or `None` when the API sent an image without an id.
    pub fn into_image(self) -> Option<BaiduImage> {
        let id = self.id.filter(|s| !s.is_empty())?;
        Some(BaiduImage {
            id: id.into(),
            name: text(self.name),
            image_type: text(self.image_type),
            os_type: text(self.os_type),
            os_version: text(self.os_version),
            os_name: text(self.os_name),
            os_build: text(self.os_build),
            os_arch: text(self.os_arch),
            status: text(self.status),
            create_time: known_time(self.create_time.as_deref().and_then(parse_time)),
            description: text(self.desc),
        })
    }
}

impl SystemImageModel {
    /// The typed image, or `None` when the API sent an image without an id.
    pub fn into_image(self) -> Option<BaiduSpecImage> {
        let id = self.image_id.filter(|s| !s.is_empty())?;
        Some(BaiduSpecImage {
            id: id.into(),
            name: text(self.image_name),
            os_type: text(self.os_type),
            os_version: text(self.os_version),
            os_arch: text(self.os_arch),
            os_name: text(self.os_name),
            os_lang: text(self.os_lang),
            min_size_in_gib: self.min_size_in_gib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_001_example_decodes() {
        let body = r#"{
            "maxKeys":1, "marker":"m-nky7qeom", "isTruncated":true, "nextMarker":"m-I88RTNWG",
            "images":[{ "id": "m-nky7qeom", "createTime": "2015-06-17T10:37:02Z",
              "name": "ubuntu-14.04.1-server-amd64-201506171832", "type": "System", "osType": "linux",
              "osVersion": "14.04.1 LTS", "osName": "Ubuntu", "osBuild": "2015061700",
              "osArch": "x86_64 (64bit)", "status": "Available", "desc": null, "specialVersion": "" }]}"#;
        let resp: ListResponse<ImageModel> =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.is_truncated, Some(true));
        assert_eq!(resp.next_marker.as_deref(), Some("m-I88RTNWG"));
        let images: Vec<BaiduImage> = resp
            .images
            .unwrap_or_default()
            .into_iter()
            .filter_map(ImageModel::into_image)
            .collect();
        assert_eq!(
            images,
            vec![BaiduImage {
                id: "m-nky7qeom".into(),
                name: "ubuntu-14.04.1-server-amd64-201506171832".into(),
                image_type: "System".into(),
                os_type: "linux".into(),
                os_version: "14.04.1 LTS".into(),
                os_name: "Ubuntu".into(),
                os_build: "2015061700".into(),
                os_arch: "x86_64 (64bit)".into(),
                status: "Available".into(),
                create_time: parse_time("2015-06-17T10:37:02Z"),
                description: Default::default(),
            }]
        );
    }

    #[test]
    fn seed_000_example_decodes() {
        let body = r#"{"isTruncated": true, "marker": "m-xuP01Lfw", "maxKeys": 1,
            "nextMarker": "m-QtDM9yPo", "images": [{ "imageId": "m-xuP01Lfw",
            "imageName": "16.04 LTS amd64 (64bit)-CUDA8.0", "osType": "linux", "osVersion": "7.5",
            "osArch": "x86_64 (64bit)", "osName": "CentOS", "osLang": "ENG", "minSizeInGiB": 20 }]}"#;
        let resp: ListResponse<SystemImageModel> =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        let image = resp
            .images
            .and_then(|v| v.into_iter().next())
            .and_then(SystemImageModel::into_image);
        assert_eq!(
            image,
            Some(BaiduSpecImage {
                id: "m-xuP01Lfw".into(),
                name: "16.04 LTS amd64 (64bit)-CUDA8.0".into(),
                os_type: "linux".into(),
                os_version: "7.5".into(),
                os_arch: "x86_64 (64bit)".into(),
                os_name: "CentOS".into(),
                os_lang: "ENG".into(),
                min_size_in_gib: Some(20),
            })
        );
    }

    #[test]
    fn missing_fields_and_ids() {
        let resp: ListResponse<ImageModel> =
            serde_json::from_str(r#"{"isTruncated":false,"images":[{"id":"m-1"},{"name":"x"}]}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        let images: Vec<Option<BaiduImage>> = resp
            .images
            .unwrap_or_default()
            .into_iter()
            .map(ImageModel::into_image)
            .collect();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].as_ref().map(|i| i.create_time), Some(None));
        assert!(images[1].is_none());
        let none: ListResponse<ImageModel> =
            serde_json::from_str(r#"{"code":"x"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.images.is_none());
    }
}
