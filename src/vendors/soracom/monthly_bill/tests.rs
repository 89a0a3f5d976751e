//! MonthlyBill and history: the published example, old payloads, the state rule and bad input.
use super::*;
use rust_decimal::Decimal;

/// spec/soracom.md's example, as published.
const EXAMPLE: &str = r#"{"amount":28734,"currency":"JPY","paymentStatus":"paid","paymentTransactionId":"...","state":"closed","yearMonth":"202208"}"#;

fn p(s: &str) -> Period {
    Period::parse_compact(s).unwrap()
}

fn both(text: &str, default: Option<Currency>) -> Vec<Result<MonthlyBill>> {
    let mut out = vec![parse_monthly_bill(text, default)];
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        out.push(parse_monthly_bill_value(&v, default));
    }
    out
}

fn history_both(
    text: &str,
    default: Option<Currency>,
    read_in: Period,
) -> Vec<Result<BillingHistory>> {
    let mut out = vec![parse_billing_history(text, default, read_in)];
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        out.push(parse_billing_history_value(&v, default, read_in));
    }
    out
}

#[test]
fn reads_the_published_example() {
    for got in both(EXAMPLE, None) {
        let bill = got.unwrap();
        assert_eq!(bill.year_month, p("202208"));
        assert_eq!(bill.amount, Money::new(Decimal::from(28734), Currency::JPY));
        assert_eq!(bill.payment_status, Some(PaymentStatus::Paid));
        assert_eq!(bill.payment_transaction_id.as_deref(), Some("..."));
        assert!(bill.is_final() && bill.state_given && bill.currency_given);
        assert_eq!(bill.applied_coupon_amount, None);
        check_month(&bill, p("202208")).unwrap();
        assert_eq!(
            check_month(&bill, p("202209")).unwrap_err().code(),
            "invalid_cell"
        );
    }
}

#[test]
fn decimal_amounts_are_exact() {
    let text = r#"{"amount":1234.56,"appliedCouponAmount":10.1,"currency":"USD","state":"temporary","yearMonth":"202409"}"#;
    for got in both(text, None) {
        let bill = got.unwrap();
        assert_eq!(bill.amount.amount, Decimal::new(123456, 2));
        assert_eq!(
            bill.applied_coupon_amount,
            Some(Money::new(Decimal::new(101, 1), Currency::USD))
        );
        assert!(!bill.is_final());
    }
    // 20 significant digits: exact from the text; refused from a value (it went through f64).
    let long = r#"{"amount":123456789012345.12345,"currency":"EUR","yearMonth":"202409"}"#;
    assert_eq!(
        parse_monthly_bill(long, None).unwrap().amount.amount,
        Decimal::from_str_exact("123456789012345.12345").unwrap()
    );
    let v: Value = serde_json::from_str(long).unwrap();
    assert_eq!(
        parse_monthly_bill_value(&v, None).unwrap_err().code(),
        "invalid_cell"
    );
}

#[test]
fn old_payloads_take_the_default_currency_or_fail() {
    let old = r#"{"amount":28734,"yearMonth":"202208"}"#;
    for got in both(old, Some(Currency::JPY)) {
        let bill = got.unwrap();
        assert_eq!(bill.currency(), Currency::JPY);
        assert!(!bill.currency_given);
        // A single bill without a state is preliminary, even for a past month.
        assert_eq!(bill.state, BillState::Temporary);
        assert!(!bill.state_given);
    }
    for got in both(old, None) {
        let e = got.unwrap_err();
        assert_eq!(e.code(), "invalid_cell");
        assert!(e.to_string().contains("\"currency\""), "{e}");
    }
}

#[test]
fn history_state_default_closes_past_months_only() {
    let text = r#"{"billList":[
        {"amount":100,"yearMonth":"202501"},
        {"amount":200,"yearMonth":"202502"},
        {"amount":300,"yearMonth":"202503","state":"temporary"},
        {"amount":400,"yearMonth":"202412","state":"closed","currency":"JPY"}
    ]}"#;
    for got in history_both(text, Some(Currency::JPY), p("202502")) {
        let h = got.unwrap();
        let states: Vec<(Period, BillState, bool)> = h
            .bills
            .iter()
            .map(|b| (b.year_month, b.state, b.state_given))
            .collect();
        assert_eq!(
            states,
            [
                (p("202501"), BillState::Closed, false),
                // The month it was read in is not over: preliminary.
                (p("202502"), BillState::Temporary, false),
                (p("202503"), BillState::Temporary, true),
                (p("202412"), BillState::Closed, true),
            ]
        );
        assert_eq!(
            h.get(p("202412")).unwrap().amount.amount,
            Decimal::from(400)
        );
        assert!(h.get(p("202301")).is_none());
    }
    for text in [r#"{}"#, r#"{"billList":[]}"#] {
        for got in history_both(text, None, p("202502")) {
            assert!(got.unwrap().bills.is_empty());
        }
    }
}

#[test]
fn every_payment_status_is_read() {
    for status in PaymentStatus::ALL {
        let text = format!(
            r#"{{"amount":1,"currency":"JPY","yearMonth":"202208","paymentStatus":"{status}"}}"#
        );
        for got in both(&text, None) {
            assert_eq!(got.unwrap().payment_status, Some(*status));
        }
    }
}

#[test]
fn bad_bills_name_the_field_and_value() {
    for (text, field, value) in [
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":"2022-08"}"#,
            "yearMonth",
            "2022-08",
        ),
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":"202213"}"#,
            "yearMonth",
            "202213",
        ),
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":202208}"#,
            "yearMonth",
            "202208",
        ),
        (r#"{"amount":1,"currency":"JPY"}"#, "yearMonth", ""),
        (r#"{"currency":"JPY","yearMonth":"202208"}"#, "amount", ""),
        (
            r#"{"amount":"28734","currency":"JPY","yearMonth":"202208"}"#,
            "amount",
            "28734",
        ),
        (
            r#"{"amount":[1],"currency":"JPY","yearMonth":"202208"}"#,
            "amount",
            "[1]",
        ),
        (
            r#"{"amount":1e400,"currency":"JPY","yearMonth":"202208"}"#,
            "amount",
            "1e400",
        ),
        (
            r#"{"amount":1,"appliedCouponAmount":"x","currency":"JPY","yearMonth":"202208"}"#,
            "appliedCouponAmount",
            "x",
        ),
        (
            r#"{"amount":1,"currency":"GBP","yearMonth":"202208"}"#,
            "currency",
            "GBP",
        ),
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":"202208","paymentStatus":"settled"}"#,
            "paymentStatus",
            "settled",
        ),
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":"202208","state":"final"}"#,
            "state",
            "final",
        ),
        (
            r#"{"amount":1,"currency":"JPY","yearMonth":"202208","paymentTransactionId":5}"#,
            "paymentTransactionId",
            "5",
        ),
    ] {
        for got in both(text, None) {
            match got.unwrap_err() {
                Error::InvalidCell {
                    column,
                    value: v,
                    payload,
                    ..
                } => {
                    assert_eq!((column.as_str(), v.as_str()), (field, value), "{text}");
                    assert_eq!(payload, MONTHLY_BILL);
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }
    let e = parse_monthly_bill(r#"{"amount":1,}"#, None).unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
    assert_eq!(
        parse_monthly_bill_value(&serde_json::json!("x"), None)
            .unwrap_err()
            .code(),
        "invalid_payload"
    );
}

#[test]
fn bad_histories_name_the_element() {
    let twice = r#"{"billList":[{"amount":1,"currency":"JPY","yearMonth":"202208"},{"amount":2,"currency":"JPY","yearMonth":"202208"}]}"#;
    for got in history_both(twice, None, p("202502")) {
        match got.unwrap_err() {
            Error::InvalidCell { row, column, .. } => {
                assert_eq!((row, column.as_str()), (2, "billList.yearMonth"))
            }
            other => panic!("{other:?}"),
        }
    }
    let bad = r#"{"billList":[{"amount":1,"currency":"JPY","yearMonth":"202208"},{"amount":"2","currency":"JPY","yearMonth":"202209"}]}"#;
    for got in history_both(bad, None, p("202502")) {
        match got.unwrap_err() {
            Error::InvalidCell { row, column, .. } => {
                assert_eq!((row, column.as_str()), (2, "billList.amount"))
            }
            other => panic!("{other:?}"),
        }
    }
    for text in [r#"{"billList":5}"#, r#"{"billList":["x"]}"#] {
        for got in history_both(text, None, p("202502")) {
            assert_eq!(got.unwrap_err().code(), "invalid_cell", "{text}");
        }
    }
}
