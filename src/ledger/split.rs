//! One source on several records: when one vendor unit's money for a month is consumed by several records
//! (a machine replaced by another on the same licence), the vendor's final amount for the unit is billed
//! once in total, split across the records.
//!
//! # The rule
//! - Each record's weight is its consumption on the price source; a negative weight counts as zero; when
//!   every weight is zero, the records weigh the same.
//! - The total is cut into cents (or into the total's own smallest step when it is finer than a cent).
//!   Each record first takes the whole cents of its exact share, `total × weight / Σ weights`, rounded
//!   towards zero; the cents left over go one each to the records with the largest remainders, ties to the
//!   record listed first.
//! - So the parts sum to the total exactly, each part is within one cent of its exact share, and the same
//!   inputs always give the same parts. A negative total is split as its absolute value, negated.

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// The smallest step of a split: a cent, or the total's own finer step.
fn step_scale(total: Decimal) -> u32 {
    total.scale().max(2)
}

/// A decimal as an integer count of `10^-scale` steps.
fn steps(value: Decimal, scale: u32, location: &str) -> Result<i128> {
    let mut scaled = value;
    scaled.rescale(scale);
    if scaled != value {
        return Err(Error::overflow(location));
    }
    Ok(scaled.mantissa())
}

/// Splits `total` into `weights.len()` parts by largest remainder (see the module's rule).
pub fn split_by_largest_remainder(
    total: Decimal,
    weights: &[Decimal],
    location: &str,
) -> Result<Vec<Decimal>> {
    if weights.is_empty() {
        return Ok(Vec::new());
    }
    let overflow = || Error::overflow(location);
    let scale = step_scale(total);
    let units = steps(total.abs(), scale, location)?;
    let part = |p: i128| {
        let signed = if total.is_sign_negative() { -p } else { p };
        Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| overflow())
    };
    // One record, the usual case, takes the whole total: what the rule gives, without its bookkeeping.
    if weights.len() == 1 {
        return Ok(vec![part(units)?]);
    }
    let weight_scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let mut integer_weights = weights
        .iter()
        .map(|w| steps((*w).max(Decimal::ZERO), weight_scale, location))
        .collect::<Result<Vec<i128>>>()?;
    let mut sum = integer_weights
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or_else(overflow)?;
    if sum == 0 {
        integer_weights = vec![1; weights.len()];
        sum = i128::try_from(weights.len()).map_err(|_| overflow())?;
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = 0i128;
    for (index, weight) in integer_weights.iter().enumerate() {
        let product = units.checked_mul(*weight).ok_or_else(overflow)?;
        let whole = product.checked_div(sum).ok_or_else(overflow)?;
        let remainder = product.checked_rem(sum).ok_or_else(overflow)?;
        given = given.checked_add(whole).ok_or_else(overflow)?;
        parts.push(whole);
        remainders.push((remainder, index));
    }
    // Largest remainder first; on a tie, the record listed first.
    crate::sort::sort_by(&mut remainders, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = units.checked_sub(given).ok_or_else(overflow)?;
    for (_, index) in remainders
        .iter()
        .take(usize::try_from(left).map_err(|_| overflow())?)
    {
        if let Some(part) = parts.get_mut(*index) {
            *part = part.checked_add(1).ok_or_else(overflow)?;
        }
    }
    parts.into_iter().map(part).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn the_left_over_cent_goes_to_the_largest_remainder() {
        let parts =
            split_by_largest_remainder(d("100.00"), &[d("1"), d("1"), d("1")], "t").unwrap();
        assert_eq!(parts, vec![d("33.34"), d("33.33"), d("33.33")]);
        let parts = split_by_largest_remainder(d("177.31"), &[d("60"), d("121.96")], "t").unwrap();
        assert_eq!(parts.iter().sum::<Decimal>(), d("177.31"));
        assert_eq!(parts, vec![d("58.47"), d("118.84")]);
        let parts = split_by_largest_remainder(d("-0.05"), &[d("0"), d("0")], "t").unwrap();
        assert_eq!(parts, vec![d("-0.03"), d("-0.02")]);
        let parts = split_by_largest_remainder(d("0.125"), &[d("1"), d("1")], "t").unwrap();
        assert_eq!(parts, vec![d("0.063"), d("0.062")]);
    }

    proptest! {
        #[test]
        fn parts_sum_to_the_total_each_within_a_cent_of_its_share(
            total in -10_000_000i64..10_000_000,
            weights in proptest::collection::vec(-1_000i64..1_000_000, 1..6),
        ) {
            let total = Decimal::new(total, 2);
            let weights: Vec<Decimal> = weights.iter().map(|w| Decimal::new(*w, 2)).collect();
            let parts = split_by_largest_remainder(total, &weights, "t").unwrap();
            prop_assert_eq!(parts.iter().sum::<Decimal>(), total);
            let clamped: Vec<Decimal> = weights.iter().map(|w| (*w).max(Decimal::ZERO)).collect();
            let sum: Decimal = clamped.iter().sum();
            for (part, weight) in parts.iter().zip(&clamped) {
                let share = if sum.is_zero() {
                    total / Decimal::from(weights.len())
                } else {
                    total * *weight / sum
                };
                prop_assert!((*part - share).abs() < d("0.01"), "{} vs {}", part, share);
            }
            prop_assert_eq!(split_by_largest_remainder(total, &weights, "t").unwrap(), parts);
        }
    }
}
