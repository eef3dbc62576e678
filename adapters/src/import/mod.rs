//! Imports the NZa's publications of the contracting spaces as they are published (a table per region and
//! year, in CSV or a spreadsheet), and writes the exports legal staff and auditors take to a spreadsheet.
//! Reading a file judges nothing: its lines become one contracting-space decision, previewed and recorded
//! through the same command path as the API's.

pub mod amount;
pub mod export;
pub mod reading;
pub mod table;

pub use amount::Unit;
pub use reading::{FileLine, Layout, Problem, Reading, read_lines};
pub use table::{Cell, Table, TableError};
