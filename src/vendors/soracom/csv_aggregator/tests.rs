//! The billing CSV aggregator: sums, errors with line and column, and the laws (chunking and merging
//! change nothing).
use super::*;
use crate::period::Period;
use crate::vendors::soracom::billing_csv::SubscriberKey;
use crate::vendors::soracom::formats::BillDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A small export in the shape of spec/soracom.md: BOM, CRLF, amount columns then tag and group columns.
const EXPORT: &str = "\u{feff}imsi,vpgId,loraGatewayId,loraDeviceId,sigfoxDeviceId,deviceId,gadgetId,soraCamDeviceId,date,billItemName,unitPrice,quantity,amount,tag.name,group\r\n\
440103000000001,,,,,,,,20220901,Air data (s1.standard),0.0000002,1500000,0.3,sensor-1,factory\r\n\
440103000000001,,,,,,,,20220902,Air data (s1.standard),0.0000002,1000000,0.2,,\r\n\
440103000000001,,,,,,,,202209,Air basic fee (s1.standard),10,1,10,sensor-1,factory\r\n\
,,,,,d-7x,,,20220902,\"Inventory, device fee\",3,1,3,,\r\n\
,,,,,,,,202209,Free tier,,,-5,,\r\n";

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn key(s: &str) -> SubscriberKey {
    SubscriberKey::from_string(s.to_owned())
}

#[test]
fn aggregates_an_export() {
    let a = aggregate_billing_csv(EXPORT.as_bytes(), Currency::JPY).unwrap();
    assert_eq!(a.rows(), 5);
    assert_eq!(a.total.charges, d("13.5"));
    assert_eq!(a.total.discounts, d("-5"));
    assert_eq!(a.net().amount, d("8.5"));
    let sep = Period::new(2022, 9).unwrap();
    let sim = &a.per_subscriber[&key("imsi:440103000000001")];
    assert_eq!(sim.months[&sep].net, d("10.5"));
    assert_eq!(sim.months[&sep].rows, 3);
    assert_eq!(sim.labels["tag.name"], "sensor-1");
    assert_eq!(sim.labels["group"], "factory");
    assert_eq!(
        a.per_subscriber[&key("deviceId:d-7x")].months[&sep].net,
        d("3")
    );
    assert_eq!(
        a.per_subscriber[&key("account")].months[&sep].discounts,
        d("-5")
    );
    let day = |s: &str| BillDate::parse(s).unwrap();
    assert_eq!(a.per_day[&day("20220901")].net, d("0.3"));
    assert_eq!(a.per_day[&day("20220902")].net, d("3.2"));
    assert_eq!(a.per_day[&day("202209")].net, d("5"));
    assert_eq!(a.per_bill_item["Inventory, device fee"].net, d("3"));
    assert_eq!(a.per_bill_item["Air data (s1.standard)"].rows, 2);
    assert_eq!(a.label_columns, ["tag.name", "group"]);
    assert!(a.unknown_columns.is_empty());
    assert_eq!(a.per_subscriber_month().count(), 3);
    let dates: usize = a.per_subscriber.values().map(|s| s.dates.len()).sum();
    assert!(dates >= 3, "{dates}");
    assert_eq!(a.entries(), 3 + dates + 3 + 4);
}

#[test]
fn a_bad_row_names_its_line_column_and_value_and_stops() {
    let text =
        "date,billItemName,amount\n20220901,\"two\nlines\",1\n20220901,Air,1.2.3\n20220901,Air,1\n";
    let mut agg = BillingCsvAggregator::new(Currency::JPY);
    let e = agg.push_chunk(text.as_bytes()).unwrap_err();
    match &e {
        Error::InvalidCell {
            row, column, value, ..
        } => assert_eq!(
            (*row, column.as_str(), value.as_str()),
            (4, "amount", "1.2.3")
        ),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("soracom billing csv"));
    assert_eq!(agg.push_chunk(b"20220901,Air,1\n").unwrap_err(), e);
    assert_eq!(agg.finish().unwrap_err(), e);
}

#[test]
fn structural_errors() {
    let e = aggregate_billing_csv(
        b"date,billItemName,amount\n20220901,\"Air,1\n",
        Currency::JPY,
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
    assert!(e.to_string().contains("line 2") && e.to_string().contains("unterminated"));
    let e = aggregate_billing_csv(b"", Currency::JPY).unwrap_err();
    assert!(e.to_string().contains("no header"));
    let e = aggregate_billing_csv(b"\xEF\xBB\xBF", Currency::JPY).unwrap_err();
    assert!(e.to_string().contains("no header"));
    let empty = aggregate_billing_csv(b"date,billItemName,amount\r\n", Currency::JPY).unwrap();
    assert_eq!(empty.rows(), 0);
    let e = aggregate_billing_csv(b"imsi,amount\n", Currency::JPY).unwrap_err();
    assert_eq!(e.code(), "missing_column");
    let limits = CsvLimits {
        max_row_bytes: 64,
        max_fields: 8,
    };
    let mut agg = BillingCsvAggregator::with_limits(Currency::JPY, limits);
    let long = format!("date,billItemName,amount\n20220901,{},1\n", "x".repeat(100));
    assert_eq!(
        agg.push_chunk(long.as_bytes()).unwrap_err().code(),
        "invalid_payload"
    );
}

#[test]
fn a_bom_split_across_chunks_is_still_a_bom() {
    let whole = aggregate_billing_csv(EXPORT.as_bytes(), Currency::JPY).unwrap();
    let bytes = EXPORT.as_bytes();
    for first in 1..=3 {
        let mut agg = BillingCsvAggregator::new(Currency::JPY);
        agg.push_chunk(&bytes[..first]).unwrap();
        agg.push_chunk(&bytes[first..]).unwrap();
        assert_eq!(agg.finish().unwrap(), whole);
    }
}

// ---- the laws ----

#[derive(Debug, Clone)]
struct Row {
    id: Option<(usize, String)>,
    date: String,
    item: String,
    amount: Decimal,
    tag: String,
}

const HEADER: &str = "imsi,vpgId,loraGatewayId,loraDeviceId,sigfoxDeviceId,deviceId,gadgetId,soraCamDeviceId,date,billItemName,unitPrice,quantity,amount,tag.name";

fn render(rows: &[Row], bom: bool, crlf: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut s = String::new();
    if bom {
        s.push('\u{feff}');
    }
    s.push_str(HEADER);
    for r in rows {
        s.push_str(eol);
        let mut ids = [""; 8];
        if let Some((i, id)) = &r.id {
            ids[*i] = id;
        }
        s.push_str(&ids.join(","));
        s.push_str(&format!(
            ",{},\"{}\",,,{},\"{}\"",
            r.date,
            r.item.replace('"', "\"\""),
            r.amount,
            r.tag
        ));
    }
    s.push_str(eol);
    s.into_bytes()
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::of((
            0usize..8,
            prop::sample::select(vec!["440101", "440102", "d-1"]),
        )),
        prop::sample::select(vec!["20220901", "20220902", "20220930", "202209", "202210"]),
        prop::sample::select(vec![
            "Air data",
            "Basic fee, s1",
            "€ coupon \"x\"",
            "Free tier\r\nline 2",
        ]),
        (-1_000_000_000i64..1_000_000_000, 0u32..8),
        prop::sample::select(vec!["", "a", "ü"]),
    )
        .prop_map(|(id, date, item, (units, scale), tag)| Row {
            id: id.map(|(i, s)| (i, s.to_owned())),
            date: date.to_owned(),
            item: item.to_owned(),
            amount: Decimal::new(units, scale),
            tag: tag.to_owned(),
        })
}

fn aggregate_chunked(bytes: &[u8], cuts: &[usize]) -> CsvAggregates {
    let mut agg = BillingCsvAggregator::new(Currency::EUR);
    let mut from = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        let cut = cut.clamp(from, bytes.len());
        agg.push_chunk(&bytes[from..cut]).unwrap();
        from = cut;
    }
    agg.finish().unwrap()
}

proptest! {
    #[test]
    fn chunk_splits_give_the_same_aggregates(
        rows in prop::collection::vec(row(), 0..30),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        cuts in prop::collection::vec(0usize..3000, 0..20),
    ) {
        let bytes = render(&rows, bom, crlf);
        let whole = aggregate_billing_csv(&bytes, Currency::EUR).unwrap();
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(&aggregate_chunked(&bytes, &cuts), &whole);
        prop_assert_eq!(whole.rows(), rows.len() as u64);
        let sum: Decimal = rows.iter().map(|r| r.amount).sum();
        prop_assert_eq!(whole.total.net, sum);
    }

    #[test]
    fn merging_the_halves_equals_the_whole(
        rows in prop::collection::vec(row(), 0..30),
        split in 0usize..31,
    ) {
        let split = split.min(rows.len());
        let whole = aggregate_billing_csv(&render(&rows, true, true), Currency::EUR).unwrap();
        let mut first = aggregate_billing_csv(&render(&rows[..split], true, true), Currency::EUR).unwrap();
        let second = aggregate_billing_csv(&render(&rows[split..], false, false), Currency::EUR).unwrap();
        first.merge(second).unwrap();
        prop_assert_eq!(first, whole);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), cut in 0usize..200) {
        let mut agg = BillingCsvAggregator::new(Currency::EUR);
        let cut = cut.min(bytes.len());
        let _ = agg.push_chunk(&bytes[..cut]);
        let _ = agg.push_chunk(&bytes[cut..]);
        let _ = agg.finish();
    }
}
