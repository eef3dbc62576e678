//! The outside world of termijn: event stores, the service, the HTTP API, start-up and the command line.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod cli;
pub mod configuration;
pub mod demo;
pub mod http;
pub mod import;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
