//! Period math, money and request validation, for JS.

use wasm_bindgen::prelude::*;

use super::{from_js, js_error, to_js};
use crate::money::{render_exact, Currency, Money};
use crate::period::Period;

#[wasm_bindgen(typescript_custom_section)]
const TS_FOUNDATION: &str = r#"
/** A calendar month, as `parsePeriod` returns it. */
export interface PeriodParts { year: number; month: number }
/** An exact amount (a decimal string) and its ISO 4217 currency. */
export interface MoneyValue { amount: string; currency: string }
"#;

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// "YYYY-MM" → `{ year, month }`; throws `invalid_period`.
#[wasm_bindgen(js_name = parsePeriod, unchecked_return_type = "PeriodParts")]
pub fn parse_period(input: &str) -> Result<JsValue, JsValue> {
    let period = Period::parse(input).map_err(|e| js_error(&e))?;
    to_js(&serde_json::json!({ "year": period.year(), "month": period.month() }))
}

/// Every period from `from` to `to`, both included, as "YYYY-MM" strings.
#[wasm_bindgen(js_name = periodRange)]
pub fn period_range(from: &str, to: &str) -> Result<Vec<String>, JsValue> {
    let from = Period::parse(from).map_err(|e| js_error(&e))?;
    let to = Period::parse(to).map_err(|e| js_error(&e))?;
    let range = Period::range(from, to).map_err(|e| js_error(&e))?;
    Ok(range.iter().map(ToString::to_string).collect())
}

/// Parses an amount such as "€1,000.50" exactly. `currency` is the expected ISO code; a currency named in
/// the text must agree with it.
#[wasm_bindgen(js_name = parseMoney, unchecked_return_type = "MoneyValue")]
pub fn parse_money(
    #[wasm_bindgen(unchecked_param_type = "string | number")] input: JsValue,
    currency: Option<String>,
) -> Result<JsValue, JsValue> {
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
/// "admin_arrow_billing_syncs_trigger_sync"). Throws `validation_failed` with `.fields`.
#[wasm_bindgen(js_name = validateRequest)]
pub fn validate_request(operation_id: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let input = from_js(input, "request")?;
    let normalized = crate::vendors::arrow::validate::validate_request(operation_id, &input)
        .map_err(|e| js_error(&e))?;
    to_js(&normalized)
}
