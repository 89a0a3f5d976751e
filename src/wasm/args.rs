//! Arguments from JS, checked at the boundary.
//!
//! wasm-bindgen's typed parameters (`&str`, `String`, `&T`) trust the caller: a number where a string is
//! declared traps the instance ("memory access out of bounds"), and null throws an uncoded TypeError. So
//! every exported function takes `JsValue` and converts it here, and a wrong value becomes a
//! `BillsyncError` with code `invalid_argument` that names the argument, what was expected and what came.

use js_sys::{Array, JsString, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::js_error;
use crate::error::Error;
use crate::limits::MAX_STRING_CHARS;

/// What a JS value is, in words, for error messages.
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_null() {
        return "null".into();
    }
    if let Some(n) = value.as_f64() {
        return if n.is_nan() {
            "NaN".into()
        } else {
            format!("the number {n}")
        };
    }
    if let Some(b) = value.as_bool() {
        return format!("{b}");
    }
    if let Some(text) = value.dyn_ref::<JsString>() {
        return format!("a string of {} characters", text.length());
    }
    if value.is_bigint() {
        return "a BigInt".into();
    }
    if value.is_symbol() {
        return "a Symbol".into();
    }
    if value.is_function() {
        return "a function".into();
    }
    if Array::is_array(value) {
        return "an array".into();
    }
    if value.is_instance_of::<Uint8Array>() {
        return "a Uint8Array".into();
    }
    "an object".into()
}

/// The `invalid_argument` error for `value`.
pub(crate) fn invalid(argument: &str, expected: &str, value: &JsValue) -> JsValue {
    js_error(&Error::InvalidArgument {
        argument: argument.to_owned(),
        expected: expected.to_owned(),
        got: describe(value),
    })
}

/// True for `undefined` and `null`: an optional argument that was not given.
pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// True for an object that is not an array, a function or a byte array: a record of named fields.
pub(crate) fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && !value.is_function()
        && !Array::is_array(value)
        && !value.is_instance_of::<Uint8Array>()
}

/// A string of at most [`MAX_STRING_CHARS`] characters (periods, uuids, codes, names). Its length is
/// checked before it is copied into wasm, so a 10 MB string costs nothing.
pub(crate) fn string_arg(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    let Some(text) = value.dyn_ref::<JsString>() else {
        return Err(invalid(argument, "a string", value));
    };
    // A character is at most two UTF-16 units.
    let units = text.length() as usize;
    let too_long = || {
        js_error(&Error::PayloadTooLarge {
            what: format!("argument {argument}"),
            limit: MAX_STRING_CHARS,
            unit: "characters".into(),
        })
    };
    if units > MAX_STRING_CHARS.saturating_mul(2) {
        return Err(too_long());
    }
    let text = String::from(text);
    if text.chars().count() > MAX_STRING_CHARS {
        return Err(too_long());
    }
    Ok(text)
}

/// An optional string: `undefined` and `null` are None.
pub(crate) fn optional_string_arg(
    value: &JsValue,
    argument: &str,
) -> Result<Option<String>, JsValue> {
    if is_absent(value) {
        return Ok(None);
    }
    string_arg(value, argument).map(Some)
}

/// A JS value as JSON data, with JSON's own rule for `undefined` (the one `JSON.stringify` applies): an
/// object member whose value is `undefined` is absent, not null, in objects at any depth (arrays are left
/// as they are). So `{ query: undefined }` and `{}` are one request, for every entry point: the .d.ts's
/// optional fields may be given as `undefined`. Only members that came out null are looked at again.
pub(crate) fn json_of(value: JsValue) -> Result<serde_json::Value, serde_wasm_bindgen::Error> {
    let mut json = serde_wasm_bindgen::from_value(value.clone())?;
    drop_undefined(&value, &mut json);
    Ok(json)
}

fn drop_undefined(js: &JsValue, json: &mut serde_json::Value) {
    let serde_json::Value::Object(members) = json else {
        return;
    };
    let member = |key: &str| js_sys::Reflect::get(js, &JsValue::from_str(key)).ok();
    members
        .retain(|key, value| !(value.is_null() && member(key).is_some_and(|v| v.is_undefined())));
    for (key, value) in members.iter_mut() {
        if value.is_object() {
            if let Some(inner) = member(key) {
                drop_undefined(&inner, value);
            }
        }
    }
}

/// A plain object, converted to JSON for the core.
pub(crate) fn object_arg(
    value: JsValue,
    argument: &str,
    expected: &str,
) -> Result<serde_json::Value, JsValue> {
    if !is_plain_object(&value) {
        return Err(invalid(argument, expected, &value));
    }
    json_of(value).map_err(|e| {
        js_error(&Error::InvalidArgument {
            argument: argument.to_owned(),
            expected: expected.to_owned(),
            got: format!("an object that is not JSON data ({e})"),
        })
    })
}

/// An optional plain object: `undefined` and `null` are JSON null (an empty request, default options).
pub(crate) fn optional_object_arg(
    value: JsValue,
    argument: &str,
    expected: &str,
) -> Result<serde_json::Value, JsValue> {
    if is_absent(&value) {
        return Ok(serde_json::Value::Null);
    }
    object_arg(value, argument, expected)
}

/// Checks that `value` is a plain object without converting it (for objects whose members are functions).
pub(crate) fn require_object(
    value: &JsValue,
    argument: &str,
    expected: &str,
) -> Result<(), JsValue> {
    if is_plain_object(value) {
        Ok(())
    } else {
        Err(invalid(argument, expected, value))
    }
}

/// Reads `object[key]`, which must be absent or a string.
pub(crate) fn optional_string_member(
    object: &JsValue,
    key: &str,
    argument: &str,
) -> Result<Option<String>, JsValue> {
    let value = js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    optional_string_arg(&value, argument)
}

/// The options of an engine's constructor (`new ArrowEngine(options)`…), checked for their types before the engine reads them (the
/// adapters' methods are checked by the constructor itself).
pub(crate) fn check_engine_options(options: &JsValue, port: &str) -> Result<(), JsValue> {
    require_object(
        options,
        "options",
        &format!("an object {{ {port}, store, clock, timezone?, onProgress?, baseUrl? }}"),
    )?;
    optional_string_member(options, "timezone", "options.timezone")?;
    optional_string_member(options, "baseUrl", "options.baseUrl")?;
    let progress = js_sys::Reflect::get(options, &JsValue::from_str("onProgress"))
        .unwrap_or(JsValue::UNDEFINED);
    if !is_absent(&progress) && !progress.is_function() {
        return Err(invalid("options.onProgress", "a function", &progress));
    }
    Ok(())
}
