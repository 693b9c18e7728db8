//! A minimal unsigned big integer, only as much as [`super::exact`] needs to decide whether a decimal
//! is exactly a float64 and to print a float64's exact decimal expansion.
//!
//! It must NOT know about cty, signs, exponents or text formats beyond plain decimal digits. Callers
//! bound every operand (a few hundred digits at most) before they get here, so nothing in this file
//! is driven by unbounded input.

/// Little-endian base-2^32 limbs with no high zero limb (zero is the empty vector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BigUint {
    limbs: Vec<u32>,
}

/// 10^9, the largest power of ten below 2^32: decimal digits move in and out nine at a time.
const TEN_POW_9: u32 = 1_000_000_000;

impl BigUint {
    pub(crate) fn from_u64(v: u64) -> BigUint {
        let mut n = BigUint {
            limbs: vec![v as u32, (v >> 32) as u32],
        };
        n.trim();
        n
    }

    /// Builds the integer spelled by `digits` (ASCII `0`–`9`; other bytes count as zero, callers
    /// pass validated digits).
    pub(crate) fn from_decimal_digits(digits: &[u8]) -> BigUint {
        let mut n = BigUint { limbs: Vec::new() };
        let head = digits.len() % 9;
        let (first, rest) = digits.split_at(head);
        let mut chunks = std::iter::once(first)
            .filter(|c| !c.is_empty())
            .chain(rest.chunks(9));
        for chunk in &mut chunks {
            let mut scale = 1u32;
            let mut value = 0u32;
            for &b in chunk {
                scale *= 10;
                value = value * 10 + u32::from(b.wrapping_sub(b'0') % 10);
            }
            n.mul_add_small(scale, value);
        }
        n
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// self = self * m + a.
    pub(crate) fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.limbs {
            let t = u64::from(*limb) * u64::from(m) + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
        self.trim();
    }

    /// self = self / d, returning the remainder. `d` must be non-zero.
    pub(crate) fn div_small(&mut self, d: u32) -> u32 {
        let d = u64::from(d.max(1));
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / d) as u32;
            rem = cur % d;
        }
        self.trim();
        rem as u32
    }

    /// self = self * 2^bits.
    pub(crate) fn shl(&mut self, bits: u32) {
        if self.is_zero() {
            return;
        }
        let whole = (bits / 32) as usize;
        let part = bits % 32;
        if part != 0 {
            let mut carry = 0u32;
            for limb in &mut self.limbs {
                let next = *limb >> (32 - part);
                *limb = (*limb << part) | carry;
                carry = next;
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        self.limbs.splice(0..0, std::iter::repeat_n(0, whole));
    }

    /// self = self / 2^bits (truncating).
    pub(crate) fn shr(&mut self, bits: u64) {
        let whole = usize::try_from(bits / 32).unwrap_or(usize::MAX);
        if whole >= self.limbs.len() {
            self.limbs.clear();
            return;
        }
        self.limbs.drain(..whole);
        let part = (bits % 32) as u32;
        if part != 0 {
            let mut carry = 0u32;
            for limb in self.limbs.iter_mut().rev() {
                let next = *limb << (32 - part);
                *limb = (*limb >> part) | carry;
                carry = next;
            }
        }
        self.trim();
    }

    /// Number of low zero bits (0 for zero).
    pub(crate) fn trailing_zeros(&self) -> u64 {
        let mut count = 0u64;
        for &limb in &self.limbs {
            if limb == 0 {
                count += 32;
            } else {
                return count + u64::from(limb.trailing_zeros());
            }
        }
        0
    }

    /// Number of significant bits (0 for zero).
    pub(crate) fn bit_len(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(&top) => (self.limbs.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros()),
        }
    }

    pub(crate) fn to_u64(&self) -> Option<u64> {
        match self.limbs.as_slice() {
            [] => Some(0),
            [lo] => Some(u64::from(*lo)),
            [lo, hi] => Some(u64::from(*lo) | (u64::from(*hi) << 32)),
            _ => None,
        }
    }

    /// Plain decimal digits, `"0"` for zero.
    pub(crate) fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".to_owned();
        }
        let mut n = self.clone();
        let mut groups = Vec::new();
        while !n.is_zero() {
            groups.push(n.div_small(TEN_POW_9));
        }
        let mut out = String::with_capacity(groups.len() * 9);
        if let Some((top, rest)) = groups.split_last() {
            out.push_str(&top.to_string());
            for g in rest.iter().rev() {
                out.push_str(&format!("{g:09}"));
            }
        }
        out
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_round_trips() {
        for s in [
            "0",
            "1",
            "4294967296",
            "18446744073709551616",
            "1180591620717411303424",
            "123456789012345678901234567890",
        ] {
            assert_eq!(BigUint::from_decimal_digits(s.as_bytes()).to_decimal(), s);
        }
    }

    #[test]
    fn shifts_and_bits() {
        let mut n = BigUint::from_u64(3);
        n.shl(70);
        assert_eq!(n.bit_len(), 72);
        assert_eq!(n.trailing_zeros(), 70);
        assert_eq!(n.to_decimal(), "3541774862152233910272");
        n.shr(70);
        assert_eq!(n.to_u64(), Some(3));
        n.shr(5);
        assert!(n.is_zero());
    }

    #[test]
    fn division_remainders() {
        let mut n = BigUint::from_decimal_digits(b"30517578125"); // 5^15
        assert_eq!(n.div_small(1_220_703_125), 0); // 5^13
        assert_eq!(n.to_u64(), Some(25));
        assert_eq!(n.div_small(7), 4);
    }
}
