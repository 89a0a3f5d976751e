//! The streaming aggregator: a payload that fails leaves the totals exactly as they were.
#![no_main]

use billsync::vendors::arrow::aggregate::{AggregateOptions, ConsumptionAggregator, ConsumptionTag};
use billsync::money::Currency;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut aggregator = ConsumptionAggregator::new(AggregateOptions {
        currency: Some(Currency::EUR),
    });
    let tag = ConsumptionTag {
        resource_uuid: "r".into(),
        license_reference: "XSP1".into(),
        period: None,
    };
    for chunk in data.split(|b| *b == 0) {
        let before = aggregator.aggregate().clone();
        if aggregator.push_bytes(&tag, chunk).is_err() {
            assert_eq!(aggregator.aggregate(), &before);
        }
    }
    let _ = aggregator.finish();
});
