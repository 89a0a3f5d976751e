//! The preview of a Soracom reconciliation, with no store and no server: a closed month's bill, and for
//! granularity `subscriber` its billing CSV export, against consumption records that name their SIM or
//! device under `subscriber` (`imsi:…`, `deviceId:…`, or `account`).

use super::validate::Operation;
use super::{
    aggregate_billing_csv, parse_monthly_bill, parse_monthly_bill_value, Granularity, MonthlyBill,
    SubscriberKey, VENDOR,
};
use crate::engine::Payload;
use crate::error::{Error, Result};
use crate::ledger::{
    preview_reconciliation_into, FinalFigure, PreviewOutput, PreviewParts, PreviewVendor,
    ReconciliationPreview,
};
use crate::money::Currency;
use crate::timezone::ZoneRules;

/// The closed month's figures: per subscriber from the CSV when there is one, else the account's.
fn finals(bill: &MonthlyBill, csv: Option<&[u8]>) -> Result<Vec<FinalFigure>> {
    if !bill.is_final() {
        return Err(Error::field(
            "bill",
            "The bill is temporary: only a closed month is reconciled.",
        ));
    }
    let month = bill.year_month;
    let currency = Some(bill.currency());
    Ok(match csv {
        Some(bytes) => aggregate_billing_csv(bytes, bill.currency())?
            .per_subscriber_month()
            .filter(|(_, m, _)| *m == month)
            .map(|(key, m, totals)| FinalFigure {
                source_ref: key.as_str().to_owned(),
                sell: totals.net,
                buy: totals.net,
                currency,
                period: Some(m),
                detail: serde_json::Value::Null,
                evidence: Default::default(),
            })
            .collect(),
        None => vec![FinalFigure {
            source_ref: SubscriberKey::ACCOUNT.to_owned(),
            sell: bill.amount.amount,
            buy: bill.amount.amount,
            currency,
            period: Some(month),
            detail: serde_json::Value::Null,
            evidence: Default::default(),
        }],
    })
}

/// Runs the preview: `bill` is Soracom's MonthlyBill (text or value), `csv` the month's export when the
/// records are per subscriber; `input` holds the records (or `records_text`, their JSON text, when given),
/// `period`, `asOf` and the settings. Records are taken as the admin API lists them (`subscriber`,
/// `consumed_amount`, `final_amount`) or as the store holds them (`source_ref`, `consumed_sell`, …).
pub fn preview(
    input: &serde_json::Value,
    records_text: Option<&str>,
    bill: Payload,
    csv: Option<&[u8]>,
    zones: &dyn ZoneRules,
) -> Result<ReconciliationPreview> {
    preview_into(
        input,
        records_text,
        bill,
        csv,
        zones,
        &mut PreviewOutput::default(),
    )?
    .whole()
}

/// [`preview`] with the result `output` asks for.
pub fn preview_into(
    input: &serde_json::Value,
    records_text: Option<&str>,
    bill: Payload,
    csv: Option<&[u8]>,
    zones: &dyn ZoneRules,
    output: &mut PreviewOutput<'_>,
) -> Result<PreviewParts> {
    let currency = input
        .get("settings")
        .and_then(|s| s.get("currency"))
        .and_then(serde_json::Value::as_str)
        .map(|c| Currency::parse(c, "settings.currency"))
        .transpose()?;
    let bill = match bill {
        Payload::Text(text) => parse_monthly_bill(&text, currency),
        Payload::Json(value) => parse_monthly_bill_value(&value, currency),
    }?;
    let granularity = match input.get("settings").and_then(|s| s.get("granularity")) {
        None | Some(serde_json::Value::Null) => Granularity::default(),
        Some(g) => serde_json::from_value(g.clone()).map_err(|_| {
            Error::field(
                "settings.granularity",
                "Must be \"subscriber\" or \"account\".",
            )
        })?,
    };
    let csv = match (granularity, csv) {
        (Granularity::Subscriber, None) => {
            return Err(Error::field(
                "csv",
                "Records per subscriber are reconciled against the month's billing CSV export.",
            ))
        }
        (Granularity::Subscriber, csv) => csv,
        (Granularity::Account, _) => None,
    };
    let finals = finals(&bill, csv)?;
    preview_reconciliation_into(
        input,
        records_text,
        PreviewVendor {
            name: VENDOR,
            operation: Operation::TriggerReconciliation.id(),
            default_prefix: "Soracom",
            source_label: super::SOURCE_LABEL,
            zones,
        },
        finals,
        output,
    )
}
