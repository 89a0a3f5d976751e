//! Amounts and currencies from arbitrary text: no panic, and what parses renders back to itself.
#![no_main]

use billsync::money::{
    amount_from_json, parse_amount, render_exact, AmountFormat, Currency, Money,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [AmountFormat::Point, AmountFormat::Comma] {
        if let Ok(parsed) = parse_amount(text, "fuzz", format) {
            let rendered = render_exact(parsed.amount);
            let again = parse_amount(&rendered, "fuzz", AmountFormat::Point);
            assert_eq!(
                again.map(|a| a.amount).ok(),
                Some(parsed.amount),
                "{text:?} → {rendered:?}"
            );
        }
    }
    let _ = Money::parse(text, Some(Currency::EUR), "fuzz");
    let _ = Currency::parse(text, "fuzz");
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = amount_from_json(&value, "fuzz", AmountFormat::Point);
    }
});
