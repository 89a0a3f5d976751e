//! The one error type of billsync. Every failure is a value with a stable string code; the wasm boundary
//! turns it into a JS `BillsyncError` with `.code`, `.status` and, for validation, `.fields`.

use std::collections::BTreeMap;

/// Field errors in the Django REST framework shape: `{"field": ["message", ...]}`.
/// Errors that belong to no single field go under [`NON_FIELD_ERRORS`].
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// The key of errors that concern the request as a whole (DRF's convention).
pub const NON_FIELD_ERRORS: &str = "non_field_errors";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("invalid period {input:?}: {reason}")]
    InvalidPeriod { input: String, reason: String },

    #[error("invalid timestamp {input:?}: {reason}")]
    InvalidTimestamp { input: String, reason: String },

    #[error("invalid amount {value:?} in {location}: {reason}")]
    InvalidAmount {
        location: String,
        value: String,
        reason: String,
    },

    #[error("invalid currency {value:?} in {location}")]
    InvalidCurrency { location: String, value: String },

    #[error("cannot combine {left} with {right} in {location}")]
    CurrencyMismatch {
        location: String,
        left: String,
        right: String,
    },

    #[error("arithmetic overflow in {location}")]
    Overflow { location: String },

    #[error("validation failed: {}", summarize(fields))]
    Validation { fields: FieldErrors },

    #[error("{payload}: missing column {column:?}")]
    MissingColumn { payload: String, column: String },

    #[error("{payload}: row {row}, column {column:?}, value {value:?}: {reason}")]
    InvalidCell {
        payload: String,
        row: usize,
        column: String,
        value: String,
        reason: String,
    },

    #[error("{payload}: malformed payload at byte {offset}: {reason}")]
    InvalidPayload {
        payload: String,
        offset: usize,
        reason: String,
    },

    #[error("{what} not found")]
    NotFound { what: String },

    #[error("illegal state transition of {what}: {from} -> {to}")]
    IllegalTransition {
        what: String,
        from: String,
        to: String,
    },

    #[error("conflict: {reason}")]
    Conflict { reason: String },

    #[error("adapter call {call} failed: {message}")]
    AdapterFailed { call: String, message: String },

    #[error("store failed in {call}: {message}")]
    StoreFailed { call: String, message: String },

    /// A JS caller passed a value of the wrong type (or null, NaN, a Symbol...) to a billsync function.
    #[error("argument {argument}: expected {expected}, got {got}")]
    InvalidArgument {
        argument: String,
        expected: String,
        got: String,
    },

    /// A vendor document with two lines under one line reference; names both rows.
    #[error("{document}: line {line:?} appears twice ({first} and {second}); nothing was billed")]
    DuplicateLine {
        document: String,
        line: String,
        first: String,
        second: String,
    },

    /// An input over one of the limits of [`crate::limits`].
    #[error("{what} is larger than the limit of {limit} {unit}")]
    PayloadTooLarge {
        what: String,
        limit: usize,
        unit: String,
    },

    /// An optional port call the host's adapter does not have (e.g. `arrow.whoami`): 501, naming it.
    #[error("{call} is not implemented by the host's adapter")]
    NotImplemented { call: String },
}

fn summarize(fields: &FieldErrors) -> String {
    fields
        .iter()
        .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// Every code of [`Error::code`], in variant order: the package's `BillsyncErrorCode` union and its
    /// `errorCodes()` are generated from it. A unit test builds one error of every variant (with an exhaustive
    /// match, so a new variant does not compile until it is listed) and checks their codes are these.
    pub const ALL_CODES: [&'static str; 19] = [
        "invalid_period",
        "invalid_timestamp",
        "invalid_amount",
        "invalid_currency",
        "currency_mismatch",
        "overflow",
        "validation_failed",
        "missing_column",
        "invalid_cell",
        "invalid_payload",
        "not_found",
        "illegal_transition",
        "conflict",
        "adapter_failed",
        "store_failed",
        "invalid_argument",
        "payload_too_large",
        "duplicate_line",
        "not_implemented",
    ];

    /// The stable, machine-readable code. Hosts switch on it; it never changes for a given variant.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPeriod { .. } => "invalid_period",
            Error::InvalidTimestamp { .. } => "invalid_timestamp",
            Error::InvalidAmount { .. } => "invalid_amount",
            Error::InvalidCurrency { .. } => "invalid_currency",
            Error::CurrencyMismatch { .. } => "currency_mismatch",
            Error::Overflow { .. } => "overflow",
            Error::Validation { .. } => "validation_failed",
            Error::MissingColumn { .. } => "missing_column",
            Error::InvalidCell { .. } => "invalid_cell",
            Error::InvalidPayload { .. } => "invalid_payload",
            Error::NotFound { .. } => "not_found",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::Conflict { .. } => "conflict",
            Error::AdapterFailed { .. } => "adapter_failed",
            Error::StoreFailed { .. } => "store_failed",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::DuplicateLine { .. } => "duplicate_line",
            Error::NotImplemented { .. } => "not_implemented",
        }
    }

    /// The HTTP status this error maps to when it answers a REST request.
    pub fn status(&self) -> u16 {
        match self {
            Error::Validation { .. }
            | Error::InvalidPeriod { .. }
            | Error::InvalidTimestamp { .. }
            | Error::InvalidAmount { .. }
            | Error::InvalidCurrency { .. }
            | Error::InvalidArgument { .. } => 400,
            Error::PayloadTooLarge { .. } => 413,
            Error::NotFound { .. } => 404,
            Error::IllegalTransition { .. } | Error::Conflict { .. } => 409,
            // The vendor's figures and the records each hold a currency, and they differ: neither is an
            // outage (502) nor a bad request; the data cannot be processed together until someone decides.
            Error::CurrencyMismatch { .. } => 422,
            Error::MissingColumn { .. }
            | Error::InvalidCell { .. }
            | Error::InvalidPayload { .. }
            | Error::DuplicateLine { .. }
            | Error::AdapterFailed { .. } => 502,
            Error::Overflow { .. } | Error::StoreFailed { .. } => 500,
            Error::NotImplemented { .. } => 501,
        }
    }

    /// Field errors in the REST framework shape, for errors that concern request fields.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Error::Validation { fields } => Some(fields),
            _ => None,
        }
    }

    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Error {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), vec![message.into()]);
        Error::Validation { fields }
    }

    pub fn overflow(location: impl Into<String>) -> Error {
        Error::Overflow {
            location: location.into(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> Error {
        Error::NotFound { what: what.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant. The match below has no wildcard: a new variant must be added here.
    fn one_of_each() -> Vec<Error> {
        let s = String::new;
        let all = vec![
            Error::InvalidPeriod {
                input: s(),
                reason: s(),
            },
            Error::InvalidTimestamp {
                input: s(),
                reason: s(),
            },
            Error::InvalidAmount {
                location: s(),
                value: s(),
                reason: s(),
            },
            Error::InvalidCurrency {
                location: s(),
                value: s(),
            },
            Error::CurrencyMismatch {
                location: s(),
                left: s(),
                right: s(),
            },
            Error::Overflow { location: s() },
            Error::Validation {
                fields: FieldErrors::new(),
            },
            Error::MissingColumn {
                payload: s(),
                column: s(),
            },
            Error::InvalidCell {
                payload: s(),
                row: 0,
                column: s(),
                value: s(),
                reason: s(),
            },
            Error::InvalidPayload {
                payload: s(),
                offset: 0,
                reason: s(),
            },
            Error::NotFound { what: s() },
            Error::IllegalTransition {
                what: s(),
                from: s(),
                to: s(),
            },
            Error::Conflict { reason: s() },
            Error::AdapterFailed {
                call: s(),
                message: s(),
            },
            Error::StoreFailed {
                call: s(),
                message: s(),
            },
            Error::InvalidArgument {
                argument: s(),
                expected: s(),
                got: s(),
            },
            Error::PayloadTooLarge {
                what: s(),
                limit: 0,
                unit: s(),
            },
            Error::DuplicateLine {
                document: s(),
                line: s(),
                first: s(),
                second: s(),
            },
            Error::NotImplemented { call: s() },
        ];
        for e in &all {
            match e {
                Error::InvalidPeriod { .. }
                | Error::InvalidTimestamp { .. }
                | Error::InvalidAmount { .. }
                | Error::InvalidCurrency { .. }
                | Error::CurrencyMismatch { .. }
                | Error::Overflow { .. }
                | Error::Validation { .. }
                | Error::MissingColumn { .. }
                | Error::InvalidCell { .. }
                | Error::InvalidPayload { .. }
                | Error::NotFound { .. }
                | Error::IllegalTransition { .. }
                | Error::Conflict { .. }
                | Error::AdapterFailed { .. }
                | Error::StoreFailed { .. }
                | Error::InvalidArgument { .. }
                | Error::PayloadTooLarge { .. }
                | Error::DuplicateLine { .. }
                | Error::NotImplemented { .. } => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_are_the_codes_of_every_variant() {
        let codes: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        assert_eq!(codes, Error::ALL_CODES);
    }

    #[test]
    fn codes_are_stable_and_statuses_match() {
        let e = Error::field("month", "Ensure this value is less than or equal to 12.");
        assert_eq!(e.code(), "validation_failed");
        assert_eq!(e.status(), 400);
        assert_eq!(
            e.fields().and_then(|f| f.get("month")).map(Vec::len),
            Some(1)
        );
        assert_eq!(Error::not_found("record").status(), 404);
        assert_eq!(Error::not_found("record").code(), "not_found");
        assert!(e.to_string().contains("month"));
    }
}
