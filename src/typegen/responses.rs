//! Responses that the renderers build with `json!`: each shape is written down here as a Rust struct, its
//! TypeScript is generated from it, and a test checks that the renderer's keys are the struct's fields, so
//! neither can drift from the other. (Test-only: nothing here reaches the wasm.)

use serde::Serialize;
use ts_rs::TS;

/// Per currency: the sums of the records of one month (Soracom).
#[derive(Serialize, Default, TS)]
pub struct SoracomCurrencyTotals {
    #[ts(type = "number")]
    pub records: u64,
    /// Decimal string.
    pub consumed: String,
    /// Decimal string.
    #[serde(rename = "final")]
    pub final_: String,
}

/// One month of Soracom's statistics.
#[derive(Serialize, Default, TS)]
pub struct SoracomPeriodStatistics {
    /// "YYYY-MM".
    pub period: String,
    /// Keyed by ISO 4217 currency.
    pub by_currency: std::collections::BTreeMap<String, SoracomCurrencyTotals>,
}

/// `SoracomEngine.consumptionStatistics()`.
#[derive(Serialize, Default, TS)]
pub struct SoracomConsumptionStatistics {
    #[ts(type = "number")]
    pub total_records: u64,
    #[ts(type = "number")]
    pub pending_records: u64,
    #[ts(type = "number")]
    pub finalized_records: u64,
    #[ts(type = "number")]
    pub reconciled_records: u64,
    /// Newest first.
    pub by_period: Vec<SoracomPeriodStatistics>,
}

/// One period of Arrow's statistics. `consumed_sell` is null when the period spans several currencies;
/// `consumed_sell_by_currency` is then present.
#[derive(Serialize, Default, TS)]
pub struct PeriodStatistics {
    /// "YYYY-MM".
    pub period: String,
    #[ts(type = "number")]
    pub count: u64,
    pub consumed_sell: Option<String>,
    #[ts(type = "number")]
    pub finalized_count: u64,
    #[ts(type = "number")]
    pub reconciled_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub consumed_sell_by_currency: Option<std::collections::BTreeMap<String, String>>,
}

/// Totals of one currency, when the records span several.
#[derive(Serialize, Default, TS)]
pub struct CurrencyTotals {
    pub total_consumed_sell: String,
    pub total_adjustments: String,
}

/// `ArrowEngine.consumptionStatistics()` (seed 000). The amounts are null when the records span several
/// currencies; `totals_by_currency` is then present.
#[derive(Serialize, Default, TS)]
pub struct ConsumptionStatistics {
    #[ts(type = "number")]
    pub total_records: u64,
    #[ts(type = "number")]
    pub pending_records: u64,
    #[ts(type = "number")]
    pub finalized_records: u64,
    #[ts(type = "number")]
    pub reconciled_records: u64,
    pub total_consumed_sell: Option<String>,
    pub total_adjustments: Option<String>,
    pub period_breakdown: Vec<PeriodStatistics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub totals_by_currency: Option<std::collections::BTreeMap<String, CurrencyTotals>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// The keys of a JSON object, sorted.
    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {value}"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn shape<T: Serialize>(value: &T) -> Vec<String> {
        keys(&serde_json::to_value(value).unwrap())
    }

    #[test]
    fn arrow_statistics_keys_are_the_documented_fields() {
        use crate::money::Currency;
        use crate::period::Period;
        use crate::vendors::arrow::query as rendered;
        use rust_decimal::Decimal;

        let eur = Currency::parse("EUR", "test").unwrap();
        let usd = Currency::parse("USD", "test").unwrap();
        let one = |c| BTreeMap::from([(c, Decimal::ONE)]);
        let two = BTreeMap::from([(eur, Decimal::ONE), (usd, Decimal::ONE)]);
        let period = |sums| rendered::PeriodStatistics {
            period: Period::new(2025, 1).unwrap(),
            count: 1,
            consumed_sell: sums,
            finalized_count: 0,
            reconciled_count: 0,
        };
        let stats = |sums: BTreeMap<Currency, Decimal>| rendered::ConsumptionStatistics {
            total_records: 1,
            pending_records: 1,
            finalized_records: 0,
            reconciled_records: 0,
            total_consumed_sell: sums.clone(),
            total_adjustments: sums.clone(),
            period_breakdown: vec![period(sums)],
        };
        // One currency: the seed's shape; several: the by-currency objects too.
        let single = stats(one(eur)).to_json();
        let doc = ConsumptionStatistics::default();
        let mut expected = shape(&doc);
        assert_eq!(keys(&single), expected);
        assert_eq!(
            keys(&single["period_breakdown"][0]),
            shape(&PeriodStatistics::default())
        );
        let mixed = stats(two).to_json();
        let full = ConsumptionStatistics {
            totals_by_currency: Some(BTreeMap::from([("EUR".into(), CurrencyTotals::default())])),
            ..ConsumptionStatistics::default()
        };
        expected = shape(&full);
        assert_eq!(keys(&mixed), expected);
        assert_eq!(
            keys(&mixed["totals_by_currency"]["EUR"]),
            shape(&CurrencyTotals::default())
        );
        let full_period = PeriodStatistics {
            consumed_sell_by_currency: Some(BTreeMap::new()),
            ..PeriodStatistics::default()
        };
        assert_eq!(keys(&mixed["period_breakdown"][0]), shape(&full_period));
    }

    #[test]
    fn soracom_statistics_keys_are_the_documented_fields() {
        use crate::ledger::ConsumptionRecord;
        use crate::vendors::soracom::records::statistics;

        let record: ConsumptionRecord = serde_json::from_value(serde_json::json!({
            "uuid": "00000000-0000-4000-8000-000000000001",
            "vendor": "soracom",
            "resource_uuid": "00000000-0000-4000-8000-000000000002",
            "source_ref": "imsi:1",
            "billing_period": "2025-01",
            "currency": "JPY",
            "consumed_sell": "1.00",
            "consumed_buy": "1.00",
            "created": "2025-01-01T00:00:00Z",
            "modified": "2025-01-01T00:00:00Z",
        }))
        .unwrap();
        let rendered = statistics(&[record]).unwrap();
        let doc = SoracomConsumptionStatistics::default();
        assert_eq!(keys(&rendered), shape(&doc));
        let month = &rendered["by_period"][0];
        assert_eq!(keys(month), shape(&SoracomPeriodStatistics::default()));
        assert_eq!(
            keys(&month["by_currency"]["JPY"]),
            shape(&SoracomCurrencyTotals::default())
        );
    }
}
