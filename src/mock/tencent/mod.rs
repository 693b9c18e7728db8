//! Tencent CVM `DescribeImages`, shared by the legacy API (`legacy`) and API 3.0 (`v3`): the query
//! both parse into, the API rules both enforce, filtering and paging over one catalogue. Each
//! submodule only parses its wire format and shapes the answer.

pub mod auth;
pub mod legacy;
pub mod v3;

use std::sync::LazyLock;

use regex::Regex;

use super::catalogue::{self, TencentRecord, TENCENT_INSTANCE_TYPES, TENCENT_REGIONS};

/// Default and maximum `Limit`.
pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;
/// At most this many filters, values per filter, and image ids.
pub const MAX_FILTERS: usize = 10;
pub const MAX_FILTER_VALUES: usize = 5;
pub const MAX_IMAGE_IDS: usize = 100;
/// The version both APIs require.
pub const VERSION: &str = "2017-03-12";

/// Filter names of the legacy API; API 3.0 adds platform, tag-key, tag-value and `tag:<key>`.
const LEGACY_FILTERS: &[&str] = &["image-id", "image-type", "image-name"];
const V3_FILTERS: &[&str] = &[
    "image-id",
    "image-type",
    "image-name",
    "platform",
    "tag-key",
    "tag-value",
];

/// Which API asked (they accept different filters and parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Legacy,
    V3,
}

/// A parsed `DescribeImages` request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub image_ids: Vec<String>,
    /// `(Name, Values)` in request order.
    pub filters: Vec<(String, Vec<String>)>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub instance_type: Option<String>,
}

/// An API error: code and message.
pub type ApiError = (&'static str, String);

/// One page: the images and the total before paging.
pub struct Page {
    pub images: Vec<&'static TencentRecord>,
    pub total: usize,
}

static IMAGE_ID: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new("^img-[a-z0-9]{8}$").ok());
static INSTANCE_TYPE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new("^[A-Za-z0-9]+\\.[A-Za-z0-9]+$").ok());

fn matches(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// Checks `region` is known (an unknown region is `UnsupportedRegion`; a known empty one is fine).
pub fn check_region(region: Option<&str>) -> Result<&str, ApiError> {
    let region = region.filter(|r| !r.is_empty()).ok_or((
        "MissingParameter",
        "The request is missing a required parameter `Region`.".to_string(),
    ))?;
    if !TENCENT_REGIONS.contains(&region) && region != catalogue::TENCENT_BULK_REGION {
        return Err((
            "UnsupportedRegion",
            format!("DescribeImages does not support region {region}."),
        ));
    }
    Ok(region)
}

/// Enforces the API's rules, then filters and pages the region's catalogue. `shrink` drops that
/// many images from the end before paging (the `shrink_total` fault).
pub fn run(query: &Query, region: &str, flavor: Flavor, shrink: usize) -> Result<Page, ApiError> {
    validate(query, flavor)?;
    let offset = query.offset.unwrap_or(0);
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let mut images: Vec<&'static TencentRecord> = catalogue::tencent_region(region)
        .filter(|r| query.image_ids.is_empty() || query.image_ids.contains(&r.image_id))
        .filter(|r| {
            query
                .filters
                .iter()
                .all(|(name, values)| filter_matches(r, name, values, flavor))
        })
        .filter(|r| query.instance_type.as_deref().is_none_or(|t| r.runs_on(t)))
        .collect();
    images.truncate(images.len() - shrink.min(images.len()));
    let total = images.len();
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(limit as usize).min(total);
    Ok(Page {
        images: images[start..end].to_vec(),
        total,
    })
}

fn validate(q: &Query, flavor: Flavor) -> Result<(), ApiError> {
    if !q.image_ids.is_empty() && !q.filters.is_empty() {
        return Err((
            "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
            "ImageIds and Filters cannot be specified at the same time.".to_string(),
        ));
    }
    if q.filters.len() > MAX_FILTERS {
        return Err((
            "InvalidParameterValue.LimitExceeded",
            format!("At most {MAX_FILTERS} Filters are allowed."),
        ));
    }
    if q.image_ids.len() > MAX_IMAGE_IDS {
        return Err((
            "InvalidParameterValue.LimitExceeded",
            format!("At most {MAX_IMAGE_IDS} ImageIds are allowed."),
        ));
    }
    for (name, values) in &q.filters {
        let known = match flavor {
            Flavor::Legacy => LEGACY_FILTERS.contains(&name.as_str()),
            Flavor::V3 => {
                V3_FILTERS.contains(&name.as_str())
                    || name.strip_prefix("tag:").is_some_and(|k| !k.is_empty())
            }
        };
        if !known {
            return Err((
                "InvalidFilter",
                format!("Filter name `{name}` is not supported."),
            ));
        }
        if values.len() > MAX_FILTER_VALUES {
            return Err((
                "InvalidFilterValue.LimitExceeded",
                format!("Filter `{name}` has more than {MAX_FILTER_VALUES} values."),
            ));
        }
        if name == "image-id" && values.iter().any(|v| !matches(&IMAGE_ID, v)) {
            return Err((
                "InvalidImageId.Malformed",
                "Invalid image id format in filter image-id.".to_string(),
            ));
        }
    }
    if let Some(bad) = q.image_ids.iter().find(|id| !matches(&IMAGE_ID, id)) {
        return Err((
            "InvalidImageId.Malformed",
            format!("Invalid image id format: {bad}."),
        ));
    }
    if q.offset.is_some_and(|o| o < 0) {
        return Err((
            "InvalidParameterValue",
            "Offset must not be negative.".to_string(),
        ));
    }
    if q.limit.is_some_and(|l| !(1..=MAX_LIMIT).contains(&l)) {
        return Err((
            "InvalidParameterValue.InvalidParameterValueLimit",
            format!("Limit must be between 1 and {MAX_LIMIT}."),
        ));
    }
    if let Some(t) = &q.instance_type {
        if flavor == Flavor::Legacy {
            return Err((
                "UnknownParameter",
                "The parameter `InstanceType` is not recognized.".to_string(),
            ));
        }
        if !matches(&INSTANCE_TYPE, t) {
            return Err((
                "InvalidInstanceType.Malformed",
                format!("Instance type {t} is malformed."),
            ));
        }
        if !TENCENT_INSTANCE_TYPES
            .iter()
            .any(|k| k.eq_ignore_ascii_case(t))
        {
            return Err((
                "InvalidParameterValue.InstanceTypeNotFound",
                format!("Instance type {t} is not found."),
            ));
        }
    }
    Ok(())
}

/// One filter: values are OR-ed (filters are AND-ed by the caller). As the DescribeImages document
/// says: on API 3.0 `image-name` and `platform` match fuzzily, which the emulator takes as the value
/// anywhere in the field (case counts: the document does not say it does not, and `CentOS` then keeps
/// out `TencentOS`); `image-id`, `image-type` and the tag filters match exactly. Seed 003 (the legacy
/// API) calls `image-name` a plain filter by name: exact there.
fn filter_matches(r: &TencentRecord, name: &str, values: &[String], flavor: Flavor) -> bool {
    let any = |field: &str| values.iter().any(|v| v == field);
    let fuzzy = |field: &str| values.iter().any(|v| field.contains(v.as_str()));
    match name {
        "image-id" => any(&r.image_id),
        "image-type" => any(r.image_type),
        "image-name" if flavor == Flavor::V3 => fuzzy(&r.image_name),
        "image-name" => any(&r.image_name),
        "platform" => fuzzy(r.platform),
        "tag-key" => r.tags.iter().any(|(k, _)| any(k)),
        "tag-value" => r.tags.iter().any(|(_, v)| any(v)),
        _ => match name.strip_prefix("tag:") {
            Some(key) => r.tags.iter().any(|(k, v)| k == key && any(v)),
            None => false,
        },
    }
}
