//! Diagnostics as Terraform shows them: severity, a summary saying what failed, a detail saying why and
//! what to do, and optionally the attribute path so Terraform points at the offending line.

use crate::cty::{Path, PathStep};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<Path>,
}

/// An ordered collection of diagnostics produced by one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }
    /// Points the diagnostic at an attribute.
    pub fn at(mut self, path: Path) -> Self {
        self.path = Some(path);
        self
    }
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Builds an attribute path from names, e.g. `attr_path(&["tencent", "api"])`.
pub fn attr_path(names: &[&str]) -> Path {
    Path(
        names
            .iter()
            .map(|n| PathStep::Attr((*n).to_string()))
            .collect(),
    )
}
