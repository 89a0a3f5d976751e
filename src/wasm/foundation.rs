//! Period math, money and request validation, for JS.

use wasm_bindgen::prelude::*;

use super::args::{invalid, is_absent, optional_object_arg, optional_string_arg, string_arg};
use super::{from_js, js_error, to_js};
use crate::money::{render_exact, Currency, Money};
use crate::period::Period;

#[wasm_bindgen(typescript_custom_section)]
const TS_FOUNDATION: &str = r#"
/** A calendar month, as `parsePeriod` returns it. */
export interface PeriodParts { year: number; month: number }
/** An exact amount (a decimal string) and its ISO 4217 currency. */
export interface MoneyValue { amount: string; currency: string }
/**
 * Validates and normalises the request of an API operation (the seed's operation id, e.g.
 * "admin_arrow_billing_syncs_trigger_sync"): the request as the engine reads it, every field present.
 * Throws `validation_failed` with `.fields`; an unknown id is a field error on `operation_id`.
 */
export function validateRequest<K extends ArrowOperationId>(operationId: K, input?: Record<string, unknown> | null): ValidatedRequests[K];
/** An id only known at run time: one of the validated requests. */
export function validateRequest(operationId: string, input?: Record<string, unknown> | null): ValidatedRequests[ArrowOperationId];
"#;

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// "YYYY-MM" → `{ year, month }`; throws `invalid_period`.
#[wasm_bindgen(js_name = parsePeriod, unchecked_return_type = "PeriodParts")]
pub fn parse_period(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input = string_arg(&input, "period")?;
    let period = Period::parse(&input).map_err(|e| js_error(&e))?;
    to_js(&serde_json::json!({ "year": period.year(), "month": period.month() }))
}

/// Every period from `from` to `to`, both included, as "YYYY-MM" strings.
#[wasm_bindgen(js_name = periodRange)]
pub fn period_range(
    #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] to: JsValue,
) -> Result<Vec<String>, JsValue> {
    let from = Period::parse(&string_arg(&from, "from")?).map_err(|e| js_error(&e))?;
    let to = Period::parse(&string_arg(&to, "to")?).map_err(|e| js_error(&e))?;
    let range = Period::range(from, to).map_err(|e| js_error(&e))?;
    Ok(range.iter().map(ToString::to_string).collect())
}

/// Parses an amount such as "€1,000.50" exactly. `currency` is the expected ISO code; a currency named in
/// the text must agree with it.
#[wasm_bindgen(js_name = parseMoney, unchecked_return_type = "MoneyValue")]
pub fn parse_money(
    #[wasm_bindgen(unchecked_param_type = "string | number")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] currency: JsValue,
) -> Result<JsValue, JsValue> {
    let currency = optional_string_arg(&currency, "currency")?;
    let is_amount = input.as_f64().is_some_and(f64::is_finite) || input.is_string();
    if !is_amount || is_absent(&input) {
        return Err(invalid("amount", "a string or a finite number", &input));
    }
    if input.is_string() {
        string_arg(&input, "amount")?;
    }
    let expected = currency
        .as_deref()
        .map(|c| Currency::parse(c, "currency"))
        .transpose()
        .map_err(|e| js_error(&e))?;
    let value = from_js(input, "amount")?;
    let parsed =
        crate::money::amount_from_json(&value, "amount", crate::money::AmountFormat::Point)
            .map_err(|e| js_error(&e))?;
    let money = Money::from_parsed(parsed, expected, "amount", &value.to_string())
        .map_err(|e| js_error(&e))?;
    to_js(
        &serde_json::json!({ "amount": render_exact(money.amount), "currency": money.currency.as_str() }),
    )
}

/// Validates and normalises the request of an API operation (the seed's operation id, e.g.
/// "admin_arrow_billing_syncs_trigger_sync"). Throws `validation_failed` with `.fields`. Declared in
/// `TS_FOUNDATION`, so that its result is typed by the operation id (`ValidatedRequests`).
#[wasm_bindgen(js_name = validateRequest, skip_typescript)]
pub fn validate_request(operation_id: JsValue, input: JsValue) -> Result<JsValue, JsValue> {
    let operation_id = string_arg(&operation_id, "operationId")?;
    super::finite::check_finite(&input)?;
    let input = optional_object_arg(input, "input", "an object of request fields, or null")?;
    let normalized = crate::vendors::arrow::validate::validate_request(&operation_id, &input)
        .map_err(|e| js_error(&e))?;
    to_js(&normalized)
}
