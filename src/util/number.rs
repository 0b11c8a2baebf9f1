//! Numbers as people read them: figures with at most three decimals and no float noise, and
//! exact decimals from integers (charts, pages, exports and feeds print hundreds of thousands).

use std::fmt;

/// Formats a figure for people: at most 3 decimals, trailing zeros dropped.
///
/// Exactly `format!("{v:.3}")` with the trailing zeros and point trimmed (and "-0" as "0"),
/// but without the float formatter for nearly every figure: pages and exports print hundreds
/// of thousands of them.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    // `scaled` is within 2⁻⁵³·|scaled| < 0.12 of the exact v·1000 below 10¹⁵, so when it is
    // within 0.25 of the whole number k, the exact value is within 0.37 of k: rounding v to
    // three decimals gives k thousandths, whatever the tie rule, and so does `{:.3}`.
    let scaled = v * 1000.0;
    let k = scaled.round();
    if k.abs() < 1e15 && (scaled - k).abs() < 0.25 {
        return thousandths(k as i64);
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// `k` thousandths as `format_number` prints them: 98000 → "98", -29800 → "-29.8".
fn thousandths(k: i64) -> String {
    let mut s = Decimal(k, 3).to_string();
    let len = s.trim_end_matches('0').trim_end_matches('.').len();
    s.truncate(len);
    s
}

/// The decimal `.0 / 10^.1`, with exactly `.1` decimals, and zero without a sign.
pub struct Decimal(pub i64, pub usize);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Decimal(n, decimals) = *self;
        if 10u64.checked_pow(decimals as u32).is_none() {
            return Err(fmt::Error);
        }
        // Digits from the right into a buffer, written at once: the integer formatter's
        // padding machinery took a fifth of drawing a chart. At most 20 digits before the
        // point and 19 after it, a point and a sign.
        let mut buf = [0u8; 48];
        let mut at = buf.len();
        let mut push = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        let mut rest = n.unsigned_abs();
        for _ in 0..decimals {
            push(b'0' + (rest % 10) as u8);
            rest /= 10;
        }
        if decimals > 0 {
            push(b'.');
        }
        loop {
            push(b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            push(b'-');
        }
        let digits = std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?;
        f.write_str(digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_people_write_them() {
        assert_eq!(format_number(98.0), "98");
        assert_eq!(format_number(29.8), "29.8");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-0.0001), "0");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(1000.0), "1000");
        assert_eq!(format_number(f64::NAN), "");
    }

    /// The fast path must print exactly what the float formatter prints, ties and the limits
    /// of the fast path included.
    #[test]
    fn numbers_match_the_float_formatter() {
        fn reference(v: f64) -> String {
            let s = format!("{v:.3}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".into()
            } else {
                s.to_string()
            }
        }
        let mut values = vec![
            0.0,
            -0.0,
            0.0005,
            0.0015,
            0.0025,
            1.0005,
            2.0005,
            -1.0005,
            0.00049999,
            -0.0004,
            -0.0006,
            999.9995,
            1e12,
            1e12 + 0.0005,
            999_999_999_999.999,
            1e15,
            1e16,
            1e300,
            5e-324,
            0.1 + 0.2,
            29.8,
            98.0,
            101.6,
            123456.789,
            -123456.7895,
        ];
        // A pseudo-random walk over magnitudes and fractions (a fixed LCG keeps it repeatable).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exp = ((x >> 3) % 32) as i32 - 12;
            let sign = if x & 1 == 0 { 1.0 } else { -1.0 };
            values.push(sign * mantissa * 10f64.powi(exp));
            // Figures as people write them: up to three decimals.
            values.push(((x >> 20) % 10_000_000) as f64 / 10f64.powi((x % 4) as i32));
            // Halfway between thousandths.
            values.push(((x >> 20) % 1_000_000) as f64 / 1000.0 + 0.0005);
        }
        for v in values {
            assert_eq!(format_number(v), reference(v), "{v:e}");
        }
    }

    #[test]
    fn decimals_print_as_the_integer_formatter_prints_them() {
        for n in [
            0,
            5,
            -5,
            7,
            10,
            -1234567,
            120034,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            for decimals in 0..=19 {
                let sign = if n < 0 { "-" } else { "" };
                let (m, p) = (n.unsigned_abs(), 10u64.pow(decimals as u32));
                let expected = if decimals == 0 {
                    format!("{sign}{m}")
                } else {
                    format!("{sign}{}.{:0decimals$}", m / p, m % p)
                };
                assert_eq!(Decimal(n, decimals).to_string(), expected, "{n} {decimals}");
            }
        }
        assert!(fmt::write(&mut String::new(), format_args!("{}", Decimal(1, 20))).is_err());
    }
}
