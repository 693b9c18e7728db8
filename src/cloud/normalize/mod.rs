//! Normalised image facts, the same across clouds (SPEC §6): OS family, version, architecture and
//! end-of-life date, derived from each cloud's own fields. Pure and table-driven; knows nothing of
//! Terraform.

mod arch;
mod family;
mod lifecycle;
mod version;

pub use arch::architecture;
pub use family::os_family;
pub use lifecycle::{eol_date, lifecycle_table, LifecycleRow};
pub use version::{parse_version, Constraint, ConstraintError, Version};

/// The normalised facts of one image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// `ubuntu`, `centos`, …, `windows` or `other`.
    pub os_family: &'static str,
    /// Dotted numbers (`22.04`, `7.9`, `2019`), or empty when none can be parsed.
    pub version: String,
    /// `x86_64`, `arm64`, `i386` or empty.
    pub architecture: &'static str,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub eol_date: String,
}

/// What a cloud knows about an image, for normalisation. Empty strings mean "not given".
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    pub os_name: &'a str,
    pub image_name: &'a str,
    /// A dedicated OS version field (Baidu `osVersion`), tried first.
    pub os_version: &'a str,
    /// The cloud's architecture field or text carrying it (`x86_64 (64bit)`, `arm`, an OS name suffix).
    pub arch: &'a str,
    /// The cloud's own EOL date, in any of `YYYY-MM-DD` / `YYYY/MM/DD` (UCloud `MaintainEol`).
    pub eol: &'a str,
}

/// Normalises one image's facts.
pub fn normalize(facts: Facts<'_>) -> Normalized {
    let os_family = os_family(facts.os_name, facts.image_name);
    let version = [facts.os_version, facts.os_name, facts.image_name]
        .iter()
        .find_map(|text| parse_version(text, os_family))
        .unwrap_or_default();
    let architecture = [facts.arch, facts.os_name, facts.image_name]
        .iter()
        .find_map(|text| architecture(text))
        .unwrap_or("");
    let eol_date = lifecycle::cloud_date(facts.eol)
        .or_else(|| eol_date(os_family, &version).map(str::to_string))
        .unwrap_or_default();
    Normalized {
        os_family,
        version,
        architecture,
        eol_date,
    }
}

#[cfg(test)]
mod tests;
