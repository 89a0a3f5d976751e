//! Arrow's own operations on the engine: statements (billing syncs) and the calls that read Arrow directly.

mod consumption;
mod statements;
mod vendor;
