//! Go-style durations (`"30s"`, `"1m30s"`, `"1.5h"`, `"250ms"`), the syntax Terraform users know from
//! `timeouts` blocks, plus a day unit (`"180d"`) for EOL windows.

use std::time::Duration;

/// Parses a Go duration string. Negative durations and an empty string are rejected.
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("a duration must not be empty".into());
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return Err(invalid(text));
        }
        let number: f64 = rest[..number_len].parse().map_err(|_| invalid(text))?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "" => {
                return Err(format!(
                    "{text:?} is missing a unit (ns, us, ms, s, m, h, d)"
                ))
            }
            other => {
                return Err(format!(
                    "{text:?} has an unknown unit {other:?}; use ns, us, ms, s, m, h or d"
                ))
            }
        };
        total += number * seconds_per_unit;
        rest = &rest[unit_len..];
    }
    if !total.is_finite() || total > 1e12 {
        return Err(format!("{text:?} is too long"));
    }
    Ok(Duration::from_secs_f64(total))
}

fn invalid(text: &str) -> String {
    format!("{text:?} is not a duration")
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::time::Duration;

    #[test]
    fn accepts_go_durations() {
        let cases = [
            ("30s", 30_000),
            ("1m30s", 90_000),
            ("1.5s", 1_500),
            ("250ms", 250),
            ("2h", 7_200_000),
            ("1d", 86_400_000),
            ("0", 0),
            (" 5s ", 5_000),
        ];
        for (text, millis) in cases {
            assert_eq!(parse(text), Ok(Duration::from_millis(millis)), "{text}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for text in ["", "abc", "30", "s", "-5s", "5x", "1..5s", "5 s", "1e3s"] {
            assert!(parse(text).is_err(), "{text:?} should be rejected");
        }
    }
}
