//! Paths into a cty value (`.images[3].name`, `.tags["env"]`) and the codec errors that carry them.
//!
//! Callers turn a [`Path`] into a Terraform attribute path for diagnostics; this module must NOT know
//! that Terraform or any protocol exists.

use std::fmt;

/// One step into a value: an object attribute, a map key, or a list/set/tuple index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    Attr(String),
    Key(String),
    Index(i64),
}

/// A sequence of steps from the root of a value; the empty path is the root itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    /// The root path.
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This path extended by one step.
    pub fn child(&self, step: PathStep) -> Path {
        let mut steps = self.0.clone();
        steps.push(step);
        Path(steps)
    }

    pub fn attr(&self, name: impl Into<String>) -> Path {
        self.child(PathStep::Attr(name.into()))
    }

    pub fn key(&self, key: impl Into<String>) -> Path {
        self.child(PathStep::Key(key.into()))
    }

    pub fn index(&self, index: i64) -> Path {
        self.child(PathStep::Index(index))
    }
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Attr(name) => write!(f, ".{name}"),
            // JSON string quoting escapes quotes, backslashes and control characters.
            PathStep::Key(key) => write!(f, "[{}]", super::json::quote(key)),
            PathStep::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl fmt::Display for Path {
    /// `.images[3].name`, `["k"]`; the root is the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|step| write!(f, "{step}"))
    }
}

/// Writes `"<path>: <message>"`, or just the message at the root.
fn fmt_at(f: &mut fmt::Formatter<'_>, path: &Path, message: &str) -> fmt::Result {
    if path.is_root() {
        f.write_str(message)
    } else {
        write!(f, "{path}: {message}")
    }
}

/// Why bytes could not be decoded as a value of the requested type, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    pub path: Path,
    pub message: String,
}

/// Why a value could not be encoded with the requested type, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct EncodeError {
    pub path: Path,
    pub message: String,
}

impl DecodeError {
    pub fn new(path: &Path, message: impl Into<String>) -> DecodeError {
        DecodeError {
            path: path.clone(),
            message: message.into(),
        }
    }
}

impl EncodeError {
    pub fn new(path: &Path, message: impl Into<String>) -> EncodeError {
        EncodeError {
            path: path.clone(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_at(f, &self.path, &self.message)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_at(f, &self.path, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let cases = [
            (Path::root(), ""),
            (
                Path::root().attr("images").index(3).attr("name"),
                ".images[3].name",
            ),
            (Path::root().key("k"), "[\"k\"]"),
            (
                Path::root().attr("tags").key("a\"b\\c"),
                ".tags[\"a\\\"b\\\\c\"]",
            ),
            (Path::root().index(-1), "[-1]"),
        ];
        for (path, want) in cases {
            assert_eq!(path.to_string(), want);
        }
    }

    #[test]
    fn errors_show_their_path() {
        let at = Path::root().attr("a").index(0);
        assert_eq!(
            DecodeError::new(&at, "bool is required").to_string(),
            ".a[0]: bool is required"
        );
        assert_eq!(
            EncodeError::new(&Path::root(), "value is not known").to_string(),
            "value is not known"
        );
    }
}
