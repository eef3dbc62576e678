//! The register's legal vocabulary in one place: what is recorded (`record`) and how a region-year is judged
//! (`assessment`), for the crates that use both.

pub use crate::assessment::*;
pub use crate::record::*;
