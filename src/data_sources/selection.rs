//! SPEC §6 selection shared by every image data source: the client-side filters (`name_regex`,
//! `os_name`, `os_family`, `version`, `architecture`, `exclude_eol`) applied in order while counting what
//! each keeps (the funnel that explains a miss), and the singular data sources' `most_recent_by` and
//! `warn_eol_within`.

use std::cmp::Reverse;

use chrono::{NaiveDate, Utc};
use tokio_util::sync::CancellationToken;

use super::args;
use super::images::ImageRow;
use crate::cloud::normalize::{Constraint, Version};
use crate::cty::{Type, Value};
use crate::provider::{attr_path, duration, Diagnostic, Diagnostics};
use crate::schema::Attribute;

pub const OS_FAMILIES: &[&str] = &[
    "ubuntu",
    "debian",
    "centos",
    "rocky",
    "almalinux",
    "rhel",
    "fedora",
    "opensuse",
    "sles",
    "openeuler",
    "anolis",
    "alinux",
    "baidulinux",
    "opencloudos",
    "tencentos",
    "freebsd",
    "windows",
    "other",
];
pub const ARCHITECTURES: &[&str] = &["x86_64", "arm64", "i386"];
pub const MOST_RECENT_BY: &[&str] = &["create_time", "version"];

/// The §6 filter arguments every data source takes.
pub fn filter_arguments() -> Vec<Attribute> {
    vec![
        Attribute::optional("os_family", Type::String).describe(format!(
            "Keeps images of this normalised OS family: {}.",
            OS_FAMILIES.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
        )),
        Attribute::optional("version", Type::String).describe(
            "A version constraint in Terraform's syntax on the normalised OS version, e.g. `\">= 22.04, < 24\"`, \
             `\"~> 8.0\"` or `\"= 2019\"`. Images without a parsable version never match.",
        ),
        Attribute::optional("architecture", Type::String)
            .describe("Keeps images of this normalised architecture: `x86_64`, `arm64` or `i386`."),
        Attribute::optional("exclude_eol", Type::Bool)
            .describe("Drops images whose OS is past its end-of-life date (`eol_date` before today)."),
    ]
}

/// The singular data sources' extra §6 arguments.
pub fn singular_arguments() -> Vec<Attribute> {
    vec![
        Attribute::optional("most_recent_by", Type::String).describe(
            "What `most_recent` means: `\"create_time\"` (default, newest image) or `\"version\"` (highest OS version, \
             then newest, then id).",
        ),
        Attribute::optional("warn_eol_within", Type::String).describe(
            "A duration such as `\"180d\"`: warn (not fail) when the chosen image reaches its end-of-life date within it.",
        ),
    ]
}

/// Plan-time checks of the §6 arguments.
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    args::enumerated(config, "os_family", OS_FAMILIES, diags);
    args::enumerated(config, "architecture", ARCHITECTURES, diags);
    args::enumerated(config, "most_recent_by", MOST_RECENT_BY, diags);
    let most_recent = config.get("most_recent");
    if args::is_known_set(config, "most_recent_by")
        && most_recent.is_some_and(|v| v.is_known() && v.as_bool() != Some(true))
    {
        diags.push(
            Diagnostic::warning(
                "most_recent_by has no effect here",
                "most_recent_by says how most_recent = true picks among several matches, but most_recent is not true, \
                 so several matches are still an error. Set most_recent = true, or remove most_recent_by.",
            )
            .at(attr_path(&["most_recent_by"])),
        );
    }
    if let Some(text) = args::string(config, "version") {
        if let Err(e) = Constraint::parse(text) {
            diags.push(
                Diagnostic::error("Invalid version", e.to_string()).at(attr_path(&["version"])),
            );
        }
    }
    if let Some(text) = args::string(config, "warn_eol_within") {
        if let Err(why) = duration::parse(text) {
            diags.push(
                Diagnostic::error("Invalid warn_eol_within", why)
                    .at(attr_path(&["warn_eol_within"])),
            );
        }
    }
}

/// One client-side filter: the argument it comes from and its test.
struct Stage {
    name: &'static str,
    keep: Box<dyn Fn(&ImageRow) -> bool + Send + Sync>,
}

/// The filters a configuration asks for, in the order they apply.
pub struct Selection {
    stages: Vec<Stage>,
}

/// How many images each stage kept, and the closest misses, for "no image matches" errors.
#[derive(Debug, Default)]
pub struct Funnel {
    pub api_count: usize,
    pub stages: Vec<(&'static str, usize)>,
    /// Up to three images from the last stage that still had some.
    pub near_misses: Vec<ImageRow>,
}

impl Selection {
    pub fn from_config(config: &Value) -> Result<Selection, Diagnostics> {
        Self::build(config, Utc::now().date_naive())
    }

    fn build(config: &Value, today: NaiveDate) -> Result<Selection, Diagnostics> {
        let mut stages: Vec<Stage> = Vec::new();
        if let Some(pattern) = args::string(config, "name_regex") {
            // The same compilation (and limits) as plan-time validation.
            let re = super::name_regex::compile(pattern)
                .map_err(|e| Diagnostics::from(args::regex_diagnostic("name_regex", &e)))?;
            stages.push(Stage {
                name: "name_regex",
                keep: Box::new(move |r| re.is_match(r.name())),
            });
        }
        if let Some(os) = args::non_empty(config, "os_name") {
            let needle = os.to_lowercase();
            stages.push(Stage {
                name: "os_name",
                keep: Box::new(move |r| r.os_name().to_lowercase().contains(&needle)),
            });
        }
        if let Some(family) = args::non_empty(config, "os_family") {
            let family = family.to_lowercase();
            stages.push(Stage {
                name: "os_family",
                keep: Box::new(move |r| r.facts().os_family() == family),
            });
        }
        if let Some(text) = args::non_empty(config, "version") {
            let constraint = Constraint::parse(text).map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error("Invalid version", e.to_string()).at(attr_path(&["version"])),
                )
            })?;
            stages.push(Stage {
                name: "version",
                keep: Box::new(move |r| {
                    let facts = r.facts();
                    Version::parse(&facts.version(facts.os_family()))
                        .is_some_and(|v| constraint.matches(&v))
                }),
            });
        }
        if let Some(arch) = args::non_empty(config, "architecture") {
            let arch = arch.to_lowercase();
            stages.push(Stage {
                name: "architecture",
                keep: Box::new(move |r| r.facts().architecture() == arch),
            });
        }
        if args::bool(config, "exclude_eol") == Some(true) {
            stages.push(Stage {
                name: "exclude_eol",
                keep: Box::new(move |r| !past_eol(&r.normalized().eol_date, today)),
            });
        }
        Ok(Selection { stages })
    }

    /// Applies the stages in order, counting what each keeps. CPU-bound over a large listing (run it off
    /// the executor); once `stop` fires it gives up early, and what it returns then means nothing.
    pub fn apply(&self, rows: Vec<ImageRow>, stop: &CancellationToken) -> (Vec<ImageRow>, Funnel) {
        let mut funnel = Funnel {
            api_count: rows.len(),
            ..Default::default()
        };
        let mut kept = rows;
        for stage in &self.stages {
            if stop.is_cancelled() {
                return (Vec::new(), funnel);
            }
            let (passed, failed): (Vec<ImageRow>, Vec<ImageRow>) = kept
                .into_iter()
                .partition(|r| !stop.is_cancelled() && (stage.keep)(r));
            funnel.stages.push((stage.name, passed.len()));
            if passed.is_empty() && funnel.near_misses.is_empty() {
                funnel.near_misses = closest(stage.name, failed);
            }
            kept = passed;
        }
        (kept, funnel)
    }
}

/// The three misses nearest to passing the stage that emptied the list: the highest versions when the
/// version constraint did (constraints are mostly lower bounds), else the newest images.
pub(super) fn closest(stage: &str, mut misses: Vec<ImageRow>) -> Vec<ImageRow> {
    if stage == "version" {
        sort_by_version(&mut misses);
    } else {
        misses.sort_by(|a, b| {
            b.create_time()
                .cmp(&a.create_time())
                .then_with(|| a.id().cmp(b.id()))
        });
    }
    misses.truncate(3);
    misses
}

fn past_eol(eol: &str, today: NaiveDate) -> bool {
    NaiveDate::parse_from_str(eol, "%Y-%m-%d").is_ok_and(|d| d < today)
}

impl Funnel {
    /// `API 2345 → image_type 412 → os_family 88 → version 0`, then the near misses.
    pub fn explain(&self) -> String {
        use crate::cloud::untrusted;
        let mut line = format!("API {}", self.api_count);
        for (name, count) in &self.stages {
            line.push_str(&format!(" → {name} {count}"));
        }
        if !self.near_misses.is_empty() {
            line.push_str("\nClosest misses (passed every filter before the one that left none):");
            // Ids, names and versions are the cloud's text: neutralised and capped (`untrusted`).
            for r in &self.near_misses {
                let n = r.normalized();
                line.push_str(&format!(
                    "\n  {} {} ({} {} {}{})",
                    untrusted::line(r.id(), untrusted::ID_CAP),
                    untrusted::quoted(r.name(), untrusted::NAME_CAP),
                    n.os_family,
                    if n.version.is_empty() {
                        "?".to_string()
                    } else {
                        untrusted::line(&n.version, untrusted::ID_CAP)
                    },
                    if n.architecture.is_empty() {
                        "?"
                    } else {
                        n.architecture
                    },
                    if n.eol_date.is_empty() {
                        String::new()
                    } else {
                        format!(", EOL {}", n.eol_date)
                    }
                ));
            }
        }
        line
    }
}

/// Orders candidates for `most_recent_by = "version"`: highest version, then newest, then id. Each
/// image is normalised once, not once per comparison.
pub fn sort_by_version(rows: &mut [ImageRow]) {
    rows.sort_by_cached_key(|r| {
        (
            Reverse(Version::parse(&r.normalized().version)),
            Reverse(r.create_time()),
            r.id().to_string(),
        )
    });
}

/// A warning when the chosen image reaches its EOL date within `warn_eol_within`.
pub fn eol_warning(config: &Value, chosen: &ImageRow) -> Option<Diagnostic> {
    use crate::cloud::untrusted;
    let within = duration::parse(args::string(config, "warn_eol_within")?).ok()?;
    let normalized = chosen.normalized();
    let eol = NaiveDate::parse_from_str(&normalized.eol_date, "%Y-%m-%d").ok()?;
    let today = Utc::now().date_naive();
    let horizon = today + chrono::Duration::seconds(within.as_secs() as i64);
    if eol > horizon {
        return None;
    }
    let image = format!(
        "The chosen image {} ({}, {} {})",
        untrusted::line(chosen.id(), untrusted::ID_CAP),
        untrusted::quoted(chosen.name(), untrusted::NAME_CAP),
        normalized.os_family,
        untrusted::line(&normalized.version, untrusted::ID_CAP)
    );
    let (summary, detail) = if eol < today {
        (
            "Image is past its end of life",
            format!("{image} reached its end of life on {eol}. Plan a move to a newer release."),
        )
    } else {
        (
            "Image is near its end of life",
            format!(
                "{image} reaches its end of life on {eol}, within warn_eol_within = {:?}. Plan a move to a newer release.",
                args::string(config, "warn_eol_within").unwrap_or_default()
            ),
        )
    };
    Some(Diagnostic::warning(summary, detail).at(attr_path(&["warn_eol_within"])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use chrono::DateTime;

    use crate::cloud::normalize::Facts;
    use crate::data_sources::images::ImageView;

    /// An image whose facts normalise to the family, version, architecture and EOL given.
    struct TestImage {
        id: String,
        name: String,
        family: &'static str,
        arch: &'static str,
        eol: String,
        created: Option<DateTime<Utc>>,
    }

    impl ImageView for TestImage {
        fn id(&self) -> &str {
            &self.id
        }
        fn name(&self) -> &str {
            &self.name
        }
        fn os_name(&self) -> &str {
            self.family
        }
        fn create_time(&self) -> Option<DateTime<Utc>> {
            self.created
        }
        fn facts(&self) -> Facts<'_> {
            Facts {
                os_name: self.family,
                image_name: &self.name,
                arch: self.arch,
                eol: &self.eol,
                ..Facts::default()
            }
        }
        fn values(&self) -> Vec<Value> {
            Vec::new()
        }
    }

    fn image(
        id: &str,
        family: &'static str,
        version: &str,
        arch: &'static str,
        eol: &str,
    ) -> TestImage {
        TestImage {
            id: id.into(),
            name: format!("{family} {version}"),
            family,
            arch,
            eol: eol.into(),
            created: None,
        }
    }

    fn rows(images: Vec<TestImage>) -> Vec<ImageRow> {
        ImageRow::all(Arc::new(images))
    }

    #[test]
    fn funnel_counts_each_filter_in_order_and_keeps_near_misses() {
        let rows = rows(vec![
            image("a", "ubuntu", "20.04", "x86_64", "2025-05-31"),
            image("b", "ubuntu", "22.04", "arm64", "2027-06-01"),
            image("c", "centos", "7.9", "x86_64", "2024-06-30"),
        ]);
        let config = Value::object([
            ("os_family", Value::string("ubuntu")),
            ("version", Value::string(">= 22.04")),
            ("architecture", Value::string("x86_64")),
        ]);
        let selection =
            Selection::build(&config, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).unwrap();
        let (kept, funnel) = selection.apply(rows, &CancellationToken::new());
        assert!(kept.is_empty());
        assert_eq!(
            funnel.explain().lines().next().unwrap(),
            "API 3 → os_family 2 → version 1 → architecture 0"
        );
        assert_eq!(funnel.near_misses.len(), 1);
        assert_eq!(funnel.near_misses[0].id(), "b");
    }

    #[test]
    fn most_recent_by_without_most_recent_is_a_warning() {
        let check = |most_recent: Value| {
            let mut diags = Diagnostics::new();
            let config = Value::object([
                ("most_recent", most_recent),
                ("most_recent_by", Value::string("version")),
            ]);
            validate(&config, &mut diags);
            diags
                .0
                .iter()
                .map(|d| d.summary.clone())
                .collect::<Vec<_>>()
        };
        let warned = vec!["most_recent_by has no effect here".to_string()];
        assert_eq!(check(Value::Null), warned);
        assert_eq!(check(Value::Bool(false)), warned);
        assert!(check(Value::Bool(true)).is_empty());
        assert!(check(Value::Unknown).is_empty());
    }

    #[test]
    fn eol_warning_says_near_or_past() {
        let config = Value::object([("warn_eol_within", Value::string("3650d"))]);
        let chosen = rows(vec![
            image("past", "centos", "6.10", "x86_64", "2000-11-30"),
            image("near", "ubuntu", "22.04", "x86_64", "2030-01-01"),
            image("far", "ubuntu", "99.04", "x86_64", "2199-01-01"),
        ]);
        let past = eol_warning(&config, &chosen[0]).expect("past");
        assert_eq!(past.summary, "Image is past its end of life");
        assert!(
            past.detail.ends_with(
                "reached its end of life on 2000-11-30. Plan a move to a newer release."
            ),
            "{}",
            past.detail
        );
        let near = eol_warning(&config, &chosen[1]).expect("near");
        assert_eq!(near.summary, "Image is near its end of life");
        assert!(
            near.detail.contains(
                "reaches its end of life on 2030-01-01, within warn_eol_within = \"3650d\""
            ),
            "{}",
            near.detail
        );
        assert!(eol_warning(&config, &chosen[2]).is_none());
    }

    #[test]
    fn cloud_names_and_ids_in_warnings_and_misses_are_neutralised_and_capped() {
        use crate::cloud::untrusted::is_dangerous;
        let hostile = "\x1b[2J\x07\r\nError: forged\u{202e}";
        let mut images = vec![image("past", "centos", "6.10", "x86_64", "2000-11-30")];
        images[0].id = format!("img-{hostile}");
        images[0].name = format!("CentOS 6.10 {hostile}{}", "x".repeat(1 << 20));
        let rows = rows(images);
        let config = Value::object([("warn_eol_within", Value::string("3650d"))]);
        let warning = eol_warning(&config, &rows[0]).expect("a warning");
        let config = Value::object([("architecture", Value::string("arm64"))]);
        let (_, funnel) = Selection::build(&config, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
            .unwrap()
            .apply(rows, &CancellationToken::new());
        for text in [warning.detail, funnel.explain()] {
            assert!(text.len() < 1024, "{} bytes", text.len());
            assert!(
                !text.chars().any(|c| c != '\n' && is_dangerous(c)),
                "{text:?}"
            );
            assert!(
                text.contains("img-\\u{1b}[2J\\u{7}\\r\\nError: forged\\u{202e}"),
                "{text}"
            );
            assert!(text.contains("\"CentOS 6.10 \\u{1b}[2J"), "{text}");
            assert!(text.contains("more bytes)"), "{text}");
        }
    }

    #[test]
    fn near_misses_of_a_version_constraint_are_the_highest_versions() {
        let rows = rows(vec![
            image("a", "ubuntu", "18.04", "x86_64", ""),
            image("b", "ubuntu", "22.04", "x86_64", ""),
            image("c", "ubuntu", "16.04", "x86_64", ""),
            image("d", "ubuntu", "24.04", "x86_64", ""),
            image("e", "ubuntu", "20.04", "x86_64", ""),
        ]);
        let config = Value::object([("version", Value::string(">= 30"))]);
        let (kept, funnel) =
            Selection::build(&config, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
                .unwrap()
                .apply(rows, &CancellationToken::new());
        assert!(kept.is_empty());
        let ids: Vec<&str> = funnel.near_misses.iter().map(ImageRow::id).collect();
        assert_eq!(ids, ["d", "b", "e"]);
    }

    #[test]
    fn near_misses_of_other_filters_are_the_newest() {
        let mut images: Vec<TestImage> = (0..5)
            .map(|n| image(&format!("i{n}"), "ubuntu", "22.04", "x86_64", ""))
            .collect();
        for (n, image) in images.iter_mut().enumerate() {
            image.created = DateTime::from_timestamp(1_000_000_000 + (n as i64 % 3) * 100, 0);
        }
        let config = Value::object([("architecture", Value::string("arm64"))]);
        let (_, funnel) = Selection::build(&config, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
            .unwrap()
            .apply(rows(images), &CancellationToken::new());
        let ids: Vec<&str> = funnel.near_misses.iter().map(ImageRow::id).collect();
        // Newest first (i2 is the newest), ties by id (i1 and i4 share a time).
        assert_eq!(ids, ["i2", "i1", "i4"]);
    }

    #[test]
    fn exclude_eol_drops_only_past_dates() {
        let rows = rows(vec![
            image("old", "centos", "7.9", "x86_64", "2024-06-30"),
            image("new", "ubuntu", "22.04", "x86_64", "2027-06-01"),
            image("unknown", "fedora", "39", "x86_64", ""),
        ]);
        let config = Value::object([("exclude_eol", Value::Bool(true))]);
        let (kept, _) = Selection::build(&config, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
            .unwrap()
            .apply(rows, &CancellationToken::new());
        let ids: Vec<&str> = kept.iter().map(ImageRow::id).collect();
        assert_eq!(ids, ["new", "unknown"]);
    }

    #[test]
    fn version_order_beats_creation_time() {
        let mut images = vec![
            image("old-version-new-image", "ubuntu", "20.04", "x86_64", ""),
            image("new-version", "ubuntu", "22.04", "x86_64", ""),
            image("none", "ubuntu", "", "x86_64", ""),
            image("none-older", "ubuntu", "", "x86_64", ""),
        ];
        images[0].created = DateTime::from_timestamp(2_000_000_000, 0);
        images[1].created = DateTime::from_timestamp(1_000_000_000, 0);
        images[2].created = DateTime::from_timestamp(1_000_000_000, 0);
        let mut rows = rows(images);
        sort_by_version(&mut rows);
        let ids: Vec<&str> = rows.iter().map(ImageRow::id).collect();
        assert_eq!(
            ids,
            ["new-version", "old-version-new-image", "none", "none-older"]
        );
    }

    #[test]
    fn invalid_constraints_and_enums_are_plan_time_errors_with_paths() {
        let config = Value::object([
            ("version", Value::string(">= banana")),
            ("os_family", Value::string("plan9")),
            ("architecture", Value::string("sparc")),
            ("warn_eol_within", Value::string("soon")),
        ]);
        let mut diags = Diagnostics::new();
        validate(&config, &mut diags);
        let paths: Vec<String> = diags
            .iter()
            .filter_map(|d| d.path.as_ref().map(|p| p.to_string()))
            .collect();
        assert_eq!(diags.iter().count(), 4, "{diags:?}");
        for name in ["version", "os_family", "architecture", "warn_eol_within"] {
            assert!(
                paths.iter().any(|p| p.contains(name)),
                "{name} in {paths:?}"
            );
        }
    }
}
