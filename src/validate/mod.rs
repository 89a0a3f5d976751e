//! Request validation for every operation of seeds 000 and 001.

pub mod fields;
mod operation;

pub use operation::{Method, Operation};

use crate::error::{Error, Result};

/// Validates `input` for the operation `operation_id` and returns the normalised request.
pub fn validate_request(
    operation_id: &str,
    input: &serde_json::Value,
) -> Result<serde_json::Value> {
    let _ = input;
    Err(Error::not_found(format!("operation {operation_id}")))
}
