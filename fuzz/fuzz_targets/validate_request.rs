//! Request validation of every operation on arbitrary JSON: no panic, and what validates normalises to a
//! fixed point (the normalised request validates to itself).
//!
//! Input: the first byte picks one of the 19 operations (or, past them, the rest up to a NUL is the
//! operation id as text); the rest is the JSON body, or a string when it is not JSON.
#![no_main]

use billsync::vendors::arrow::validate::{validate_request, Operation};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (id, body) = match Operation::ALL.get(usize::from(pick)) {
        Some(op) => (op.id().to_owned(), rest),
        None => {
            let (id, body) = rest.split_at(rest.iter().position(|b| *b == 0).unwrap_or(rest.len()));
            (
                String::from_utf8_lossy(id).into_owned(),
                body.get(1..).unwrap_or_default(),
            )
        }
    };
    let input = serde_json::from_slice::<Value>(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
    if let Ok(normalised) = validate_request(&id, &input) {
        let again = validate_request(&id, &normalised);
        assert_eq!(
            again.as_ref().ok(),
            Some(&normalised),
            "{id} {input} → {normalised} → {again:?}"
        );
    }
});
