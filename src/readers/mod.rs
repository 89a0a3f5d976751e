//! Readers both vendors use: a strict JSON scanner that keeps numbers as their text, table cells with strict
//! conversions, and a streaming CSV reader.

pub mod cells;
pub mod csv;
pub mod json_scan;

pub use cells::Cell;
