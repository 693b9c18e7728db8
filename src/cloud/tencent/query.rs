//! The typed `DescribeImages` query, its validation (the API's documented limits, checkable at plan
//! time by the provider) and its two encodings: flattened form parameters (legacy, `Filters.0.Values.0`,
//! 0-based) and the API 3.0 JSON body. No HTTP, no signing, no Terraform.

use serde_json::{json, Map, Value};

/// At most this many filters per request.
pub const MAX_FILTERS: usize = 10;
/// At most this many values per filter.
pub const MAX_FILTER_VALUES: usize = 5;

/// Which Tencent API to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TencentApi {
    /// CVM API 3.0 (`cvm.tencentcloudapi.com`, TC3-HMAC-SHA256, JSON).
    V3,
    /// The legacy API (`image.api.qcloud.com/v2/index.php`, signature v1, form POST).
    Legacy {
        signature_method: super::sign_v1::SignatureMethod,
    },
}

impl TencentApi {
    /// `v3` or `legacy`.
    pub fn id(&self) -> &'static str {
        match self {
            TencentApi::V3 => "v3",
            TencentApi::Legacy { .. } => "legacy",
        }
    }
}

/// One `Filters.N` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TencentFilter {
    /// `image-id`, `image-type`, `image-name`; v3 also `platform`, `tag-key`, `tag-value`, `tag:<k>`.
    pub name: String,
    pub values: Vec<String>,
}

/// The query of `DescribeImages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TencentImageQuery {
    /// `ImageIds.N`; cannot be combined with `filters`.
    pub image_ids: Vec<String>,
    pub filters: Vec<TencentFilter>,
    /// `InstanceType` (API 3.0 only).
    pub instance_type: Option<String>,
}

/// Why a query cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TencentQueryError {
    #[error("image ids and filters cannot be combined (InvalidParameter.InvalidParameterCoexistImageIdsFilters)")]
    IdsWithFilters,
    #[error("at most {MAX_FILTERS} filters are allowed, got {0}")]
    TooManyFilters(usize),
    #[error("filter {name:?} has {count} values; at most {MAX_FILTER_VALUES} are allowed")]
    TooManyValues { name: String, count: usize },
    #[error("filter {index} has an empty name")]
    EmptyFilterName { index: usize },
    #[error("filter {name:?} has no values")]
    NoFilterValues { name: String },
    #[error("instance_type is supported only by the API 3.0 (api = \"v3\")")]
    InstanceTypeOnLegacy,
}

impl TencentImageQuery {
    /// Checks the API's documented limits for `api`.
    pub fn validate(&self, api: TencentApi) -> Result<(), TencentQueryError> {
        if !self.image_ids.is_empty() && !self.filters.is_empty() {
            return Err(TencentQueryError::IdsWithFilters);
        }
        if self.filters.len() > MAX_FILTERS {
            return Err(TencentQueryError::TooManyFilters(self.filters.len()));
        }
        for (index, f) in self.filters.iter().enumerate() {
            if f.name.trim().is_empty() {
                return Err(TencentQueryError::EmptyFilterName { index });
            }
            if f.values.is_empty() {
                return Err(TencentQueryError::NoFilterValues {
                    name: f.name.clone(),
                });
            }
            if f.values.len() > MAX_FILTER_VALUES {
                return Err(TencentQueryError::TooManyValues {
                    name: f.name.clone(),
                    count: f.values.len(),
                });
            }
        }
        let has_instance_type = self.instance_type.as_deref().is_some_and(|s| !s.is_empty());
        if has_instance_type && matches!(api, TencentApi::Legacy { .. }) {
            return Err(TencentQueryError::InstanceTypeOnLegacy);
        }
        Ok(())
    }

    /// Flattened parameters, 0-based: `ImageIds.0`, `Filters.0.Name`, `Filters.0.Values.0`, ...
    pub fn form_params(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, id) in self.image_ids.iter().enumerate() {
            out.push((format!("ImageIds.{i}"), id.clone()));
        }
        for (i, f) in self.filters.iter().enumerate() {
            out.push((format!("Filters.{i}.Name"), f.name.clone()));
            for (j, v) in f.values.iter().enumerate() {
                out.push((format!("Filters.{i}.Values.{j}"), v.clone()));
            }
        }
        if let Some(t) = self.instance_type.as_ref().filter(|s| !s.is_empty()) {
            out.push(("InstanceType".into(), t.clone()));
        }
        out
    }

    /// The API 3.0 JSON body for one page.
    pub fn json_body(&self, offset: u64, limit: u32) -> Value {
        let mut body = Map::new();
        if !self.image_ids.is_empty() {
            body.insert("ImageIds".into(), json!(self.image_ids));
        }
        if !self.filters.is_empty() {
            let filters: Vec<Value> = self
                .filters
                .iter()
                .map(|f| json!({ "Name": f.name, "Values": f.values }))
                .collect();
            body.insert("Filters".into(), Value::Array(filters));
        }
        if let Some(t) = self.instance_type.as_ref().filter(|s| !s.is_empty()) {
            body.insert("InstanceType".into(), json!(t));
        }
        body.insert("Offset".into(), json!(offset));
        body.insert("Limit".into(), json!(limit));
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::tencent::sign_v1::SignatureMethod;

    fn filter(name: &str, n: usize) -> TencentFilter {
        TencentFilter {
            name: name.into(),
            values: (0..n).map(|i| format!("v{i}")).collect(),
        }
    }

    #[test]
    fn validation_table() {
        let legacy = TencentApi::Legacy {
            signature_method: SignatureMethod::HmacSha256,
        };
        let q = |ids: usize, filters: Vec<TencentFilter>, it: Option<&str>| TencentImageQuery {
            image_ids: (0..ids).map(|i| format!("img-{i}")).collect(),
            filters,
            instance_type: it.map(str::to_string),
        };
        let cases = [
            (q(0, vec![], None), TencentApi::V3, Ok(())),
            (q(2, vec![], Some("S5.SMALL1")), TencentApi::V3, Ok(())),
            (
                q(1, vec![filter("image-type", 1)], None),
                TencentApi::V3,
                Err(TencentQueryError::IdsWithFilters),
            ),
            (
                q(0, (0..11).map(|_| filter("image-type", 1)).collect(), None),
                TencentApi::V3,
                Err(TencentQueryError::TooManyFilters(11)),
            ),
            (
                q(0, (0..10).map(|_| filter("image-type", 5)).collect(), None),
                legacy,
                Ok(()),
            ),
            (
                q(0, vec![filter("image-name", 6)], None),
                TencentApi::V3,
                Err(TencentQueryError::TooManyValues {
                    name: "image-name".into(),
                    count: 6,
                }),
            ),
            (
                q(0, vec![filter(" ", 1)], None),
                TencentApi::V3,
                Err(TencentQueryError::EmptyFilterName { index: 0 }),
            ),
            (
                q(0, vec![filter("image-id", 0)], None),
                TencentApi::V3,
                Err(TencentQueryError::NoFilterValues {
                    name: "image-id".into(),
                }),
            ),
            (
                q(0, vec![], Some("S5.SMALL1")),
                legacy,
                Err(TencentQueryError::InstanceTypeOnLegacy),
            ),
            (q(0, vec![], Some("")), legacy, Ok(())),
        ];
        for (query, api, want) in cases {
            assert_eq!(query.validate(api), want, "{query:?}");
        }
    }

    #[test]
    fn encodings() {
        let q = TencentImageQuery {
            image_ids: vec![],
            filters: vec![filter("image-type", 2), filter("image-name", 1)],
            instance_type: Some("S5.SMALL1".into()),
        };
        let form: Vec<String> = q
            .form_params()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            form,
            [
                "Filters.0.Name=image-type",
                "Filters.0.Values.0=v0",
                "Filters.0.Values.1=v1",
                "Filters.1.Name=image-name",
                "Filters.1.Values.0=v0",
                "InstanceType=S5.SMALL1",
            ]
        );
        assert_eq!(
            q.json_body(100, 100).to_string(),
            r#"{"Filters":[{"Name":"image-type","Values":["v0","v1"]},{"Name":"image-name","Values":["v0"]}],"InstanceType":"S5.SMALL1","Limit":100,"Offset":100}"#
        );
        let ids = TencentImageQuery {
            image_ids: vec!["img-a".into(), "img-b".into()],
            ..Default::default()
        };
        assert_eq!(
            ids.form_params(),
            vec![
                ("ImageIds.0".into(), "img-a".into()),
                ("ImageIds.1".into(), "img-b".into())
            ]
        );
        assert_eq!(
            ids.json_body(0, 100).to_string(),
            r#"{"ImageIds":["img-a","img-b"],"Limit":100,"Offset":0}"#
        );
    }
}
