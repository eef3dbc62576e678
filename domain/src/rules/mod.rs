//! The legal rules of DOMAIN.md, one function per rule, each named after what it decides, citing its article,
//! and writing its explanation step (or the negative step: why it did not apply) where it decides.

pub mod annulment;
pub mod art105_lid2;
pub mod art105_lid3;
pub mod art6_19;
pub mod commencement;
pub mod finality;
pub mod forwarding;
pub mod legal_order;
pub mod objection;
pub mod residual;
pub mod sluittarief;
