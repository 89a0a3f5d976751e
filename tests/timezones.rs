//! IANA zones through the host's port: the month of an instant follows the zone's daylight saving time,
//! so the last hour of March in Berlin and in New York lands in the right month, where a fixed offset would
//! not. The rules here are a table (tests/common/zone_rules.rs), as a native host would give them.

mod common;

use billsync::period::{Period, Zone};
use billsync::timestamp::Timestamp;
use billsync::timezone::{NoZoneRules, TimeZone};
use common::zone_rules::TableRules;

fn month(instant: &str, zone: &str) -> String {
    let at = Timestamp::parse(instant).unwrap();
    let offset = TimeZone::parse(zone).unwrap().at(at, &TableRules).unwrap();
    at.period(offset).unwrap().to_string()
}

fn utc_month(instant: &str) -> String {
    Timestamp::parse(instant)
        .unwrap()
        .period(Zone::UTC)
        .unwrap()
        .to_string()
}

#[test]
fn the_last_hour_of_march_in_berlin() {
    // 23:30 on 31 March in Berlin (CEST, +02:00): still March there and in UTC.
    assert_eq!(month("2025-03-31T21:30:00Z", "Europe/Berlin"), "2025-03");
    // 00:30 on 1 April in Berlin is 22:30 on 31 March in UTC: April locally, March in UTC. The winter
    // offset (+01:00) would still say March: the summer rule decides.
    assert_eq!(month("2025-03-31T22:30:00Z", "Europe/Berlin"), "2025-04");
    assert_eq!(utc_month("2025-03-31T22:30:00Z"), "2025-03");
    let winter = Zone::parse("+01:00").unwrap();
    let at = Timestamp::parse("2025-03-31T22:30:00Z").unwrap();
    assert_eq!(at.period(winter).unwrap().to_string(), "2025-03");
    // The reverse at the start of a month (winter): 23:30 UTC on 28 February is March in Berlin.
    assert_eq!(month("2025-02-28T23:30:00Z", "Europe/Berlin"), "2025-03");
    assert_eq!(utc_month("2025-02-28T23:30:00Z"), "2025-02");
    // Summer time ends on the last Sunday of October (26 Oct 2025): 31 Oct 23:30 local is +01:00 again.
    assert_eq!(month("2025-10-31T22:30:00Z", "Europe/Berlin"), "2025-10");
    assert_eq!(month("2025-10-31T23:30:00Z", "Europe/Berlin"), "2025-11");
}

#[test]
fn the_last_hour_of_march_in_new_york() {
    // 23:30 on 31 March in New York (EDT, -04:00) is 03:30 on 1 April in UTC: March locally, April in UTC.
    assert_eq!(month("2025-04-01T03:30:00Z", "America/New_York"), "2025-03");
    assert_eq!(utc_month("2025-04-01T03:30:00Z"), "2025-04");
    // 00:30 on 1 April EDT is 04:30 UTC; the winter offset (-05:00) would still say March.
    assert_eq!(month("2025-04-01T04:30:00Z", "America/New_York"), "2025-04");
    let winter = Zone::parse("-05:00").unwrap();
    let at = Timestamp::parse("2025-04-01T04:30:00Z").unwrap();
    assert_eq!(at.period(winter).unwrap().to_string(), "2025-03");
    // The start of March (EST): 03:00 UTC on 1 March is still February in New York.
    assert_eq!(month("2025-03-01T03:00:00Z", "America/New_York"), "2025-02");
    assert_eq!(utc_month("2025-03-01T03:00:00Z"), "2025-03");
}

#[test]
fn fixed_offsets_keep_working_and_unknown_zones_are_coded() {
    assert_eq!(month("2025-01-31T23:30:00Z", "+01:00"), "2025-02");
    assert_eq!(month("2025-01-31T23:30:00Z", "UTC"), "2025-01");
    let at = Timestamp::parse("2025-03-31T22:30:00Z").unwrap();
    for (zone, rules) in [("Mars/Olympus_Mons", true), ("Europe/Berlin", false)] {
        let zone = TimeZone::parse(zone).unwrap();
        let err = if rules {
            zone.at(at, &TableRules).unwrap_err()
        } else {
            zone.at(at, &NoZoneRules).unwrap_err()
        };
        assert_eq!(err.code(), "validation_failed");
        assert!(err.fields().unwrap().contains_key("timezone"), "{err}");
    }
    assert_eq!(Period::parse("2025-03").unwrap().to_string(), "2025-03");
}

/// The month a preview invoices its compensation in: the month of `asOf` in the preview's zone, resolved
/// through the host's rules.
fn previewed_invoice_month(zone: &str, as_of: &str) -> billsync::error::Result<String> {
    use billsync::vendors::arrow::export::parse_billing_export;
    use billsync::vendors::arrow::line::BilledLine;
    use billsync::vendors::arrow::preview::preview;
    let export = serde_json::json!({"data": {"headers": ["Classification", "Customer Total Price",
        "Total Wholesale Price", "ARS Subscription ID", "Report Period"],
        "values": [["IAAS", "95.00", "76.00", "XSP1001", "2025-03"]]}});
    let lines: Vec<BilledLine> = parse_billing_export(&export.to_string())?
        .lines
        .into_iter()
        .map(|l| BilledLine::of_export(l, 1))
        .collect();
    let input = serde_json::json!({"period": "2025-03", "asOf": as_of, "timezone": zone,
        "settings": {"currency": "EUR"},
        "records": [{"resource_uuid": "7e500000-0000-4000-8000-000000000001",
            "customer_uuid": "c0570be2-0000-4000-8000-00000000000a", "license_reference": "XSP1001",
            "billing_period": "2025-03-01", "consumed_sell": "100.00", "consumed_buy": "80.00"}]});
    let result = preview(&input, None, &lines, &TableRules)?;
    let periods: Vec<String> = result
        .changeset
        .writes
        .iter()
        .filter(|w| w.table == "invoice_items")
        .filter_map(|w| w.row.as_ref())
        .map(|row| row.to_value().unwrap()["billing_period"].to_string())
        .collect();
    assert_eq!(periods.len(), 1, "one compensation: {periods:?}");
    Ok(periods[0].trim_matches('"').to_owned())
}

#[test]
fn the_preview_invoices_in_the_month_of_as_of_in_its_zone() {
    for (zone, as_of, month) in [
        ("Europe/Berlin", "2025-03-31T21:30:00Z", "2025-03"),
        ("Europe/Berlin", "2025-03-31T22:30:00Z", "2025-04"),
        ("America/New_York", "2025-04-01T03:30:00Z", "2025-03"),
        ("America/New_York", "2025-04-01T04:30:00Z", "2025-04"),
        ("+01:00", "2025-03-31T22:30:00Z", "2025-03"),
        ("UTC", "2025-04-01T03:30:00Z", "2025-04"),
    ] {
        assert_eq!(
            previewed_invoice_month(zone, as_of).unwrap(),
            month,
            "{zone} {as_of}"
        );
    }
    let err = previewed_invoice_month("Mars/Olympus_Mons", "2025-03-31T22:30:00Z").unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    assert!(err.fields().unwrap().contains_key("timezone"), "{err}");
}
