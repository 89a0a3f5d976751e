pub mod soracom;
