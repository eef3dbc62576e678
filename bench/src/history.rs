//! A synthetic history of a large register, deterministic by seed and sized by event count, written through
//! the real register service (aggregates, event store, views): five-year establishments for every region each
//! year, monthly amendments, a tariff and an amended tariff decision per provider per year, and appeals with
//! withdrawals and judgments.

use chrono::{Datelike, Days, NaiveDate};
use futures_util::{StreamExt, TryStreamExt, stream};
use termijn::service::{CommandError, NewSpaceDecision, Service};
use termijn::store::Provenance;
use termijn_domain::aggregates::appeal::{AppealRecord, JudgmentOutcome};
use termijn_domain::aggregates::space_decision::SpaceLine;
use termijn_domain::aggregates::tariff_decision::TariffDecisionRecord;
use termijn_domain::register::{Appellant, SpaceDecisionKind, TariffKind};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

use crate::Rng;

/// The first year of the synthetic history: after the assumed commencement of art. 105 lid 2-4 Wmg, so that
/// every decision opens its terms.
pub const FIRST_YEAR: i32 = 2026;

#[derive(Debug, Clone, Copy)]
pub struct HistorySpec {
    pub events: u64,
    pub seed: u64,
    /// Care providers with a tariff decision every year (about four events each a year).
    pub providers: u32,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    pub events: u64,
    pub years: std::ops::RangeInclusive<i32>,
}

fn id(s: String) -> DecisionId {
    DecisionId::parse(&s).expect("a generated id is valid")
}

fn date(year: i32, day_of_year: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year") + Days::new(day_of_year.min(360))
}

fn amount(rng: &mut Rng) -> Euro {
    Euro::from_cents(60_000_000_000 + rng.below(30_000_000_000) as i64).expect("in range")
}

/// How many providers' decisions are recorded at once: enough for the writer to commit them in groups.
const CONCURRENT_PROVIDERS: usize = 64;

/// One provider's year, drawn beforehand: its tariff decision, the amended one and perhaps an appeal
/// (received, ended, and how it ends).
struct ProviderYear {
    p: u32,
    region: RegionSlug,
    decided: NaiveDate,
    amended_on: NaiveDate,
    appeal: Option<(NaiveDate, NaiveDate, u64)>,
}

/// Records one provider's year; the number of events it recorded.
async fn provider_year(service: &Service, by: &Provenance, year: i32, plan: ProviderYear) -> Result<u64, CommandError> {
    let ProviderYear { p, region, decided, amended_on, appeal } = plan;
    let agb = AgbCode::parse(&format!("{:08}", 10_000_000 + p)).expect("eight digits");
    let first = id(format!("NZa-TB-{agb}-{year}-1"));
    let record = |decision_id: DecisionId, kind, amends, decided_on| TariffDecisionRecord {
        decision_id,
        provider: agb.clone(),
        year,
        regions: vec![region.clone()],
        kind,
        amends,
        decided_on,
        applied_space_decisions: None,
    };
    service
        .record_tariff_decision(
            by,
            record(first.clone(), TariffKind::Tariff, None, decided),
            Some(decided + Days::new(3)),
        )
        .await?;
    let second = record(id(format!("NZa-TB-{agb}-{year}-2")), TariffKind::AmendedTariff, Some(first), amended_on);
    service.record_tariff_decision(by, second, Some(amended_on + Days::new(2))).await?;
    let mut events = 4;
    let Some((received_on, ended_on, ending)) = appeal else { return Ok(events) };
    let appeal_id = AppealId::parse(&format!("CBb {}/{p:05}", year % 100)).expect("an id");
    service
        .lodge_appeal(
            by,
            AppealRecord {
                appeal_id: appeal_id.clone(),
                appellant: Appellant::Provider(agb.clone()),
                region: region.clone(),
                year,
                against_decision: id(format!("NZa-RCS-{}-11", year - 1)),
                received_on,
                posted_on: None,
                received_by: Default::default(),
            },
        )
        .await?;
    events += 1;
    match ending {
        0 => service.withdraw_appeal(by, &appeal_id, ended_on).await?,
        1 => service.record_judgment(by, &appeal_id, ended_on, JudgmentOutcome::Dismissed, None).await?,
        2 => service.record_judgment(by, &appeal_id, ended_on, JudgmentOutcome::Inadmissible, None).await?,
        _ => return Ok(events),
    }
    Ok(events + 1)
}

/// Writes the history; stops at the first year boundary after `spec.events` events.
pub async fn generate(service: &Service, spec: HistorySpec) -> Result<Generated, CommandError> {
    let by = Provenance { recorded_by: "synthetic history".to_owned(), ..Provenance::default() };
    let mut rng = Rng::new(spec.seed);
    let registry = &service.context().regions;
    // The regions of a year: a region merged away before it (or one that only begins later) gets no lines.
    let regions_in = |year: i32| -> Vec<RegionSlug> { registry.in_year(year).map(|r| r.slug.clone()).collect() };
    let mut events = 0u64;
    let establishment = |rng: &mut Rng, year: i32| NewSpaceDecision {
        decision_id: id(format!("NZa-RCS-{}-11", year - 1)),
        kind: SpaceDecisionKind::Establishment,
        decided_on: NaiveDate::from_ymd_opt(year - 1, 11, 10).expect("a date"),
        announced_on: NaiveDate::from_ymd_opt(year - 1, 11, 14),
        reason: "meerjarige vaststelling (synthetisch)".to_owned(),
        spaces: registry
            .all()
            .iter()
            .flat_map(|r| (year..year + 5).filter(|y| r.exists_in(*y)).map(move |y| (r.slug.clone(), y)))
            .map(|(region, year)| SpaceLine { region, year, amount: amount(rng) })
            .collect(),
    };
    // Five earlier multi-year establishments already cover the first year, as in every later year, so a
    // region-year looks the same at the start of the history as deep into it.
    for back in (1..=5).rev() {
        let mut earlier = establishment(&mut rng, FIRST_YEAR - back + 1);
        earlier.spaces.retain(|line| line.year >= FIRST_YEAR);
        service.record_space_decision(&by, earlier).await?;
        events += 2;
    }
    let mut year = FIRST_YEAR;
    loop {
        let regions = regions_in(year);
        // The draws of every provider's year first, in the order of a serial history; then the providers'
        // decisions are recorded side by side, as many staff would, each provider's in its own order.
        let years_providers: Vec<ProviderYear> = (0..spec.providers)
            .map(|p| {
                let decided = date(year, 5 + rng.below(30));
                let amended_on = date(year, 100 + rng.below(200));
                let appeal = (rng.below(50) == 0).then(|| {
                    let received_on = date(year, rng.below(120));
                    let ended_on = received_on + Days::new(60 + rng.below(200));
                    (received_on, ended_on, rng.below(4))
                });
                ProviderYear { p, region: regions[p as usize % regions.len()].clone(), decided, amended_on, appeal }
            })
            .collect();
        let recorded: Vec<u64> = stream::iter(years_providers)
            .map(|plan| provider_year(service, &by, year, plan))
            .buffer_unordered(CONCURRENT_PROVIDERS)
            .try_collect()
            .await?;
        events += recorded.iter().sum::<u64>();
        for month in 1..=12u32 {
            let decided_on = NaiveDate::from_ymd_opt(year, month, 5).expect("a date");
            let spaces = (0..3)
                .map(|_| SpaceLine {
                    region: regions[rng.below(regions.len() as u64) as usize].clone(),
                    year,
                    amount: amount(&mut rng),
                })
                .fold(Vec::<SpaceLine>::new(), |mut lines, line| {
                    if !lines.iter().any(|l| l.region == line.region) {
                        lines.push(line);
                    }
                    lines
                });
            let amendment = NewSpaceDecision {
                decision_id: id(format!("NZa-RCS-{year}-{month:02}-W")),
                kind: SpaceDecisionKind::Amendment,
                decided_on,
                announced_on: Some(decided_on + Days::new(3)),
                reason: "herverdeling (synthetisch)".to_owned(),
                spaces,
            };
            service.record_space_decision(&by, amendment).await?;
            events += 2;
        }
        service.record_space_decision(&by, establishment(&mut rng, year + 1)).await?;
        events += 2;
        if events >= spec.events || year + 1 >= 2190 {
            return Ok(Generated { events, years: FIRST_YEAR..=year });
        }
        year += 1;
        debug_assert!(year > FIRST_YEAR && date(year, 0).year() == year);
    }
}
