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

impl Facts<'_> {
    /// The OS family alone (what an `os_family` filter needs).
    pub fn os_family(&self) -> &'static str {
        os_family(self.os_name, self.image_name)
    }

    /// The version, read with the family's conventions; empty when none can be parsed.
    pub fn version(&self, os_family: &str) -> String {
        [self.os_version, self.os_name, self.image_name]
            .iter()
            .find_map(|text| parse_version(text, os_family))
            .unwrap_or_default()
    }

    /// The architecture alone; empty when unknown.
    pub fn architecture(&self) -> &'static str {
        [self.arch, self.os_name, self.image_name]
            .iter()
            .find_map(|text| architecture(text))
            .unwrap_or("")
    }
}

/// Normalises one image's facts. Cheap enough to run per read on the images a filter or an answer
/// needs, so listings store only what the cloud sent.
pub fn normalize(facts: Facts<'_>) -> Normalized {
    let os_family = facts.os_family();
    let version = facts.version(os_family);
    let eol_date = lifecycle::cloud_date(facts.eol)
        .or_else(|| eol_date(os_family, &version).map(str::to_string))
        .unwrap_or_default();
    Normalized {
        os_family,
        version,
        architecture: facts.architecture(),
        eol_date,
    }
}

#[cfg(test)]
mod tests;
