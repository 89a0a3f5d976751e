//! Periods, dates, instants and zones from arbitrary text: no panic, and a parsed period prints back to
//! itself; month arithmetic on it never panics.
#![no_main]

use billsync::period::{parse_compact_date, parse_date, parse_instant, Period, Zone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first 8 bytes, when there are that many, are a month offset for the arithmetic.
    let (offset, text) = match data.split_first_chunk::<8>() {
        Some((head, rest)) => (i64::from_le_bytes(*head), rest),
        None => (0, data),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    for parsed in [Period::parse(text), Period::parse_compact(text)] {
        if let Ok(period) = parsed {
            assert_eq!(Period::parse(&period.to_string()).ok(), Some(period));
            assert_eq!(Period::parse_compact(&period.compact()).ok(), Some(period));
            let _ = period.add_months(offset);
            let _ = (
                period.next(),
                period.prev(),
                period.days(),
                period.first_day(),
            );
            if let Ok(other) = period.add_months(offset % 1000) {
                let _ = Period::range(period.min(other), period.max(other));
                let _ = period.months_until(other);
            }
        }
    }
    let _ = parse_date(text);
    let _ = parse_compact_date(text);
    let _ = parse_instant(text);
    if let Ok(zone) = Zone::parse(text) {
        let _ = Period::containing("2025-01-31T23:30:00Z", zone);
    }
    let _ = Period::containing(text, Zone::UTC);
});
