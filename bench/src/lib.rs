//! Shared pieces of the benchmarks: a deterministic pseudo-random source and synthetic register facts.
#![forbid(unsafe_code)]

pub mod history;
pub mod peer;
pub mod server;

use chrono::{Days, NaiveDate};
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind,
    TariffDecisionFact, TariffKind,
};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

/// SplitMix64: small, fast and deterministic by seed, so every run measures the same history.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

fn day(year: i32, ordinal: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year") + Days::new(ordinal)
}

/// One region-year as the NZa would build it up over a year: a five-year establishment announced in November
/// two years before, monthly amendments, a tariff and an amended tariff decision per provider, and appeals.
pub fn synthetic_region_year(rng: &mut Rng, region: &RegionSlug, year: i32, providers: u32) -> RegionYearFacts {
    let decision = |name: String| DecisionId::parse(&name).expect("valid id");
    let mut decisions = vec![SpaceDecisionFact {
        decision_id: decision(format!("NZa-RCS-{}-{region}", year - 2)),
        kind: SpaceDecisionKind::Establishment,
        decided_on: day(year - 2, 310),
        announced_on: Some(day(year - 2, 314)),
        amount: Euro::from_cents(80_000_000_000 + rng.below(1_000_000_000) as i64).expect("amount in range"),
    }];
    for month in 0..12u64 {
        decisions.push(SpaceDecisionFact {
            decision_id: decision(format!("NZa-RCS-{year}-{month:02}-{region}")),
            kind: SpaceDecisionKind::Amendment,
            decided_on: day(year, month * 30 + 1),
            announced_on: Some(day(year, month * 30 + 3)),
            amount: Euro::from_cents(80_000_000_000 + rng.below(1_000_000_000) as i64).expect("amount in range"),
        });
    }
    let mut tariff_decisions = Vec::new();
    let mut appeals = Vec::new();
    for p in 0..providers {
        let agb = AgbCode::parse(&format!("{:08}", 10_000_000 + p)).expect("eight digits");
        let first = day(year, rng.below(40));
        tariff_decisions.push(TariffDecisionFact {
            decision_id: decision(format!("NZa-TB-{agb}-{year}-1")),
            provider: agb.clone(),
            kind: TariffKind::Tariff,
            decided_on: first,
            announced_on: Some(first),
            applied_space_decision: None,
        });
        tariff_decisions.push(TariffDecisionFact {
            decision_id: decision(format!("NZa-TB-{agb}-{year}-2")),
            provider: agb.clone(),
            kind: TariffKind::AmendedTariff,
            decided_on: day(year, 120),
            announced_on: Some(day(year, 120 + rng.below(200))),
            applied_space_decision: None,
        });
        if rng.below(20) == 0 {
            let against = &decisions[rng.below(decisions.len() as u64) as usize];
            let received_on = against.announced_on.expect("announced") + Days::new(10 + rng.below(60));
            let ending = (rng.below(2) == 0).then(|| AppealEnding {
                on: received_on + Days::new(90 + rng.below(200)),
                outcome: [AppealOutcome::Withdrawn, AppealOutcome::Dismissed, AppealOutcome::Inadmissible]
                    [rng.below(3) as usize],
            });
            appeals.push(AppealFact {
                appeal_id: AppealId::parse(&format!("CBb {}/{:04}-{region}", year % 100, p)).expect("valid id"),
                appellant: Appellant::Provider(agb),
                against_decision: against.decision_id.clone(),
                received_on,
                posted_on: None,
                received_by: Default::default(),
                ending,
            });
        }
    }
    RegionYearFacts { decisions, tariff_decisions, appeals, ..RegionYearFacts::new(region.clone(), year) }
}
