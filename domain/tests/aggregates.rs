//! The three aggregates of the register, in given/when/then style: for every command what is recorded, and
//! for every rejection the error a user gets back and the request field it points at. Also the contract with
//! the event store: every event names its type and version and survives a round trip through JSON.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use cqrs_es::test::TestFramework;
use termijn_domain::aggregates::{EVENT_VERSION, Services};
use termijn_domain::reference::{LegalContext, Region, RegionError, RegionRegistry};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------------

static SHIPPED: LazyLock<Services> =
    LazyLock::new(|| Arc::new(LegalContext::shipped().expect("the shipped reference data is valid")));

/// The reference data as shipped in `data/`: every region valid from 2015.
fn shipped() -> Services {
    Arc::clone(&SHIPPED)
}

/// The shipped reference data with a region registry of its own: `noord` exists 2015 up to and including 2026
/// (then merged away), `groningen` from 2015 on.
fn with_merged_region() -> Services {
    let region = |slug: &str, valid_until: Option<NaiveDate>| Region {
        slug: slug_of(slug),
        name: slug.to_owned(),
        valid_from: d(2015, 1, 1),
        valid_until,
        source: "test".to_owned(),
        cbs_code: None,
        iwlz_codes: Vec::new(),
        aliases: Vec::new(),
        assumption: false,
        note: None,
    };
    let regions = RegionRegistry::new(vec![region("noord", Some(d(2026, 12, 31))), region("groningen", None)])
        .expect("a consistent registry");
    Arc::new(LegalContext { regions, ..LegalContext::shipped().expect("the shipped reference data is valid") })
}

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

fn decision(id: &str) -> DecisionId {
    DecisionId::parse(id).expect("a valid decision id")
}

fn appeal_id(id: &str) -> AppealId {
    AppealId::parse(id).expect("a valid appeal id")
}

fn slug_of(slug: &str) -> RegionSlug {
    RegionSlug::parse(slug).expect("a valid region slug")
}

fn agb(code: &str) -> AgbCode {
    AgbCode::parse(code).expect("a valid AGB code")
}

fn euros(amount: &str) -> Euro {
    Euro::parse(amount).expect("a valid amount")
}

/// Asserts that an event serialised as the store does (JSON) reads back as the same event, and that its type
/// and version are what the store records.
fn assert_stored_faithfully<E>(event: &E, expected_type: &str)
where
    E: DomainEvent + serde::Serialize + serde::de::DeserializeOwned + PartialEq,
{
    assert_eq!(event.event_type(), expected_type);
    assert_eq!(event.event_version(), EVENT_VERSION);
    let json = serde_json::to_value(event).expect("an event serialises");
    let tag = json.as_object().and_then(|object| object.keys().next().cloned());
    assert_eq!(tag.as_deref(), Some(expected_type), "the JSON payload is tagged with the event type: {json}");
    let read_back: E = serde_json::from_value(json.clone()).expect("a stored event reads back");
    assert!(read_back == *event, "the event changed in a round trip through {json}");
}

// ---------------------------------------------------------------------------------------------------------------
// SpaceDecision: a contracting-space decision and its announcement
// ---------------------------------------------------------------------------------------------------------------

mod space_decision {
    use super::*;
    use termijn_domain::aggregates::space_decision::{
        SpaceDecision, SpaceDecisionCommand, SpaceDecisionError, SpaceDecisionEvent, SpaceLine, multi_year_range,
    };
    use termijn_domain::register::SpaceDecisionKind;

    fn line(region: &str, year: i32, amount: &str) -> SpaceLine {
        SpaceLine { region: slug_of(region), year, amount: euros(amount) }
    }

    /// The input of a RecordSpaceDecision command, so a test can change just the part it is about.
    #[derive(Clone)]
    struct NewDecision {
        decision_id: DecisionId,
        kind: SpaceDecisionKind,
        decided_on: NaiveDate,
        announced_on: Option<NaiveDate>,
        reason: String,
        spaces: Vec<SpaceLine>,
    }

    impl NewDecision {
        fn command(self) -> SpaceDecisionCommand {
            SpaceDecisionCommand::RecordSpaceDecision {
                decision_id: self.decision_id,
                kind: self.kind,
                decided_on: self.decided_on,
                announced_on: self.announced_on,
                reason: self.reason,
                spaces: self.spaces,
            }
        }

        fn recorded(&self) -> SpaceDecisionEvent {
            SpaceDecisionEvent::SpaceDecisionRecorded {
                decision_id: self.decision_id.clone(),
                kind: self.kind,
                decided_on: self.decided_on,
                reason: self.reason.clone(),
                spaces: self.spaces.clone(),
            }
        }
    }

    /// The establishment of the 2026 contracting space for two regions, taken on 10 November 2025.
    fn establishment() -> NewDecision {
        NewDecision {
            decision_id: decision("NZa-RCS-2025-11"),
            kind: SpaceDecisionKind::Establishment,
            decided_on: d(2025, 11, 10),
            announced_on: None,
            reason: "Vaststelling regionale contracteerruimte 2026".to_owned(),
            spaces: vec![line("groningen", 2026, "812345000.00"), line("friesland", 2026, "734000000.50")],
        }
    }

    fn with_spaces(spaces: Vec<SpaceLine>) -> NewDecision {
        NewDecision { spaces, ..establishment() }
    }

    fn announced(on: NaiveDate) -> SpaceDecisionEvent {
        SpaceDecisionEvent::SpaceDecisionAnnounced { announced_on: on }
    }

    fn announce(on: NaiveDate) -> SpaceDecisionCommand {
        SpaceDecisionCommand::RecordSpaceAnnouncement { announced_on: on }
    }

    fn given_nothing() -> cqrs_es::test::AggregateTestExecutor<SpaceDecision> {
        TestFramework::<SpaceDecision>::with(shipped()).given_no_previous_events()
    }

    fn given(events: Vec<SpaceDecisionEvent>) -> cqrs_es::test::AggregateTestExecutor<SpaceDecision> {
        TestFramework::<SpaceDecision>::with(shipped()).given(events)
    }

    fn error_of(new: NewDecision) -> SpaceDecisionError {
        given_nothing().when(new.command()).inspect_result().expect_err("the command is refused")
    }

    // Recording a decision

    #[test]
    fn a_decision_recorded_without_announcement_is_recorded_alone() {
        let new = establishment();
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_decision_recorded_with_its_announcement_records_the_decision_then_the_announcement() {
        let new = NewDecision { announced_on: Some(d(2025, 11, 12)), ..establishment() };
        given_nothing()
            .when(new.clone().command())
            .then_expect_events(vec![new.recorded(), announced(d(2025, 11, 12))]);
    }

    #[test]
    fn a_decision_announced_on_the_day_it_was_taken_is_recorded() {
        let new = NewDecision { announced_on: Some(d(2025, 11, 10)), ..establishment() };
        given_nothing()
            .when(new.clone().command())
            .then_expect_events(vec![new.recorded(), announced(d(2025, 11, 10))]);
    }

    #[test]
    fn an_amendment_is_recorded_with_its_kind() {
        let new = NewDecision {
            decision_id: decision("NZa-RCS-2026-06"),
            kind: SpaceDecisionKind::Amendment,
            decided_on: d(2026, 6, 1),
            spaces: vec![line("groningen", 2026, "820000000.00")],
            ..establishment()
        };
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn the_same_region_in_different_years_is_not_a_duplicate() {
        let new = with_spaces(vec![line("groningen", 2026, "1.00"), line("groningen", 2027, "2.00")]);
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn an_empty_reason_is_accepted() {
        let new = NewDecision { reason: String::new(), ..establishment() };
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_decision_recorded_twice_is_refused_naming_the_decision_already_recorded() {
        let first = establishment();
        let second = NewDecision { decision_id: decision("NZa-RCS-2025-12"), ..establishment() };
        given(vec![first.recorded()])
            .when(second.command())
            .then_expect_error(SpaceDecisionError::AlreadyRecorded(decision("NZa-RCS-2025-11")));
    }

    #[test]
    fn the_same_decision_sent_again_is_refused_as_already_recorded() {
        let new = establishment();
        given(vec![new.recorded()])
            .when(new.command())
            .then_expect_error(SpaceDecisionError::AlreadyRecorded(decision("NZa-RCS-2025-11")));
    }

    #[test]
    fn a_decision_announced_before_it_was_taken_is_refused() {
        let new = NewDecision { announced_on: Some(d(2025, 11, 9)), ..establishment() };
        given_nothing()
            .when(new.command())
            .then_expect_error(SpaceDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 11, 10) });
    }

    #[test]
    fn a_decision_taken_before_1990_or_after_2200_is_refused() {
        for decided_on in [d(1989, 12, 31), d(2201, 1, 1)] {
            let new = NewDecision { decided_on, ..establishment() };
            given_nothing()
                .when(new.command())
                .then_expect_error(SpaceDecisionError::DateOutOfRange { field: "decided_on" });
        }
    }

    #[test]
    fn a_decision_taken_on_the_last_day_of_2200_is_recorded() {
        let new = NewDecision {
            decided_on: d(2200, 12, 31),
            spaces: vec![line("groningen", 2200, "1.00")],
            ..establishment()
        };
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_decision_taken_on_1_january_1990_passes_the_date_check_but_no_region_existed_then() {
        let new =
            NewDecision { decided_on: d(1990, 1, 1), spaces: vec![line("groningen", 1990, "1.00")], ..establishment() };
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::Region {
            index: 0,
            region: slug_of("groningen"),
            source: RegionError::NotInYear { year: 1990 },
        });
    }

    #[test]
    fn a_decision_announced_after_2200_is_refused() {
        let new = NewDecision { announced_on: Some(d(2201, 1, 1)), ..establishment() };
        given_nothing()
            .when(new.command())
            .then_expect_error(SpaceDecisionError::DateOutOfRange { field: "announced_on" });
    }

    #[test]
    fn a_decision_without_region_year_lines_is_refused() {
        given_nothing().when(with_spaces(vec![]).command()).then_expect_error(SpaceDecisionError::NoLines);
    }

    #[test]
    fn a_region_year_listed_twice_is_refused_at_its_second_line() {
        let new = with_spaces(vec![
            line("groningen", 2026, "1.00"),
            line("friesland", 2026, "2.00"),
            line("groningen", 2026, "3.00"),
        ]);
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::DuplicateLine {
            index: 2,
            region: slug_of("groningen"),
            year: 2026,
        });
    }

    #[test]
    fn an_unknown_region_is_refused() {
        let new = with_spaces(vec![line("groningen", 2026, "1.00"), line("atlantis", 2026, "2.00")]);
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::Region {
            index: 1,
            region: slug_of("atlantis"),
            source: RegionError::Unknown,
        });
    }

    #[test]
    fn a_region_is_refused_for_a_year_before_the_regions_existed() {
        let new =
            NewDecision { decided_on: d(2014, 6, 1), spaces: vec![line("groningen", 2014, "1.00")], ..establishment() };
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::Region {
            index: 0,
            region: slug_of("groningen"),
            source: RegionError::NotInYear { year: 2014 },
        });
    }

    #[test]
    fn a_merged_region_is_refused_for_a_year_after_its_last_day() {
        let new = with_spaces(vec![line("groningen", 2027, "1.00"), line("noord", 2027, "2.00")]);
        TestFramework::<SpaceDecision>::with(with_merged_region())
            .given_no_previous_events()
            .when(new.command())
            .then_expect_error(SpaceDecisionError::Region {
                index: 1,
                region: slug_of("noord"),
                source: RegionError::NotInYear { year: 2027 },
            });
    }

    #[test]
    fn a_merged_region_is_accepted_for_its_last_year() {
        let new = with_spaces(vec![line("noord", 2026, "2.00")]);
        TestFramework::<SpaceDecision>::with(with_merged_region())
            .given_no_previous_events()
            .when(new.clone().command())
            .then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_decision_taken_in_2025_may_cover_2025_up_to_and_including_2030() {
        assert_eq!(*multi_year_range(d(2025, 11, 10)).end(), 2030);
        let new = with_spaces((2025..=2030).map(|year| line("groningen", year, "1.00")).collect());
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_decision_covering_a_year_six_years_ahead_is_refused() {
        let new = with_spaces(vec![line("groningen", 2030, "1.00"), line("groningen", 2031, "1.00")]);
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::YearOutOfRange {
            index: 1,
            min: 1990,
            max: 2030,
        });
    }

    #[test]
    fn a_year_outside_the_multi_year_range_is_blamed_on_the_year_even_when_the_region_did_not_exist_then() {
        let new = with_spaces(vec![line("groningen", 1989, "1.00")]);
        let error = error_of(new);
        assert_eq!(error, SpaceDecisionError::YearOutOfRange { index: 0, min: 1990, max: 2030 });
        assert_eq!(error.field().as_deref(), Some("spaces[0].year"));
    }

    #[test]
    fn a_decision_taken_in_2200_covers_no_year_beyond_2200() {
        let new =
            NewDecision { decided_on: d(2200, 6, 1), spaces: vec![line("groningen", 2201, "1.00")], ..establishment() };
        assert_eq!(error_of(new), SpaceDecisionError::YearOutOfRange { index: 0, min: 1990, max: 2200 });
    }

    #[test]
    fn a_new_decision_for_a_past_year_after_annulment_is_recorded() {
        // R11: only the future is bounded; art. 8:72 lid 4 Awb may require a new decision for a past year.
        let new = with_spaces(vec![line("groningen", 2021, "1.00"), line("groningen", 2025, "1.00")]);
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_reason_of_2000_characters_is_accepted_counting_characters_not_bytes() {
        let new = NewDecision { reason: "é".repeat(2000), ..establishment() };
        given_nothing().when(new.clone().command()).then_expect_events(vec![new.recorded()]);
    }

    #[test]
    fn a_reason_longer_than_2000_characters_is_refused() {
        let new = NewDecision { reason: "x".repeat(2001), ..establishment() };
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::ReasonTooLong);
    }

    #[test]
    fn a_refused_decision_records_nothing_even_when_its_announcement_was_valid() {
        let new = NewDecision { announced_on: Some(d(2025, 11, 12)), spaces: vec![], ..establishment() };
        given_nothing().when(new.command()).then_expect_error(SpaceDecisionError::NoLines);
    }

    // Recording the announcement later

    #[test]
    fn an_announcement_recorded_after_the_decision_is_recorded() {
        given(vec![establishment().recorded()])
            .when(announce(d(2025, 11, 14)))
            .then_expect_events(vec![announced(d(2025, 11, 14))]);
    }

    #[test]
    fn an_announcement_of_a_decision_never_recorded_is_refused() {
        given_nothing().when(announce(d(2025, 11, 14))).then_expect_error(SpaceDecisionError::NotRecorded);
    }

    #[test]
    fn a_second_announcement_is_refused_naming_the_first() {
        given(vec![establishment().recorded(), announced(d(2025, 11, 12))])
            .when(announce(d(2025, 11, 14)))
            .then_expect_error(SpaceDecisionError::AlreadyAnnounced(d(2025, 11, 12)));
    }

    #[test]
    fn an_announcement_given_with_the_decision_cannot_be_recorded_again() {
        let new = NewDecision { announced_on: Some(d(2025, 11, 12)), ..establishment() };
        let events = given_nothing().when(new.command()).inspect_result().expect("the decision is recorded");
        given(events)
            .when(announce(d(2025, 11, 12)))
            .then_expect_error(SpaceDecisionError::AlreadyAnnounced(d(2025, 11, 12)));
    }

    #[test]
    fn an_announcement_before_the_decision_was_taken_is_refused() {
        given(vec![establishment().recorded()])
            .when(announce(d(2025, 11, 9)))
            .then_expect_error(SpaceDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 11, 10) });
    }

    #[test]
    fn an_announcement_date_outside_1990_to_2200_is_refused() {
        for on in [d(1989, 12, 31), d(2201, 1, 1)] {
            given(vec![establishment().recorded()])
                .when(announce(on))
                .then_expect_error(SpaceDecisionError::DateOutOfRange { field: "announced_on" });
        }
    }

    // What the errors point at

    #[test]
    fn each_refusal_names_the_request_field_it_is_about() {
        let cases: Vec<(SpaceDecisionError, Option<&str>)> = vec![
            (SpaceDecisionError::AlreadyRecorded(decision("x")), Some("decision_id")),
            (SpaceDecisionError::NotRecorded, None),
            (SpaceDecisionError::AlreadyAnnounced(d(2025, 1, 1)), Some("announced_on")),
            (SpaceDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 1, 1) }, Some("announced_on")),
            (SpaceDecisionError::DateOutOfRange { field: "decided_on" }, Some("decided_on")),
            (SpaceDecisionError::NoLines, Some("spaces")),
            (SpaceDecisionError::ReasonTooLong, Some("reason")),
        ];
        for (error, field) in cases {
            assert_eq!(error.field().as_deref(), field, "{error:?}");
        }
    }

    #[test]
    fn a_line_error_points_at_the_line_by_its_index() {
        let year = error_of(with_spaces(vec![line("groningen", 2026, "1.00"), line("groningen", 2031, "1.00")]));
        assert_eq!(year.field().as_deref(), Some("spaces[1].year"));

        let region = error_of(with_spaces(vec![line("atlantis", 2026, "1.00")]));
        assert_eq!(region.field().as_deref(), Some("spaces[0].region"));

        let duplicate = error_of(with_spaces(vec![line("groningen", 2026, "1.00"), line("groningen", 2026, "1.00")]));
        assert_eq!(duplicate.field().as_deref(), Some("spaces[1]"));

        let announcement = error_of(NewDecision { announced_on: Some(d(2201, 1, 1)), ..establishment() });
        assert_eq!(announcement.field().as_deref(), Some("announced_on"));
    }

    // The events as the store keeps them

    #[test]
    fn every_event_names_its_type_and_version_and_survives_a_json_round_trip() {
        let announced_too = NewDecision { announced_on: Some(d(2025, 11, 12)), ..establishment() };
        let events = given_nothing().when(announced_too.command()).inspect_result().expect("recorded");
        assert_eq!(events.len(), 2);
        assert_stored_faithfully(&events[0], "SpaceDecisionRecorded");
        assert_stored_faithfully(&events[1], "SpaceDecisionAnnounced");
    }

    #[test]
    fn replaying_the_events_rebuilds_the_decision() {
        use cqrs_es::Aggregate;
        let new = establishment();
        let mut aggregate = SpaceDecision::default();
        aggregate.apply(new.recorded());
        aggregate.apply(announced(d(2025, 11, 12)));
        assert_eq!(
            aggregate,
            SpaceDecision {
                decision_id: Some(new.decision_id),
                decided_on: Some(new.decided_on),
                announced_on: Some(d(2025, 11, 12)),
                spaces: new.spaces,
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// TariffDecision: a tariff decision for one provider and year, and its announcement
// ---------------------------------------------------------------------------------------------------------------

mod tariff_decision {
    use super::*;
    use termijn_domain::aggregates::tariff_decision::{
        TariffDecision, TariffDecisionCommand, TariffDecisionError, TariffDecisionEvent, TariffDecisionRecord,
    };
    use termijn_domain::register::TariffKind;

    fn applied(pairs: &[(&str, &str)]) -> Option<BTreeMap<RegionSlug, DecisionId>> {
        Some(pairs.iter().map(|(region, id)| (slug_of(region), decision(id))).collect())
    }

    fn regions(slugs: &[&str]) -> Vec<RegionSlug> {
        slugs.iter().map(|slug| slug_of(slug)).collect()
    }

    /// A 2026 tariff decision for one provider in Groningen and Friesland, taken on 15 December 2025.
    fn tariff() -> TariffDecisionRecord {
        TariffDecisionRecord {
            decision_id: decision("NZa-TB-2025-0815"),
            provider: agb("01234567"),
            year: 2026,
            regions: regions(&["groningen", "friesland"]),
            kind: TariffKind::Tariff,
            amends: None,
            decided_on: d(2025, 12, 15),
            applied_space_decisions: applied(&[("groningen", "NZa-RCS-2025-11"), ("friesland", "NZa-RCS-2025-11")]),
        }
    }

    fn amended_tariff() -> TariffDecisionRecord {
        TariffDecisionRecord {
            decision_id: decision("NZa-TB-2026-0101"),
            kind: TariffKind::AmendedTariff,
            amends: Some(decision("NZa-TB-2025-0815")),
            decided_on: d(2026, 3, 2),
            ..tariff()
        }
    }

    fn record(record: TariffDecisionRecord) -> TariffDecisionCommand {
        TariffDecisionCommand::RecordTariffDecision { record, announced_on: None }
    }

    fn record_announced(record: TariffDecisionRecord, on: NaiveDate) -> TariffDecisionCommand {
        TariffDecisionCommand::RecordTariffDecision { record, announced_on: Some(on) }
    }

    fn announce(on: NaiveDate) -> TariffDecisionCommand {
        TariffDecisionCommand::RecordTariffAnnouncement { announced_on: on }
    }

    fn recorded(record: TariffDecisionRecord) -> TariffDecisionEvent {
        TariffDecisionEvent::TariffDecisionRecorded(record)
    }

    fn announced(on: NaiveDate) -> TariffDecisionEvent {
        TariffDecisionEvent::TariffDecisionAnnounced { announced_on: on }
    }

    fn given_nothing() -> cqrs_es::test::AggregateTestExecutor<TariffDecision> {
        TestFramework::<TariffDecision>::with(shipped()).given_no_previous_events()
    }

    fn given(events: Vec<TariffDecisionEvent>) -> cqrs_es::test::AggregateTestExecutor<TariffDecision> {
        TestFramework::<TariffDecision>::with(shipped()).given(events)
    }

    fn error_of(command: TariffDecisionCommand) -> TariffDecisionError {
        given_nothing().when(command).inspect_result().expect_err("the command is refused")
    }

    // Recording a tariff decision

    #[test]
    fn a_tariff_decision_recorded_without_announcement_is_recorded_alone() {
        given_nothing().when(record(tariff())).then_expect_events(vec![recorded(tariff())]);
    }

    #[test]
    fn a_tariff_decision_recorded_with_its_announcement_records_the_decision_then_the_announcement() {
        given_nothing()
            .when(record_announced(tariff(), d(2025, 12, 17)))
            .then_expect_events(vec![recorded(tariff()), announced(d(2025, 12, 17))]);
    }

    #[test]
    fn an_amended_tariff_naming_the_decision_it_amends_is_recorded() {
        given_nothing().when(record(amended_tariff())).then_expect_events(vec![recorded(amended_tariff())]);
    }

    #[test]
    fn a_sluittarief_without_applied_space_decisions_is_recorded() {
        let sluittarief = TariffDecisionRecord {
            kind: TariffKind::Sluittarief,
            year: 2025,
            decided_on: d(2026, 9, 1),
            applied_space_decisions: None,
            ..tariff()
        };
        given_nothing().when(record(sluittarief.clone())).then_expect_events(vec![recorded(sluittarief)]);
    }

    #[test]
    fn applied_space_decisions_for_only_some_of_the_regions_are_accepted() {
        let partly =
            TariffDecisionRecord { applied_space_decisions: applied(&[("friesland", "NZa-RCS-2025-11")]), ..tariff() };
        given_nothing().when(record(partly.clone())).then_expect_events(vec![recorded(partly)]);
    }

    #[test]
    fn a_tariff_decision_recorded_twice_is_refused_naming_the_decision_already_recorded() {
        given(vec![recorded(tariff())])
            .when(record(amended_tariff()))
            .then_expect_error(TariffDecisionError::AlreadyRecorded(decision("NZa-TB-2025-0815")));
    }

    #[test]
    fn a_tariff_decision_taken_before_1990_or_after_2200_is_refused() {
        for decided_on in [d(1989, 12, 31), d(2201, 1, 1)] {
            given_nothing()
                .when(record(TariffDecisionRecord { decided_on, ..tariff() }))
                .then_expect_error(TariffDecisionError::DateOutOfRange { field: "decided_on" });
        }
    }

    #[test]
    fn a_tariff_year_before_1990_or_after_2200_is_refused() {
        for year in [1989, 2201] {
            given_nothing()
                .when(record(TariffDecisionRecord { year, ..tariff() }))
                .then_expect_error(TariffDecisionError::YearOutOfRange);
        }
    }

    #[test]
    fn a_tariff_decision_without_regions_is_refused() {
        let none = TariffDecisionRecord { regions: vec![], applied_space_decisions: None, ..tariff() };
        given_nothing().when(record(none)).then_expect_error(TariffDecisionError::NoRegions);
    }

    #[test]
    fn a_region_listed_twice_is_refused_at_its_second_place() {
        let twice = TariffDecisionRecord { regions: regions(&["groningen", "friesland", "groningen"]), ..tariff() };
        given_nothing().when(record(twice)).then_expect_error(TariffDecisionError::DuplicateRegion(2));
    }

    #[test]
    fn an_unknown_region_is_refused() {
        let unknown = TariffDecisionRecord { regions: regions(&["groningen", "atlantis"]), ..tariff() };
        given_nothing().when(record(unknown)).then_expect_error(TariffDecisionError::Region {
            index: 1,
            region: slug_of("atlantis"),
            source: RegionError::Unknown,
        });
    }

    #[test]
    fn a_region_is_refused_for_a_year_in_which_it_did_not_exist() {
        let early = TariffDecisionRecord { year: 2014, decided_on: d(2014, 12, 1), ..tariff() };
        given_nothing().when(record(early)).then_expect_error(TariffDecisionError::Region {
            index: 0,
            region: slug_of("groningen"),
            source: RegionError::NotInYear { year: 2014 },
        });
    }

    #[test]
    fn an_amended_tariff_that_does_not_name_what_it_amends_is_refused() {
        let amended = TariffDecisionRecord { amends: None, ..amended_tariff() };
        given_nothing().when(record(amended)).then_expect_error(TariffDecisionError::AmendsMissing);
    }

    #[test]
    fn a_tariff_or_sluittarief_that_names_a_decision_it_amends_is_refused() {
        for kind in [TariffKind::Tariff, TariffKind::Sluittarief] {
            let amending = TariffDecisionRecord { kind, amends: Some(decision("NZa-TB-2024-0001")), ..tariff() };
            given_nothing().when(record(amending)).then_expect_error(TariffDecisionError::AmendsNotAllowed);
        }
    }

    #[test]
    fn an_amended_tariff_that_amends_itself_is_refused() {
        let itself = TariffDecisionRecord { amends: Some(decision("NZa-TB-2026-0101")), ..amended_tariff() };
        given_nothing().when(record(itself)).then_expect_error(TariffDecisionError::AmendsItself);
    }

    #[test]
    fn an_applied_space_decision_for_a_region_the_tariff_does_not_cover_is_refused() {
        let stray = TariffDecisionRecord {
            regions: regions(&["groningen"]),
            applied_space_decisions: applied(&[("groningen", "NZa-RCS-2025-11"), ("friesland", "NZa-RCS-2025-11")]),
            ..tariff()
        };
        given_nothing()
            .when(record(stray))
            .then_expect_error(TariffDecisionError::AppliedRegionNotListed(slug_of("friesland")));
    }

    #[test]
    fn a_tariff_decision_announced_before_it_was_taken_is_refused() {
        given_nothing()
            .when(record_announced(tariff(), d(2025, 12, 14)))
            .then_expect_error(TariffDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 12, 15) });
    }

    #[test]
    fn a_tariff_decision_announced_after_2200_is_refused() {
        given_nothing()
            .when(record_announced(tariff(), d(2201, 1, 1)))
            .then_expect_error(TariffDecisionError::DateOutOfRange { field: "announced_on" });
    }

    // Recording the announcement later

    #[test]
    fn an_announcement_recorded_after_the_tariff_decision_is_recorded() {
        given(vec![recorded(tariff())])
            .when(announce(d(2025, 12, 15)))
            .then_expect_events(vec![announced(d(2025, 12, 15))]);
    }

    #[test]
    fn an_announcement_of_a_tariff_decision_never_recorded_is_refused() {
        given_nothing().when(announce(d(2025, 12, 17))).then_expect_error(TariffDecisionError::NotRecorded);
    }

    #[test]
    fn a_second_announcement_of_a_tariff_decision_is_refused_naming_the_first() {
        given(vec![recorded(tariff()), announced(d(2025, 12, 17))])
            .when(announce(d(2025, 12, 18)))
            .then_expect_error(TariffDecisionError::AlreadyAnnounced(d(2025, 12, 17)));
    }

    #[test]
    fn an_announcement_before_the_tariff_decision_was_taken_is_refused() {
        given(vec![recorded(tariff())])
            .when(announce(d(2025, 12, 1)))
            .then_expect_error(TariffDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 12, 15) });
    }

    #[test]
    fn an_announcement_date_outside_1990_to_2200_is_refused_for_a_tariff_decision() {
        for on in [d(1989, 12, 31), d(2201, 1, 1)] {
            given(vec![recorded(tariff())])
                .when(announce(on))
                .then_expect_error(TariffDecisionError::DateOutOfRange { field: "announced_on" });
        }
    }

    // What the errors point at

    #[test]
    fn each_tariff_refusal_names_the_request_field_it_is_about() {
        let cases: Vec<(TariffDecisionError, Option<&str>)> = vec![
            (TariffDecisionError::AlreadyRecorded(decision("x")), Some("decision_id")),
            (TariffDecisionError::NotRecorded, None),
            (TariffDecisionError::AlreadyAnnounced(d(2025, 1, 1)), Some("announced_on")),
            (TariffDecisionError::AnnouncedBeforeDecided { decided_on: d(2025, 1, 1) }, Some("announced_on")),
            (TariffDecisionError::DateOutOfRange { field: "decided_on" }, Some("decided_on")),
            (TariffDecisionError::YearOutOfRange, Some("year")),
            (TariffDecisionError::NoRegions, Some("regions")),
            (TariffDecisionError::DuplicateRegion(2), Some("regions[2]")),
            (TariffDecisionError::AmendsMissing, Some("amends")),
            (TariffDecisionError::AmendsNotAllowed, Some("amends")),
            (TariffDecisionError::AmendsItself, Some("amends")),
        ];
        for (error, field) in cases {
            assert_eq!(error.field().as_deref(), field, "{error:?}");
        }
    }

    #[test]
    fn a_tariff_region_error_points_at_the_region_or_applied_entry() {
        let unknown = error_of(record(TariffDecisionRecord { regions: regions(&["atlantis"]), ..tariff() }));
        assert_eq!(unknown.field().as_deref(), Some("regions[0]"));

        let stray = error_of(record(TariffDecisionRecord {
            regions: regions(&["groningen"]),
            applied_space_decisions: applied(&[("friesland", "NZa-RCS-2025-11")]),
            ..tariff()
        }));
        assert_eq!(stray.field().as_deref(), Some("applied_space_decisions.friesland"));
    }

    // The events as the store keeps them

    #[test]
    fn every_tariff_event_names_its_type_and_version_and_survives_a_json_round_trip() {
        let events =
            given_nothing().when(record_announced(amended_tariff(), d(2026, 3, 4))).inspect_result().expect("recorded");
        assert_eq!(events.len(), 2);
        assert_stored_faithfully(&events[0], "TariffDecisionRecorded");
        assert_stored_faithfully(&events[1], "TariffDecisionAnnounced");
        assert_stored_faithfully(
            &recorded(TariffDecisionRecord { applied_space_decisions: None, ..tariff() }),
            "TariffDecisionRecorded",
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Appeal: lodged against a contracting-space decision for one region-year, then withdrawn or judged
// ---------------------------------------------------------------------------------------------------------------

mod appeal {
    use super::*;
    use termijn_domain::aggregates::appeal::{
        Appeal, AppealCommand, AppealError, AppealEvent, AppealRecord, JudgmentOutcome,
    };
    use termijn_domain::register::{AppealOutcome, Appellant};

    /// A provider's appeal against the 2026 contracting space of Groningen, posted 19 and received
    /// 20 December 2025.
    fn appeal() -> AppealRecord {
        AppealRecord {
            appeal_id: appeal_id("CBb 25/0123"),
            appellant: Appellant::Provider(agb("01234567")),
            region: slug_of("groningen"),
            year: 2026,
            against_decision: decision("NZa-RCS-2025-11"),
            received_on: d(2025, 12, 20),
            posted_on: Some(d(2025, 12, 19)),
            received_by: Default::default(),
        }
    }

    fn lodge(record: AppealRecord) -> AppealCommand {
        AppealCommand::LodgeAppeal(record)
    }

    fn lodged(record: AppealRecord) -> AppealEvent {
        AppealEvent::AppealLodged(record)
    }

    fn withdraw(on: NaiveDate) -> AppealCommand {
        AppealCommand::WithdrawAppeal { withdrawn_on: on }
    }

    fn withdrawn(on: NaiveDate) -> AppealEvent {
        AppealEvent::AppealWithdrawn { withdrawn_on: on }
    }

    fn judge(on: NaiveDate, outcome: JudgmentOutcome) -> AppealCommand {
        AppealCommand::RecordJudgment { judgment_on: on, outcome, annulment: None }
    }

    fn judged(on: NaiveDate, outcome: JudgmentOutcome) -> AppealEvent {
        AppealEvent::JudgmentRecorded { judgment_on: on, outcome, annulment: None }
    }

    fn given_nothing() -> cqrs_es::test::AggregateTestExecutor<Appeal> {
        TestFramework::<Appeal>::with(shipped()).given_no_previous_events()
    }

    fn given(events: Vec<AppealEvent>) -> cqrs_es::test::AggregateTestExecutor<Appeal> {
        TestFramework::<Appeal>::with(shipped()).given(events)
    }

    fn error_of(record: AppealRecord) -> AppealError {
        given_nothing().when(lodge(record)).inspect_result().expect_err("the appeal is refused")
    }

    // Lodging an appeal

    #[test]
    fn an_appeal_is_lodged() {
        given_nothing().when(lodge(appeal())).then_expect_events(vec![lodged(appeal())]);
    }

    #[test]
    fn an_appeal_without_a_posting_date_is_lodged() {
        let handed_in = AppealRecord { posted_on: None, ..appeal() };
        given_nothing().when(lodge(handed_in.clone())).then_expect_events(vec![lodged(handed_in)]);
    }

    #[test]
    fn an_appeal_posted_and_received_on_the_same_day_is_lodged() {
        let same_day = AppealRecord { posted_on: Some(d(2025, 12, 20)), ..appeal() };
        given_nothing().when(lodge(same_day.clone())).then_expect_events(vec![lodged(same_day)]);
    }

    #[test]
    fn an_appeal_by_a_care_office_or_another_party_is_lodged() {
        for appellant in
            [Appellant::CareOffice("zorgkantoor-noord".to_owned()), Appellant::Other("Cliëntenraad".to_owned())]
        {
            let record = AppealRecord { appellant, ..appeal() };
            given_nothing().when(lodge(record.clone())).then_expect_events(vec![lodged(record)]);
        }
    }

    #[test]
    fn an_appellant_id_of_100_characters_is_accepted() {
        let record = AppealRecord { appellant: Appellant::Other("é".repeat(100)), ..appeal() };
        given_nothing().when(lodge(record.clone())).then_expect_events(vec![lodged(record)]);
    }

    #[test]
    fn an_appeal_received_years_after_the_decision_is_still_lodged() {
        // R7: an appeal is never refused for its timing; it is recorded and classified afterwards.
        let late = AppealRecord { received_on: d(2029, 6, 1), posted_on: Some(d(2029, 5, 30)), ..appeal() };
        given_nothing().when(lodge(late.clone())).then_expect_events(vec![lodged(late)]);
    }

    #[test]
    fn an_appeal_lodged_twice_is_refused_naming_the_appeal_already_lodged() {
        let other = AppealRecord { appeal_id: appeal_id("CBb 25/0999"), ..appeal() };
        given(vec![lodged(appeal())])
            .when(lodge(other))
            .then_expect_error(AppealError::AlreadyLodged(appeal_id("CBb 25/0123")));
    }

    #[test]
    fn an_appeal_year_before_1990_or_after_2200_is_refused() {
        for year in [1989, 2201] {
            given_nothing()
                .when(lodge(AppealRecord { year, ..appeal() }))
                .then_expect_error(AppealError::YearOutOfRange);
        }
    }

    #[test]
    fn an_appeal_for_an_unknown_region_is_refused() {
        let record = AppealRecord { region: slug_of("atlantis"), ..appeal() };
        given_nothing()
            .when(lodge(record))
            .then_expect_error(AppealError::Region { region: slug_of("atlantis"), source: RegionError::Unknown });
    }

    #[test]
    fn an_appeal_for_a_year_before_the_region_existed_is_refused() {
        let record = AppealRecord { year: 2014, ..appeal() };
        given_nothing().when(lodge(record)).then_expect_error(AppealError::Region {
            region: slug_of("groningen"),
            source: RegionError::NotInYear { year: 2014 },
        });
    }

    #[test]
    fn an_appeal_for_a_merged_region_after_its_last_year_is_refused() {
        let record = AppealRecord { region: slug_of("noord"), year: 2027, ..appeal() };
        TestFramework::<Appeal>::with(with_merged_region())
            .given_no_previous_events()
            .when(lodge(record))
            .then_expect_error(AppealError::Region {
                region: slug_of("noord"),
                source: RegionError::NotInYear { year: 2027 },
            });
    }

    #[test]
    fn an_empty_blank_too_long_or_control_character_appellant_id_is_refused() {
        let bad_ids =
            [String::new(), "   ".to_owned(), "x".repeat(101), "zorg\nkantoor".to_owned(), " zorgkantoor ".to_owned()];
        for id in bad_ids {
            for appellant in [Appellant::CareOffice(id.clone()), Appellant::Other(id.clone())] {
                given_nothing()
                    .when(lodge(AppealRecord { appellant, ..appeal() }))
                    .then_expect_error(AppealError::AppellantId);
            }
        }
    }

    #[test]
    fn an_appeal_received_before_1990_or_after_2200_is_refused() {
        for received_on in [d(1989, 12, 31), d(2201, 1, 1)] {
            given_nothing()
                .when(lodge(AppealRecord { received_on, posted_on: None, ..appeal() }))
                .then_expect_error(AppealError::DateOutOfRange { field: "received_on" });
        }
    }

    #[test]
    fn an_appeal_posted_before_1990_is_refused() {
        given_nothing()
            .when(lodge(AppealRecord { posted_on: Some(d(1989, 12, 31)), ..appeal() }))
            .then_expect_error(AppealError::DateOutOfRange { field: "posted_on" });
    }

    #[test]
    fn an_appeal_received_before_it_was_posted_is_refused() {
        given_nothing()
            .when(lodge(AppealRecord { posted_on: Some(d(2025, 12, 21)), ..appeal() }))
            .then_expect_error(AppealError::ReceivedBeforePosted);
    }

    // Ending an appeal

    #[test]
    fn a_lodged_appeal_is_withdrawn() {
        given(vec![lodged(appeal())]).when(withdraw(d(2026, 2, 1))).then_expect_events(vec![withdrawn(d(2026, 2, 1))]);
    }

    #[test]
    fn a_judgment_is_recorded_with_each_outcome() {
        for outcome in [JudgmentOutcome::Dismissed, JudgmentOutcome::Upheld, JudgmentOutcome::Inadmissible] {
            given(vec![lodged(appeal())])
                .when(judge(d(2026, 9, 15), outcome))
                .then_expect_events(vec![judged(d(2026, 9, 15), outcome)]);
        }
    }

    #[test]
    fn an_appeal_may_end_on_the_day_it_was_received() {
        given(vec![lodged(appeal())])
            .when(withdraw(d(2025, 12, 20)))
            .then_expect_events(vec![withdrawn(d(2025, 12, 20))]);
    }

    #[test]
    fn a_judgment_outcome_is_the_matching_appeal_outcome() {
        assert_eq!(AppealOutcome::from(JudgmentOutcome::Dismissed), AppealOutcome::Dismissed);
        assert_eq!(AppealOutcome::from(JudgmentOutcome::Upheld), AppealOutcome::Upheld);
        assert_eq!(AppealOutcome::from(JudgmentOutcome::Inadmissible), AppealOutcome::Inadmissible);
    }

    #[test]
    fn withdrawing_or_judging_an_appeal_never_lodged_is_refused() {
        given_nothing().when(withdraw(d(2026, 2, 1))).then_expect_error(AppealError::NotLodged);
        given_nothing().when(judge(d(2026, 2, 1), JudgmentOutcome::Upheld)).then_expect_error(AppealError::NotLodged);
    }

    #[test]
    fn a_withdrawn_appeal_cannot_be_judged_or_withdrawn_again() {
        let history = vec![lodged(appeal()), withdrawn(d(2026, 2, 1))];
        given(history.clone())
            .when(judge(d(2026, 9, 15), JudgmentOutcome::Dismissed))
            .then_expect_error(AppealError::AlreadyEnded(d(2026, 2, 1)));
        given(history).when(withdraw(d(2026, 3, 1))).then_expect_error(AppealError::AlreadyEnded(d(2026, 2, 1)));
    }

    #[test]
    fn a_judged_appeal_cannot_be_withdrawn_or_judged_again() {
        let history = vec![lodged(appeal()), judged(d(2026, 9, 15), JudgmentOutcome::Upheld)];
        given(history.clone())
            .when(withdraw(d(2026, 10, 1)))
            .then_expect_error(AppealError::AlreadyEnded(d(2026, 9, 15)));
        given(history)
            .when(judge(d(2026, 10, 1), JudgmentOutcome::Dismissed))
            .then_expect_error(AppealError::AlreadyEnded(d(2026, 9, 15)));
    }

    #[test]
    fn an_appeal_ending_after_2200_is_refused() {
        given(vec![lodged(appeal())])
            .when(withdraw(d(2201, 1, 1)))
            .then_expect_error(AppealError::DateOutOfRange { field: "withdrawn_on" });
        given(vec![lodged(appeal())])
            .when(judge(d(2201, 1, 1), JudgmentOutcome::Upheld))
            .then_expect_error(AppealError::DateOutOfRange { field: "judgment_on" });
    }

    #[test]
    fn an_appeal_ending_before_it_was_received_is_refused() {
        given(vec![lodged(appeal())])
            .when(withdraw(d(2025, 12, 19)))
            .then_expect_error(AppealError::EndsBeforeReceived { field: "withdrawn_on", received_on: d(2025, 12, 20) });
        given(vec![lodged(appeal())])
            .when(judge(d(2025, 12, 19), JudgmentOutcome::Inadmissible))
            .then_expect_error(AppealError::EndsBeforeReceived { field: "judgment_on", received_on: d(2025, 12, 20) });
    }

    // What the errors point at

    #[test]
    fn each_appeal_refusal_names_the_request_field_it_is_about() {
        let cases: Vec<(AppealError, Option<&str>)> = vec![
            (AppealError::AlreadyLodged(appeal_id("x")), Some("appeal_id")),
            (AppealError::NotLodged, None),
            (AppealError::AlreadyEnded(d(2026, 1, 1)), None),
            (AppealError::DateOutOfRange { field: "received_on" }, Some("received_on")),
            (AppealError::YearOutOfRange, Some("year")),
            (AppealError::Region { region: slug_of("atlantis"), source: RegionError::Unknown }, Some("region")),
            (AppealError::ReceivedBeforePosted, Some("posted_on")),
            (AppealError::EndsBeforeReceived { field: "judgment_on", received_on: d(2026, 1, 1) }, Some("judgment_on")),
            (AppealError::AppellantId, Some("appellant.id")),
        ];
        for (error, field) in cases {
            assert_eq!(error.field().as_deref(), field, "{error:?}");
        }
    }

    #[test]
    fn a_refused_appeal_points_at_the_offending_field() {
        let posted_late = error_of(AppealRecord { posted_on: Some(d(2025, 12, 21)), ..appeal() });
        assert_eq!(posted_late.field().as_deref(), Some("posted_on"));

        let posted_early = error_of(AppealRecord { posted_on: Some(d(1989, 1, 1)), ..appeal() });
        assert_eq!(posted_early.field().as_deref(), Some("posted_on"));

        let nameless = error_of(AppealRecord { appellant: Appellant::Other(String::new()), ..appeal() });
        assert_eq!(nameless.field().as_deref(), Some("appellant.id"));
    }

    // The events as the store keeps them

    #[test]
    fn every_appeal_event_names_its_type_and_version_and_survives_a_json_round_trip() {
        assert_stored_faithfully(&lodged(appeal()), "AppealLodged");
        assert_stored_faithfully(
            &lodged(AppealRecord {
                appellant: Appellant::CareOffice("zorgkantoor-noord".to_owned()),
                posted_on: None,
                ..appeal()
            }),
            "AppealLodged",
        );
        assert_stored_faithfully(&withdrawn(d(2026, 2, 1)), "AppealWithdrawn");
        for outcome in [JudgmentOutcome::Dismissed, JudgmentOutcome::Upheld, JudgmentOutcome::Inadmissible] {
            assert_stored_faithfully(&judged(d(2026, 9, 15), outcome), "JudgmentRecorded");
        }
    }
}
