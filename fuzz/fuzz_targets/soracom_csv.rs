//! The billing CSV from arbitrary bytes, fed in chunks whose sizes come from the input: no panic, and the
//! chunking never changes the outcome (the same aggregates, or an error of the same code).
#![no_main]

use billsync::money::Currency;
use billsync::readers::csv::CsvLimits;
use billsync::vendors::soracom::BillingCsvAggregator;
use libfuzzer_sys::fuzz_target;

fn limits() -> CsvLimits {
    // Small, so that the limits are reached too.
    CsvLimits {
        max_row_bytes: 512,
        max_fields: 32,
    }
}

fuzz_target!(|data: &[u8]| {
    // The first 4 bytes choose the chunk sizes (1..=16 bytes each, in turn); the rest is the file.
    let (sizes, file) = data.split_at(data.len().min(4));
    let mut chunked = BillingCsvAggregator::with_limits(Currency::JPY, limits());
    let mut rest = file;
    let mut turn = 0usize;
    let mut outcome = Ok(());
    while !rest.is_empty() {
        let size = sizes
            .get(turn % sizes.len().max(1))
            .map_or(7, |b| usize::from(b % 16) + 1);
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        outcome = chunked.push_chunk(chunk);
        if outcome.is_err() {
            break;
        }
        rest = tail;
        turn += 1;
    }
    let chunked = outcome.and_then(|()| chunked.finish());

    let mut whole = BillingCsvAggregator::with_limits(Currency::JPY, limits());
    let whole = whole.push_chunk(file).and_then(|()| whole.finish());
    match (&chunked, &whole) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
        _ => panic!("chunking changed the outcome: {chunked:?} / {whole:?}"),
    }
});
