//! billsync: vendor-billing sync and reconciliation, as a sans-IO core compiled to WebAssembly.
//!
//! Layers, each depending only on those below it:
//! - [`wasm`]: the JS boundary, the only module that knows about `JsValue`;
//! - [`engine`]: one function per API operation, reading through host ports and committing one changeset;
//! - the pure core: [`period`], [`money`], [`validate`], [`arrow`], [`consumption`], [`records`], [`query`],
//!   [`changeset`] and [`reconcile`]. No I/O, no clock, no randomness.

// No panic on any input path: a panic kills the wasm instance.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod arrow;
pub mod changeset;
pub mod consumption;
pub mod engine;
pub mod error;
pub mod ids;
pub mod limits;
pub mod money;
pub mod period;
pub mod query;
pub mod reconcile;
pub mod records;
pub mod store;
pub mod timestamp;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, FieldErrors, Result};
pub use money::{Currency, Money};
pub use period::{Period, Zone};

/// The package version, as in Cargo.toml and package.json.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
