//! A published file as a table of cells: CSV (`;`, `,` or tab; UTF-8 with or without BOM, or Windows-1252)
//! or a spreadsheet (XLSX, ODS, and the older XLS), read with `csv` and `calamine`.

use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet's number (integers included).
    Number(f64),
    /// A spreadsheet's error value, such as `#DIV/0!`.
    Error(String),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => Ok(()),
            Self::Text(text) => f.write_str(text),
            Self::Number(number) => write!(f, "{number}"),
            Self::Error(error) => f.write_str(error),
        }
    }
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// The cells of a file, by row, as the user sees them: `first_row` and `first_column` are the 1-based row and
/// column of the first cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub first_row: usize,
    pub first_column: usize,
    /// The sheet read, for a spreadsheet.
    pub sheet: Option<String>,
}

/// Why a file cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a spreadsheet that can be read: {0}")]
    Spreadsheet(String),
    #[error("the workbook has no sheet {wanted:?}; its sheets are {}", sheets.join(", "))]
    NoSuchSheet { wanted: String, sheets: Vec<String> },
    #[error("the file is not CSV that can be read: {0}")]
    Csv(String),
}

/// Reads a file as a table: a spreadsheet when it is one (by its first bytes: a ZIP for XLSX and ODS, an OLE
/// compound file for XLS), the sheet named `sheet` (case ignored) or else the first; CSV otherwise.
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<Table, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        spreadsheet(bytes, sheet)
    } else {
        csv(bytes)
    }
}

fn spreadsheet(bytes: &[u8], wanted: Option<&str>) -> Result<Table, TableError> {
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| TableError::Spreadsheet(e.to_string()))?;
    let sheets = workbook.sheet_names();
    let name = match wanted {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| TableError::NoSuchSheet { wanted: wanted.to_owned(), sheets: sheets.clone() })?,
        None => sheets.first().cloned().ok_or_else(|| TableError::Spreadsheet("it has no sheets".to_owned()))?,
    };
    let range = workbook.worksheet_range(&name).map_err(|e| TableError::Spreadsheet(e.to_string()))?;
    let (row, column) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .map(|cells| {
            cells
                .iter()
                .map(|cell| match cell {
                    Data::Empty => Cell::Empty,
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.trim().to_owned()),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) => Cell::Number(d.as_f64()),
                    Data::Error(e) => Cell::Error(e.to_string()),
                })
                .collect()
        })
        .collect();
    Ok(Table { rows, first_row: row as usize + 1, first_column: column as usize + 1, sheet: Some(name) })
}

/// The text of a CSV file: UTF-8 (its BOM dropped), or else Windows-1252, as Excel writes CSV on Dutch systems.
fn text_of(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The delimiter of a CSV text: of `;`, tab and `,` the one its first line holds most of, outside quotes (`;`
/// before `,` when they tie, as Dutch CSV writes decimal commas).
fn delimiter_of(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delimiters = [b';', b'\t', b','];
    let most = counts.iter().copied().max().unwrap_or(0);
    if most == 0 {
        return b';';
    }
    delimiters[counts.iter().position(|c| *c == most).unwrap_or(0)]
}

fn csv(bytes: &[u8]) -> Result<Table, TableError> {
    let text = text_of(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Csv(e.to_string()))?;
        rows.push(
            record
                .iter()
                .map(|field| {
                    let field = field.trim();
                    if field.is_empty() { Cell::Empty } else { Cell::Text(field.to_owned()) }
                })
                .collect(),
        );
    }
    if rows.is_empty() {
        return Err(TableError::Empty);
    }
    Ok(Table { rows, first_row: 1, first_column: 1, sheet: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_read_with_either_delimiter_and_either_encoding() {
        let semicolons = read("\u{feff}regio;jaar;bedrag\r\nGroningen;2015;\"65.785.039,00\"\r\n".as_bytes(), None);
        let semicolons = semicolons.expect("read");
        assert_eq!(
            semicolons.rows[1],
            vec![Cell::Text("Groningen".into()), Cell::Text("2015".into()), Cell::Text("65.785.039,00".into())]
        );
        let commas = read(b"regio,jaar,bedrag\nFriesland,2015,\"81,557,893.00\"\n", None).expect("read");
        assert_eq!(commas.rows[1][2], Cell::Text("81,557,893.00".into()));
        // "Fryslân" in Windows-1252: â is 0xE2.
        let legacy = read(b"regio;jaar;bedrag\nFrysl\xE2n;2015;1\n", None).expect("read");
        assert_eq!(legacy.rows[1][0], Cell::Text("Fryslân".into()));
    }
}
