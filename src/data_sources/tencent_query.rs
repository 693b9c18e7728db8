//! Tencent data-source configuration → [`TencentImageQuery`]: the `filter` blocks, `image_ids`,
//! `image_type` (one more `image-type` filter) and `instance_type`, and their checks. Plan-time checks
//! hold for either API (the provider's API choice is not known in ValidateDataResourceConfig); the
//! read-time ones need it. Every diagnostic points at its attribute. Knows nothing of HTTP or state.

use super::args;
use crate::cloud::tencent::query::{MAX_FILTERS, MAX_FILTER_VALUES};
use crate::cloud::tencent::{TencentApi, TencentFilter, TencentImageQuery, TencentQueryError};
use crate::cty::{Path, PathStep, Value};
use crate::provider::{attr_path, Diagnostic, Diagnostics};

/// `image-type` filter values, in the API's spelling: the three of the SDK's `Image` model, and
/// `MARKET_IMAGE` (marketplace images), which the official Terraform provider's docs and this provider's
/// contract list as a filter value although no image reports it as its type any more (marketplace images
/// come back as shared ones): a configuration that asks for it keeps working, and matches what the API
/// answers.
pub const IMAGE_TYPES: &[&str] = &[
    "PUBLIC_IMAGE",
    "PRIVATE_IMAGE",
    "SHARED_IMAGE",
    "MARKET_IMAGE",
];
/// Filter names both APIs accept.
const LEGACY_FILTERS: &[&str] = &["image-id", "image-type", "image-name"];
/// Filter names only API 3.0 accepts (besides `tag:<key>`).
const V3_FILTERS: &[&str] = &["platform", "tag-key", "tag-value"];

/// Which API accepts a filter name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterSupport {
    Both,
    V3Only,
    Unknown,
}

fn filter_support(name: &str) -> FilterSupport {
    if LEGACY_FILTERS.contains(&name) {
        FilterSupport::Both
    } else if V3_FILTERS.contains(&name) || name.strip_prefix("tag:").is_some_and(|k| !k.is_empty())
    {
        FilterSupport::V3Only
    } else {
        FilterSupport::Unknown
    }
}

fn filter_path(index: usize, attr: &str) -> Path {
    Path(vec![
        PathStep::Attr("filter".into()),
        PathStep::Index(index as i64),
        PathStep::Attr(attr.into()),
    ])
}

/// The configured `filter` blocks: `None` when the list itself is not known yet.
fn filter_blocks(config: &Value) -> Option<&[Value]> {
    match config.get("filter") {
        None | Some(Value::Null) => Some(&[]),
        Some(v) => v.elements(),
    }
}

/// True when `image_ids` is known to be a non-empty list. An unknown list may still turn out null or empty,
/// so the conflict check waits for it (Terraform validates again, with every value known, before the read).
fn has_image_ids(config: &Value) -> bool {
    config
        .get("image_ids")
        .and_then(Value::elements)
        .is_some_and(|items| !items.is_empty())
}

/// The query the configuration asks for (read time: every value is known). `image_type` becomes one
/// more `image-type` filter, after the blocks.
pub fn query(config: &Value) -> TencentImageQuery {
    let mut filters: Vec<TencentFilter> = filter_blocks(config)
        .unwrap_or_default()
        .iter()
        .map(|b| TencentFilter {
            name: args::string(b, "name").unwrap_or_default().to_string(),
            values: args::strings(b, "values"),
        })
        .collect();
    let mut ignored = Diagnostics::new();
    if let Some(t) = args::enumerated(config, "image_type", IMAGE_TYPES, &mut ignored) {
        filters.push(TencentFilter {
            name: "image-type".into(),
            values: vec![t.to_string()],
        });
    }
    TencentImageQuery {
        image_ids: args::strings(config, "image_ids"),
        filters,
        instance_type: args::non_empty(config, "instance_type").map(str::to_string),
    }
}

/// Plan-time checks that hold for either API.
pub fn check_plan(config: &Value, diags: &mut Diagnostics) {
    args::enumerated(config, "image_type", IMAGE_TYPES, diags);
    let blocks = filter_blocks(config);
    // Only what is known counts: unknown values are checked again once known.
    let has_filters = blocks.is_some_and(|b| !b.is_empty());
    let has_type = args::is_known_set(config, "image_type");
    if has_image_ids(config) && (has_filters || has_type) {
        let others: Vec<&str> = [(has_filters, "filter"), (has_type, "image_type")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| *n)
            .collect();
        diags.push(
            Diagnostic::error(
                format!("Conflicting arguments image_ids and {}", others.join(" and ")),
                format!(
                    "image_ids cannot be used together with {}: Tencent Cloud rejects image ids and filters in one request \
                     (InvalidParameter.InvalidParameterCoexistImageIdsFilters). Use image_ids alone, or filter blocks \
                     (image_type counts as an image-type filter) alone.",
                    others.join(" or ")
                ),
            )
            .at(attr_path(&["image_ids"])),
        );
    }
    let Some(blocks) = blocks else { return };
    let total = blocks.len() + usize::from(has_type);
    if total > MAX_FILTERS {
        diags.push(
            Diagnostic::error(
                "Too many filters",
                format!(
                    "Tencent Cloud accepts at most {MAX_FILTERS} filters per request; this data source has {total}{}.",
                    if has_type { " (image_type counts as one)" } else { "" }
                ),
            )
            .at(attr_path(&["filter"])),
        );
    }
    for (i, block) in blocks.iter().enumerate() {
        check_block(i, block, diags);
    }
}

fn check_block(i: usize, block: &Value, diags: &mut Diagnostics) {
    if let Some(name) = args::string(block, "name") {
        if name.trim().is_empty() {
            diags.push(
                Diagnostic::error("Invalid filter name", "A filter's name must not be empty.")
                    .at(filter_path(i, "name")),
            );
        } else if filter_support(name) == FilterSupport::Unknown {
            diags.push(
                Diagnostic::error(
                    "Invalid filter name",
                    format!(
                        "{name:?} is not a Tencent Cloud image filter. Use one of: {} (both APIs); {}, \"tag:<key>\" (api = \"v3\" only).",
                        args::quoted_list(LEGACY_FILTERS),
                        args::quoted_list(V3_FILTERS)
                    ),
                )
                .at(filter_path(i, "name")),
            );
        }
    }
    if let Some(values) = block.get("values").and_then(Value::elements) {
        let label = args::string(block, "name")
            .map(|n| format!("Filter {n:?}"))
            .unwrap_or_else(|| format!("Filter {i}"));
        if values.len() > MAX_FILTER_VALUES {
            diags.push(
                Diagnostic::error(
                    "Too many filter values",
                    format!("{label} has {} values; Tencent Cloud accepts at most {MAX_FILTER_VALUES} per filter. Split it, or narrow it.", values.len()),
                )
                .at(filter_path(i, "values")),
            );
        } else if values.is_empty() {
            diags.push(
                Diagnostic::error(
                    "Empty filter values",
                    format!("{label} needs at least one value."),
                )
                .at(filter_path(i, "values")),
            );
        }
    }
}

/// Read-time checks that depend on the provider's API choice, before any request.
pub fn check_api(
    config: &Value,
    api: TencentApi,
    query: &TencentImageQuery,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    if let TencentApi::Legacy { .. } = api {
        if query.instance_type.is_some() {
            diags.push(
                Diagnostic::error(
                    "instance_type needs the Tencent Cloud API 3.0",
                    "instance_type (InstanceType) exists only in the CVM API 3.0, but the provider's tencent block sets \
                     api = \"legacy\". Set api = \"v3\", or remove instance_type.",
                )
                .at(attr_path(&["instance_type"])),
            );
        }
        for (i, block) in filter_blocks(config).unwrap_or_default().iter().enumerate() {
            let Some(name) = args::string(block, "name") else {
                continue;
            };
            if filter_support(name) == FilterSupport::V3Only {
                diags.push(
                    Diagnostic::error(
                        "Filter not supported by the legacy API",
                        format!(
                            "The filter {name:?} exists only in the CVM API 3.0, but the provider's tencent block sets \
                             api = \"legacy\", which accepts only {}. Set api = \"v3\", or remove this filter.",
                            args::quoted_list(LEGACY_FILTERS)
                        ),
                    )
                    .at(filter_path(i, "name")),
                );
            }
        }
    }
    if diags.is_empty() {
        // The cloud layer's own limits, as a last guard (plan-time checks normally caught these).
        if let Err(e) = query.validate(api) {
            diags.push(query_error(&e));
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

fn query_error(e: &TencentQueryError) -> Diagnostic {
    let path = match e {
        TencentQueryError::IdsWithFilters => attr_path(&["image_ids"]),
        TencentQueryError::InstanceTypeOnLegacy => attr_path(&["instance_type"]),
        _ => attr_path(&["filter"]),
    };
    Diagnostic::error(
        "Invalid Tencent Cloud image query",
        format!("The query cannot be sent: {e}. Check image_ids, filter and image_type of this data source."),
    )
    .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::tencent::SignatureMethod;

    fn filter(name: &str, values: &[&str]) -> Value {
        Value::object([
            ("name", Value::string(name)),
            (
                "values",
                Value::List(values.iter().map(|v| Value::string(*v)).collect()),
            ),
        ])
    }

    fn config(items: Vec<(&str, Value)>) -> Value {
        Value::object(items)
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|v| Value::string(*v)).collect())
    }

    /// (summary, path) of each plan-time diagnostic.
    fn plan(config: &Value) -> Vec<(String, Option<Path>)> {
        let mut diags = Diagnostics::new();
        check_plan(config, &mut diags);
        diags
            .iter()
            .map(|d| (d.summary.clone(), d.path.clone()))
            .collect()
    }

    #[test]
    fn plan_time_checks_point_at_the_attribute() {
        let ids = ("image_ids", list(&["img-aaaaaaaa"]));
        let cases: Vec<(Value, Vec<(&str, Path)>)> = vec![
            (config(vec![]), vec![]),
            (
                config(vec![ids.clone(), ("filter", Value::List(vec![]))]),
                vec![],
            ),
            (
                config(vec![
                    ids.clone(),
                    ("filter", Value::List(vec![filter("image-name", &["a"])])),
                ]),
                vec![(
                    "Conflicting arguments image_ids and filter",
                    attr_path(&["image_ids"]),
                )],
            ),
            (
                config(vec![
                    ids.clone(),
                    ("image_type", Value::string("public_image")),
                ]),
                vec![(
                    "Conflicting arguments image_ids and image_type",
                    attr_path(&["image_ids"]),
                )],
            ),
            (
                config(vec![
                    ids.clone(),
                    ("filter", Value::List(vec![filter("image-name", &["a"])])),
                    ("image_type", Value::string("PUBLIC_IMAGE")),
                ]),
                vec![(
                    "Conflicting arguments image_ids and filter and image_type",
                    attr_path(&["image_ids"]),
                )],
            ),
            // Unknown values may turn out null (`cond ? x : null`): no conflict until they are known.
            (
                config(vec![
                    ids.clone(),
                    ("filter", Value::Unknown),
                    ("image_type", Value::string("PUBLIC_IMAGE")),
                ]),
                vec![(
                    "Conflicting arguments image_ids and image_type",
                    attr_path(&["image_ids"]),
                )],
            ),
            (config(vec![ids, ("image_type", Value::Unknown)]), vec![]),
            (
                config(vec![
                    ("image_ids", Value::Unknown),
                    ("filter", Value::List(vec![filter("image-name", &["a"])])),
                    ("image_type", Value::string("PUBLIC_IMAGE")),
                ]),
                vec![],
            ),
            (
                config(vec![("image_type", Value::string("gold"))]),
                vec![("Invalid image_type", attr_path(&["image_type"]))],
            ),
            (
                config(vec![
                    (
                        "filter",
                        Value::List((0..10).map(|_| filter("image-name", &["a"])).collect()),
                    ),
                    ("image_type", Value::string("PUBLIC_IMAGE")),
                ]),
                vec![("Too many filters", attr_path(&["filter"]))],
            ),
            (
                config(vec![(
                    "filter",
                    Value::List((0..10).map(|_| filter("tag:env", &["a"])).collect()),
                )]),
                vec![],
            ),
            (
                config(vec![(
                    "filter",
                    Value::List(vec![
                        filter("image-name", &["a"]),
                        filter("image-id", &["1", "2", "3", "4", "5", "6"]),
                    ]),
                )]),
                vec![("Too many filter values", filter_path(1, "values"))],
            ),
            (
                config(vec![("filter", Value::List(vec![filter("image-id", &[])]))]),
                vec![("Empty filter values", filter_path(0, "values"))],
            ),
            (
                config(vec![("filter", Value::List(vec![filter("owner", &["a"])]))]),
                vec![("Invalid filter name", filter_path(0, "name"))],
            ),
            (
                config(vec![("filter", Value::List(vec![filter("tag:", &["a"])]))]),
                vec![("Invalid filter name", filter_path(0, "name"))],
            ),
            (
                config(vec![(
                    "filter",
                    Value::List(vec![Value::object([
                        ("name", Value::Unknown),
                        ("values", Value::Unknown),
                    ])]),
                )]),
                vec![],
            ),
        ];
        for (config, want) in cases {
            let want: Vec<(String, Option<Path>)> = want
                .into_iter()
                .map(|(s, p)| (s.to_string(), Some(p)))
                .collect();
            assert_eq!(plan(&config), want, "{config:?}");
        }
    }

    #[test]
    fn query_and_api_specific_checks() {
        let legacy = TencentApi::Legacy {
            signature_method: SignatureMethod::HmacSha1,
        };
        let cfg = config(vec![
            (
                "filter",
                Value::List(vec![
                    filter("image-name", &["a", "b"]),
                    filter("platform", &["CentOS"]),
                ]),
            ),
            ("image_type", Value::string("private_image")),
            ("instance_type", Value::string("S5.MEDIUM2")),
        ]);
        let q = query(&cfg);
        assert_eq!(q.filters.len(), 3);
        assert_eq!(
            q.filters[2],
            TencentFilter {
                name: "image-type".into(),
                values: vec!["PRIVATE_IMAGE".into()]
            }
        );
        assert_eq!(q.instance_type.as_deref(), Some("S5.MEDIUM2"));
        assert!(check_api(&cfg, TencentApi::V3, &q).is_ok());
        let paths: Vec<Option<Path>> = check_api(&cfg, legacy, &q)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| d.path.clone())
            .collect();
        assert_eq!(
            paths,
            vec![
                Some(attr_path(&["instance_type"])),
                Some(filter_path(1, "name"))
            ]
        );
    }
}
