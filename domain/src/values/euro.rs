use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ValueError;

/// An amount in euros, exact to the cent, never negative. Written with two decimals: `"1234567.89"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Euro(Decimal);

/// The largest amount accepted: a hundred billion euros, well above any national Wlz framework.
const MAX_EUROS: i64 = 100_000_000_000;

impl Euro {
    /// Parses `digits[.d[d]]`: no sign, no exponent, no thousands separator, at most two decimals.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let (negative, body) = match input.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, input),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let well_formed = !whole.is_empty()
            && digits_only(whole)
            && digits_only(fraction)
            && fraction.len() <= 2
            && body.contains('.') != fraction.is_empty();
        if !well_formed {
            return Err(ValueError::AmountFormat);
        }
        if negative {
            return Err(ValueError::AmountNegative);
        }
        if whole.trim_start_matches('0').len() > 12 {
            return Err(ValueError::AmountTooLarge);
        }
        let value = Decimal::from_str(body).map_err(|_| ValueError::AmountFormat)?;
        if value > Decimal::from(MAX_EUROS) {
            return Err(ValueError::AmountTooLarge);
        }
        Ok(Self(value))
    }

    pub fn from_cents(cents: i64) -> Result<Self, ValueError> {
        if cents < 0 {
            return Err(ValueError::AmountNegative);
        }
        let value = Decimal::new(cents, 2);
        if value > Decimal::from(MAX_EUROS) {
            return Err(ValueError::AmountTooLarge);
        }
        Ok(Self(value))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }
}

impl TryFrom<String> for Euro {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Euro> for String {
    fn from(value: Euro) -> Self {
        value.to_string()
    }
}

impl fmt::Display for Euro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = self.0;
        v.rescale(2);
        write!(f, "{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_is_written_with_exactly_two_decimals() {
        assert_eq!(Euro::parse("812345000.00").unwrap().to_string(), "812345000.00");
        assert_eq!(Euro::parse("812345000").unwrap().to_string(), "812345000.00");
        assert_eq!(Euro::parse("0.5").unwrap().to_string(), "0.50");
        assert_eq!(Euro::from_cents(123).unwrap().to_string(), "1.23");
    }

    #[test]
    fn an_amount_that_is_not_a_plain_decimal_is_refused() {
        for bad in ["", ".5", "5.", "1.234", "1e6", "+5", "1,00", " 1.00", "NaN", "0x10", "1.2.3"] {
            assert_eq!(Euro::parse(bad), Err(ValueError::AmountFormat), "{bad:?}");
        }
        assert_eq!(Euro::parse("-1.00"), Err(ValueError::AmountNegative));
        assert_eq!(Euro::parse("100000000000.01"), Err(ValueError::AmountTooLarge));
        assert_eq!(Euro::parse("99999999999999999999999999999999"), Err(ValueError::AmountTooLarge));
    }

    #[test]
    fn amounts_add_up_exactly_to_the_cent() {
        let sum = Euro::parse("0.10").unwrap().decimal() + Euro::parse("0.20").unwrap().decimal();
        assert_eq!(sum, Euro::parse("0.30").unwrap().decimal());
    }
}
