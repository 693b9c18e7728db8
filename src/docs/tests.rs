use super::*;
use crate::cty::Type;
use crate::schema::{Attribute, Block, Nesting, Schema};
use std::collections::BTreeMap;

fn sample() -> ProviderSchema {
    let provider = Schema::new(
        Block::new()
            .describe("Finds images.\n\nMore text.")
            .attr(Attribute::optional("max_retries", Type::Number).describe("Retries."))
            .block(
                "cloud",
                Nesting::Single,
                Block::new().describe("Credentials.").attr(
                    Attribute::optional("secret", Type::String)
                        .sensitive()
                        .describe("The secret."),
                ),
            ),
    );
    let ds = Schema::new(
        Block::new()
            .describe("Lists images.")
            .attr(Attribute::required("spec", Type::String).describe("A spec."))
            .attr(Attribute::optional_computed("zone", Type::String).describe("a zone."))
            .attr(
                Attribute::computed(
                    "images",
                    Type::list(Type::object([("id", Type::String), ("size", Type::Number)])),
                )
                .describe("The images.")
                .describe_fields([("id", "image id"), ("size", "size in GB")]),
            )
            .block(
                "filter",
                Nesting::List,
                Block::new()
                    .attr(Attribute::required("name", Type::String).describe("Filter name."))
                    .attr(
                        Attribute::required("values", Type::list(Type::String)).describe("Values."),
                    ),
            )
            .limit_items(0, 10),
    );
    ProviderSchema {
        provider,
        data_sources: BTreeMap::from([("cloudimage_x_images".to_string(), ds)]),
    }
}

fn page<'p>(pages: &'p [Page], path: &str) -> &'p str {
    &pages
        .iter()
        .find(|p| p.path == Path::new(path))
        .unwrap_or_else(|| panic!("no page {path}"))
        .text
}

#[test]
fn pages_carry_types_modes_sensitivity_nesting_and_examples() {
    let examples = tempfile::tempdir().expect("tempdir");
    let ds_dir = examples.path().join("data-sources/cloudimage_x_images");
    std::fs::create_dir_all(&ds_dir).expect("mkdir");
    std::fs::write(
        ds_dir.join("data-source.tf"),
        "data \"cloudimage_x_images\" \"a\" {}\n",
    )
    .expect("write");
    let pages = pages(&sample(), examples.path()).expect("pages");
    let index = page(&pages, "index.md");
    let ds = page(&pages, "data-sources/x_images.md");
    let cases: &[(&str, &str)] = &[
        (index, "page_title: \"cloudimage Provider\"\nsubcategory: \"\"\ndescription: |-\n  Finds images.\n---"),
        (index, "- [`cloudimage_x_images`](data-sources/x_images.md)"),
        (index, "- `max_retries` (Number) Retries."),
        (index, "- `cloud` (Block) Credentials. (see [below for nested schema](#nestedblock--cloud))"),
        (index, "### Nested Schema for `cloud`\n\nCredentials.\n\nOptional:\n\n- `secret` (String, Sensitive) The secret."),
        (ds, "# cloudimage_x_images (Data Source)\n\nLists images."),
        (ds, "## Example Usage\n\n```terraform\ndata \"cloudimage_x_images\" \"a\" {}\n```"),
        (ds, "### Required\n\n- `spec` (String) A spec."),
        (ds, "- `zone` (String, Computed) A zone."),
        (ds, "- `filter` (Block List, Max: 10) (see [below for nested schema](#nestedblock--filter))"),
        (ds, "- `images` (List of Object) The images. (see [below for nested schema](#nestedatt--images))"),
        (ds, "<a id=\"nestedatt--images\"></a>\n### Nested Schema for `images`\n\nRead-Only:\n\n- `id` (String) Image id.\n- `size` (Number) Size in GB."),
        (ds, "Required:\n\n- `name` (String) Filter name.\n- `values` (List of String) Values."),
    ];
    for (text, needle) in cases {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(
        !index.contains("## Example Usage"),
        "no provider example was given"
    );
    assert!(
        !ds.contains("\n\n\n") && ds.ends_with("```\n")
            || ds.ends_with(")\n")
            || ds.ends_with('\n')
    );
}

#[test]
fn folded_field_descriptions_reach_terraform() {
    let schema = sample();
    let images = schema.data_sources["cloudimage_x_images"]
        .block
        .attribute("images")
        .cloned()
        .expect("images");
    assert_eq!(
        images.description.text,
        "The images. Each has `id`: image id; `size`: size in GB."
    );
}

#[test]
fn short_names_drop_the_provider_prefix() {
    for (full, short) in [
        ("cloudimage_baidu_images", "baidu_images"),
        ("cloudimage_images", "images"),
        ("other", "other"),
    ] {
        assert_eq!(short_name(full), short);
    }
}

#[test]
fn stale_reports_differences_missing_and_orphaned_pages_and_write_fixes_them() {
    let examples = tempfile::tempdir().expect("tempdir");
    let docs = tempfile::tempdir().expect("tempdir");
    let pages = pages(&sample(), examples.path()).expect("pages");
    let orphan = docs.path().join("data-sources/gone.md");
    std::fs::create_dir_all(orphan.parent().expect("parent")).expect("mkdir");
    std::fs::write(&orphan, "old").expect("write");
    std::fs::write(docs.path().join("index.md"), "old").expect("write");
    let found = stale(docs.path(), &pages).expect("stale");
    assert_eq!(
        found,
        [
            "index.md differs",
            "data-sources/x_images.md is missing",
            "data-sources/gone.md has no data source any more",
        ]
    );
    write(docs.path(), &pages).expect("write");
    assert!(stale(docs.path(), &pages).expect("stale").is_empty());
    assert!(!orphan.exists());
}

#[test]
fn a_missing_examples_directory_is_an_error_that_says_where_to_run() {
    let err = pages(&sample(), Path::new("/nonexistent/examples")).expect_err("no examples");
    assert!(err.to_string().contains("repository root"), "{err}");
}
