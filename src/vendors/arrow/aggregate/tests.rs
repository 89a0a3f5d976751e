//! Aggregation laws (chunked and merged in any order equals all at once), currencies, atomicity, periods.
use super::*;
use proptest::prelude::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn jan() -> Period {
    Period::new(2025, 1).unwrap()
}

fn tag(resource: &str, licence: &str, period: Option<Period>) -> ConsumptionTag {
    ConsumptionTag {
        resource_uuid: resource.into(),
        license_reference: licence.into(),
        period,
    }
}

fn page(lines: &[(&str, &str, &str)]) -> String {
    let rows: Vec<String> = lines
        .iter()
        .map(|(period, sell, buy)| format!(r#"["{period}", "Compute", {sell}, {buy}]"#))
        .collect();
    format!(
        r#"{{"data": {{"headers": ["Report Period", "Vendor Meter Category", "Total sell price", "Total buy price"], "lines": [{}]}}}}"#,
        rows.join(",")
    )
}

fn eur() -> ConsumptionAggregator {
    ConsumptionAggregator::new(AggregateOptions {
        currency: Some(Currency::EUR),
    })
}

#[test]
fn sums_pages_per_key_exactly() {
    let mut agg = eur();
    let t = tag("r-1", "XSP1", Some(jan()));
    assert_eq!(
        agg.push(
            &t,
            &page(&[
                ("2025-01", "\"0.1\"", "0.05"),
                ("2025-01", "0.2", "\"€0.10\"")
            ])
        )
        .unwrap(),
        2
    );
    assert_eq!(agg.push(&t, &page(&[])).unwrap(), 0);
    let value: Value = serde_json::from_str(&page(&[("2025-01", "50", "40")])).unwrap();
    assert_eq!(
        agg.push_value(&tag("r-2", "XSP2", None), &value).unwrap(),
        1
    );
    let rows = agg.finish();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].consumed_sell, rows[0].consumed_buy, rows[0].lines),
        (d("0.3"), d("0.15"), 2)
    );
    let json = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"resource_uuid": "r-1", "license_reference": "XSP1", "billing_period": "2025-01-01",
            "consumed_sell": "0.30", "consumed_buy": "0.15", "currency": "EUR", "lines": 2})
    );
}

#[test]
fn currencies_are_kept_per_key_and_never_mixed() {
    let headers =
        r#"["Total sell price", "Total buy price", "Country currency code", "Report Period"]"#;
    let usd =
        format!(r#"{{"data": {{"headers": {headers}, "lines": [["1", "1", "USD", "2025-01"]]}}}}"#);
    let mut agg = eur();
    agg.push(&tag("r-1", "XSP1", None), &usd).unwrap();
    agg.push(&tag("r-2", "XSP2", None), &page(&[("2025-01", "1", "1")]))
        .unwrap();
    let before = agg.aggregate().clone();
    let err = agg
        .push(&tag("r-1", "XSP1", None), &page(&[("2025-01", "1", "1")]))
        .unwrap_err();
    assert_eq!(err.code(), "currency_mismatch");
    assert_eq!(agg.aggregate(), &before);
    let rows = agg.finish();
    assert_eq!(rows[0].currency, Currency::USD);
    assert_eq!(rows[1].currency, Currency::EUR);
    let mut no_default = ConsumptionAggregator::new(AggregateOptions::default());
    let err = no_default
        .push(&tag("r", "l", None), &page(&[("2025-01", "1", "1")]))
        .unwrap_err();
    assert!(
        matches!(err, Error::MissingColumn { column, .. } if column == "Country currency code")
    );
}

#[test]
fn a_bad_payload_changes_nothing_and_says_which_it_was() {
    let mut agg = eur();
    let t = tag("r-1", "XSP1", None);
    agg.push(&t, &page(&[("2025-01", "1", "1")])).unwrap();
    let before = agg.aggregate().clone();
    let err = agg
        .push(
            &t,
            &page(&[("2025-01", "1", "1"), ("2025-01", "\"x\"", "1")]),
        )
        .unwrap_err();
    match err {
        Error::InvalidCell {
            payload,
            row,
            column,
            value,
            ..
        } => {
            assert!(
                payload.contains("XSP1") && payload.contains("r-1"),
                "{payload}"
            );
            assert_eq!(
                (row, column.as_str(), value.as_str()),
                (2, "Total sell price", "x")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(agg.push(&t, "{\"data\": ").is_err());
    assert!(agg.push_bytes(&t, b"\xff").is_err());
    assert_eq!(agg.aggregate(), &before);
}

#[test]
fn periods_come_from_lines_and_must_match_the_month_asked() {
    let mut agg = eur();
    let err = agg
        .push(&tag("r", "l", Some(jan())), &page(&[("2025-02", "1", "1")]))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidCell { column, value, .. } if column == "Report Period" && value == "2025-02")
    );
    agg.push(
        &tag("r", "l", None),
        &page(&[
            ("2025-01", "1", "1"),
            ("2025-02", "2", "2"),
            ("2025-01-15", "3", "3"),
        ]),
    )
    .unwrap();
    let rows = agg.finish();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].consumed_sell, rows[0].lines), (d("4"), 2));
    assert_eq!(rows[1].billing_period, Period::new(2025, 2).unwrap());
    let mut agg = eur();
    let err = agg
        .push(&tag("r", "l", None), &page(&[("", "1", "1")]))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_cell");
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    let mut agg = eur();
    let big = Decimal::MAX.to_string();
    let t = tag("r", "l", Some(jan()));
    agg.push(&t, &page(&[("2025-01", &big, "0")])).unwrap();
    let err = agg.push(&t, &page(&[("2025-01", "1", "0")])).unwrap_err();
    assert_eq!(err.code(), "overflow");
    assert_eq!(agg.finish()[0].consumed_sell, Decimal::MAX);
}

#[derive(Debug, Clone)]
struct Line {
    key: usize,
    sell: i64,
    buy: i64,
    usd: bool,
}

fn key(i: usize) -> ConsumptionKey {
    ConsumptionKey {
        resource_uuid: format!("r-{}", i % 3),
        license_reference: format!("XSP{}", i % 2),
        billing_period: Period::new(2025, (i % 4) as i64 + 1).unwrap(),
    }
}

fn aggregate(lines: &[Line]) -> Result<ConsumptionAggregate> {
    let mut agg = ConsumptionAggregate::new();
    for l in lines {
        let currency = if l.usd { Currency::USD } else { Currency::EUR };
        agg.add_line(
            key(l.key),
            Decimal::new(l.sell, 4),
            Decimal::new(l.buy, 2),
            currency,
        )?;
    }
    Ok(agg)
}

fn line() -> impl Strategy<Value = Line> {
    // Currency is fixed per key here (key 5 is in USD), so that merging is always defined.
    (
        0usize..12,
        -1_000_000i64..1_000_000,
        -1_000_000i64..1_000_000,
    )
        .prop_map(|(key, sell, buy)| Line {
            key,
            sell,
            buy,
            usd: key == 5,
        })
}

proptest! {
    #[test]
    fn chunked_and_merged_in_any_order_equals_all_at_once(
        lines in proptest::collection::vec(line(), 0..60),
        cuts in proptest::collection::vec(0usize..60, 0..8),
        order in proptest::collection::vec(any::<u32>(), 9),
    ) {
        let whole = aggregate(&lines).unwrap();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(lines.len())).collect();
        cuts.push(0);
        cuts.push(lines.len());
        cuts.sort_unstable();
        let mut chunks: Vec<ConsumptionAggregate> =
            cuts.windows(2).map(|w| aggregate(&lines[w[0]..w[1]]).unwrap()).collect();
        // A random merge order: repeatedly merge a random chunk into another random one.
        let mut pick = order.into_iter().cycle();
        while chunks.len() > 1 {
            let i = pick.next().unwrap() as usize % chunks.len();
            let taken = chunks.swap_remove(i);
            let j = pick.next().unwrap() as usize % chunks.len();
            chunks[j].merge(taken).unwrap();
        }
        prop_assert_eq!(chunks.pop().unwrap(), whole);
    }

    #[test]
    fn mixed_currencies_on_one_key_fail_whichever_way_they_meet(sell in -1000i64..1000) {
        let eur = aggregate(&[Line { key: 1, sell, buy: 0, usd: false }]).unwrap();
        let usd = aggregate(&[Line { key: 1, sell, buy: 0, usd: true }]).unwrap();
        let mut a = eur.clone();
        prop_assert_eq!(a.merge(usd.clone()).unwrap_err().code(), "currency_mismatch");
        prop_assert_eq!(&a, &eur);
        let mut b = usd.clone();
        prop_assert_eq!(b.merge(eur).unwrap_err().code(), "currency_mismatch");
        prop_assert_eq!(&b, &usd);
    }

    #[test]
    fn push_never_panics(s in "\\PC{0,80}") {
        let mut agg = eur();
        let _ = agg.push(&tag("r", "l", None), &s);
    }
}
