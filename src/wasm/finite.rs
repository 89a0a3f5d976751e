//! Numbers JSON cannot hold. `JSON.parse('{"month": 1e400}')` reads the month as Infinity, and a JS caller
//! may pass NaN; converted to JSON either becomes null, and the field would then say "may not be null".
//! Found here, before the conversion, they are a 400 on the field that holds them, saying what they are.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::args::is_plain_object;
use super::js_error;
use crate::error::{Error, FieldErrors};

/// How deep a request is searched; JSON deeper than this is refused later by the request limits anyway.
const MAX_DEPTH: usize = 64;

/// Why the number `n` (not finite) is refused.
fn message(n: f64) -> String {
    if n.is_nan() {
        "A valid number is required: NaN is not one.".to_owned()
    } else {
        let sign = if n < 0.0 { "-" } else { "" };
        format!("The number is out of range: it reads as {sign}Infinity, which JSON cannot hold.")
    }
}

/// The first number in `value` that is not finite, searched depth-first.
fn first_non_finite(value: &JsValue, depth: usize) -> Option<f64> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(n) = value.as_f64() {
        return (!n.is_finite()).then_some(n);
    }
    if Array::is_array(value) {
        return Array::from(value)
            .iter()
            .find_map(|item| first_non_finite(&item, depth + 1));
    }
    if !value.is_object() || value.is_function() {
        return None;
    }
    Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .find_map(|key| first_non_finite(&Reflect::get(value, &key).ok()?, depth + 1))
}

/// The fields of a request object (a body or a query) that hold a number JSON cannot represent, at any
/// depth, each with why.
pub(crate) fn non_finite_fields(request: &JsValue) -> FieldErrors {
    let mut errors = FieldErrors::new();
    // Anything but an object is refused as such by the conversion (`invalid_argument`) or the validation.
    if !is_plain_object(request) {
        return errors;
    }
    for key in Object::keys(request.unchecked_ref::<Object>()).iter() {
        let Some(field) = key.as_string() else {
            continue;
        };
        let value = Reflect::get(request, &key).unwrap_or(JsValue::UNDEFINED);
        if let Some(n) = first_non_finite(&value, 1) {
            errors.insert(field, vec![message(n)]);
        }
    }
    errors
}

/// `input` refused when it holds a number JSON cannot represent: a `validation_failed` naming its fields.
pub(crate) fn check_finite(input: &JsValue) -> Result<(), JsValue> {
    let fields = non_finite_fields(input);
    if fields.is_empty() {
        Ok(())
    } else {
        Err(js_error(&Error::Validation { fields }))
    }
}
