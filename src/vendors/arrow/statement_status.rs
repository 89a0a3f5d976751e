//! Arrow's own state of a statement: the status its statements call returns, or the export column that
//! carries it. Read strictly: a status that is none of Arrow's four is an error naming where it was, never
//! a guess. Only a Fulfilled statement is final ("validated"); Open, Needs Validation and Rejected are not.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::Payload;
use crate::error::{Error, Result};
use crate::period::Period;
use crate::vendors::arrow::records::ArrowState;

/// The payload name in errors.
pub const STATEMENTS: &str = "arrow statements";

/// A statement's status as Arrow names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementStatus {
    Open,
    NeedsValidation,
    Fulfilled,
    Rejected,
}

impl StatementStatus {
    /// Arrow's label, case-insensitively and trimmed; None for anything else.
    pub fn parse(text: &str) -> Option<StatementStatus> {
        let text = text.trim();
        [
            ("Open", StatementStatus::Open),
            ("Needs Validation", StatementStatus::NeedsValidation),
            ("Fulfilled", StatementStatus::Fulfilled),
            ("Rejected", StatementStatus::Rejected),
        ]
        .into_iter()
        .find(|(label, _)| label.eq_ignore_ascii_case(text))
        .map(|(_, status)| status)
    }

    /// billsync's view: only a fulfilled statement is validated.
    pub fn arrow_state(self) -> ArrowState {
        match self {
            StatementStatus::Fulfilled => ArrowState::Validated,
            _ => ArrowState::Pending,
        }
    }
}

fn invalid(reason: String) -> Error {
    Error::InvalidPayload {
        payload: STATEMENTS.to_owned(),
        offset: 0,
        reason,
    }
}

/// Reads `{"data": {"statements": [{"reference": "...", "status": "Fulfilled", "period": "YYYY-MM"}]}}`
/// (period optional) into each statement's state, keeping those of `period`.
pub fn parse_statements(payload: &Payload, period: Period) -> Result<BTreeMap<String, ArrowState>> {
    let value = match payload {
        Payload::Json(value) => value.clone(),
        Payload::Text(text) => {
            serde_json::from_str::<Value>(text).map_err(|e| invalid(e.to_string()))?
        }
    };
    let list = value
        .get("data")
        .and_then(|d| d.get("statements"))
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("data.statements is not a list".into()))?;
    let mut states = BTreeMap::new();
    for (index, statement) in list.iter().enumerate() {
        let at = |field: &str| format!("data.statements[{index}].{field}");
        let text = |field: &str| {
            statement
                .get(field)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        let reference =
            text("reference").ok_or_else(|| invalid(format!("{} is missing", at("reference"))))?;
        let status =
            text("status").ok_or_else(|| invalid(format!("{} is missing", at("status"))))?;
        let status = StatementStatus::parse(status).ok_or_else(|| {
            invalid(format!(
                "{} {status:?} is not Open, Needs Validation, Fulfilled or Rejected",
                at("status")
            ))
        })?;
        let of_period = match statement.get("period") {
            None | Some(Value::Null) => true,
            Some(Value::String(p)) => {
                Period::parse(p).map_err(|e| invalid(format!("{}: {e}", at("period"))))? == period
            }
            Some(other) => return Err(invalid(format!("{} is not text: {other}", at("period")))),
        };
        if of_period {
            states.insert(reference.to_owned(), status.arrow_state());
        }
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_are_read_strictly() {
        let p = Period::parse("2025-01").unwrap();
        let payload = Payload::Json(json!({"data": {"statements": [
            {"reference": "ST-1", "status": "Fulfilled", "period": "2025-01"},
            {"reference": "ST-2", "status": "needs validation"},
            {"reference": "ST-3", "status": "Open", "period": "2025-02"},
        ]}}));
        let states = parse_statements(&payload, p).unwrap();
        assert_eq!(states.get("ST-1"), Some(&ArrowState::Validated));
        assert_eq!(states.get("ST-2"), Some(&ArrowState::Pending));
        assert_eq!(states.get("ST-3"), None);
        let bad = Payload::Text(
            r#"{"data": {"statements": [{"reference": "S", "status": "Done"}]}}"#.into(),
        );
        let e = parse_statements(&bad, p).unwrap_err();
        assert_eq!(e.code(), "invalid_payload");
        assert!(e.to_string().contains("statements[0].status"));
        assert_eq!(
            StatementStatus::parse(" REJECTED "),
            Some(StatementStatus::Rejected)
        );
    }
}
