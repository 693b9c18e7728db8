//! Text that came from the network, made safe to print: one printable line of bounded length.
//!
//! A cloud's error code, message and request id, a gateway's body, an image's name or id: any of them
//! may carry ANSI escape sequences (a clear screen), a BEL, a CR/LF followed by a forged `Error:` line,
//! bidi overrides that reorder what a terminal shows, or megabytes of padding. Terraform prints
//! diagnostics and writes log lines as received, even with `-no-color`, so everything quoted from the
//! network goes through [`line`] (or [`quoted`]) before it reaches a `CloudError`, a diagnostic or a log
//! line. Pure: no IO, no allocation beyond the result.
//!
//! Neutralised means: every C0/C1 control character (ESC, BEL, CR, LF, TAB, DEL, U+0080–U+009F), every
//! Unicode format character (bidi embeddings, overrides, isolates and marks, zero-width characters, the
//! BOM, tag characters…) and the line/paragraph separators are *escaped visibly* — `\n`, `\r`, `\t`,
//! else `\u{1b}` as Rust writes them — so the reader sees that something was there. Backslashes are
//! left alone (escaping is for the terminal's sake, not a reversible encoding), so already neutral text
//! comes back unchanged: [`line`] is idempotent.
//!
//! Capped means: at most `cap` bytes, cut between characters (never inside an escape), ending with
//! `… (N more bytes)` where N counts the bytes of the original text that were left out.

/// Messages (a cloud's error message, an excerpt of a body).
pub const MESSAGE_CAP: usize = 2048;
/// A cloud's error code.
pub const CODE_CAP: usize = 128;
/// A request id (ids the clouds send are 32–40 characters).
pub const REQUEST_ID_CAP: usize = 256;
/// An image id quoted in a diagnostic.
pub const ID_CAP: usize = 128;
/// An image name quoted in a diagnostic.
pub const NAME_CAP: usize = 256;

/// Unicode format characters (general category Cf) and separators (Zl, Zp) that a terminal renders
/// invisibly or that change the order or layout of what it shows.
const FORMAT_RANGES: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{0600}', '\u{0605}'),   // Arabic number signs
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark (bidi)
    ('\u{06DD}', '\u{06DD}'),   // Arabic end of ayah
    ('\u{070F}', '\u{070F}'),   // Syriac abbreviation mark
    ('\u{0890}', '\u{0891}'),   // Arabic pound/piastre marks above
    ('\u{08E2}', '\u{08E2}'),   // Arabic disputed end of ayah
    ('\u{115F}', '\u{1160}'),   // Hangul fillers (blank)
    ('\u{180E}', '\u{180E}'),   // Mongolian vowel separator
    ('\u{200B}', '\u{200F}'),   // zero-width space, ZWNJ, ZWJ, LRM, RLM
    ('\u{2028}', '\u{2029}'),   // line and paragraph separators
    ('\u{202A}', '\u{202E}'),   // bidi embeddings, pop, overrides
    ('\u{2060}', '\u{206F}'),   // word joiner, invisible operators, bidi isolates, deprecated
    ('\u{3164}', '\u{3164}'),   // Hangul filler (blank)
    ('\u{FEFF}', '\u{FEFF}'),   // byte order mark / zero-width no-break space
    ('\u{FFA0}', '\u{FFA0}'),   // halfwidth Hangul filler (blank)
    ('\u{FFF9}', '\u{FFFB}'),   // interlinear annotation
    ('\u{110BD}', '\u{110BD}'), // Kaithi number sign
    ('\u{110CD}', '\u{110CD}'), // Kaithi number sign above
    ('\u{13430}', '\u{1343F}'), // Egyptian hieroglyph format controls
    ('\u{1BCA0}', '\u{1BCA3}'), // shorthand format controls
    ('\u{1D173}', '\u{1D17A}'), // musical symbol format controls
    ('\u{E0000}', '\u{E007F}'), // tag characters (invisible)
];

/// True for a character that must not reach a terminal as is: a control character, or one of the
/// format characters and separators above.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || FORMAT_RANGES
            .iter()
            .any(|&(low, high)| (low..=high).contains(&c))
}

/// `text` as one printable line of at most `cap` bytes (see the module docs). A `cap` smaller than the
/// cut marker itself still gets the marker, so the result never exceeds `cap + marker_len(text)`.
pub fn line(text: &str, cap: usize) -> String {
    let (mut out, cut) = neutralise(text, cap, false);
    if let Some(more) = cut {
        push_marker(&mut out, more);
    }
    out
}

/// `text` in double quotes, with `"` and `\` escaped as well, for names and ids quoted inside a
/// sentence. Printable text reads exactly as Rust's `{:?}` writes it; `cap` bounds what is between the
/// quotes plus the cut marker, which goes after the closing quote so it cannot be mistaken for part of
/// the text.
pub fn quoted(text: &str, cap: usize) -> String {
    let (body, cut) = neutralise(text, cap, true);
    let mut out = String::with_capacity(body.len() + 2);
    out.push('"');
    out.push_str(&body);
    out.push('"');
    if let Some(more) = cut {
        push_marker(&mut out, more);
    }
    out
}

/// The longest cut marker [`line`] may append for `text`: `… (N more bytes)` with N up to its length.
pub fn marker_len(text: &str) -> usize {
    marker(text.len()).len()
}

fn marker(more: usize) -> String {
    let unit = if more == 1 { "byte" } else { "bytes" };
    format!("… ({more} more {unit})")
}

fn push_marker(out: &mut String, more: usize) {
    out.push_str(&marker(more));
}

/// The escaped text, and how many bytes of `text` were left out when it did not fit in `cap` (the
/// caller adds the marker, whose room is reserved here).
fn neutralise(text: &str, cap: usize, quotes: bool) -> (String, Option<usize>) {
    // Fast path: short text with nothing to escape comes back as is.
    if text.len() <= cap && !text.chars().any(|c| needs_escape(c, quotes)) {
        return (text.to_string(), None);
    }
    let whole = escaped_len(text, quotes, cap);
    if whole <= cap {
        return (escape_all(text, quotes), None);
    }
    // Room for the marker with the most digits it could need, so the whole result stays within `cap`.
    let budget = cap.saturating_sub(marker_len(text));
    let mut out = String::with_capacity(budget);
    let mut buf = [0u8; 16];
    for (at, c) in text.char_indices() {
        let piece = escape_char(c, quotes, &mut buf);
        if out.len() + piece.len() > budget {
            return (out, Some(text.len() - at));
        }
        out.push_str(piece);
    }
    // Not reached: the whole text did not fit in `cap`, so it does not fit in `budget` either.
    (out, None)
}

/// The escaped length of `text`, counting no further than just past `limit`.
fn escaped_len(text: &str, quotes: bool, limit: usize) -> usize {
    let mut n = 0;
    let mut buf = [0u8; 16];
    for c in text.chars() {
        n += escape_char(c, quotes, &mut buf).len();
        if n > limit {
            break;
        }
    }
    n
}

fn escape_all(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut buf = [0u8; 16];
    for c in text.chars() {
        out.push_str(escape_char(c, quotes, &mut buf));
    }
    out
}

fn needs_escape(c: char, quotes: bool) -> bool {
    is_dangerous(c) || (quotes && matches!(c, '"' | '\\'))
}

/// `c` as it is written out: itself, or its escape.
fn escape_char(c: char, quotes: bool, buf: &mut [u8; 16]) -> &str {
    use std::io::Write as _;
    let simple = match c {
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        '"' if quotes => Some("\\\""),
        '\\' if quotes => Some("\\\\"),
        _ => None,
    };
    if let Some(s) = simple {
        return s;
    }
    if !is_dangerous(c) {
        return c.encode_utf8(buf);
    }
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    // `\u{e007f}` is the longest: 9 bytes.
    let _ = write!(cursor, "\\u{{{:x}}}", c as u32);
    let len = cursor.position() as usize;
    std::str::from_utf8(&buf[..len]).unwrap_or("\\u{?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lines() {
        let cases: &[(&str, usize, &str)] = &[
            ("plain text", 64, "plain text"),
            ("", 64, ""),
            ("云服务器 镜像", 64, "云服务器 镜像"),
            ("back\\slash stays", 64, "back\\slash stays"),
            ("\x1b[2J\x1b[Hcleared", 64, "\\u{1b}[2J\\u{1b}[Hcleared"),
            ("bell\x07", 64, "bell\\u{7}"),
            ("a\r\nError: forged", 64, "a\\r\\nError: forged"),
            ("tab\there", 64, "tab\\there"),
            ("nul\0 del\x7f", 64, "nul\\u{0} del\\u{7f}"),
            ("c1 \u{85}\u{9b}31m", 64, "c1 \\u{85}\\u{9b}31m"),
            ("rlo \u{202e}txet\u{202c}", 64, "rlo \\u{202e}txet\\u{202c}"),
            (
                "isolates \u{2066}\u{2067}\u{2068}\u{2069}",
                64,
                "isolates \\u{2066}\\u{2067}\\u{2068}\\u{2069}",
            ),
            (
                "marks \u{200e}\u{200f}\u{61c}",
                64,
                "marks \\u{200e}\\u{200f}\\u{61c}",
            ),
            (
                "zw \u{200b}\u{feff}\u{2060}",
                64,
                "zw \\u{200b}\\u{feff}\\u{2060}",
            ),
            (
                "separators \u{2028}\u{2029}",
                64,
                "separators \\u{2028}\\u{2029}",
            ),
            ("tag \u{e0041}\u{e007f}", 64, "tag \\u{e0041}\\u{e007f}"),
            ("soft\u{ad}hyphen", 64, "soft\\u{ad}hyphen"),
            // Caps: the whole result within the cap, the cut counted in bytes of the original.
            (
                "0123456789abcdefghijklmnopqrstuvwxyz",
                36,
                "0123456789abcdefghijklmnopqrstuvwxyz",
            ),
            (
                "0123456789abcdefghijklmnopqrstuvwxyz!",
                36,
                "0123456789abcdefg… (20 more bytes)",
            ),
            // A cut never splits a character or an escape.
            ("ééééééééééééééééééééééé", 32, "éééééé… (34 more bytes)"),
            (
                "\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b",
                40,
                "\\u{1b}\\u{1b}\\u{1b}… (8 more bytes)",
            ),
            // A cap below the marker's own length still says what was cut.
            ("abcdef", 3, "… (6 more bytes)"),
            ("ab", 1, "… (2 more bytes)"),
        ];
        for (text, cap, want) in cases {
            assert_eq!(line(text, *cap), *want, "{text:?} cap {cap}");
        }
    }

    #[test]
    fn quotes() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "Ubuntu 22.04 LTS (64bit)",
                64,
                "\"Ubuntu 22.04 LTS (64bit)\"",
            ),
            ("say \"hi\" \\ bye", 64, "\"say \\\"hi\\\" \\\\ bye\""),
            ("x\ny\u{202e}", 64, "\"x\\ny\\u{202e}\""),
            (
                "0123456789abcdefghijklmnopqrstuvwxyz",
                24,
                "\"01234\"… (31 more bytes)",
            ),
        ];
        for (text, cap, want) in cases {
            assert_eq!(quoted(text, *cap), *want, "{text:?} cap {cap}");
        }
        // Printable names read exactly as `{:?}` wrote them before.
        for name in ["CentOS 7.9 64位", "Windows Server 2019 数据中心版", "a\"b"] {
            assert_eq!(quoted(name, NAME_CAP), format!("{name:?}"));
        }
    }

    #[test]
    fn ten_mebibytes_become_two_kibibytes() {
        let text = "\x1b[2J\x07".repeat((10 << 20) / 5);
        let out = line(&text, MESSAGE_CAP);
        assert!(out.len() <= MESSAGE_CAP, "{}", out.len());
        assert!(out.ends_with(" more bytes)"), "{out}");
        assert!(!out.chars().any(is_dangerous));
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        // Mostly the characters that matter, some of anything.
        let interesting = prop_oneof![
            Just('\x1b'),
            Just('\x07'),
            Just('\r'),
            Just('\n'),
            Just('\t'),
            Just('\x7f'),
            Just('\u{85}'),
            Just('\u{9b}'),
            Just('\u{202e}'),
            Just('\u{2067}'),
            Just('\u{200f}'),
            Just('\u{feff}'),
            Just('\u{e0041}'),
            Just('"'),
            Just('\\'),
            Just('é'),
            Just('镜'),
            Just('a'),
            any::<char>(),
        ];
        proptest::collection::vec(interesting, 0..400).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn never_a_dangerous_char_never_past_the_cap(text in text_strategy(), cap in 0usize..300) {
            let out = line(&text, cap);
            prop_assert!(!out.chars().any(is_dangerous), "{:?}", out);
            prop_assert!(out.len() <= cap.max(marker_len(&text)), "{} > {}", out.len(), cap);
            prop_assert!(out.len() <= cap + marker_len(&text));
            let q = quoted(&text, cap);
            prop_assert!(!q.chars().any(is_dangerous), "{:?}", q);
            prop_assert!(q.len() <= cap + 2 + marker_len(&text));
        }

        #[test]
        fn idempotent_and_exact_when_it_fits(text in text_strategy(), cap in 48usize..300) {
            let once = line(&text, cap);
            prop_assert_eq!(line(&once, cap), once.clone());
            if !text.chars().any(is_dangerous) && text.len() <= cap {
                prop_assert_eq!(once, text);
            }
        }

        #[test]
        fn the_cut_is_counted_in_bytes_of_the_original(text in text_strategy(), cap in 48usize..300) {
            let out = line(&text, cap);
            if let Some(at) = out.rfind("… (") {
                let tail = &out[at + "… (".len()..];
                let more: usize = tail.split(' ').next().unwrap().parse().unwrap();
                prop_assert!(more > 0 && more <= text.len());
                // What was kept is a prefix of the original, escaped.
                let kept = &text[..text.len() - more];
                prop_assert_eq!(&out[..at], line(kept, usize::MAX));
            }
        }
    }
}
