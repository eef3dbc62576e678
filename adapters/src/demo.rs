//! `termijn demo`: a realistic example register, so a newcomer sees every status at once. All amounts are
//! examples, derived from the national contracting space of 2021 (€ 22.728 mln, kaderbrief Wlz 2021), not
//! real regional figures.

use chrono::NaiveDate;
use termijn_domain::aggregates::appeal::{AppealRecord, JudgmentOutcome};
use termijn_domain::aggregates::space_decision::SpaceLine;
use termijn_domain::aggregates::tariff_decision::TariffDecisionRecord;
use termijn_domain::register::{Appellant, SpaceDecisionKind, TariffKind};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

use crate::service::{CommandError, NewSpaceDecision, Service};
use crate::store::Provenance;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the store already holds a register; the demo loads into an empty store only")]
    NotEmpty,
    #[error("recording {what} failed: {source}")]
    Command { what: String, source: CommandError },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid date")
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).expect("a valid id")
}

fn agb(s: &str) -> AgbCode {
    AgbCode::parse(s).expect("an AGB code")
}

fn slug(s: &str) -> RegionSlug {
    RegionSlug::parse(s).expect("a slug")
}

/// An example amount for a region-year: the 2021 national contracting space shared over the 31 regions of
/// 2021, varied per region and grown 2% a year.
fn example_amount(index: usize, year: i32) -> Euro {
    let base_cents: i64 = 2_272_800_000_000 / 31;
    let variation = (index as i64 * 7_919 % 41 - 20) * base_cents / 100;
    let growth = (year - 2021).max(0) as i64 * 2;
    Euro::from_cents((base_cents + variation) * (100 + growth) / 100).expect("a positive amount")
}

/// Loads the example register and returns how many writes it made.
pub async fn load(service: &Service) -> Result<usize, DemoError> {
    if service.store().chain_head().await?.0 > 0 {
        return Err(DemoError::NotEmpty);
    }
    let by = Provenance { recorded_by: "demo (voorbeeldgegevens)".to_owned(), ..Provenance::default() };
    let regions = service.context().regions.all();
    let mut writes = 0usize;
    macro_rules! record {
        ($what:expr, $call:expr) => {{
            $call.await.map_err(|source| DemoError::Command { what: $what.to_string(), source })?;
            writes += 1;
        }};
    }
    let space =
        |decision_id: &str, kind, decided_on, announced_on, reason: &str, spaces: Vec<SpaceLine>| NewSpaceDecision {
            decision_id: id(decision_id),
            kind,
            decided_on,
            announced_on,
            reason: format!("{reason} (voorbeeldbedragen)"),
            spaces,
        };
    // Every region that exists in the year: the merged Westland Schieland Delfland, not the two it replaced.
    let all_regions = |years: std::ops::RangeInclusive<i32>| -> Vec<SpaceLine> {
        regions
            .iter()
            .enumerate()
            .flat_map(|(i, region)| {
                years.clone().filter(|year| region.exists_in(*year)).map(move |year| SpaceLine {
                    region: region.slug.clone(),
                    year,
                    amount: example_amount(i, year),
                })
            })
            .collect()
    };
    let lines = |picks: &[(&str, i32, &str)]| -> Vec<SpaceLine> {
        picks
            .iter()
            .map(|(r, year, amount)| SpaceLine {
                region: slug(r),
                year: *year,
                amount: Euro::parse(amount).expect("amount"),
            })
            .collect()
    };

    // 2024: published before art. 105 lid 2-4 Wmg took effect: informative only.
    record!(
        "NZa-RCS-2024-11",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2024-11",
                SpaceDecisionKind::Establishment,
                d(2024, 11, 11),
                Some(d(2024, 11, 15)),
                "regionale contracteerruimte 2025",
                all_regions(2025..=2025)
            )
        )
    );
    // 2025: a current-year amendment for Groningen, a tariff decision applying it, and its sluittarief.
    record!(
        "NZa-RCS-2025-06",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2025-06",
                SpaceDecisionKind::Amendment,
                d(2025, 6, 10),
                Some(d(2025, 6, 13)),
                "herverdeling 2025",
                lines(&[("groningen", 2025, "745000000.00")])
            )
        )
    );
    // The multi-year establishment for 2026-2030 (bill 36 486): the art. 105 lid 3 term runs from 1 March 2026.
    record!(
        "NZa-RCS-2025-11",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2025-11",
                SpaceDecisionKind::Establishment,
                d(2025, 11, 10),
                Some(d(2025, 11, 14)),
                "meerjarige vaststelling 2026-2030",
                all_regions(2026..=2030)
            )
        )
    );
    let tariff = |decision_id: &str, provider: &str, year, regions: &[&str], kind, amends: Option<&str>, decided_on| {
        TariffDecisionRecord {
            decision_id: id(decision_id),
            provider: agb(provider),
            year,
            regions: regions.iter().map(|r| slug(r)).collect(),
            kind,
            amends: amends.map(id),
            decided_on,
            applied_space_decisions: None,
        }
    };
    record!(
        "NZa-TB-12345678-2025-1",
        service.record_tariff_decision(
            &by,
            tariff(
                "NZa-TB-12345678-2025-1",
                "12345678",
                2025,
                &["groningen"],
                TariffKind::Tariff,
                None,
                d(2025, 6, 30)
            ),
            Some(d(2025, 7, 2))
        )
    );
    record!(
        "NZa-TB-12345678-2025-S",
        service.record_tariff_decision(
            &by,
            tariff(
                "NZa-TB-12345678-2025-S",
                "12345678",
                2025,
                &["groningen"],
                TariffKind::Sluittarief,
                None,
                d(2026, 6, 1)
            ),
            Some(d(2026, 6, 3))
        )
    );
    record!(
        "NZa-TB-12345678-2026-1",
        service.record_tariff_decision(
            &by,
            tariff(
                "NZa-TB-12345678-2026-1",
                "12345678",
                2026,
                &["groningen", "friesland"],
                TariffKind::Tariff,
                None,
                d(2026, 1, 20)
            ),
            Some(d(2026, 1, 23))
        )
    );
    record!(
        "NZa-TB-87654321-2026-1",
        service.record_tariff_decision(
            &by,
            tariff(
                "NZa-TB-87654321-2026-1",
                "87654321",
                2026,
                &["amsterdam"],
                TariffKind::Tariff,
                None,
                d(2026, 1, 21)
            ),
            Some(d(2026, 1, 26))
        )
    );
    // A current-year amendment this autumn, applied by an amended tariff decision: its term is open now.
    record!(
        "NZa-RCS-2026-10",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2026-10",
                SpaceDecisionKind::Amendment,
                d(2026, 10, 15),
                Some(d(2026, 10, 20)),
                "verlaging op verzoek van de Wlz-uitvoerder (art. 49e lid 8 Wmg)",
                lines(&[("amsterdam", 2026, "801500000.00")])
            )
        )
    );
    record!(
        "NZa-TB-87654321-2026-2",
        service.record_tariff_decision(
            &by,
            tariff(
                "NZa-TB-87654321-2026-2",
                "87654321",
                2026,
                &["amsterdam"],
                TariffKind::AmendedTariff,
                Some("NZa-TB-87654321-2026-1"),
                d(2026, 10, 30)
            ),
            Some(d(2026, 11, 2))
        )
    );
    // A future-year amendment: its own lid-3 term begins 1 March 2027.
    record!(
        "NZa-RCS-2026-11",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2026-11",
                SpaceDecisionKind::Amendment,
                d(2026, 11, 12),
                Some(d(2026, 11, 16)),
                "overheveling naar het regionale pgb-kader",
                lines(&[("utrecht", 2027, "702250000.00")])
            )
        )
    );
    // An amendment decided but not yet announced.
    record!(
        "NZa-RCS-2026-12",
        service.record_space_decision(
            &by,
            space(
                "NZa-RCS-2026-12",
                SpaceDecisionKind::Amendment,
                d(2026, 11, 20),
                None,
                "herverdeling 2028",
                lines(&[("zeeland", 2028, "690000000.00")])
            )
        )
    );

    let appeal = |appeal_id: &str, appellant: Appellant, region: &str, year, against: &str, received_on, posted_on| {
        AppealRecord {
            appeal_id: AppealId::parse(appeal_id).expect("an appeal id"),
            appellant,
            region: slug(region),
            year,
            against_decision: id(against),
            received_on,
            posted_on,
            received_by: Default::default(),
        }
    };
    let office = |name: &str| Appellant::CareOffice(name.to_owned());
    // Premature: filed in January, before the 1 March start; still pending, so Twente 2027 is under appeal.
    record!(
        "CBb 26/0101",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 26/0101",
                office("zorgkantoor Twente"),
                "twente",
                2027,
                "NZa-RCS-2025-11",
                d(2026, 1, 20),
                None
            )
        )
    );
    // On time, later withdrawn: Drenthe 2027 became irrevocable on the day of withdrawal.
    record!(
        "CBb 26/0102",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 26/0102",
                office("zorgkantoor Drenthe"),
                "drenthe",
                2027,
                "NZa-RCS-2025-11",
                d(2026, 3, 10),
                None
            )
        )
    );
    record!(
        "CBb 26/0102 withdrawn",
        service.withdraw_appeal(&by, &AppealId::parse("CBb 26/0102").expect("id"), d(2026, 6, 3))
    );
    // On time by post, dismissed by the CBb.
    record!(
        "CBb 26/0103",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 26/0103",
                Appellant::Provider(agb("12345678")),
                "groningen",
                2026,
                "NZa-RCS-2025-11",
                d(2026, 4, 16),
                Some(d(2026, 4, 13))
            )
        )
    );
    record!(
        "CBb 26/0103 judged",
        service.record_judgment(
            &by,
            &AppealId::parse("CBb 26/0103").expect("id"),
            d(2026, 10, 8),
            JudgmentOutcome::Dismissed,
            None
        )
    );
    // Upheld: Zuid-Limburg 2028 is annulled.
    record!(
        "CBb 26/0104",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 26/0104",
                Appellant::Other("Patiëntenfederatie (voorbeeld)".to_owned()),
                "zuid-limburg",
                2028,
                "NZa-RCS-2025-11",
                d(2026, 3, 20),
                None
            )
        )
    );
    record!(
        "CBb 26/0104 judged",
        service.record_judgment(
            &by,
            &AppealId::parse("CBb 26/0104").expect("id"),
            d(2026, 9, 17),
            JudgmentOutcome::Upheld,
            None
        )
    );
    // Late: filed after the term; recorded and classified, never refused.
    record!(
        "CBb 26/0105",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 26/0105",
                office("zorgkantoor Zeeland"),
                "zeeland",
                2027,
                "NZa-RCS-2025-11",
                d(2026, 5, 11),
                None
            )
        )
    );
    // Against the informative 2024 publication: no term.
    record!(
        "CBb 25/0099",
        service.lodge_appeal(
            &by,
            appeal(
                "CBb 25/0099",
                office("zorgkantoor Zeeland"),
                "zeeland",
                2025,
                "NZa-RCS-2024-11",
                d(2025, 1, 10),
                None
            )
        )
    );
    Ok(writes)
}
