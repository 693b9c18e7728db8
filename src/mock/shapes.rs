//! How the emulator shapes its answers. [`Shapes::Default`] sends every field of each API's official
//! image model, each with a value of its documented type. [`Shapes::Real`] sends what the real APIs are
//! seen to send besides: `null` for absent optional members (Tencent's `SyncPercent` of public images,
//! `SnapshotSet`, `Tags`, `ImageFamily`, `IsSupportCloudinit`; Baidu's `desc` and the times of nested
//! snapshots), both RFC 3339 spellings of UTC (`+00:00` and `Z`), UCloud prices as floats, and fields
//! that no client knows yet. The catalogue is the same in both: only the encoding differs, so a test
//! computes its expected answers the same way. Knows nothing of HTTP or signatures.

/// The response-shape mode of one emulator (`--shapes default|real`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shapes {
    #[default]
    Default,
    Real,
}

impl Shapes {
    pub fn parse(s: &str) -> Option<Shapes> {
        match s.to_ascii_lowercase().as_str() {
            "default" => Some(Shapes::Default),
            "real" => Some(Shapes::Real),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Shapes::Default => "default",
            Shapes::Real => "real",
        }
    }

    pub fn real(&self) -> bool {
        *self == Shapes::Real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(Shapes::parse("REAL"), Some(Shapes::Real));
        assert_eq!(Shapes::parse("default"), Some(Shapes::Default));
        assert_eq!(Shapes::parse("odd"), None);
        assert_eq!(Shapes::default().as_str(), "default");
    }
}
