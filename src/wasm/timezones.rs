//! Named time zones through the host's `Intl.DateTimeFormat`: the offset of an instant in an IANA zone,
//! without the tz database in the wasm. Every JS call is caught, so no zone name can throw.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Result};
use crate::period::Zone;
use crate::timestamp::Timestamp;
use crate::timezone::{unknown_zone, zone_of_gmt_offset};

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok()
}

/// The UTC offset of `at` in `zone`, as `Intl.DateTimeFormat` writes it with `timeZoneName: "longOffset"`.
pub(crate) fn intl_offset(zone: &str, at: Timestamp) -> Result<Zone> {
    let missing = || Error::AdapterFailed {
        call: "Intl.DateTimeFormat".into(),
        message: "the host has no Intl.DateTimeFormat with time zones".into(),
    };
    let constructor: Function = get(&js_sys::global(), "Intl")
        .and_then(|intl| get(&intl, "DateTimeFormat"))
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(missing)?;
    let options = Object::new();
    for (key, value) in [("timeZone", zone), ("timeZoneName", "longOffset")] {
        Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(|_| missing())?;
    }
    // A RangeError for a zone the host does not know.
    let format = Reflect::construct(
        &constructor,
        &Array::of2(&JsValue::from_str("en-US"), &options),
    )
    .map_err(|_| unknown_zone(zone))?;
    let parts = get(&format, "formatToParts")
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| {
            let date = js_sys::Date::new(&JsValue::from_str(&at.to_string()));
            f.call1(&format, &date).ok()
        })
        .and_then(|parts| parts.dyn_into::<Array>().ok())
        .ok_or_else(missing)?;
    parts
        .iter()
        .find(|part| {
            get(part, "type").and_then(|t| t.as_string()).as_deref() == Some("timeZoneName")
        })
        .and_then(|part| get(&part, "value"))
        .and_then(|value| value.as_string())
        .and_then(|text| zone_of_gmt_offset(&text))
        .ok_or_else(|| unknown_zone(zone))
}

/// The host's zones as [`ZoneRules`].
pub(crate) struct IntlRules;

impl crate::timezone::ZoneRules for IntlRules {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        intl_offset(zone, at)
    }
}
