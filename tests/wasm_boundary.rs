//! The JS boundary, run in Node by wasm-bindgen-test: values cross as plain JS, errors as BillsyncError.
#![cfg(target_arch = "wasm32")]

use billsync::wasm::{
    billsync_error_class, parse_money, parse_period, period_range, validate_request, version,
};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn period_crosses_as_a_plain_object() {
    let p = parse_period(s("2025-01")).unwrap();
    assert_eq!(get(&p, "year").as_f64(), Some(2025.0));
    assert_eq!(get(&p, "month").as_f64(), Some(1.0));
    assert_eq!(
        period_range(s("2024-12"), s("2025-01")).unwrap(),
        vec!["2024-12".to_string(), "2025-01".to_string()]
    );
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn errors_are_billsync_errors_with_codes() {
    let err = parse_period(s("2025-13")).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    let class: js_sys::Function = billsync_error_class().dyn_into().unwrap();
    assert!(err
        .dyn_ref::<js_sys::Object>()
        .unwrap()
        .is_instance_of::<js_sys::Object>());
    assert!(Reflect::get(&class, &JsValue::from_str("prototype")).is_ok());
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("BillsyncError")
    );
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("invalid_period")
    );
    assert_eq!(get(&err, "status").as_f64(), Some(400.0));

    let err = parse_money(JsValue::from_str("abc"), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("invalid_amount")
    );
    let money = parse_money(JsValue::from_str("€1,000.50"), s("EUR")).unwrap();
    assert_eq!(
        get(&money, "amount").as_string().as_deref(),
        Some("1000.50")
    );
    assert_eq!(get(&money, "currency").as_string().as_deref(), Some("EUR"));
}

#[wasm_bindgen_test]
fn validation_errors_carry_fields() {
    let body = js_sys::JSON::parse(r#"{"year": 2025, "month": 13}"#).unwrap();
    let err = validate_request(s("admin_arrow_billing_syncs_trigger_sync"), body).unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("validation_failed")
    );
    let fields = get(&err, "fields");
    assert!(js_sys::Array::is_array(&get(&fields, "month")));
}

#[wasm_bindgen_test]
fn wrong_types_are_invalid_arguments_not_traps() {
    for bad in [
        JsValue::from_f64(202501.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::TRUE,
        js_sys::Object::new().into(),
    ] {
        let err = parse_period(bad).unwrap_err();
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some("invalid_argument")
        );
        let details = get(&err, "details");
        assert_eq!(
            get(&details, "argument").as_string().as_deref(),
            Some("period")
        );
    }
    let err = validate_request(JsValue::from_f64(42.0), js_sys::Object::new().into()).unwrap_err();
    assert_eq!(
        get(&get(&err, "details"), "argument")
            .as_string()
            .as_deref(),
        Some("operationId")
    );
}
