//! The vendors: each one's payloads, settings, request validation, REST surface and plans of its own. Each
//! gives the ledger what it needs (a policy, source references, preliminary and final figures) and nothing of
//! its nouns leaves its folder.

pub mod arrow;
pub mod focus_export;
pub mod holds;
pub mod invoice_items;
pub mod item_trace;
pub mod soracom;
