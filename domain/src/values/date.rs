use chrono::NaiveDate;

use super::ValueError;
use crate::aggregates::date_in_range;

/// A legal date written `YYYY-MM-DD` (exactly ten characters), that exists in the calendar and lies between
/// 1990 and 2200.
pub fn parse_legal_date(input: &str) -> Result<NaiveDate, ValueError> {
    let well_formed = input.len() == 10
        && input.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let date = well_formed
        .then(|| NaiveDate::parse_from_str(input, "%Y-%m-%d").ok())
        .flatten()
        .ok_or(ValueError::DateFormat)?;
    if date_in_range(date) { Ok(date) } else { Err(ValueError::DateOutOfRange) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legal_date_is_written_with_four_two_and_two_digits() {
        assert_eq!(parse_legal_date("2026-02-16"), Ok(NaiveDate::from_ymd_opt(2026, 2, 16).unwrap()));
        for bad in ["2026-2-16", "2026-02-30", "16-02-2026", "2026/02/16", "+2026-02-1", "2026-02-16T00:00"] {
            assert_eq!(parse_legal_date(bad), Err(ValueError::DateFormat), "{bad}");
        }
        assert_eq!(parse_legal_date("1989-12-31"), Err(ValueError::DateOutOfRange));
    }
}
