//! Stores: the rule of applying a changeset that every store shares, and the in-memory store.

mod commit;
mod memory;

pub use commit::{resolve_commit, ApplyReport, Effect, Held};
pub use memory::{MemoryStore, GLOBAL_SWITCH, SWITCHES};
