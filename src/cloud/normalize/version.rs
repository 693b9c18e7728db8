//! OS versions as dotted numbers, and Terraform-style version constraints over them
//! (`">= 22.04, < 24"`, `"~> 8.0"`, `"= 2019"`).

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

/// A dotted numeric version; missing components compare as zero (`8` == `8.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(pub Vec<u64>);

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let parts: Option<Vec<u64>> = text.trim().split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty() && p.len() <= 6).map(Version)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        (0..n)
            .map(|i| {
                self.0
                    .get(i)
                    .unwrap_or(&0)
                    .cmp(other.0.get(i).unwrap_or(&0))
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

fn number_run() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\d+(?:\.\d+)*").expect("static regex"))
}

/// The OS version in `text`: the first run of dotted numbers that is not part of an architecture or bitness
/// (`x86_64`, `amd64`, `64bit`, `64位`) or a toolkit (`CUDA11.8`). Windows versions are the release year.
pub fn parse_version(text: &str, family: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for m in number_run().find_iter(&lower) {
        let before = &lower[..m.start()];
        let after = &lower[m.end()..];
        let glued_to_word = [
            "x86_", "x86-", "x", "amd", "arm", "aarch", "i", "cuda", "tk", "sp", "r", "el",
            "kernel ",
        ]
        .iter()
        .any(|p| before.ends_with(p));
        let bitness = ["bit", "-bit", " bit", "位"]
            .iter()
            .any(|s| after.starts_with(s));
        if glued_to_word || bitness {
            continue;
        }
        let run = m.as_str();
        if family == "windows" && !(run.len() == 4 && run.starts_with("20")) {
            continue;
        }
        return Some(run.trim_end_matches('.').to_string());
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `~>`: at least this version, below the next release of the second-to-last given component.
    Pessimistic,
}

/// A conjunction of version comparisons, Terraform's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint(Vec<(Op, Version)>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConstraintError(pub String);

impl Constraint {
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let mut parts = Vec::new();
        for piece in text.split(',') {
            let piece = piece.trim();
            if piece.is_empty() {
                return Err(ConstraintError(format!(
                    "{text:?} has an empty comparison; write it like \">= 22.04, < 24\""
                )));
            }
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(sym, op)| piece.strip_prefix(sym).map(|rest| (*op, rest)))
            .unwrap_or((Op::Eq, piece));
            let version = Version::parse(rest).ok_or_else(|| {
                ConstraintError(format!(
                    "{piece:?} is not a version comparison: use =, !=, >, >=, <, <= or ~> followed by dotted numbers, e.g. \">= 22.04\""
                ))
            })?;
            parts.push((op, version));
        }
        Ok(Constraint(parts))
    }

    pub fn matches(&self, v: &Version) -> bool {
        self.0.iter().all(|(op, c)| match op {
            Op::Eq => v == c || v.cmp(c).is_eq(),
            Op::Ne => v.cmp(c).is_ne(),
            Op::Gt => v > c,
            Op::Ge => v >= c,
            Op::Lt => v < c,
            Op::Le => v <= c,
            Op::Pessimistic => v >= c && v < &pessimistic_upper(c),
        })
    }
}

/// `~> 1.2` allows < 2.0; `~> 1.2.3` allows < 1.3; `~> 8` allows < 9.
fn pessimistic_upper(c: &Version) -> Version {
    let keep = if c.0.len() > 1 { c.0.len() - 1 } else { 1 };
    let mut upper: Vec<u64> = c.0[..keep].to_vec();
    if let Some(last) = upper.last_mut() {
        *last += 1;
    }
    Version(upper)
}
