//! Soracom's amounts, read exactly: from a JSON number's own text, from a CSV cell, or (with a stated
//! limit) from a `serde_json::Number`.
//!
//! **The text path is the exact one.** A JSON number's digits go straight into a `Decimal`; an exponent is
//! applied by moving the decimal point, never through a float. A value a `Decimal` cannot hold exactly
//! (more than 28 decimal places, more than 28 or 29 significant digits, or an exponent beyond
//! ±[`MAX_EXPONENT`], e.g. `1e400`) is refused, never rounded.
//!
//! **The value path is exact only for amounts written with at most 15 significant digits.** serde_json,
//! built without its `arbitrary_precision` feature, has already turned a non-integer number into an `f64`
//! (and a JS object's numbers are `f64` anyway). Every decimal of at most 15 significant digits survives
//! that and comes back as its shortest text, so those are read exactly. A float whose shortest text has
//! more digits (`0.30000000000000004`, or a 1-ulp misparse) cannot be what a 15-digit amount became and is
//! refused. What cannot be detected: an amount *written* with more than 15 digits whose nearest `f64`
//! happens to print short (`111162167159889002.5` arrives as `111162167159889000`). The value path cannot
//! see the digits that were lost; amounts that must be exact beyond 15 digits go through the text path.
//! Integers that fit in i64/u64 are kept exactly by serde_json and are always accepted.

use rust_decimal::Decimal;

/// Largest exponent magnitude accepted; beyond it no `Decimal` holds a non-zero value.
pub const MAX_EXPONENT: i64 = 56;

/// Significant digits an `f64` carries exactly for every decimal (DBL_DIG).
const F64_EXACT_DIGITS: usize = 15;

/// Reads a number in JSON's grammar (`-?digits(.digits)?([eE][+-]?digits)?`) exactly. CSV cells use the
/// same grammar; leading zeros are tolerated there. On failure, the reason.
pub fn exact_decimal(text: &str) -> Result<Decimal, &'static str> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or(""),
            Some(unsigned.get(at + 1..).unwrap_or("")),
        ),
        None => (unsigned, None),
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty()
        || !all_digits(integer)
        || !all_digits(fraction)
        || (mantissa.contains('.') && fraction.is_empty())
    {
        return Err("not a number");
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return Err("not a number");
            }
            // Longer than 4 digits is certainly out of range; 4 digits parse without overflow.
            if digits.trim_start_matches('0').len() > 4 {
                return Err("exponent out of range: cannot be held exactly");
            }
            let magnitude: i64 = digits.parse().map_err(|_| "not a number")?;
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    if exponent.abs() > MAX_EXPONENT {
        return Err("exponent out of range: cannot be held exactly");
    }
    // Digits without the point, and how many of them are decimals once the exponent has moved the point.
    let mut digits = String::with_capacity(integer.len() + fraction.len() + 2);
    digits.push_str(integer);
    digits.push_str(fraction);
    let frac_len = i64::try_from(fraction.len()).map_err(|_| "too long")?;
    let mut scale = frac_len - exponent;
    while scale < 0 {
        digits.push('0');
        scale += 1;
    }
    let scale = usize::try_from(scale).map_err(|_| "too long")?;
    while digits.len() <= scale {
        digits.insert(0, '0');
    }
    let split = digits.len() - scale;
    let mut plain = String::with_capacity(digits.len() + 2);
    if negative {
        plain.push('-');
    }
    plain.push_str(digits.get(..split).unwrap_or("0"));
    if scale > 0 {
        plain.push('.');
        plain.push_str(digits.get(split..).unwrap_or(""));
    }
    let mut value =
        Decimal::from_str_exact(&plain).map_err(|_| "too large or too precise to hold exactly")?;
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

/// Reads a serde_json number: exactly for integers, and for floats of at most 15 significant digits.
pub fn exact_json_number(number: &serde_json::Number) -> Result<Decimal, &'static str> {
    let text = number.to_string();
    if number.is_f64() && significant_digits(&text) > F64_EXACT_DIGITS {
        return Err(
            "more than 15 significant digits cannot be read exactly from a JSON value \
                    (it went through f64); read the payload's text instead",
        );
    }
    exact_decimal(&text)
}

/// Significant digits of a number's text: the mantissa's digits without leading or trailing zeros.
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn reads_json_numbers_exactly() {
        for (text, want) in [
            ("28734", "28734"),
            ("0.1", "0.1"),
            ("-12.50", "-12.50"),
            ("1e2", "100"),
            ("1.5E-3", "0.0015"),
            ("12E+2", "1200"),
            ("-0", "0"),
            ("0.0000002", "0.0000002"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            assert_eq!(exact_decimal(text), Ok(d(want)), "{text}");
        }
        assert_eq!(exact_decimal("-12.50").unwrap().scale(), 2);
        assert!(exact_decimal("-0").unwrap().is_sign_positive());
    }

    #[test]
    fn refuses_what_cannot_be_held_exactly() {
        for bad in [
            "1e400",
            "1e-400",
            "1e99999999999999999999",
            "79228162514264337593543950336",
            "0.12345678901234567890123456789",
            "1e57",
            "NaN",
            "Infinity",
            "-Infinity",
            "",
            "-",
            ".5",
            "5.",
            "1e",
            "1e+",
            "+1",
            "0x10",
            "1,5",
            " 1",
            "1..2",
            "١٢",
        ] {
            assert!(exact_decimal(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn value_numbers_are_exact_up_to_15_digits() {
        let v: serde_json::Value = serde_json::from_str(
            "[0.1, 28734, 18446744073709551615, 123456789012.345, -0.07, 1e2]",
        )
        .unwrap();
        let got: Vec<Decimal> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| exact_json_number(n.as_number().unwrap()).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                d("0.1"),
                d("28734"),
                d("18446744073709551615"),
                d("123456789012.345"),
                d("-0.07"),
                d("100")
            ]
        );
        // 0.1 + 0.2 in a JS number, or a long decimal serde_json rounded: refused, not guessed.
        for long in ["0.30000000000000004", "1234567890.1234567"] {
            let v: serde_json::Value = serde_json::from_str(long).unwrap();
            assert!(exact_json_number(v.as_number().unwrap()).is_err(), "{long}");
        }
        // The documented blind spot: 19 digits whose f64 prints as 15. Only the text path is exact here.
        let v: serde_json::Value = serde_json::from_str("111162167159889002.5").unwrap();
        assert_eq!(
            exact_json_number(v.as_number().unwrap()).unwrap(),
            d("111162167159889000")
        );
        assert_eq!(
            exact_decimal("111162167159889002.5").unwrap(),
            d("111162167159889002.5")
        );
        for long in ["1e23", "123456789012345e10"] {
            let v: serde_json::Value = serde_json::from_str(long).unwrap();
            if let Ok(got) = exact_json_number(v.as_number().unwrap()) {
                assert_eq!(got, exact_decimal(long).unwrap(), "{long}");
            }
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "[-+0-9.eE]{0,40}") {
            let _ = exact_decimal(&s);
        }

        #[test]
        fn exponents_move_the_point_exactly(units in -1_000_000_000i64..1_000_000_000, scale in 0u32..10, exp in -8i64..8) {
            let base = Decimal::new(units, scale);
            let text = format!("{base}e{exp}");
            let want = if exp >= 0 {
                base * Decimal::from(10i64.pow(exp as u32))
            } else {
                base / Decimal::from(10i64.pow((-exp) as u32))
            };
            prop_assert_eq!(exact_decimal(&text).unwrap(), want);
        }

        #[test]
        fn value_and_text_paths_agree_up_to_15_digits(units in -999_999_999_999_999i64..999_999_999_999_999, scale in 0u32..12) {
            let text = Decimal::new(units, scale).to_string();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(exact_json_number(v.as_number().unwrap()).unwrap(), exact_decimal(&text).unwrap());
        }
    }
}
