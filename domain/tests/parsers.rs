//! The parsers of every value that arrives from outside, over arbitrary input: they never panic, accept exactly
//! what they document, and what they accept is written back the same way.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug, parse_legal_date};

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_parser_panics_on_any_string(input in any::<String>()) {
        let _ = Euro::parse(&input);
        let _ = AgbCode::parse(&input);
        let _ = RegionSlug::parse(&input);
        let _ = DecisionId::parse(&input);
        let _ = AppealId::parse(&input);
        let _ = parse_legal_date(&input);
    }

    #[test]
    fn an_accepted_amount_has_at_most_two_decimals_and_reads_back_equal(input in "[0-9]{1,13}(\\.[0-9]{1,3})?|-?[0-9.e+]{1,8}") {
        if let Ok(amount) = Euro::parse(&input) {
            let written = amount.to_string();
            prop_assert_eq!(written.split('.').nth(1).map(str::len), Some(2));
            prop_assert_eq!(Euro::parse(&written), Ok(amount));
            prop_assert!(!input.starts_with('-'));
            prop_assert!(input.split('.').nth(1).is_none_or(|f| f.len() <= 2));
        }
    }

    #[test]
    fn every_amount_in_cents_is_written_exactly(cents in 0i64..10_000_000_000_000) {
        let amount = Euro::from_cents(cents).unwrap();
        prop_assert_eq!(amount.to_string(), format!("{}.{:02}", cents / 100, cents % 100));
    }

    #[test]
    fn every_date_from_1990_to_2200_reads_back_from_its_iso_form(offset in 0u64..77_000) {
        let date = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Days::new(offset);
        prop_assume!(date.year() <= 2200);
        prop_assert_eq!(parse_legal_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
    }

    #[test]
    fn an_accepted_id_keeps_its_spelling(input in "\\PC{1,120}") {
        if let Ok(id) = AppealId::parse(&input) {
            prop_assert_eq!(id.as_str(), input.as_str());
            prop_assert!(input.chars().count() <= 100);
            prop_assert_eq!(input.trim(), input.as_str());
        }
    }

    #[test]
    fn an_accepted_region_slug_is_lowercase_words_joined_by_hyphens(input in "[a-z0-9-]{0,70}|[A-Za-z -]{1,10}") {
        if let Ok(slug) = RegionSlug::parse(&input) {
            prop_assert!(!slug.as_str().starts_with('-') && !slug.as_str().ends_with('-'));
            prop_assert!(!slug.as_str().contains("--"));
            prop_assert!(slug.as_str().len() <= 64);
        }
    }
}
