//! Consumption pages from arbitrary bytes: no panic, and the text and object paths agree on line counts.
#![no_main]

use billsync::vendors::arrow::{parse_consumption_bytes, parse_consumption_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let from_text = parse_consumption_bytes(data);
    if let (Ok(page), Ok(value)) = (&from_text, serde_json::from_slice::<serde_json::Value>(data)) {
        if let Ok(other) = parse_consumption_value(&value) {
            assert_eq!(page.lines.len(), other.lines.len());
        }
    }
});
