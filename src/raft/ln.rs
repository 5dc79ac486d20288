//! The natural logarithm from basic IEEE operations only (+, −, ×, ÷ are exactly rounded on
//! every target), so that TF-IDF weights, and so the passages retrieved, are the same natively
//! and in the page: a platform's own `ln` may differ in its last bit.

use std::f64::consts::{LN_2, SQRT_2};

/// Terms of the series: |s| ≤ 0.172 below, so 30 terms are far past f64 precision.
const TERMS: u32 = 30;

/// ln(x) for a finite x > 0 (not subnormal).
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    if m > SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    // ln(m) = 2 atanh(s), s = (m − 1) / (m + 1).
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let (mut term, mut sum) = (s, 0.0);
    for k in 0..TERMS {
        sum += term / f64::from(2 * k + 1);
        term *= s2;
    }
    exponent as f64 * LN_2 + 2.0 * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_platform_to_rounding() {
        for x in [1.0, 1.5, 2.0, 3.0, 10.0, 1234.5, 1e9, 0.25] {
            assert!(
                (ln(x) - x.ln()).abs() <= 1e-15 * x.ln().abs().max(1.0),
                "{x}"
            );
        }
        assert_eq!(ln(1.0), 0.0);
    }
}
