//! `name_regex`: the one place a user's pattern becomes a [`Regex`], shared by plan-time validation
//! (`args::check_regex`) and the read (`selection::Selection`), so what `terraform validate` accepts is
//! exactly what a read can run, at a bounded cost.
//!
//! A pattern is refused, with its position and reason (never `regex`'s own message, which quotes the
//! whole pattern three times), when it is:
//! - longer than [`MAX_PATTERN_BYTES`] (a 1 MiB pattern took 333 MiB to compile);
//! - not valid Rust regex syntax;
//! - one RE2 refuses, as the clouds' own Terraform providers (Go `regexp`) do: a counted repetition
//!   above 1000 (`a{1001}`), or counted repetitions whose counts multiply past 1000 along a nesting
//!   (`(a{100}){11}`; RE2 checks `max` of each, or `min` for `{n,}`, and restarts below a `{0}`);
//! - more than [`MAX_EXPANDED_ITEMS`] characters and classes once every counted repetition is written
//!   out (`a{1000}b{1000}` passes RE2's per-nesting check but is 2000 items): the matcher's work per
//!   byte grows with this number (the `regex` build here has no DFA, only its NFA simulation), so it
//!   bounds the filter's time;
//! - larger than [`SIZE_LIMIT`] compiled (Unicode classes under counted repetitions, `\w{100}`).
//!
//! Knows nothing of Terraform: errors are plain text the caller puts in a diagnostic.

use std::fmt;

use regex::{Regex, RegexBuilder};
use regex_syntax::ast::{self, Ast, RepetitionKind, RepetitionRange};

use crate::cloud::untrusted;

/// Longest pattern accepted, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// Largest count of a counted repetition, and of counted repetitions multiplied along a nesting (RE2's
/// `kMaxRepeat` / Go's `repeatIsValid(re, 1000)`).
pub const MAX_REPEAT: u64 = 1000;
/// Most characters, classes and assertions in the pattern with its counted repetitions written out: as
/// many as [`MAX_PATTERN_BYTES`], so a pattern without counted repetitions is never refused for this.
pub const MAX_EXPANDED_ITEMS: u64 = MAX_PATTERN_BYTES as u64;
/// Largest compiled program (`RegexBuilder::size_limit`), in bytes. `\w+` alone is about 20 KiB (its
/// Unicode tables), so a dozen Unicode classes fit; `\w{50}` (about 1 MiB) does not.
pub const SIZE_LIMIT: usize = 256 * 1024;
/// Cache of the lazy DFA, should the `regex` build ever enable it (`RegexBuilder::dfa_size_limit`).
pub const DFA_SIZE_LIMIT: usize = 256 * 1024;
/// Deepest nesting of groups and repetitions (the `regex` default).
pub const NEST_LIMIT: u32 = 250;

/// The `name_regex` argument, worded the same on every data source.
pub(crate) fn argument() -> crate::schema::Attribute {
    crate::schema::Attribute::optional("name_regex", crate::cty::Type::String).describe(
        "A regular expression (Rust `regex` syntax, unanchored) the image name must match, checked at plan time. \
         At most 1 KiB; as in Go's RE2 (the clouds' own providers), no counted repetition above 1000, nor nested \
         counts that multiply past 1000.",
    )
}

/// How much of the pattern an error quotes.
const EXCERPT_BYTES: usize = 64;
/// How much of the offending piece an error quotes.
const PIECE_BYTES: usize = 32;

/// Why a pattern was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLong,
    Syntax,
    RepeatCount,
    NestedRepeat,
    TooManyItems,
    TooBig,
}

/// A refused `name_regex`: the reason, worded for the user, quoting at most a short excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRegexError {
    pub refusal: Refusal,
    detail: String,
}

impl fmt::Display for NameRegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for NameRegexError {}

/// Compiles a `name_regex` (Rust regex syntax, unanchored), or says why it is refused.
pub fn compile(pattern: &str) -> Result<Regex, NameRegexError> {
    let refuse = |refusal, why: String| NameRegexError {
        refusal,
        detail: format!("{} {why}", excerpt(pattern)),
    };
    if pattern.len() > MAX_PATTERN_BYTES {
        return Err(refuse(
            Refusal::TooLong,
            format!(
                "is refused: it is {} bytes long, and name_regex accepts at most {MAX_PATTERN_BYTES} \
                 (no image name needs a longer pattern).",
                pattern.len()
            ),
        ));
    }
    let syntax = |kind: &dyn fmt::Display, span: &ast::Span| {
        refuse(
            Refusal::Syntax,
            format!(
                "is not a valid regular expression (Rust regex syntax):\n{kind}: {}.",
                place(pattern, span)
            ),
        )
    };
    let parsed = ast::parse::ParserBuilder::new()
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(pattern)
        .map_err(|e| syntax(e.kind(), e.span()))?;
    check_repetitions(&parsed, pattern).map_err(|(refusal, why)| refuse(refusal, why))?;
    // The same translation `regex` makes, so its errors (an unknown Unicode class, a pattern that can
    // match invalid UTF-8) come with a position too.
    regex_syntax::hir::translate::TranslatorBuilder::new()
        .build()
        .translate(pattern, &parsed)
        .map_err(|e| syntax(e.kind(), e.span()))?;
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => refuse(
                Refusal::TooBig,
                format!(
                    "is refused: compiled, it exceeds {} KiB. Unicode classes (\\w, \\d, \\pL, .) under a counted \
                     repetition are large; the ASCII forms ((?-u:\\w), [0-9], [A-Za-z]) are small.",
                    SIZE_LIMIT / 1024
                ),
            ),
            // Not expected after the checks above; its text quotes the whole pattern, so only its last
            // line (the reason) is kept.
            other => {
                let text = other.to_string();
                let reason = text.lines().last().unwrap_or("").trim_start_matches("error: ");
                refuse(
                    Refusal::Syntax,
                    format!(
                        "is not a valid regular expression (Rust regex syntax):\n{}.",
                        untrusted::line(reason, 200)
                    ),
                )
            }
        })
}

/// The pattern as errors quote it: in quotes, escaped, at most [`EXCERPT_BYTES`].
fn excerpt(pattern: &str) -> String {
    untrusted::quoted(pattern, EXCERPT_BYTES)
}

/// `"{1001}" at character 3`: what `span` covers (quoted, short) and where it starts, counted in
/// characters from 1.
fn place(pattern: &str, span: &ast::Span) -> String {
    let start = span.start.offset.min(pattern.len());
    let end = span.end.offset.clamp(start, pattern.len());
    let column = pattern[..start].chars().count() + 1;
    let piece = &pattern[start..end];
    if piece.is_empty() {
        format!("character {column}")
    } else {
        format!(
            "{} at character {column}",
            untrusted::quoted(piece, PIECE_BYTES)
        )
    }
}

/// A counted repetition on the way down: its count as RE2 checks it, the copies it makes, and where it is.
struct Counted<'a> {
    count: u64,
    copies: u64,
    span: &'a ast::Span,
}

/// RE2's repetition rules and the expansion budget, over the parsed pattern.
fn check_repetitions(parsed: &Ast, pattern: &str) -> Result<(), (Refusal, String)> {
    let mut chain = Vec::new();
    let mut expanded = 0u64;
    walk(parsed, pattern, &mut chain, 1, &mut expanded)?;
    if expanded > MAX_EXPANDED_ITEMS {
        return Err((
            Refusal::TooManyItems,
            format!(
                "is refused: with its counted repetitions written out it is {expanded} characters and classes, and \
                 name_regex accepts at most {MAX_EXPANDED_ITEMS} (each costs time on every image name). Use fewer \
                 or smaller repetitions, or `+`/`*`."
            ),
        ));
    }
    Ok(())
}

/// Walks `node` under the counted repetitions in `chain`, whose counts multiply to `product` (RE2's
/// rule) and each item of which is `mult` items written out (added to `expanded`). The depth is bounded
/// by [`NEST_LIMIT`], which the parser enforced.
fn walk<'a>(
    node: &'a Ast,
    pattern: &str,
    chain: &mut Vec<Counted<'a>>,
    product: u64,
    expanded: &mut u64,
) -> Result<(), (Refusal, String)> {
    let mult = chain
        .iter()
        .map(|c| c.copies)
        .fold(1u64, u64::saturating_mul);
    match node {
        Ast::Empty(_) | Ast::Flags(_) => Ok(()),
        Ast::Literal(_)
        | Ast::Dot(_)
        | Ast::Assertion(_)
        | Ast::ClassUnicode(_)
        | Ast::ClassPerl(_)
        | Ast::ClassBracketed(_) => {
            *expanded = expanded.saturating_add(mult);
            Ok(())
        }
        Ast::Group(g) => walk(&g.ast, pattern, chain, product, expanded),
        Ast::Concat(c) => c
            .asts
            .iter()
            .try_for_each(|a| walk(a, pattern, chain, product, expanded)),
        Ast::Alternation(a) => a
            .asts
            .iter()
            .try_for_each(|a| walk(a, pattern, chain, product, expanded)),
        Ast::Repetition(r) => {
            let RepetitionKind::Range(range) = &r.op.kind else {
                // `?`, `*` and `+` make no copies.
                return walk(&r.ast, pattern, chain, product, expanded);
            };
            // RE2 counts the maximum, or the minimum of an open range.
            let count = u64::from(match *range {
                RepetitionRange::Exactly(n) | RepetitionRange::AtLeast(n) => n,
                RepetitionRange::Bounded(_, max) => max,
            });
            if count > MAX_REPEAT {
                return Err((
                    Refusal::RepeatCount,
                    format!(
                        "is refused: the counted repetition {} asks for {count} copies, and at most {MAX_REPEAT} \
                         are allowed (as in RE2, which the clouds' own Terraform providers use).",
                        place(pattern, &r.op.span)
                    ),
                ));
            }
            // Below `{0}` RE2 starts counting again (nothing under it is ever copied).
            let product = if count == 0 { 1 } else { product * count };
            if product > MAX_REPEAT {
                let outer: Vec<String> = chain
                    .iter()
                    .rev()
                    .take_while(|c| c.count != 0)
                    .map(|c| place(pattern, c.span))
                    .collect();
                return Err((
                    Refusal::NestedRepeat,
                    format!(
                        "is refused: the counted repetition {} is nested in {}, and together they make {product} \
                         copies; at most {MAX_REPEAT} are allowed along a nesting (as in RE2, which the clouds' own \
                         Terraform providers use).",
                        place(pattern, &r.op.span),
                        outer.join(" in ")
                    ),
                ));
            }
            // `{n,}` is n copies and a star.
            let copies = match range {
                RepetitionRange::AtLeast(n) => u64::from(*n) + 1,
                _ => count,
            };
            chain.push(Counted {
                count,
                copies,
                span: &r.op.span,
            });
            let inner = walk(&r.ast, pattern, chain, product, expanded);
            chain.pop();
            inner
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused() {
        use Refusal::*;
        let long_literal = "a".repeat(MAX_PATTERN_BYTES);
        let too_long = "a".repeat(MAX_PATTERN_BYTES + 1);
        let alternation = (0..40)
            .map(|n| format!("image-{n:02}"))
            .collect::<Vec<_>>()
            .join("|");
        // (pattern, None = accepted, or the refusal; why)
        let cases: &[(&str, Option<Refusal>, &str)] = &[
            (r"^Ubuntu.*\(64bit\)", None, "the README's example"),
            (r"(?i)^centos\s*7\.\d+", None, "flags, Unicode classes"),
            (
                r"\w+-\w+-\w+-\w+",
                None,
                "four Unicode \\w: about 80 KiB compiled",
            ),
            ("镜像|イメージ", None, "non-ASCII literals"),
            ("", None, "empty matches everything"),
            ("a{1000}", None, "RE2's largest count"),
            ("a{0,1000}", None, "a range up to 1000"),
            (
                "(a{10}){100}",
                None,
                "nested counts multiply to exactly 1000",
            ),
            ("((a{10}){100}){0}", None, "nothing under {0} is copied"),
            (
                "((a{2}){1000}){0}b",
                Some(NestedRepeat),
                "but each repetition is still checked itself",
            ),
            ("(a*)*", None, "stars make no copies"),
            ("(a{1000})*", None, "a star around the largest count"),
            (
                &long_literal,
                None,
                "the longest pattern: 1024 literal characters are 1024 items",
            ),
            (&alternation, None, "a long alternation"),
            (&too_long, Some(TooLong), "one byte over the length cap"),
            ("(", Some(Syntax), "unclosed group"),
            (
                r"\p{Klingon}",
                Some(Syntax),
                "unknown Unicode class (found when translating)",
            ),
            ("a{1001}", Some(RepeatCount), "RE2: invalid repeat count"),
            ("a{2,1001}", Some(RepeatCount), "the maximum is what counts"),
            (
                "a{1001,}",
                Some(RepeatCount),
                "an open range counts its minimum",
            ),
            ("(a{1000}){1000}", Some(NestedRepeat), "1000 x 1000"),
            ("(a{100}){11}", Some(NestedRepeat), "1100 copies"),
            (
                "((a{10}){10}){11}",
                Some(NestedRepeat),
                "three levels: 1100",
            ),
            (
                "(a{2,}){501}",
                Some(NestedRepeat),
                "open ranges multiply by their minimum",
            ),
            (
                "a{1000}b{1000}",
                Some(TooManyItems),
                "each within RE2's rule, 2000 items together",
            ),
            ("(?:a?){1000}(?:b?){24}", None, "1024 items"),
            ("(?:a?){1000}(?:b?){25}", Some(TooManyItems), "1025 items"),
            (
                r"\w{50}",
                Some(TooBig),
                "50 Unicode \\w: about 1 MiB compiled",
            ),
            (r"(?-u:\w){50}", None, "the ASCII class is small"),
        ];
        for (pattern, want, why) in cases {
            let got = compile(pattern).err().map(|e| e.refusal);
            assert_eq!(got, *want, "{why}: {}", untrusted::quoted(pattern, 80));
        }
    }

    #[test]
    fn errors_say_where_and_why_and_quote_little() {
        let cases: &[(&str, &str)] = &[
            (
                "(",
                "\"(\" is not a valid regular expression (Rust regex syntax):\nunclosed group: \"(\" at character 1.",
            ),
            (
                "ab[z-a]",
                "\"ab[z-a]\" is not a valid regular expression (Rust regex syntax):\ninvalid character class range, \
                 the start must be <= the end: \"z-a\" at character 4.",
            ),
            (
                "x{1001}",
                "\"x{1001}\" is refused: the counted repetition \"{1001}\" at character 2 asks for 1001 copies, and \
                 at most 1000 are allowed (as in RE2, which the clouds' own Terraform providers use).",
            ),
            (
                "((a{1000})){1000}",
                "\"((a{1000})){1000}\" is refused: the counted repetition \"{1000}\" at character 4 is nested in \
                 \"{1000}\" at character 12, and together they make 1000000 copies; at most 1000 are allowed along a \
                 nesting (as in RE2, which the clouds' own Terraform providers use).",
            ),
            (
                "(((a{10}){10}){5}){3}",
                "\"(((a{10}){10}){5}){3}\" is refused: the counted repetition \"{10}\" at character 5 is nested in \
                 \"{10}\" at character 10 in \"{5}\" at character 15 in \"{3}\" at character 19, and together they make \
                 1500 copies; at most 1000 are allowed along a nesting (as in RE2, which the clouds' own Terraform \
                 providers use).",
            ),
        ];
        for (pattern, want) in cases {
            assert_eq!(compile(pattern).unwrap_err().to_string(), *want);
        }
        let huge = format!("({}", "a".repeat(1 << 20));
        let e = compile(&huge).unwrap_err().to_string();
        assert!(e.len() < 400, "{e}");
        assert!(
            e.starts_with("\"(aaaa") && e.contains("… (1048") && e.contains("1048577 bytes long"),
            "{e}"
        );
        // The pattern is quoted once, however long the error.
        let e = compile(&format!("{}(", "b".repeat(900)))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 400, "{e}");
        // A pattern's own control characters are escaped too.
        let e = compile("\x1b[2J(").unwrap_err().to_string();
        assert!(e.starts_with("\"\\u{1b}[2J(\""), "{e}");
    }

    #[test]
    fn matches_like_regex_does() {
        let re = compile(r"^Ubuntu \d+\.\d+").expect("compiles");
        assert!(re.is_match("Ubuntu 22.04 LTS"));
        assert!(!re.is_match("Debian 12"));
        assert!(compile("(?i)WINDOWS")
            .unwrap()
            .is_match("windows server 2019"));
    }
}
