//! cty numbers: exact values that are an int64, a float64, ±infinity or an arbitrary-precision decimal.
//!
//! cty keeps numbers as 512-bit big floats, so a config value like `0.1` or `2^70` arrives exactly,
//! as decimal text. A [`Number`] stores every value in one canonical form (int64 when it is an exact
//! int64, float64 when it is an exact non-integer float64, otherwise decimal digits), which makes
//! equality structural and is exactly the choice the msgpack encoder has to make.
//!
//! This module must NOT know about msgpack, JSON or any wire format; it only parses and prints text.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

mod bigint;
mod exact;

use bigint::BigUint;
use exact::{decompose, exact_f64, format_decimal};

/// An exact cty number. Never NaN.
///
/// Equality and ordering are by numeric value: `1`, `1.0` and `"1e0"` are the same number.
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// Any integer that fits in i64 (including zero; there is no negative zero).
    Int(i64),
    /// A finite float64 that is not an integer.
    Float(f64),
    Inf {
        negative: bool,
    },
    /// Everything else: integers beyond i64, and fractions that are not exactly a float64.
    Big(Box<Decimal>),
}

/// `±digits × 10^exp`, with `digits` non-empty ASCII without leading or trailing zeros.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Decimal {
    negative: bool,
    digits: Box<str>,
    exp: i64,
}

/// Why text is not a cty number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("{0:?} is not a number")]
    Invalid(String),
    #[error("NaN is not a number")]
    NaN,
    #[error("number exponent out of range")]
    ExponentOutOfRange,
}

/// Exponents beyond this are refused: cty's big floats cannot hold them either, and it keeps every
/// decimal printable without runaway zero padding.
const MAX_EXPONENT: i64 = 1_000_000_000;

impl Number {
    /// Parses decimal text as cty does (`ParseNumberVal`): optional sign, digits with an optional
    /// fraction and exponent (`1`, `-0.5`, `.5`, `1e400`, `2E-3`), or `inf`/`infinity`. Exact.
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        let invalid = || NumberError::Invalid(truncate(s));
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
            return Ok(Number(Repr::Inf { negative }));
        }
        if body.eq_ignore_ascii_case("nan") {
            return Err(NumberError::NaN);
        }
        let bytes = body.as_bytes();
        let int_len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let mut pos = int_len;
        let mut frac_len = 0;
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            frac_len = bytes[pos..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            pos += frac_len;
        }
        if int_len + frac_len == 0 {
            return Err(invalid());
        }
        let mut exp: i64 = 0;
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            let exp_negative = match bytes.get(pos) {
                Some(b'-') => {
                    pos += 1;
                    true
                }
                Some(b'+') => {
                    pos += 1;
                    false
                }
                _ => false,
            };
            let exp_len = bytes[pos..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if exp_len == 0 {
                return Err(invalid());
            }
            for &b in &bytes[pos..pos + exp_len] {
                exp = exp * 10 + i64::from(b - b'0');
                if exp > MAX_EXPONENT {
                    return Err(NumberError::ExponentOutOfRange);
                }
            }
            if exp_negative {
                exp = -exp;
            }
            pos += exp_len;
        }
        if pos != bytes.len() {
            return Err(invalid());
        }
        let mut digits: Vec<u8> = bytes[..int_len].to_vec();
        if frac_len > 0 {
            digits.extend_from_slice(&bytes[int_len + 1..int_len + 1 + frac_len]);
        }
        // Input lengths are bounded far below i64::MAX, so this cannot overflow.
        exp -= frac_len as i64;
        Number::from_digits(negative, &digits, exp)
    }

    /// The value as an i64, only when it is exactly an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The nearest float64 (overflowing to ±infinity; never NaN).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            Repr::Float(f) => *f,
            Repr::Inf { negative: true } => f64::NEG_INFINITY,
            Repr::Inf { negative: false } => f64::INFINITY,
            // Rust's float parser rounds correctly from any decimal text, however long.
            Repr::Big(d) => format_decimal(d.negative, &d.digits, d.exp)
                .parse()
                .unwrap_or(0.0),
        }
    }

    /// The number for a float64; `None` for NaN, which is not a cty number.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(Number(Repr::Inf { negative: f < 0.0 }));
        }
        if f.fract() != 0.0 {
            return Some(Number(Repr::Float(f)));
        }
        // 2^63 is exactly representable, so these bounds are exact.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
            return Some(Number(Repr::Int(f as i64)));
        }
        let (m, e) = decompose(f);
        let mut n = BigUint::from_u64(m);
        n.shl(e.max(0) as u32);
        let digits = n.to_decimal();
        Number::from_digits(f < 0.0, digits.as_bytes(), 0).ok()
    }

    /// True when the value is an integer (of any size).
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Float(_) | Repr::Inf { .. } => false,
            Repr::Big(d) => d.exp >= 0,
        }
    }

    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        matches!(self.0, Repr::Inf { .. })
    }

    /// How the msgpack encoder must write this number (cty's rule, see the module docs).
    pub(crate) fn wire(&self) -> WireNumber {
        match &self.0 {
            Repr::Int(i) => WireNumber::Int(*i),
            Repr::Float(f) => WireNumber::Float(*f),
            Repr::Inf { negative: true } => WireNumber::Float(f64::NEG_INFINITY),
            Repr::Inf { negative: false } => WireNumber::Float(f64::INFINITY),
            Repr::Big(_) => WireNumber::Text(self.to_string()),
        }
    }

    /// Builds the canonical form from `±digits × 10^exp` (digits are ASCII, any leading/trailing zeros).
    fn from_digits(negative: bool, digits: &[u8], mut exp: i64) -> Result<Number, NumberError> {
        let start = digits.iter().take_while(|&&b| b == b'0').count();
        let digits = &digits[start..];
        let trailing = digits.iter().rev().take_while(|&&b| b == b'0').count();
        let digits = &digits[..digits.len() - trailing];
        if digits.is_empty() {
            return Ok(Number(Repr::Int(0)));
        }
        exp += trailing as i64;
        let len = digits.len() as i64;
        if exp.abs() > MAX_EXPONENT || (exp + len).abs() > MAX_EXPONENT {
            return Err(NumberError::ExponentOutOfRange);
        }
        if exp >= 0 && len + exp <= 19 {
            let mut v: u128 = 0;
            for &b in digits {
                v = v * 10 + u128::from(b - b'0');
            }
            v *= 10u128.pow(exp as u32);
            let int = if negative {
                (v <= 1 << 63).then(|| (-(v as i128)) as i64)
            } else {
                i64::try_from(v).ok()
            };
            if let Some(i) = int {
                return Ok(Number(Repr::Int(i)));
            }
        } else if exp < 0 {
            if let Some(f) = exact_f64(digits, exp.unsigned_abs()) {
                return Ok(Number(Repr::Float(if negative { -f } else { f })));
            }
        }
        // Only ASCII digits reach here, so this is valid UTF-8.
        let digits = String::from_utf8_lossy(digits).into();
        Ok(Number(Repr::Big(Box::new(Decimal {
            negative,
            digits,
            exp,
        }))))
    }

    /// The value as `±digits × 10^exp` (digits empty for zero), for printing and comparing.
    fn view(&self) -> (bool, Cow<'_, str>, i64) {
        match &self.0 {
            Repr::Int(i) => {
                let s = i.unsigned_abs().to_string();
                let trimmed = s.trim_end_matches('0');
                let exp = (s.len() - trimmed.len()) as i64;
                (*i < 0, Cow::Owned(trimmed.to_owned()), exp)
            }
            Repr::Float(f) => {
                let (digits, exp) = exact::float_digits(*f);
                (*f < 0.0, Cow::Owned(digits), exp)
            }
            Repr::Inf { negative } => (*negative, Cow::Borrowed(""), 0),
            Repr::Big(d) => (d.negative, Cow::Borrowed(&d.digits), d.exp),
        }
    }
}

/// The msgpack encoding cty picks for a number.
pub(crate) enum WireNumber {
    Int(i64),
    Float(f64),
    Text(String),
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

impl fmt::Display for Number {
    /// Canonical decimal: plain (`42`, `-0.5`, `1180591620717411303424`) unless that would pad
    /// more than 32 zeros, then scientific (`1e+400`). Infinities print as `+Inf` / `-Inf`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Inf { negative } => f.write_str(if *negative { "-Inf" } else { "+Inf" }),
            _ => {
                let (negative, digits, exp) = self.view();
                f.write_str(&format_decimal(negative, &digits, exp))
            }
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        // The representation is canonical, so equal values have equal representations.
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a == b,
            (Repr::Float(a), Repr::Float(b)) => a == b,
            (Repr::Inf { negative: a }, Repr::Inf { negative: b }) => a == b,
            (Repr::Big(a), Repr::Big(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Number {}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Int(i) => (0u8, i).hash(state),
            Repr::Float(f) => (1u8, f.to_bits()).hash(state),
            Repr::Inf { negative } => (2u8, negative).hash(state),
            Repr::Big(d) => (3u8, d).hash(state),
        }
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        let rank = |n: &Number| match n.0 {
            Repr::Inf { negative: true } => 0,
            Repr::Inf { negative: false } => 2,
            _ => 1,
        };
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a.cmp(b),
            (Repr::Float(a), Repr::Float(b)) => a.total_cmp(b),
            _ if rank(self) != 1 || rank(other) != 1 => rank(self).cmp(&rank(other)),
            _ => {
                let (an, ad, ae) = self.view();
                let (bn, bd, be) = other.view();
                let sign = |neg: bool, d: &str| match (d.is_empty(), neg) {
                    (true, _) => 1,
                    (false, true) => 0,
                    (false, false) => 2,
                };
                let (sa, sb) = (sign(an, &ad), sign(bn, &bd));
                if sa != sb || sa == 1 {
                    return sa.cmp(&sb);
                }
                // Same sign, both non-zero: compare magnitudes by the position of the decimal
                // point, then digit by digit (no trailing zeros, so a strict prefix is smaller).
                let magnitude = (ad.len() as i64 + ae)
                    .cmp(&(bd.len() as i64 + be))
                    .then_with(|| ad.as_bytes().cmp(bd.as_bytes()));
                if an {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number(Repr::Int(v))
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Number {
        Number(Repr::Int(v.into()))
    }
}

impl From<u32> for Number {
    fn from(v: u32) -> Number {
        Number(Repr::Int(v.into()))
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Number {
        match i64::try_from(v) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number::from_digits(false, v.to_string().as_bytes(), 0)
                .unwrap_or(Number(Repr::Int(i64::MAX))),
        }
    }
}

impl From<usize> for Number {
    fn from(v: usize) -> Number {
        Number::from(v as u64)
    }
}

/// A float64 becomes a number exactly, except NaN, which cty cannot hold. `From<f64>` would have to
/// either panic or silently map NaN to some other number, so only the fallible conversion exists:
/// `Number::try_from(x)?` or [`Number::from_f64`].
impl TryFrom<f64> for Number {
    type Error = NumberError;

    fn try_from(v: f64) -> Result<Number, NumberError> {
        Number::from_f64(v).ok_or(NumberError::NaN)
    }
}

impl std::str::FromStr for Number {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Number, NumberError> {
        Number::parse(s)
    }
}

#[cfg(test)]
mod tests;
