//! Stores: the in-memory default, and the semantics every host store must share.

mod memory;

pub use memory::{ApplyReport, MemoryStore};
