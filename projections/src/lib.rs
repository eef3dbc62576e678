//! Read models of the register. Events become fact rows (`facts`); fact rows become the domain's region-year
//! facts, as recorded at any instant; the term engine judges them at any legal date; `views` shapes the result
//! the way the public API shows it. Nothing here does I/O: the store applies the fact changes and reads rows.
#![forbid(unsafe_code)]

pub mod difference;
pub mod event;
pub mod facts;
pub mod packed;
pub mod views;

pub use event::{RecordedEvent, RegisterEvent};
