//! The committed registry docs and examples match the provider's schema: `docs/` is what
//! `terraform-provider-cloudimage docs` generates now, and every data source has an example.

use std::path::PathBuf;

use terraform_provider_cloudimage::data_sources;
use terraform_provider_cloudimage::docs;
use terraform_provider_cloudimage::provider::Provider;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn docs_are_up_to_date_with_the_schema() {
    let schema = Provider::new(data_sources::registry()).schema();
    let pages = docs::pages(&schema, &root().join("examples")).expect("docs render");
    let stale = docs::stale(&root().join("docs"), &pages).expect("docs compare");
    assert!(
        stale.is_empty(),
        "docs/ is stale:\n  {}\nRegenerate it with `cargo run -- docs` and commit the result.",
        stale.join("\n  ")
    );
}

#[test]
fn every_data_source_has_an_example_and_every_example_a_data_source() {
    let provider = Provider::new(data_sources::registry());
    let examples = root().join("examples");
    assert!(
        examples.join(docs::provider_example()).is_file(),
        "examples/provider/provider.tf is missing"
    );
    let names: Vec<&str> = provider.data_source_names().collect();
    for name in &names {
        let path = examples.join(docs::data_source_example(name));
        assert!(
            path.is_file(),
            "{} is missing: write a short example for {name}",
            path.display()
        );
    }
    for entry in std::fs::read_dir(examples.join("data-sources")).expect("examples/data-sources") {
        let dir = entry.expect("entry").file_name();
        let dir = dir.to_string_lossy();
        assert!(
            names.contains(&dir.as_ref()),
            "examples/data-sources/{dir} names no data source"
        );
    }
}
