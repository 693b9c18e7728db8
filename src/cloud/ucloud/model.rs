//! UCloud `DescribeImage` wire structs (PascalCase, mirroring the API) and their one-time conversion
//! into [`UCloudImage`]. Decoding only: no HTTP, no signing, no Terraform.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::cloud::wire::{
    from_unix, known_time, lenient_i64, lenient_string, lenient_strings, text, Text,
};

/// The `DescribeImage` response (success and error share it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImageResponse {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub ret_code: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub action: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total_count: Option<i64>,
    #[serde(default)]
    pub image_set: Option<Vec<UHostImageSet>>,
}

/// One `UHostImageSet` item.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UHostImageSet {
    #[serde(default, deserialize_with = "lenient_string")]
    pub zone: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub os_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub features: Vec<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub func_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub integrated_software: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub vendor: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub links: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub image_description: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub image_size: Option<i64>,
    #[serde(default, rename = "MinimalCPU", deserialize_with = "lenient_string")]
    pub minimal_cpu: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub maintain_eol: Option<String>,
    #[serde(
        default,
        rename = "SupportedGPUTypes",
        deserialize_with = "lenient_strings"
    )]
    pub supported_gpu_types: Vec<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub scene_categories: Vec<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub primary_software: Option<String>,
}

/// A UHost image; strings are empty and lists empty when the API omits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UCloudImage {
    pub id: Text,
    pub name: Text,
    pub zone: Text,
    /// `ImageType`: Base, Business, Custom.
    pub image_type: Text,
    /// `OsType`: Linux, Windows.
    pub os_type: Text,
    pub os_name: Text,
    /// `FuncType`: gpu, app, uhost.
    pub func_type: Text,
    /// E.g. `CloudInit`, `Aarch64_Type`.
    pub features: Vec<String>,
    pub integrated_software: Text,
    pub vendor: Text,
    pub links: Text,
    /// `State`: Available, Making, Unavailable, Copying.
    pub status: Text,
    pub description: Text,
    /// From the unix-seconds `CreateTime`.
    pub create_time: Option<DateTime<Utc>>,
    /// `ImageSize` (0 when absent).
    pub size: i64,
    pub minimal_cpu: Text,
    /// As sent (`YYYY/MM/DD`).
    pub maintain_eol: Text,
    pub supported_gpu_types: Vec<String>,
    pub scene_categories: Vec<String>,
    pub primary_software: Text,
}

impl UHostImageSet {
    /// The typed image, or `None` when the API sent an image without an id.
    pub fn into_image(self) -> Option<UCloudImage> {
        let id = self.image_id.filter(|s| !s.is_empty())?;
        Some(UCloudImage {
            id: id.into(),
            name: text(self.image_name),
            zone: text(self.zone),
            image_type: text(self.image_type),
            os_type: text(self.os_type),
            os_name: text(self.os_name),
            func_type: text(self.func_type),
            features: self.features,
            integrated_software: text(self.integrated_software),
            vendor: text(self.vendor),
            links: text(self.links),
            status: text(self.state),
            description: text(self.image_description),
            create_time: known_time(self.create_time.and_then(from_unix)),
            size: self.image_size.unwrap_or(0),
            minimal_cpu: text(self.minimal_cpu),
            maintain_eol: text(self.maintain_eol),
            supported_gpu_types: self.supported_gpu_types,
            scene_categories: self.scene_categories,
            primary_software: text(self.primary_software),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_item_decodes() {
        let body = r#"{"RetCode":0,"Action":"DescribeImageResponse","TotalCount":1,"ImageSet":[{
            "CreateTime":1546300800,"Features":["NetEnhanced","Aarch64_Type"],"FuncType":"uhost",
            "ImageDescription":"desc","ImageId":"uimage-1","ImageName":"Ubuntu 22.04 64位",
            "ImageSize":20,"ImageType":"Base","IntegratedSoftware":"","Links":"l","MinimalCPU":"",
            "OsName":"Ubuntu 22.04 64位","OsType":"Linux","State":"Available","Vendor":"v",
            "Zone":"cn-bj2-02","MaintainEol":"2027/04/30","SupportedGPUTypes":["T4"],
            "SceneCategories":["Featured"],"PrimarySoftware":"p","PriceSet":[]}]}"#;
        let resp: DescribeImageResponse =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.ret_code, Some(0));
        assert_eq!(resp.total_count, Some(1));
        let image = resp
            .image_set
            .and_then(|v| v.into_iter().next())
            .and_then(UHostImageSet::into_image)
            .unwrap_or_else(|| panic!("no image"));
        assert_eq!(image.id, "uimage-1");
        assert_eq!(image.features, ["NetEnhanced", "Aarch64_Type"]);
        assert_eq!(
            image.create_time.map(|t| t.to_rfc3339()),
            Some("2019-01-01T00:00:00+00:00".into())
        );
        assert_eq!(image.size, 20);
        assert_eq!(image.maintain_eol, "2027/04/30");
        assert_eq!(image.supported_gpu_types, ["T4"]);
        assert_eq!(image.scene_categories, ["Featured"]);
        assert_eq!(image.status, "Available");
    }

    #[test]
    fn seed_example_shape_and_sparse_items() {
        // The seed's (randomised) example: numbers where numbers belong, strings elsewhere.
        let body = r#"{"Action":"DescribeImageResponse","ImageSet":[{"CreateTime":7,"Features":[],
            "FuncType":"HUUNWmIe","ImageDescription":"HVeLQVxc","ImageId":"DSFagZyu","ImageName":"tLrQRsEd",
            "ImageSize":5,"ImageType":"qHUuzcMF","IntegratedSoftware":"IHavDZNf","Links":"fKLwvSib",
            "MinimalCPU":"RDlcZqYK","OsName":"NxoYUnar","OsType":"DxLQCAes","State":"eGSoZznP",
            "Vendor":"JjBqzeus","Zone":"BOUCCxQH"},{"ImageId":"bare","Features":null}],
            "RetCode":0,"TotalCount":4}"#;
        let resp: DescribeImageResponse =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        let images: Vec<UCloudImage> = resp
            .image_set
            .unwrap_or_default()
            .into_iter()
            .filter_map(UHostImageSet::into_image)
            .collect();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].create_time.map(|t| t.timestamp()), Some(7));
        assert_eq!(images[1].create_time, None);
        assert!(images[1].features.is_empty());
        assert_eq!(images[1].size, 0);
    }
}
