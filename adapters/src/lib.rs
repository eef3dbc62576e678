//! The outside world of termijn: event stores, the register service, the HTTP API and the command line.
#![forbid(unsafe_code)]

pub mod register;
pub mod store;
