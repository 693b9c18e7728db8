//! Exactness between decimal text and float64: whether a decimal is exactly a float64, a float64's
//! exact decimal expansion, and the canonical text of a decimal.
//!
//! Pure arithmetic on digit strings; it must NOT know about [`super::Number`]'s representation.

use super::bigint::BigUint;

/// Plain notation pads at most this many zeros; beyond it numbers print as `1e+400`.
const MAX_PLAIN_ZEROS: i64 = 32;
/// No non-integer float64 has more significant decimal digits than this (the longest has 767).
const MAX_FLOAT_DIGITS: usize = 800;
/// 5^13, the largest power of five below 2^32.
const FIVE_POW_13: u32 = 1_220_703_125;

/// The exact decimal expansion of a finite non-integer float64, as `(digits, exp)` meaning
/// `digits × 10^exp` (no trailing zeros).
pub(super) fn float_digits(f: f64) -> (String, i64) {
    let (m, e) = decompose(f);
    // A non-integer float is odd m × 2^e with e < 0, i.e. m × 5^-e × 10^e exactly.
    let mut n = BigUint::from_u64(m);
    let mut k = e.unsigned_abs();
    while k >= 13 {
        n.mul_add_small(FIVE_POW_13, 0);
        k -= 13;
    }
    n.mul_add_small(5u32.pow(k as u32), 0);
    (n.to_decimal(), e)
}

/// Splits a finite non-zero float into odd mantissa × 2^exp.
pub(super) fn decompose(f: f64) -> (u64, i64) {
    let bits = f.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp_bits - 1075)
    };
    if m == 0 {
        return (0, 0);
    }
    let tz = m.trailing_zeros();
    (m >> tz, e + i64::from(tz))
}

/// `digits × 10^-k` as a float64, when that is exact.
pub(super) fn exact_f64(digits: &[u8], k: u64) -> Option<f64> {
    // The smallest float64 step is 2^-1074, whose expansion has 1074 fractional digits.
    if k > 1074 || digits.len() > MAX_FLOAT_DIGITS {
        return None;
    }
    // digits / 10^k = (digits / 5^k) / 2^k: only dyadic when 5^k divides the digits.
    let mut n = BigUint::from_decimal_digits(digits);
    let mut rest = k;
    while rest > 0 {
        let step = rest.min(13);
        if n.div_small(5u32.pow(step as u32)) != 0 {
            return None;
        }
        rest -= step;
    }
    let tz = n.trailing_zeros();
    if tz >= k {
        return None;
    }
    n.shr(tz);
    if n.bit_len() > 53 {
        return None;
    }
    let odd = n.to_u64()?;
    // odd × 2^e with -1074 <= e < 0: every partial product stays exactly representable.
    let mut e = tz as i64 - k as i64;
    let mut x = odd as f64;
    while e < -512 {
        x *= pow2(-512);
        e += 512;
    }
    Some(x * pow2(e))
}

/// 2^e for -1022 <= e <= 0.
fn pow2(e: i64) -> f64 {
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// Canonical decimal text for `±digits × 10^exp` (empty digits = zero).
pub(super) fn format_decimal(negative: bool, digits: &str, exp: i64) -> String {
    if digits.is_empty() {
        return "0".to_owned();
    }
    let mut out = String::with_capacity(digits.len() + 40);
    if negative {
        out.push('-');
    }
    let len = digits.len() as i64;
    let point = len + exp; // digits before the decimal point
    if (0..=MAX_PLAIN_ZEROS).contains(&exp) {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', exp as usize));
    } else if exp < 0 && point > 0 {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if exp < 0 && -point <= MAX_PLAIN_ZEROS {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = point - 1;
        out.push_str(if e < 0 { "e-" } else { "e+" });
        out.push_str(&e.unsigned_abs().to_string());
    }
    out
}
