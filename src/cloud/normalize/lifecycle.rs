//! End-of-life dates: the cloud's own field where it has one, else the built-in table in
//! `lifecycle.csv` (one row per OS release, each naming the vendor lifecycle page it comes from).

use std::sync::OnceLock;

use super::version::Version;

/// One row of the lifecycle table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRow {
    pub family: String,
    /// The release, matched against an image's version by its leading components (`7` matches `7.9`).
    pub release: Version,
    pub eol: String,
    pub source: String,
}

/// The table, parsed once from the data file.
pub fn lifecycle_table() -> &'static [LifecycleRow] {
    static TABLE: OnceLock<Vec<LifecycleRow>> = OnceLock::new();
    TABLE.get_or_init(|| parse(include_str!("lifecycle.csv")))
}

fn parse(text: &str) -> Vec<LifecycleRow> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.splitn(4, ',').map(str::trim);
            let family = cols.next()?.to_string();
            let release = Version::parse(cols.next()?)?;
            let eol = cols.next()?.to_string();
            let source = cols.next()?.to_string();
            Some(LifecycleRow {
                family,
                release,
                eol,
                source,
            })
        })
        .collect()
}

/// The table's EOL date for a family and version, preferring the most specific matching release.
pub fn eol_date(family: &str, version: &str) -> Option<&'static str> {
    let v = Version::parse(version)?;
    lifecycle_table()
        .iter()
        .filter(|r| {
            r.family == family
                && r.release.0.iter().zip(&v.0).all(|(a, b)| a == b)
                && r.release.0.len() <= v.0.len()
        })
        .max_by_key(|r| r.release.0.len())
        .map(|r| r.eol.as_str())
}

/// A cloud's own EOL field (`2024/06/30`, `2024-06-30`) as `YYYY-MM-DD`.
pub fn cloud_date(text: &str) -> Option<String> {
    let t = text.trim().replace('/', "-");
    chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}
