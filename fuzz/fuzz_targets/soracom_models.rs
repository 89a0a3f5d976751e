//! Soracom's JSON models from arbitrary bytes: no panic, and where the text path and the value path both
//! accept a document whose amounts have at most 15 significant digits, they read the same amounts (beyond
//! 15 digits the value path's f64 may have lost digits undetectably: see vendors::soracom::number).
#![no_main]

use billsync::money::Currency;
use billsync::money::Money;
use billsync::period::Period;
use billsync::vendors::soracom;
use libfuzzer_sys::fuzz_target;

/// Whether an amount has at most 15 significant digits: the ones an f64 carries exactly.
fn short(m: &Money) -> bool {
    m.amount
        .normalize()
        .mantissa()
        .unsigned_abs()
        .to_string()
        .len()
        <= 15
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let value = serde_json::from_str::<serde_json::Value>(text).ok();
    let read_in = Period::new(2025, 3).ok();
    for default in [None, Some(Currency::JPY)] {
        let bill = soracom::parse_monthly_bill(text, default);
        let latest = soracom::parse_latest_bill(text, default);
        let daily = soracom::parse_daily_bills(text, default);
        let _ = soracom::parse_file_export(text);
        let _ = soracom::parse_exported_file(text);
        if let Some(read_in) = read_in {
            let history = soracom::parse_billing_history(text, default, read_in);
            if let (Ok(h), Some(v)) = (&history, &value) {
                if let Ok(other) = soracom::parse_billing_history_value(v, default, read_in) {
                    assert_eq!(h.bills.len(), other.bills.len());
                }
            }
        }
        let Some(v) = &value else { continue };
        if let (Ok(a), Ok(b)) = (&bill, soracom::parse_monthly_bill_value(v, default)) {
            if short(&a.amount) && a.applied_coupon_amount.as_ref().is_none_or(short) {
                assert_eq!(a.applied_coupon_amount, b.applied_coupon_amount);
            }
            if short(&a.amount) {
                assert_eq!(
                    a.amount, b.amount,
                    "monthly bill amounts differ for {text:?}"
                );
            }
        }
        if let (Ok(a), Ok(b)) = (&latest, soracom::parse_latest_bill_value(v, default)) {
            if short(&a.amount) {
                assert_eq!(
                    a.amount, b.amount,
                    "latest bill amounts differ for {text:?}"
                );
            }
        }
        if let (Ok(a), Ok(b)) = (&daily, soracom::parse_daily_bills_value(v, default)) {
            if a.days.iter().all(|d| short(&d.amount)) {
                assert_eq!(a.days, b.days, "daily bills differ for {text:?}");
            }
            if let (Ok(m), Some(_)) = (&bill, a.currency) {
                let _ = soracom::explain_daily_against_monthly(a, m);
            }
        }
        let _ = soracom::parse_file_export_value(v);
        let _ = soracom::parse_exported_file_value(v);
    }
});
