//! A table to take to a spreadsheet, written as CSV or as XLSX (with `rust_xlsxwriter`): Dutch column names,
//! dates as real spreadsheet dates, amounts as numbers with two decimals.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Workbook, XlsxError};
use termijn_domain::values::Euro;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Whole(i64),
    Date(NaiveDate),
    Amount(Euro),
}

impl From<Option<NaiveDate>> for Value {
    fn from(date: Option<NaiveDate>) -> Self {
        date.map_or(Self::Empty, Self::Date)
    }
}

impl From<Option<String>> for Value {
    fn from(text: Option<String>) -> Self {
        text.map_or(Self::Empty, Self::Text)
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

/// A table for a spreadsheet: one sheet, a header row and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name (at most 31 characters, as a spreadsheet allows).
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

/// How an export is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub const XLSX_MEDIA_TYPE: &'static str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => Self::XLSX_MEDIA_TYPE,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

impl Sheet {
    pub fn write(&self, format: FileFormat) -> Result<Vec<u8>, String> {
        match format {
            FileFormat::Csv => self.csv(),
            FileFormat::Xlsx => self.xlsx().map_err(|e| e.to_string()),
        }
    }

    /// CSV with a BOM (so a spreadsheet reads it as UTF-8), `;` between fields, dates as `YYYY-MM-DD` and
    /// amounts with a decimal point and two decimals.
    pub fn csv(&self) -> Result<Vec<u8>, String> {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(&self.headers).map_err(|e| e.to_string())?;
        for row in &self.rows {
            let fields = row.iter().map(|value| match value {
                Value::Empty => String::new(),
                Value::Text(text) => text.clone(),
                Value::Whole(n) => n.to_string(),
                Value::Date(date) => date.to_string(),
                Value::Amount(amount) => String::from(*amount),
            });
            writer.write_record(fields).map_err(|e| e.to_string())?;
        }
        writer.into_inner().map_err(|e| e.to_string())
    }

    /// An XLSX workbook with the header row bold and frozen, dates as dates (`jjjj-mm-dd`), amounts as numbers
    /// shown with two decimals, and the columns fitted to their contents.
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let name: String = self.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(name)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let amount = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
        let wrapped = rust_xlsxwriter::Format::new().set_text_wrap();
        for (c, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *header, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Empty => {}
                    Value::Text(text) if text.contains('\n') => {
                        sheet.write_string_with_format(r, c, text, &wrapped)?;
                    }
                    Value::Text(text) => {
                        sheet.write_string(r, c, text)?;
                    }
                    Value::Whole(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Value::Date(day) => {
                        let day = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)?;
                        sheet.write_datetime_with_format(r, c, &day, &date)?;
                    }
                    Value::Amount(euros) => {
                        let number = rust_decimal::prelude::ToPrimitive::to_f64(&euros.decimal()).unwrap_or(0.0);
                        sheet.write_number_with_format(r, c, number, &amount)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
        workbook.save_to_buffer()
    }
}
