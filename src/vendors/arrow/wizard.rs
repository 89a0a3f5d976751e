//! The setup wizard's reading of Arrow: its customers, its partner (`whoami`) and its export types, read
//! leniently (a missing or null field is empty, never a crash: defect 8), and the name matching that
//! suggests which host customer an Arrow customer is.

use serde::Serialize;
use serde_json::Value;

use crate::engine::Payload;
use crate::error::{Error, Result};

/// An Arrow customer as the wizard shows it (the client's `ArrowCustomerDiscovery`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ArrowCustomer {
    pub reference: String,
    #[serde(rename = "companyName")]
    pub company_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub email: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub city: String,
    #[serde(rename = "countryCode", skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub country_code: String,
}

/// A host customer as the wizard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HostCustomerBrief {
    pub uuid: String,
    pub name: String,
}

/// Which host customer an Arrow customer probably is. `suggested_waldur_customer` is left out when there
/// is no match (the client cannot parse a null there).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerSuggestion {
    pub arrow_customer: ArrowCustomer,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub suggested_waldur_customer: Option<HostCustomerBrief>,
    pub confidence: f64,
    pub existing_mapping: bool,
}

/// `ArrowEngine.availableCustomers()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AvailableCustomers {
    pub settings_uuid: String,
    pub arrow_customers: Vec<ArrowCustomer>,
    pub waldur_customers: Vec<HostCustomerBrief>,
    pub suggestions: Vec<CustomerSuggestion>,
}

/// How one export type suits billsync: its columns against the required and the important ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExportTypeCompatibility {
    pub reference: String,
    pub name: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub required_fields_total: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub required_fields_found: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub important_fields_total: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub important_fields_found: usize,
    pub missing_required_fields: Vec<String>,
    pub missing_important_fields: Vec<String>,
    pub compatible: bool,
    pub recommended: bool,
}

/// `ArrowEngine.discoverCustomers(credentials)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiscoveredCustomers {
    pub arrow_customers: Vec<ArrowCustomer>,
    pub waldur_customers: Vec<HostCustomerBrief>,
    pub suggestions: Vec<CustomerSuggestion>,
    pub export_types: Vec<ExportTypeCompatibility>,
}

/// Arrow's partner, from `whoami`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PartnerInfo {
    pub reference: String,
    pub company_name: String,
    pub email: String,
    pub city: String,
    pub country_code: String,
}

/// `ArrowEngine.validateCredentials(credentials)`: always answered (200); `valid` says whether Arrow took
/// them, `error` why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CredentialsValidation {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub partner_info: Option<PartnerInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub export_types: Option<Vec<ExportTypeCompatibility>>,
}

/// `ArrowEngine.previewSettings(body)`: what save_settings would store; nothing is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettingsPreview {
    pub api_url: String,
    pub partner_name: String,
    pub partner_reference: String,
    pub export_type_reference: String,
    pub classification_filter: String,
    pub sync_enabled: bool,
}

/// `ArrowEngine.saveSettings(body)` (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettingsSaved {
    pub settings_uuid: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub mappings_created: usize,
    pub message: String,
    /// The requested mappings that were not created, each with why (the reference drops them silently).
    pub mappings_skipped: Vec<String>,
}

/// The columns billsync cannot work without, and those it reads when present (spec/arrow.md).
pub const REQUIRED_COLUMNS: [&str; 5] = [
    "Classification",
    "Vendor Subscription ID",
    "End User Company Name",
    "Customer Total Price",
    "Total Wholesale Price",
];
pub const IMPORTANT_COLUMNS: [&str; 22] = [
    "End User Company ID",
    "Sequence",
    "ARS Subscription ID",
    "Statement Reference",
    "Vendor Name",
    "Product Name",
    "Qty",
    "Report Period",
    "Offer Name",
    "Arrow SKU",
    "Vendor SKU",
    "Billing Cycle",
    "Customer Unit Price",
    "Bill From",
    "Bill To",
    "E-mail",
    "Address Line1",
    "City",
    "Post Code",
    "Country Code",
    "Currency",
    "Statement Status",
];

/// A payload as a JSON value.
pub fn payload_json(payload: Payload, call: &str) -> Result<Value> {
    match payload {
        Payload::Json(v) => Ok(v),
        Payload::Text(t) => serde_json::from_str(&t).map_err(|e| Error::InvalidPayload {
            payload: call.to_owned(),
            offset: 0,
            reason: e.to_string(),
        }),
    }
}

/// A text field of an object, under any of `keys`; "" when absent, null or not text.
pub fn text_of(object: &Value, keys: &[&str]) -> String {
    keys.iter()
        .find_map(|k| match object.get(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

fn customer_of(c: &Value) -> ArrowCustomer {
    let contact = c.get("Contact").filter(|v| v.is_object()).unwrap_or(c);
    ArrowCustomer {
        reference: text_of(c, &["Reference", "reference", "Ref"]),
        company_name: text_of(c, &["CompanyName", "companyName", "company_name"]),
        email: text_of(contact, &["Email", "email"]),
        city: text_of(c, &["City", "city"]),
        country_code: text_of(c, &["CountryCode", "countryCode", "country_code"]),
    }
}

/// The customers of one page of `GET customers` (or of `GET customers/{ref}`), and its page count.
pub fn parse_customers(payload: &Value) -> (Vec<ArrowCustomer>, u32) {
    let data = payload.get("data").unwrap_or(payload);
    let list = data
        .get("customers")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| data.as_array().cloned())
        .unwrap_or_else(|| {
            if data.is_object() {
                vec![data.clone()]
            } else {
                Vec::new()
            }
        });
    let customers = list
        .iter()
        .filter(|c| c.is_object())
        .map(customer_of)
        .filter(|c| !c.reference.is_empty())
        .collect();
    let pages = payload
        .get("pagination")
        .and_then(|p| p.get("totalPages").or_else(|| p.get("total_pages")))
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1);
    (customers, pages)
}

/// Arrow's partner from `whoami`.
pub fn parse_partner(payload: &Value) -> PartnerInfo {
    let data = payload.get("data").unwrap_or(payload);
    PartnerInfo {
        reference: text_of(data, &["reference", "Reference", "ref"]),
        company_name: text_of(
            data,
            &["companyName", "CompanyName", "company_name", "name"],
        ),
        email: text_of(data, &["email", "Email"]),
        city: text_of(data, &["city", "City"]),
        country_code: text_of(data, &["countryCode", "CountryCode", "country_code"]),
    }
}

/// Each export type with the columns it has, judged against the required and important ones. A type with
/// no reference is skipped (the reference crashes on it, defect 8).
pub fn export_type_compatibility(payload: &Value) -> Vec<ExportTypeCompatibility> {
    let data = payload.get("data").unwrap_or(payload);
    let list = data
        .get("exportTypes")
        .or_else(|| data.get("types"))
        .unwrap_or(data)
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter_map(|t| {
            let reference = text_of(t, &["reference", "Reference"]);
            if reference.is_empty() {
                return None;
            }
            let headers: Vec<String> = t
                .get("headers")
                .or_else(|| t.get("columns"))
                .and_then(Value::as_array)
                .map(|h| {
                    h.iter()
                        .filter_map(|c| c.as_str().map(|s| s.trim().to_lowercase()))
                        .collect()
                })
                .unwrap_or_default();
            let has = |c: &&str| headers.contains(&c.to_lowercase());
            let missing = |all: &[&str]| -> Vec<String> {
                all.iter()
                    .filter(|c| !has(c))
                    .map(|c| (*c).to_owned())
                    .collect()
            };
            let missing_required = missing(&REQUIRED_COLUMNS);
            let missing_important = missing(&IMPORTANT_COLUMNS);
            let important_found = IMPORTANT_COLUMNS
                .len()
                .saturating_sub(missing_important.len());
            let compatible = missing_required.is_empty();
            Some(ExportTypeCompatibility {
                name: text_of(t, &["name", "Name"]),
                reference,
                required_fields_total: REQUIRED_COLUMNS.len(),
                required_fields_found: REQUIRED_COLUMNS
                    .len()
                    .saturating_sub(missing_required.len()),
                important_fields_total: IMPORTANT_COLUMNS.len(),
                important_fields_found: important_found,
                missing_required_fields: missing_required,
                missing_important_fields: missing_important,
                compatible,
                recommended: compatible && important_found >= 11,
            })
        })
        .collect()
}

/// How alike two names are, 0 to 1: 2·(longest common subsequence)/(total length) of the lowercased names
/// (close to difflib's ratio, which the reference uses, and deterministic).
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.trim().to_lowercase().chars().collect();
    let b: Vec<char> = b.trim().to_lowercase().chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for ca in &a {
        let mut diagonal = 0;
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let value = if ca == cb {
                diagonal + 1
            } else {
                above.max(left)
            };
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    let common = row.last().copied().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let ratio = (2 * common) as f64 / (a.len() + b.len()) as f64;
    (ratio * 1000.0).round() / 1000.0
}

/// The best host customer for each Arrow customer (ratio above 0.5), and whether a mapping has its
/// reference already.
pub fn suggestions(
    arrow: &[ArrowCustomer],
    hosts: &[HostCustomerBrief],
    mapped: &dyn Fn(&str) -> bool,
) -> Vec<CustomerSuggestion> {
    arrow
        .iter()
        .map(|c| {
            let best = hosts
                .iter()
                .map(|h| (similarity(&c.company_name, &h.name), h))
                .filter(|(r, _)| *r > 0.5)
                .fold(
                    None::<(f64, &HostCustomerBrief)>,
                    |best, (r, h)| match best {
                        Some((b, _)) if b >= r => best,
                        _ => Some((r, h)),
                    },
                );
            CustomerSuggestion {
                arrow_customer: c.clone(),
                suggested_waldur_customer: best.map(|(_, h)| h.clone()),
                confidence: best.map_or(0.0, |(r, _)| r),
                existing_mapping: mapped(&c.reference),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn customers_are_read_leniently() {
        let (customers, pages) = parse_customers(&json!({
            "data": {"customers": [
                {"Reference": "XSP1", "CompanyName": "Contoso", "Contact": null},
                {"Reference": "XSP2", "CompanyName": null, "Contact": {"Email": "a@b"}},
                {"CompanyName": "no reference"},
                "not an object"
            ]},
            "pagination": {"totalPages": 3}
        }));
        assert_eq!(pages, 3);
        assert_eq!(customers.len(), 2);
        assert_eq!(customers[0].email, "");
        assert_eq!(customers[1].company_name, "");
        assert_eq!(customers[1].email, "a@b");
    }

    #[test]
    fn similarity_and_suggestions() {
        assert!((similarity("Contoso", "contoso") - 1.0).abs() < 1e-9);
        assert!(similarity("Contoso Ltd", "Contoso") > 0.7);
        assert!(similarity("Fabrikam", "Contoso") < 0.5);
        assert_eq!(similarity("", "x"), 0.0);
        let arrow = parse_customers(&json!({"data": {"customers": [
            {"Reference": "XSP1", "CompanyName": "Contoso Ltd"},
            {"Reference": "XSP2", "CompanyName": "Zzz"}
        ]}}))
        .0;
        let hosts = [HostCustomerBrief {
            uuid: "u".into(),
            name: "Contoso".into(),
        }];
        let s = suggestions(&arrow, &hosts, &|r| r == "XSP2");
        assert_eq!(
            s[0].suggested_waldur_customer.as_ref().unwrap().name,
            "Contoso"
        );
        assert!(!s[0].existing_mapping);
        assert!(s[1].suggested_waldur_customer.is_none());
        assert!(s[1].existing_mapping);
        let v = serde_json::to_value(&s[1]).unwrap();
        assert!(v.get("suggested_waldur_customer").is_none(), "{v}");
    }

    #[test]
    fn export_types() {
        let types = export_type_compatibility(&json!({"data": [
            {"reference": "EXP", "name": "Full", "headers": REQUIRED_COLUMNS.iter().chain(IMPORTANT_COLUMNS.iter()).collect::<Vec<_>>()},
            {"reference": "THIN", "name": "Thin", "headers": ["Classification"]},
            {"name": "no reference"}
        ]}));
        assert_eq!(types.len(), 2);
        assert!(types[0].compatible && types[0].recommended);
        assert!(!types[1].compatible);
        assert_eq!(types[1].missing_required_fields.len(), 4);
    }
}
