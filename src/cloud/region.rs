//! Region names. A region is spliced into host names (Baidu's `bcc.<region>.baidubce.com`) and into
//! signed requests, so it is checked against the shape every cloud's region names have before anything
//! is built from it: `region = "attacker.example/"` must not choose the host, nor `bj:8443` the port.

use std::fmt;

/// The longest region name accepted; real ones are at most about 20 characters (`na-siliconvalley`).
pub const MAX_REGION_LEN: usize = 32;

/// A region name: lowercase ASCII letters and digits in hyphen-separated parts, starting with a letter
/// (`bj`, `cn-bj2`, `ap-guangzhou`, `ap-shanghai-fsi`), at most [`MAX_REGION_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Checks `raw`; the error explains the shape, quoting (a capped excerpt of) what was given.
    pub fn parse(raw: &str) -> Result<Region, String> {
        if is_region_name(raw) {
            Ok(Region(raw.to_string()))
        } else {
            Err(explain(raw))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_region_name(s: &str) -> bool {
    s.len() <= MAX_REGION_LEN
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn explain(raw: &str) -> String {
    const SHOWN: usize = 40;
    let mut shown: String = raw.chars().take(SHOWN).collect();
    if raw.chars().count() > SHOWN {
        shown.push('…');
    }
    let hint = if !raw.is_empty() && is_region_name(&raw.trim().to_ascii_lowercase()) {
        format!(" (did you mean {:?}?)", raw.trim().to_ascii_lowercase())
    } else {
        String::new()
    };
    format!(
        "{shown:?} is not a region name{hint}: region names are lowercase letters and digits in parts joined by \
         hyphens, starting with a letter, at most {MAX_REGION_LEN} characters, like \"bj\", \"cn-bj2\" or \"ap-guangzhou\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        let cases = [
            ("bj", true),
            ("fwh", true),
            ("cn-bj2", true),
            ("ap-guangzhou", true),
            ("ap-shanghai-fsi", true),
            ("na-siliconvalley", true),
            ("ap-bench", true),
            ("", false),
            ("BJ", false),
            ("2bj", false),
            ("bj-", false),
            ("-bj", false),
            ("cn--bj", false),
            ("cn_bj", false),
            ("bj.", false),
            ("attacker.example/", false),
            ("bj:8443", false),
            ("bj/../x", false),
            ("bj\nHost: x", false),
            ("bj ", false),
            ("ｂｊ", false),
            ("a234567890123456789012345678901", true),
            ("a2345678901234567890123456789012", true),
            ("a23456789012345678901234567890123", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Region::parse(raw).is_ok(), ok, "{raw:?}");
        }
    }

    #[test]
    fn errors_quote_a_short_excerpt_and_suggest_the_lowercase_name() {
        let e = Region::parse(&"x/".repeat(10_000)).unwrap_err();
        assert!(e.len() < 400, "{e}");
        let e = Region::parse("AP-Guangzhou").unwrap_err();
        assert!(e.contains("did you mean \"ap-guangzhou\"?"), "{e}");
    }
}
