//! Readers both vendors use: a strict JSON scanner that keeps numbers as their text, and table cells with
//! strict conversions.

pub mod cells;
pub mod json_scan;

pub use cells::Cell;
