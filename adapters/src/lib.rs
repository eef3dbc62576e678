//! The outside world of termijn: event stores, the register service, the HTTP API and the command line.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod register;
pub mod store;
pub mod telemetry;
