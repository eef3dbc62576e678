//! A table read as the lines of a contracting-space decision: where its header is, which layout it has, which
//! region, year and amount each cell gives, and every problem at once, by row and column.

use std::collections::HashMap;

use serde::Serialize;
use termijn_domain::aggregates::YEARS;
use termijn_domain::reference::{RegionError, RegionRegistry};
use termijn_domain::values::{Euro, RegionSlug};
use utoipa::ToSchema;

use super::amount::{Unit, published_amount};
use super::table::{Cell, Table};

/// One region-year line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLine {
    /// The row of the file (1-based, as a spreadsheet numbers it).
    pub row: usize,
    pub region: RegionSlug,
    pub year: i32,
    pub amount: Euro,
}

/// Something the file says that cannot be read as a line, where it says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// The row of the file (1-based); 0 for the file as a whole.
    pub row: usize,
    /// The column: its header as the file writes it, or its letter where it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

/// How the file lays out its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// A region, a year and an amount on every row.
    Long,
    /// A region on every row, and a column per year.
    Wide,
}

/// What a table says, read: its lines and its problems.
#[derive(Debug, Clone)]
pub struct Reading {
    pub layout: Option<Layout>,
    pub lines: Vec<FileLine>,
    pub problems: Vec<Problem>,
    /// The years whose totals the file states and that add up.
    pub totals_checked: Vec<i32>,
}

/// The spreadsheet letter of a 1-based column: 1 is A, 27 is AA.
pub fn column_letter(mut column: usize) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let rest = (column - 1) % 26;
        letters.push(char::from(b'A' + rest as u8));
        column = (column - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A header folded for comparison: lower case, without spaces, underscores, hyphens, dots or quote marks.
fn folded(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ë' => 'e',
            other => other,
        })
        .collect()
}

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Region,
    Year,
    Amount,
    /// The column of one year, in the wide layout.
    OfYear(i32),
}

/// A whole number that is a year the register holds.
fn register_year(n: f64) -> Option<i32> {
    (n.fract() == 0.0 && (f64::from(*YEARS.start())..=f64::from(*YEARS.end())).contains(&n)).then_some(n as i32)
}

/// The headers this importer knows, in Dutch and English, folded: a region's name or code, the year, the amount.
fn header_of(cell: &Cell) -> Option<Header> {
    match cell {
        Cell::Number(n) => register_year(*n).map(Header::OfYear),
        Cell::Text(text) => {
            let header = folded(text);
            if let Some(n) = header.parse::<f64>().ok().and_then(register_year) {
                return Some(Header::OfYear(n));
            }
            let is = |names: &[&str]| names.contains(&header.as_str());
            if is(&[
                "regio",
                "zorgkantoorregio",
                "zorgkantoorregios",
                "region",
                "zorgkantoor",
                "regionaam",
                "naamregio",
                "naam",
                "name",
                "zorgkantoorregionaam",
                "cbscode",
                "cbsnaam",
                "iwlzcode",
                "regiocode",
            ]) {
                Some(Header::Region)
            } else if is(&["jaar", "year", "kalenderjaar", "boekjaar"]) {
                Some(Header::Year)
            } else if header.starts_with("bedrag")
                || header.starts_with("contracteerruimte")
                || header.starts_with("amount")
                || header.contains("budget")
                || is(&["ruimte", "totaal", "euro", "waarde", "value"])
            {
                Some(Header::Amount)
            } else {
                // "Contracteerruimte 2027", "Jaar 2027": a year column too.
                let digits: String = header.chars().skip_while(|c| !c.is_ascii_digit()).collect();
                (digits.len() == 4)
                    .then(|| digits.parse::<f64>().ok().and_then(register_year))
                    .flatten()
                    .map(Header::OfYear)
            }
        }
        _ => None,
    }
}

/// Where the header is and what each of its columns names.
struct HeaderRow {
    index: usize,
    region: usize,
    layout: Layout,
    year: Option<usize>,
    amount: Option<usize>,
    years: Vec<(usize, i32)>,
}

/// The first of the first 30 rows with a region column and either a year and an amount column (long) or year
/// columns (wide).
fn header_row(table: &Table) -> Option<HeaderRow> {
    table.rows.iter().take(30).enumerate().find_map(|(index, cells)| {
        let headers: Vec<(usize, Header)> =
            cells.iter().enumerate().filter_map(|(c, cell)| header_of(cell).map(|h| (c, h))).collect();
        let first = |wanted: Header| headers.iter().find(|(_, h)| *h == wanted).map(|(c, _)| *c);
        let region = first(Header::Region)?;
        let years: Vec<(usize, i32)> =
            headers.iter().filter_map(|(c, h)| if let Header::OfYear(y) = h { Some((*c, *y)) } else { None }).collect();
        match (first(Header::Year), first(Header::Amount)) {
            (Some(year), Some(amount)) => {
                Some(HeaderRow { index, region, layout: Layout::Long, year: Some(year), amount: Some(amount), years })
            }
            _ if !years.is_empty() => {
                Some(HeaderRow { index, region, layout: Layout::Wide, year: None, amount: None, years })
            }
            _ => None,
        }
    })
}

/// Whether a region cell names the total of the table rather than a region.
fn is_total(text: &str) -> bool {
    matches!(
        folded(text).as_str(),
        "totaal" | "total" | "nederland" | "landelijk" | "totaalnederland" | "landelijktotaal" | "som"
    )
}

/// The year a cell of the year column gives.
fn year_of(cell: &Cell) -> Result<i32, String> {
    let number = match cell {
        Cell::Number(n) => Some(*n),
        Cell::Text(t) => t.trim().parse::<f64>().ok(),
        _ => None,
    };
    number.and_then(register_year).ok_or_else(|| format!("{:?} is not a year", cell.to_string()))
}

/// Reads every line of `table`, with every problem at once. Regions are matched as `RegionRegistry::find`
/// matches published names and codes, each in the year of its line.
pub fn read_lines(table: &Table, regions: &RegionRegistry, unit: Unit) -> Reading {
    let mut reading = Reading { layout: None, lines: Vec::new(), problems: Vec::new(), totals_checked: Vec::new() };
    let Some(header) = header_row(table) else {
        reading.problems.push(Problem {
            row: table.first_row,
            column: None,
            message: "no header row: name a region column (regio, zorgkantoorregio, region) and either a year and \
                      an amount column (jaar, bedrag) or one column per year (2026, 2027, ...)"
                .to_owned(),
        });
        return reading;
    };
    reading.layout = Some(header.layout);
    let header_cells = &table.rows[header.index];
    let column_name = |c: usize| match header_cells.get(c) {
        Some(cell) if !cell.is_empty() => cell.to_string(),
        _ => column_letter(table.first_column + c),
    };
    let mut seen: HashMap<(RegionSlug, i32), usize> = HashMap::new();
    let mut totals: Vec<(usize, usize, i32, Euro)> = Vec::new();
    for (offset, cells) in table.rows.iter().enumerate().skip(header.index + 1) {
        let row = table.first_row + offset;
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |c: usize| cells.get(c).cloned().unwrap_or(Cell::Empty);
        let region_text = cell(header.region).to_string();
        let mut problem = |column: usize, message: String| {
            reading.problems.push(Problem { row, column: Some(column_name(column)), message });
        };
        // The cells of this row that hold an amount: one for the long layout, one per year for the wide.
        let amounts: Vec<(usize, Result<i32, String>)> = match header.layout {
            Layout::Long => vec![(header.amount.expect("long"), year_of(&cell(header.year.expect("long"))))],
            Layout::Wide => {
                header.years.iter().filter(|(c, _)| !cell(*c).is_empty()).map(|(c, y)| (*c, Ok(*y))).collect()
            }
        };
        if region_text.trim().is_empty() {
            problem(header.region, "names no region".to_owned());
            continue;
        }
        let total = is_total(&region_text);
        let mut said = std::collections::HashSet::new();
        for (amount_column, year) in amounts {
            let year = match year {
                Ok(year) => year,
                Err(message) => {
                    problem(header.year.expect("long"), message);
                    continue;
                }
            };
            let amount = published_amount(&cell(amount_column), unit);
            if total {
                match amount {
                    Ok(amount) => totals.push((row, amount_column, year, amount)),
                    Err(message) => problem(amount_column, format!("the total {message}")),
                }
                continue;
            }
            let region = match regions.find(&region_text, year) {
                Ok(region) => Some(region.slug.clone()),
                Err(error) => {
                    // Said once for the row, though the wide layout asks once for each year.
                    let message = region_problem(&region_text, &error);
                    if said.insert(message.clone()) {
                        problem(header.region, message);
                    }
                    None
                }
            };
            let amount = match amount {
                Ok(amount) => Some(amount),
                Err(message) => {
                    problem(amount_column, format!("the amount {message}"));
                    None
                }
            };
            let Some(region) = region else { continue };
            if let Some(first) = seen.get(&(region.clone(), year)) {
                problem(header.region, format!("{} {year} is on row {first} already", regions.name_of(&region)));
                continue;
            }
            seen.insert((region.clone(), year), row);
            if let Some(amount) = amount {
                reading.lines.push(FileLine { row, region, year, amount });
            }
        }
    }
    for (row, column, year, stated) in totals {
        let sum: rust_decimal::Decimal =
            reading.lines.iter().filter(|l| l.year == year).map(|l| l.amount.decimal()).sum();
        if sum == stated.decimal() {
            reading.totals_checked.push(year);
        } else {
            reading.problems.push(Problem {
                row,
                column: Some(column_name(column)),
                message: format!("the lines of {year} add up to {sum:.2}, the total says {}", String::from(stated)),
            });
        }
    }
    reading.problems.sort_by_key(|p| p.row);
    reading
}

/// What is wrong with a region cell, in the words of the register: the text, the year it did not exist in, the
/// nearest name.
fn region_problem(text: &str, error: &RegionError) -> String {
    match error {
        RegionError::NotInYear { year } => format!("{text:?} was not a care-office region in {year}"),
        RegionError::CodeNotInYear { year } => format!("{text:?} was not the iWlz code of a region in {year}"),
        RegionError::NoMatch { suggestion: Some(s) } => {
            format!("{text:?} is not a known care-office region; did you mean {}?", s.name)
        }
        RegionError::NoMatch { suggestion: None } | RegionError::Unknown => {
            format!("{text:?} is not a known care-office region")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
    }

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            rows: rows.iter().map(|r| r.iter().map(|c| text(c)).collect()).collect(),
            first_row: 1,
            first_column: 1,
            sheet: None,
        }
    }

    fn regions() -> RegionRegistry {
        termijn_domain::reference::LegalContext::shipped().expect("shipped data").regions
    }

    #[test]
    fn the_wide_layout_with_codes_names_and_a_checked_total() {
        let t = table(&[
            &["Contracteerruimte Wlz", "", ""],
            &["Zorgkantoorregio", "2026", "2027"],
            &["ZK09", "€ 1.000,00", "1.100"],
            &["Friesland", "2.000", ""],
            &["Totaal", "3.000", "1.100"],
        ]);
        let reading = read_lines(&t, &regions(), Unit::Euro);
        assert_eq!(reading.problems, vec![]);
        assert_eq!(reading.layout, Some(Layout::Wide));
        let lines: Vec<(usize, &str, i32, String)> =
            reading.lines.iter().map(|l| (l.row, l.region.as_str(), l.year, String::from(l.amount))).collect();
        assert_eq!(
            lines,
            vec![
                (3, "groningen", 2026, "1000.00".to_owned()),
                (3, "groningen", 2027, "1100.00".to_owned()),
                (4, "friesland", 2026, "2000.00".to_owned())
            ]
        );
        assert_eq!(reading.totals_checked, vec![2026, 2027]);
    }

    #[test]
    fn every_bad_row_is_named_at_once() {
        let t = table(&[
            &["Regio", "Jaar", "Bedrag"],
            &["Groningn", "2026", "1"],
            &["Groningen", "2026", "1"],
            &["groningen", "2026", "2"],
            &["Drenthe", "twintig", "1"],
            &["Friesland", "2026", "een miljoen"],
            &["Totaal", "2026", "5"],
        ]);
        let reading = read_lines(&t, &regions(), Unit::Euro);
        let found: Vec<(usize, Option<&str>)> = reading.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
        assert_eq!(
            found,
            vec![(2, Some("Regio")), (4, Some("Regio")), (5, Some("Jaar")), (6, Some("Bedrag")), (7, Some("Bedrag"))],
            "{:#?}",
            reading.problems
        );
        assert!(reading.problems[0].message.contains("did you mean Groningen"), "{}", reading.problems[0].message);
        assert!(reading.problems[1].message.contains("row 3"), "{}", reading.problems[1].message);
    }
}
