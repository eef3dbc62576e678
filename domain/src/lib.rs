//! The legal core of termijn: value types, the Algemene termijnenwet calendar and the art. 105 Wmg term
//! rules (R1-R12 of the domain description), as pure functions of their inputs. No I/O happens here.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod dutch;
pub mod explanation;
pub mod reference;
pub mod values;
pub mod versions;

pub use explanation::Explanation;
pub mod aggregates;
pub mod assessment;
pub mod filing;
#[cfg(feature = "openapi")]
mod openapi;
pub mod record;
pub mod register;
pub mod rules;
pub mod terms;
