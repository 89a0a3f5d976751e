//! billsync: vendor-billing sync and reconciliation, as a sans-IO core compiled to WebAssembly.
//!
//! Layers, each depending only on those below it (tests/layers.rs keeps them so):
//! - [`wasm`]: the JS boundary, the only module that knows about `JsValue`;
//! - [`engine`]: the generic orchestration over the host's ports and a [`engine::Vendor`];
//! - [`vendors`]: each vendor's payloads, settings, request validation, REST routes and own plans;
//! - [`ledger`]: vendor-neutral and pure: records, invoice items, the rule of money, changesets;
//! - shared: [`period`], [`money`], [`ids`], [`error`], [`readers`], [`fields`], [`rest`], [`store`].
//!   No I/O, no clock, no randomness below the engine.

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

pub mod engine;
pub mod error;
pub mod fields;
pub mod ids;
pub mod ledger;
pub mod limits;
pub mod money;
pub mod period;
pub mod readers;
pub mod rest;
pub mod sort;
pub mod store;
pub mod timestamp;
pub mod timezone;
pub mod vendors;

#[cfg(test)]
mod typegen;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, FieldErrors, Result};
pub use money::{Currency, Money};
pub use period::{Period, Zone};
pub use timezone::{TimeZone, ZoneRules};

/// The package version, as in Cargo.toml and package.json.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
