//! The reference data as shipped: the register of care-office regions (DOMAIN.md, "Zorgkantoorregio", and item
//! 11 of the evaluation order) and the decrees of equated days under art. 3 lid 3 Atw (R6, item 8).

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use termijn_domain::Explanation;
use termijn_domain::calendar::{AtwCalendar, NonWorkingReason};
use termijn_domain::reference::{LegalContext, Region, RegionError, RegionRegistry, RegionSuggestion};
use termijn_domain::values::RegionSlug;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn slug(s: &str) -> RegionSlug {
    RegionSlug::parse(s).unwrap()
}

static SHIPPED: LazyLock<LegalContext> = LazyLock::new(|| LegalContext::shipped().expect("the shipped data is valid"));

fn regions() -> RegionRegistry {
    SHIPPED.regions.clone()
}

fn calendar() -> &'static AtwCalendar {
    &SHIPPED.calendar
}

fn found(registry: &RegionRegistry, text: &str, year: i32) -> String {
    match registry.find(text, year) {
        Ok(region) => region.slug.to_string(),
        Err(error) => panic!("{text:?} in {year}: {error}"),
    }
}

/// The explanation of the art. 1 Atw extension of `nominal_last_day`.
fn explained(nominal_last_day: NaiveDate) -> Vec<String> {
    let mut explanation = Explanation::new();
    calendar().extend(nominal_last_day).explain(&mut explanation);
    explanation.steps().to_vec()
}

// ---- Regions ----

#[test]
fn there_are_32_regions_in_2015_33_in_2016_to_2019_and_31_from_2020() {
    // Given the shipped regions
    let registry = regions();
    // When they are counted per year
    let count = |year| registry.in_year(year).count();
    // Then the Blz list of 2015 has 32, the intended overlap of 2016-2019 has 33, and from 2020 there are 31
    assert_eq!(count(2015), 32);
    for year in 2016..=2019 {
        assert_eq!(count(year), 33, "{year}");
    }
    for year in [2020, 2025, 2030] {
        assert_eq!(count(year), 31, "{year}");
    }
}

#[test]
fn there_are_31_regions_in_2024() {
    assert_eq!(regions().in_year(2024).count(), 31, "the MvT's \"de 31 zorgkantoorregio's\"");
}

#[test]
fn every_slug_of_the_2015_list_is_still_the_address_of_its_region() {
    // Given the 32 slugs that the register has used since the list of 2015
    let slugs = [
        "groningen",
        "friesland",
        "drenthe",
        "zwolle",
        "twente",
        "apeldoorn-zutphen-en-omstreken",
        "arnhem",
        "nijmegen",
        "utrecht",
        "flevoland",
        "t-gooi",
        "noord-holland-noord",
        "kennemerland",
        "zaanstreek-waterland",
        "amsterdam",
        "amstelland-en-de-meerlanden",
        "zuid-holland-noord",
        "haaglanden",
        "delft-westland-oostland",
        "midden-holland",
        "rotterdam",
        "nieuwe-waterweg-noord",
        "zuid-hollandse-eilanden",
        "waardenland",
        "zeeland",
        "west-brabant",
        "midden-brabant",
        "noordoost-brabant",
        "zuidoost-brabant",
        "noord-en-midden-limburg",
        "zuid-limburg",
        "midden-ijssel",
    ];
    let registry = regions();
    // Then each still names a region that existed in 2015
    for s in slugs {
        assert!(registry.for_year(&slug(s), 2015).is_ok(), "{s}");
    }
    assert_eq!(registry.in_year(2015).count(), slugs.len());
}

#[test]
fn every_region_has_its_cbs_code_its_iwlz_codes_and_a_source() {
    let registry = regions();
    let mut cbs: Vec<String> =
        registry.all().iter().filter_map(|r| r.cbs_code.as_ref()).map(|c| c.to_string()).collect();
    cbs.sort();
    let expected: Vec<String> = (1..=33).map(|n| format!("ZK{n:02}")).collect();
    assert_eq!(cbs, expected, "ZK01-ZK33, each once");
    for region in registry.all() {
        assert!(!region.source.is_empty(), "{}", region.slug);
        if region.slug.as_str() != "westland-schieland-delfland" {
            assert!(!region.iwlz_codes.is_empty(), "{} has an iWlz code", region.slug);
        }
    }
    let mut iwlz: Vec<String> = registry.all().iter().flat_map(|r| &r.iwlz_codes).map(|c| c.code.to_string()).collect();
    iwlz.sort();
    let expected: Vec<String> = (5501..=5533).map(|n| n.to_string()).collect();
    assert_eq!(iwlz, expected, "COD001 5501-5533, each once");
}

#[test]
fn friesland_has_iwlz_code_5502_and_from_2020_also_5533() {
    // Given the shipped regions
    let registry = regions();
    let friesland = registry.get(&slug("friesland")).unwrap();
    // Then Friesland lists both codes, the second from 1 January 2020
    let codes: Vec<(&str, Option<NaiveDate>)> =
        friesland.iwlz_codes.iter().map(|c| (c.code.as_str(), c.valid_from)).collect();
    assert_eq!(codes, [("5502", None), ("5533", Some(d(2020, 1, 1)))]);
    // When a code is looked up in a year
    // Then 5502 names Friesland in every year, 5533 only from 2020
    assert_eq!(found(&registry, "5502", 2018), "friesland");
    assert_eq!(found(&registry, "5533", 2024), "friesland");
    assert_eq!(registry.find("5533", 2019), Err(RegionError::CodeNotInYear { year: 2019 }));
}

#[test]
fn a_region_is_found_by_its_published_alias_regardless_of_case_accents_and_quotes() {
    // Given the shipped regions
    let registry = regions();
    // When a region is looked up as it is published, in any of its spellings
    let cases = [
        ("Stedendriehoek", "apeldoorn-zutphen-en-omstreken"),
        ("STEDENDRIËHOEK", "apeldoorn-zutphen-en-omstreken"),
        ("Apeldoorn/Zutphen", "apeldoorn-zutphen-en-omstreken"),
        ("Apeldoorn,  Zutphen, en omstreken", "apeldoorn-zutphen-en-omstreken"),
        ("Noord-Limburg", "noord-en-midden-limburg"),
        ("noord- en midden-limburg", "noord-en-midden-limburg"),
        ("Amstelland/Meerlanden", "amstelland-en-de-meerlanden"),
        ("Amstelland en De Meerlanden", "amstelland-en-de-meerlanden"),
        ("Zuid Oost-Brabant", "zuidoost-brabant"),
        ("Zuidoost-Brabant", "zuidoost-brabant"),
        ("zuidoost brabant", "zuidoost-brabant"),
        ("Noordoost-Brabant", "noordoost-brabant"),
        ("'t Gooi", "t-gooi"),
        ("’t Gooi", "t-gooi"),
        ("´t gooi", "t-gooi"),
        ("`T GOOI", "t-gooi"),
        ("t Gooi", "t-gooi"),
        ("Midden-IJssel", "midden-ijssel"),
        ("midden ĳssel", "midden-ijssel"),
        ("Mídden IJssel", "midden-ijssel"),
        ("Noord–Holland Noord", "noord-holland-noord"),
        ("  Noord-Holland   Noord ", "noord-holland-noord"),
        ("Zaanstreek / Waterland", "zaanstreek-waterland"),
        ("Westland/Schieland/Delfland", "westland-schieland-delfland"),
        ("Delft/Westland/Oostland", "delft-westland-oostland"),
    ];
    // Then each names its region
    for (text, expected) in cases {
        let year = if expected == "delft-westland-oostland" { 2018 } else { 2024 };
        assert_eq!(found(&registry, text, year), expected, "{text:?}");
    }
}

#[test]
fn a_region_is_found_by_its_slug_name_cbs_code_in_any_case_or_iwlz_code() {
    let registry = regions();
    for text in ["groningen", "Groningen", "ZK09", "zk09", "Zk09", "5501"] {
        assert_eq!(found(&registry, text, 2026), "groningen", "{text:?}");
    }
    assert_eq!(found(&registry, "zk33", 2024), "westland-schieland-delfland");
    assert_eq!(found(&registry, "5522", 2019), "nieuwe-waterweg-noord");
}

#[test]
fn a_region_named_for_a_year_in_which_it_did_not_exist_is_refused_with_that_year() {
    let registry = regions();
    assert_eq!(registry.find("Groningen", 2014), Err(RegionError::NotInYear { year: 2014 }));
    assert_eq!(registry.find("5522", 2020), Err(RegionError::NotInYear { year: 2020 }));
    assert_eq!(registry.find("ZK15", 2020), Err(RegionError::NotInYear { year: 2020 }));
}

#[test]
fn westland_schieland_delfland_exists_from_2016_and_the_two_old_regions_until_2019() {
    // Given the shipped regions
    let registry = regions();
    let merged = registry.get(&slug("westland-schieland-delfland")).expect("the merged region is listed");
    // Then the merged region has CBS code ZK33, no known iWlz code, and exists from 1 January 2016
    assert_eq!(merged.name, "Westland Schieland Delfland");
    assert_eq!(merged.cbs_code.as_ref().map(|c| c.as_str()), Some("ZK33"));
    assert!(merged.iwlz_codes.is_empty());
    assert_eq!((merged.valid_from, merged.valid_until), (d(2016, 1, 1), None));
    assert!(merged.source.contains("CBS-indeling zorgkantoorregio's 2016"), "{}", merged.source);
    // And the two old regions end on 31 December 2019
    for old in ["delft-westland-oostland", "nieuwe-waterweg-noord"] {
        let region = registry.get(&slug(old)).unwrap();
        assert_eq!(region.valid_until, Some(d(2019, 12, 31)), "{old}");
        assert!(registry.for_year(&region.slug, 2019).is_ok(), "{old}");
        assert_eq!(registry.for_year(&region.slug, 2020), Err(RegionError::NotInYear { year: 2020 }), "{old}");
    }
    let nieuwe_waterweg = registry.get(&slug("nieuwe-waterweg-noord")).unwrap();
    assert!(nieuwe_waterweg.source.contains("COD001: 5522, vervallen per 2020-01-01"), "{}", nieuwe_waterweg.source);
    // And all three are marked as an assumption whose note says the overlap is intended
    for s in ["westland-schieland-delfland", "delft-westland-oostland", "nieuwe-waterweg-noord"] {
        let region = registry.get(&slug(s)).unwrap();
        assert!(region.assumption, "{s}");
        let note = region.note.as_deref().unwrap_or_default();
        assert!(note.contains("aanname") && note.contains("2016-2019") && note.contains("bedoeld"), "{s}: {note}");
    }
    // When the merged region is looked up before 2016
    // Then it did not exist yet
    assert_eq!(registry.find("Westland Schieland Delfland", 2015), Err(RegionError::NotInYear { year: 2015 }));
    assert_eq!(found(&registry, "Westland Schieland Delfland", 2016), "westland-schieland-delfland");
}

#[test]
fn only_the_three_regions_of_the_merger_are_marked_as_an_assumption() {
    let registry = regions();
    let assumed: Vec<&str> = registry.all().iter().filter(|r| r.assumption).map(|r| r.slug.as_str()).collect();
    assert_eq!(assumed, ["delft-westland-oostland", "nieuwe-waterweg-noord", "westland-schieland-delfland"]);
}

#[test]
fn an_unknown_region_name_suggests_the_nearest_known_one() {
    // Given the shipped regions
    let registry = regions();
    // When a misspelt name is looked up
    let misspelt = registry.find("Stedendrihoek", 2026);
    // Then nothing matches, and the nearest published name is suggested with its region
    let suggestion =
        RegionSuggestion { name: "Stedendriehoek".to_owned(), slug: slug("apeldoorn-zutphen-en-omstreken") };
    assert_eq!(misspelt, Err(RegionError::NoMatch { suggestion: Some(suggestion) }));
    assert_eq!(
        misspelt.unwrap_err().to_string(),
        "is not a known care-office region; did you mean \"Stedendriehoek\" (apeldoorn-zutphen-en-omstreken)?"
    );
    let nearest = |text: &str| match registry.find(text, 2026) {
        Err(RegionError::NoMatch { suggestion }) => suggestion.map(|s| s.name),
        other => panic!("{text:?}: {other:?}"),
    };
    assert_eq!(nearest("Groninge").as_deref(), Some("Groningen"));
    assert_eq!(nearest("Noordholland-Noord").as_deref(), Some("Noord-Holland Noord"));
    assert_eq!(nearest("zuid-oost brabnt").as_deref(), Some("Zuid Oost-Brabant"));
    // And a text far from every name suggests nothing
    assert_eq!(nearest("Atlantis"), None);
    assert_eq!(nearest(""), None);
    assert_eq!(nearest("ZK34"), None, "codes are not suggested");
}

#[test]
fn a_suggestion_prefers_a_region_of_the_year_asked() {
    // Given two regions whose names differ by one letter, one ended in 2019 and one from 2020
    let registry = RegionRegistry::new(vec![
        Region::new(slug("oostland"), "Oostland", d(2015, 1, 1), Some(d(2019, 12, 31)), "test"),
        Region::new(slug("westland"), "Westland", d(2020, 1, 1), None, "test"),
    ])
    .unwrap();
    let nearest = |text: &str| match registry.find(text, 2024) {
        Err(RegionError::NoMatch { suggestion }) => suggestion.map(|s| s.slug.to_string()),
        other => panic!("{text:?}: {other:?}"),
    };
    // When a text two edits from both is looked up for 2024
    // Then the region of 2024 is suggested
    assert_eq!(nearest("Xstland").as_deref(), Some("westland"));
    // But a region of another year that is nearer wins: "Ostland" is one edit from Oostland, two from Westland
    assert_eq!(nearest("Ostland").as_deref(), Some("oostland"));
}

#[test]
fn two_regions_existing_on_the_same_day_may_not_share_a_name_alias_or_code() {
    let file = |second: &str| {
        format!(
            r#"
            [[region]]
            slug = "noord"
            name = "Noord"
            cbs_code = "ZK01"
            iwlz_codes = [{{ code = "5501" }}]
            aliases = ["Het Noorden"]
            valid_from = "2015-01-01"
            valid_until = "2019-12-31"
            source = "test"

            [[region]]
            slug = "zuid"
            valid_from = "2019-01-01"
            source = "test"
            {second}
            "#
        )
    };
    // Given a second region overlapping the first in 2019
    for clash in [
        r#"name = "NOORD""#,
        "name = \"Zuid\"\naliases = [\"het noorden\"]",
        "name = \"Zuid\"\ncbs_code = \"zk01\"",
        "name = \"Zuid\"\niwlz_codes = [{ code = \"5501\" }]",
        "name = \"Zuid\"\naliases = [\"zk01\"]",
    ] {
        // Then sharing a name, alias or code once folded is refused
        assert!(RegionRegistry::from_toml(&file(clash)).is_err(), "{clash}");
    }
    assert!(RegionRegistry::from_toml(&file(r#"name = "Zuid""#)).is_ok());
    // And a code the first region gave up before the second began may pass on
    let handed_on = file("name = \"Zuid\"\niwlz_codes = [{ code = \"5501\", valid_from = \"2020-01-01\" }]")
        .replace(r#"[{ code = "5501" }]"#, r#"[{ code = "5501", valid_until = "2018-12-31" }]"#);
    let registry = RegionRegistry::from_toml(&handed_on).unwrap();
    assert_eq!(found(&registry, "5501", 2018), "noord");
    assert_eq!(found(&registry, "5501", 2020), "zuid");
}

#[test]
fn a_region_file_with_an_unknown_field_or_a_malformed_code_is_refused() {
    let region = |extra: &str| {
        format!("[[region]]\nslug = \"a\"\nname = \"A\"\nvalid_from = \"2015-01-01\"\nsource = \"test\"\n{extra}\n")
    };
    assert!(RegionRegistry::from_toml(&region("")).is_ok());
    for bad in [
        "colour = \"blue\"",
        "cbs_code = \"ZK1\"",
        "iwlz_codes = [\"5501\"]",
        "iwlz_codes = [{ code = \"55O1\" }]",
        "aliases = [\" - \"]",
        "iwlz_codes = [{ code = \"5501\", valid_until = \"2014-12-31\" }]",
    ] {
        assert!(RegionRegistry::from_toml(&region(bad)).is_err(), "{bad}");
    }
}

// ---- Decrees of equated days (art. 3 lid 3 Atw) ----

/// The days a decree's title names, e.g. "... gelijkstelling van 28 april en 26 mei 2017, 11 mei en 24 en 31
/// december 2018 ... met een algemeen erkende feestdag": a day number waits for its month, a month for its year.
fn days_named_in(title: &str) -> Vec<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let list = title.split("gelijkstelling van ").nth(1).unwrap().split(" met een algemeen erkende feestdag").next();
    let (mut days, mut waiting_for_month, mut waiting_for_year) = (Vec::new(), Vec::new(), Vec::new());
    for word in list.unwrap().split([' ', ',']).filter(|w| !w.is_empty() && *w != "en") {
        if let Some(month) = MONTHS.iter().position(|m| *m == word) {
            waiting_for_year.extend(waiting_for_month.drain(..).map(|day| (day, month as u32 + 1)));
        } else {
            let number: u32 = word.parse().unwrap_or_else(|_| panic!("{word:?} in {title}"));
            if number > 31 {
                days.extend(waiting_for_year.drain(..).map(|(day, month)| d(number as i32, month, day)));
            } else {
                waiting_for_month.push(number);
            }
        }
    }
    assert!(waiting_for_month.is_empty() && waiting_for_year.is_empty(), "{title}");
    days
}

#[test]
fn every_decree_equates_exactly_the_days_its_title_names() {
    for decree in calendar().decrees() {
        let listed: Vec<NaiveDate> = decree.days.iter().map(|day| day.date).collect();
        assert_eq!(listed, days_named_in(&decree.citation), "{}", decree.citation);
    }
    assert_eq!(
        days_named_in(&calendar().decree_for(2019).unwrap().citation),
        [
            d(2017, 4, 28),
            d(2017, 5, 26),
            d(2018, 5, 11),
            d(2018, 12, 24),
            d(2018, 12, 31),
            d(2019, 5, 31),
            d(2019, 12, 27)
        ]
    );
}

#[test]
fn the_decrees_are_cited_by_their_full_title_with_their_bwb_number_or_as_known_from_a_secondary_source() {
    let cal = calendar();
    let decree = |year| cal.decree_for(year).unwrap();
    assert_eq!(
        decree(2015).citation,
        "Besluit van 17 juni 2013, nr. 13.001210, houdende gelijkstelling van 30 mei 2014, 2 januari, 4 en 15 mei \
         2015 en 6 mei 2016 met een algemeen erkende feestdag"
    );
    assert_eq!(decree(2015).bwb.as_deref(), Some("BWBR0033679"));
    assert_eq!(
        decree(2018).citation,
        "Besluit van 24 oktober 2016, nr. 2016001827, houdende gelijkstelling van 28 april en 26 mei 2017, 11 mei \
         en 24 en 31 december 2018 en 31 mei en 27 december 2019 met een algemeen erkende feestdag"
    );
    assert_eq!(decree(2018).bwb.as_deref(), Some("BWBR0038666"));
    assert_eq!(
        decree(2024).citation,
        "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met \
         een algemeen erkende feestdag"
    );
    assert_eq!(
        decree(2027).citation,
        "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een \
         algemeen erkende feestdag"
    );
    let secondary: Vec<i32> = cal.decrees().iter().filter(|d| d.from_secondary_source).map(|d| d.first_year).collect();
    assert_eq!(secondary, [2023, 2026]);
    // An equated day's basis names the article and the decree's full title
    let basis = cal.reasons(d(2018, 12, 24))[0].basis();
    assert_eq!(basis, format!("art. 3 lid 3 Atw, {} (BWBR0038666)", decree(2018).citation));
    let basis = cal.reasons(d(2027, 5, 7))[0].basis();
    assert_eq!(basis, format!("art. 3 lid 3 Atw, {} (bekend uit een secundaire bron)", decree(2027).citation));
}

#[test]
fn a_date_resting_on_a_decree_known_from_a_secondary_source_is_not_provisional_but_says_so() {
    // Given a term whose nominal last day is Wednesday 5 May 2027, in a year of the 2026-2028 decree
    let extension = calendar().extend(d(2027, 5, 5));
    // When art. 1 Atw is applied
    // Then it runs past Ascension Day and the equated Friday to Monday 10 May, and is not provisional
    assert_eq!(extension.last_day, d(2027, 5, 10));
    assert!(!extension.provisional());
    // And its explanation names the decree by its full title and says it is known from a secondary source
    let steps = explained(d(2027, 5, 5));
    let title = calendar().decree_for(2027).unwrap().citation.clone();
    let said = steps.iter().find(|s| s.starts_with("Art. 3 lid 3 Algemene termijnenwet")).expect("a decree step");
    assert!(said.contains(&format!("voor 2027 geldt het {title}")), "{said}");
    assert!(said.contains("secundaire bron") && said.contains("niet voorlopig"), "{said}");
    // And a date that passes no equated day of such a year says so too
    let steps = explained(d(2026, 3, 4));
    assert!(steps.iter().any(|s| s.contains("secundaire bron")), "{steps:?}");
    // And a date in a year of a decree with its BWB number has no such step: Saturday 22 December 2018 runs past
    // the equated Monday 24 December and Christmas to Thursday 27 December
    let steps = explained(d(2018, 12, 22));
    assert!(steps.iter().all(|s| !s.contains("secundaire bron")), "{steps:?}");
    assert!(steps[0].contains("BWBR0038666"), "{steps:?}");
}

#[test]
fn a_date_in_a_year_without_a_decree_is_provisional_and_says_so() {
    for (nominal, year) in [(d(2021, 3, 3), 2021), (d(2029, 3, 7), 2029)] {
        let extension = calendar().extend(nominal);
        assert!(extension.provisional(), "{nominal}");
        let steps = explained(nominal);
        let said = steps.iter().find(|s| s.starts_with("Art. 3 lid 3 Algemene termijnenwet")).expect("a step");
        assert!(
            said.contains(&format!("voor {year} is geen besluit bekend")) && said.ends_with("is voorlopig"),
            "{said}"
        );
    }
    // Saturday 31 December 2022 runs on to Monday 2 January 2023: provisional for 2022, and resting on the
    // decree of 2023-2025, known from a secondary source
    let extension = calendar().extend(d(2022, 12, 31));
    assert_eq!(extension.last_day, d(2023, 1, 2));
    assert!(extension.provisional());
    assert_eq!(extension.provisional_years, [2022]);
    let years: Vec<Vec<i32>> = extension.secondary_source_decrees.iter().map(|d| d.years.clone()).collect();
    assert_eq!(years, [vec![2023]]);
    let steps = explained(d(2022, 12, 31));
    assert!(steps.iter().any(|s| s.contains("voor 2022 is geen besluit bekend")), "{steps:?}");
    assert!(steps.iter().any(|s| s.contains("voor 2023 geldt het Besluit gelijkstelling")), "{steps:?}");
}

#[test]
fn the_atw_step_never_says_werkdag() {
    // Given every nominal last day from 2014 to 2031
    let mut day = d(2014, 1, 1);
    while day.year() <= 2031 {
        // When art. 1 Atw is applied and explained
        let steps = explained(day);
        // Then no step says "werkdag", and the art. 1 step uses the Atw's own words
        assert!(steps.iter().all(|s| !s.to_lowercase().contains("werkdag")), "{day}: {steps:?}");
        let art1 = steps.iter().find(|s| s.starts_with("Art. 1 Algemene termijnenwet")).expect("the art. 1 step");
        assert!(art1.contains("zaterdag, zondag of algemeen erkende feestdag"), "{art1}");
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn a_term_ending_on_an_equated_day_cites_it_in_the_words_of_art_3_atw() {
    // Given a term whose nominal last day is the equated Friday 2 January 2026
    let steps = explained(d(2026, 1, 2));
    // Then the art. 1 step names it as a day equated with a generally recognised holiday, with its decree
    let art1 = &steps[0];
    assert!(art1.contains("maandag 5 januari 2026"), "{art1}");
    assert!(
        art1.contains("vrijdag 2 januari 2026 (vrijdag na Nieuwjaarsdag, gelijkgesteld met een algemeen erkende feestdag; art. 3 lid 3 Atw, Besluit gelijkstelling van 2 januari 2026"),
        "{art1}"
    );
    assert!(matches!(calendar().reasons(d(2026, 1, 2)).as_slice(), [NonWorkingReason::Equated { .. }]));
}
