//! `terraform providers schema -json` (Terraform 1.0.3) is pinned in tests/snapshots/schema.json so every
//! schema change is a deliberate, reviewed diff. After an intended change, regenerate it with
//! `UPDATE_SNAPSHOTS=1 cargo test --test it schema_snapshot::` (and `cargo run -- docs` for the docs).

use crate::support;

use support::{repo_root, Workspace, TF_1_0_3};

#[test]
fn provider_schema_matches_the_snapshot() {
    let ws = Workspace::new(TF_1_0_3, "");
    ws.init();
    let run = ws.run(&["providers", "schema", "-json"]);
    run.assert_ok();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema JSON");
    // Pretty, with sorted keys (serde_json's map is ordered), so diffs are readable.
    let actual = serde_json::to_string_pretty(&schema).expect("pretty JSON") + "\n";
    let path = repo_root().join("tests/snapshots/schema.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  - {e}\n  + {a}", i + 1))
            .collect();
        panic!(
            "the provider schema changed (tests/snapshots/schema.json; {} vs {} lines). First differences:\n{}\n\
             If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test --test it schema_snapshot::` and commit the snapshot.",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}
