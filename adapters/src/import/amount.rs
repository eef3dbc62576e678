//! Amounts as tables publish them: `€ 65.785.039`, `65.785.039,00`, `65785039.00`, `65,785,039.00`, or a
//! spreadsheet's number, in euros, thousands or millions of euros; always exact to the cent.

use std::str::FromStr;

use rust_decimal::Decimal;
use termijn_domain::values::Euro;

use super::table::Cell;

/// What one amount of the table counts in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Euros.
    #[default]
    Euro,
    /// Thousands of euros ("x € 1.000").
    Thousand,
    /// Millions of euros ("x € 1 mln").
    Million,
}

impl Unit {
    fn factor(self) -> Decimal {
        match self {
            Self::Euro => Decimal::ONE,
            Self::Thousand => Decimal::from(1_000),
            Self::Million => Decimal::from(1_000_000),
        }
    }
}

/// The amount in euros that a cell holds, counted in `unit`; why not, in words for the user.
///
/// Text: a euro sign, `EUR` and spaces are ignored. With both `.` and `,` the last of them separates the
/// cents and the other groups thousands; with one of them only, it groups thousands where it is followed by
/// exactly three digits (every time it occurs, or it occurs more than once), and else separates the decimals.
/// A spreadsheet's number is taken as the shortest decimal that reads back as the same number, and refused
/// where that is not a whole number of cents (a float that would have to be rounded).
pub fn published_amount(cell: &Cell, unit: Unit) -> Result<Euro, String> {
    let (decimal, float) = match cell {
        Cell::Empty => return Err("is empty".to_owned()),
        Cell::Error(error) => return Err(format!("holds the spreadsheet error {error}")),
        Cell::Number(value) if !value.is_finite() => return Err(format!("{value} is not an amount")),
        Cell::Number(value) => {
            (Decimal::from_str(&value.to_string()).map_err(|_| format!("{value} is too large"))?, true)
        }
        Cell::Text(text) => (decimal_of(text)?, false),
    };
    if decimal.is_sign_negative() && !decimal.is_zero() {
        return Err("is negative; a contracting space is never below zero".to_owned());
    }
    let euros = decimal.checked_mul(unit.factor()).ok_or_else(|| "is too large".to_owned())?;
    let cents = euros * Decimal::ONE_HUNDRED;
    if cents.fract() != Decimal::ZERO {
        return Err(if float {
            format!(
                "{} is not a whole number of cents (a rounded spreadsheet number); write it with two decimals",
                cell
            )
        } else {
            format!("{} has more than two decimals (cents)", cell)
        });
    }
    let cents = rust_decimal::prelude::ToPrimitive::to_i64(&cents).ok_or_else(|| "is too large".to_owned())?;
    Euro::from_cents(cents).map_err(|e| e.to_string())
}

/// The decimal a published amount writes, with its separators read as described at [`published_amount`].
fn decimal_of(text: &str) -> Result<Decimal, String> {
    let unreadable = || format!("{text:?} is not an amount (write e.g. 65785039.00 or € 65.785.039,00)");
    let cleaned: String = text
        .replace("EUR", "")
        .replace("eur", "")
        .chars()
        .filter(|c| !matches!(c, '€' | ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(unreadable());
    }
    let (last_dot, last_comma) = (body.rfind('.'), body.rfind(','));
    let decimal_separator = match (last_dot, last_comma) {
        (Some(dot), Some(comma)) => Some(if dot > comma { '.' } else { ',' }),
        (Some(_), None) => decimal_separator_if_single(body, '.'),
        (None, Some(_)) => decimal_separator_if_single(body, ','),
        (None, None) => None,
    };
    let (whole, fraction) = match decimal_separator {
        Some(separator) => body.rsplit_once(separator).ok_or_else(unreadable)?,
        None => (body, ""),
    };
    let grouping = if decimal_separator == Some('.') { ',' } else { '.' };
    let groups: Vec<&str> = whole.split(grouping).collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !grouped_well || !groups.iter().all(|g| digits(g)) || (decimal_separator.is_some() && !digits(fraction)) {
        return Err(unreadable());
    }
    let plain = if fraction.is_empty() { groups.concat() } else { format!("{}.{fraction}", groups.concat()) };
    let value = Decimal::from_str(&plain).map_err(|_| unreadable())?;
    Ok(if negative { -value } else { value })
}

/// With only one kind of separator in an amount: it groups thousands when it occurs more than once or is
/// followed by exactly three digits; else it separates the decimals.
fn decimal_separator_if_single(body: &str, separator: char) -> Option<char> {
    let parts: Vec<&str> = body.split(separator).collect();
    let grouping = parts.len() > 2 || parts.last().is_some_and(|last| last.len() == 3);
    (!grouping).then_some(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(text: &str) -> Result<String, String> {
        published_amount(&Cell::Text(text.to_owned()), Unit::Euro).map(String::from)
    }

    #[test]
    fn amounts_are_read_as_they_are_published() {
        for (text, expected) in [
            ("€ 65.785.039", "65785039.00"),
            ("65.785.039,00", "65785039.00"),
            ("65785039.00", "65785039.00"),
            ("65785039", "65785039.00"),
            ("65,785,039.50", "65785039.50"),
            ("EUR 1.234,5", "1234.50"),
            ("1.500", "1500.00"),
            ("12,5", "12.50"),
            ("€\u{a0}0", "0.00"),
        ] {
            assert_eq!(euros(text), Ok(expected.to_owned()), "{text}");
        }
    }

    #[test]
    fn what_is_not_an_amount_or_not_exact_to_the_cent_is_refused() {
        for text in ["", "abc", "1.2.3,4,5", "12,34.56.78", "1.23.456", "-5", "12.345,678", "1e6", "€"] {
            assert!(euros(text).is_err(), "{text} is refused");
        }
        let rounded = published_amount(&Cell::Number(0.1 + 0.2), Unit::Euro);
        assert!(rounded.is_err_and(|e| e.contains("whole number of cents")), "a float that needs rounding");
        assert_eq!(
            published_amount(&Cell::Number(65785039.12), Unit::Euro).map(String::from),
            Ok("65785039.12".to_owned())
        );
        assert_eq!(
            published_amount(&Cell::Number(65785.039), Unit::Thousand).map(String::from),
            Ok("65785039.00".to_owned())
        );
        assert_eq!(
            published_amount(&Cell::Text("65,8".to_owned()), Unit::Million).map(String::from),
            Ok("65800000.00".to_owned())
        );
    }
}
