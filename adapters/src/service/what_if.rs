//! What if: entries applied to a copy of the register, through the same checks, aggregates and fact changes as
//! recorded ones, and judged by the same engine; nothing is recorded. The copy is the recorded register with the
//! region-years the entries change held in memory and changed there.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateContext, AggregateError, DomainEvent, EventStore};
use termijn_domain::aggregates::appeal::Appeal;
use termijn_domain::aggregates::objection::Objection;
use termijn_domain::aggregates::space_decision::SpaceDecision;
use termijn_domain::aggregates::tariff_decision::TariffDecision;
use termijn_domain::aggregates::{Services, upcasters};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::AppealEnding;
use termijn_domain::values::{AppealId, DecisionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::difference::{Change, differences};
use termijn_projections::facts::{
    AppealRow, DecisionRows, FactChange, FactRows, LaterDate, NoteRow, RegionYearRows, SpaceLineRow, TariffRow, changes,
};
use termijn_projections::views::{
    Audience, DeadlineQuery, DeadlineView, SpaceView, deadline_terms, deadlines_on, index_holds_judgment,
};

use super::commands::{Checked, Entry};
use super::{CommandError, Service};
use crate::store::{EventRepository, RegionYears, Store, StoreError, Written};

/// The register as the entries would leave it: each region-year they change, as it would be, and what would
/// change in it.
#[derive(Debug, Clone)]
pub struct WhatIf {
    pub spaces: Vec<SpaceView>,
    /// Each of `spaces` as it is now: `None` where the region-year has no decision yet.
    pub before: Vec<Option<SpaceView>>,
    pub changes: Vec<Change>,
}

/// Why a what-if has no answer: the entry (counted from 0) that cannot be applied, and why.
#[derive(Debug)]
pub struct EntryRefused {
    pub entry: usize,
    pub error: CommandError,
}

impl From<StoreError> for EntryRefused {
    fn from(error: StoreError) -> Self {
        Self { entry: 0, error: CommandError::Store(error) }
    }
}

impl Service {
    /// Applies `entries` in their order to a copy of the register and judges every region-year they change on
    /// `as_of`, for `audience`, before and after. `by` is who would record them.
    pub async fn what_if(
        &self,
        by: &str,
        as_of: NaiveDate,
        entries: Vec<Entry>,
        audience: &Audience,
    ) -> Result<WhatIf, EntryRefused> {
        self.what_if_comparing(by, as_of, entries, audience, Deadlines::Compared).await
    }

    /// [`Service::what_if`], comparing the deadlines of both sides as well or not.
    pub(super) async fn what_if_comparing(
        &self,
        by: &str,
        as_of: NaiveDate,
        entries: Vec<Entry>,
        audience: &Audience,
        deadlines: Deadlines,
    ) -> Result<WhatIf, EntryRefused> {
        let mut scenario = Scenario::new(&self.store, &self.context, by).await?;
        for (i, entry) in entries.into_iter().enumerate() {
            let refused = |error| EntryRefused { entry: i, error };
            let checked = self.check(&scenario, entry).await.map_err(refused)?;
            scenario.apply(checked).await.map_err(refused)?;
        }
        // Each region-year judged from both sides; on every core, as the judgments need nothing but the rows.
        let held: Vec<(&(RegionSlug, i32), &RegionYearRows, &RegionYearRows)> = scenario
            .held
            .0
            .iter()
            .filter_map(|(key, after)| scenario.recorded.get(key).map(|before| (key, &**before, after)))
            .collect();
        let threads =
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(held.len().max(1));
        let compare = |chunk: &[(&(RegionSlug, i32), &RegionYearRows, &RegionYearRows)]| -> Vec<Option<Compared>> {
            chunk
                .iter()
                .map(|((region, year), before, after)| {
                    let (before, after) = (Side::new(before, &self.context), Side::new(after, &self.context));
                    self.compare((region, *year), before, after, as_of, audience, deadlines)
                })
                .collect()
        };
        let compared: Vec<Option<Compared>> = if threads <= 1 {
            compare(&held)
        } else {
            std::thread::scope(|scope| {
                let chunks: Vec<_> = held
                    .chunks(held.len().div_ceil(threads))
                    .map(|chunk| scope.spawn(move || compare(chunk)))
                    .collect();
                chunks
                    .into_iter()
                    .flat_map(|chunk| chunk.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                    .collect()
            })
        };
        let (mut spaces, mut now, mut changes) = (Vec::new(), Vec::new(), Vec::new());
        for compared in compared.into_iter().flatten() {
            changes.extend(compared.changes);
            spaces.push(compared.after);
            now.push(compared.before);
        }
        Ok(WhatIf { spaces, before: now, changes })
    }
}

/// Whether a comparison also compares the deadlines from the day on of both sides (the changes
/// `DeadlineAdded`, `DeadlineMoves` and `DeadlineRemoved`), which judges each side a second time, for the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Deadlines {
    Compared,
    /// Only the region-year's own judgment: its amount, decisions, terms and appeals.
    NotCompared,
}

/// One side of a comparison: a region-year's rows, judged with some reference data.
pub(super) struct Side<'a> {
    rows: &'a RegionYearRows,
    context: &'a LegalContext,
}

impl<'a> Side<'a> {
    pub(super) fn new(rows: &'a RegionYearRows, context: &'a LegalContext) -> Self {
        Self { rows, context }
    }
}

/// A region-year judged from two sides, and what changes from the one to the other.
pub(super) struct Compared {
    pub(super) before: Option<SpaceView>,
    pub(super) after: SpaceView,
    pub(super) changes: Vec<Change>,
}

impl Service {
    /// A region-year judged on `as_of` for `audience` from both sides, with the deadlines from that day on of
    /// each, and the differences: what a what-if and a change of the reference data both report. `None` when
    /// the region-year has no decision after.
    pub(super) fn compare(
        &self,
        (region, year): (&RegionSlug, i32),
        before: Side<'_>,
        after: Side<'_>,
        as_of: NaiveDate,
        audience: &Audience,
        compared: Deadlines,
    ) -> Option<Compared> {
        let query = DeadlineQuery {
            from: as_of,
            to: NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date"),
            as_of,
            nza: audience.seen_by.is_none(),
            viewer: audience.seen_by.clone(),
        };
        let deadlines = |side: &Side<'_>| -> Vec<DeadlineView> {
            if compared == Deadlines::NotCompared {
                return Vec::new();
            }
            // The index's terms are computed only where they would serve, as the deadlines query reads them.
            let facts = side.rows.facts(region, year, None);
            let indexed =
                index_holds_judgment(&facts, as_of).then(|| deadline_terms(side.rows, region, year, side.context));
            deadlines_on(&facts, indexed, side.context, &query)
        };
        let judged = self.judge_with(after.context, after.rows, region, year, as_of, None, audience)?;
        let was = self.judge_with(before.context, before.rows, region, year, as_of, None, audience);
        let changes = differences(was.as_ref(), &judged, &deadlines(&before), &deadlines(&after));
        Some(Compared { before: was, after: judged, changes })
    }
}

/// A copy of the register the entries of a what-if are applied to.
struct Scenario<'a> {
    store: &'a Store,
    context: &'a Services,
    held: Held,
    /// Each held region-year as recorded, before the entries: the other side of the comparison.
    recorded: HashMap<(RegionSlug, i32), Arc<RegionYearRows>>,
    aggregates: Aggregates,
    /// The position the next event would have in the log.
    position: i64,
    at: DateTime<Utc>,
    by: String,
}

/// Each aggregate an entry was handled by, as the entries left it.
#[derive(Default)]
struct Aggregates {
    spaces: HashMap<String, SpaceDecision>,
    tariffs: HashMap<String, TariffDecision>,
    appeals: HashMap<String, Appeal>,
    objections: HashMap<String, Objection>,
}

impl<'a> Scenario<'a> {
    async fn new(store: &'a Store, context: &'a Services, by: &str) -> Result<Self, StoreError> {
        let (head, _) = store.chain_head().await?;
        Ok(Self {
            store,
            context,
            held: Held::default(),
            recorded: HashMap::new(),
            aggregates: Aggregates::default(),
            position: head,
            at: Utc::now(),
            by: by.to_owned(),
        })
    }

    /// Has the checked entry's aggregate handle it, and makes the fact changes of its events in the copy.
    async fn apply(&mut self, checked: Checked) -> Result<(), CommandError> {
        let (store, context) = (self.store, self.context);
        let events = match checked {
            Checked::Space(id, command) => {
                let events = handle(store, context, &mut self.aggregates.spaces, &id, command).await?;
                self.recorded(SpaceDecision::TYPE, &id, events)
            }
            Checked::Tariff(id, command) => {
                let events = handle(store, context, &mut self.aggregates.tariffs, &id, command).await?;
                self.recorded(TariffDecision::TYPE, &id, events)
            }
            Checked::Appeal(id, command) => {
                let events = handle(store, context, &mut self.aggregates.appeals, &id, command).await?;
                self.recorded(Appeal::TYPE, &id, events)
            }
            Checked::Objection(id, command) => {
                let events = handle(store, context, &mut self.aggregates.objections, &id, command).await?;
                self.recorded(Objection::TYPE, &id, events)
            }
        };
        for event in events? {
            let changes = changes(&event).map_err(|e| CommandError::Internal(e.to_string()))?;
            for change in changes {
                self.hold_for(&change).await?;
                change.apply_to(&mut self.held);
            }
        }
        Ok(())
    }

    /// Events as the log would record them, after what is recorded.
    fn recorded<E: DomainEvent>(
        &mut self,
        aggregate_type: &str,
        id: &str,
        events: Vec<E>,
    ) -> Result<Vec<RecordedEvent>, CommandError> {
        events
            .into_iter()
            .map(|event| {
                self.position += 1;
                Ok(RecordedEvent {
                    position: self.position,
                    aggregate_type: aggregate_type.to_owned(),
                    aggregate_id: id.to_owned(),
                    sequence: 0,
                    event_type: event.event_type(),
                    event_version: event.event_version(),
                    payload: serde_json::to_value(&event).map_err(|e| CommandError::Internal(e.to_string()))?,
                    recorded_at: self.at,
                    recorded_by: self.by.clone(),
                    idempotency_key: None,
                    hash: String::new(),
                })
            })
            .collect()
    }

    /// Holds every region-year a change makes a change in, as recorded, before the change is made to it.
    async fn hold_for(&mut self, change: &FactChange) -> Result<(), StoreError> {
        let region_years: Vec<(RegionSlug, i32)> = match change {
            FactChange::AddSpaceLines(rows) => rows.iter().map(|r| (r.region.clone(), r.year)).collect(),
            FactChange::AddTariffRows(rows) => rows.iter().map(|r| (r.region.clone(), r.year)).collect(),
            FactChange::AddAppeal(row) => vec![(row.region.clone(), row.year)],
            FactChange::AddNotes(rows) => rows.iter().map(|r| (r.region.clone(), r.year)).collect(),
            FactChange::AnnounceSpaceDecision { decision_id, .. } => {
                self.space_lines(decision_id).await?.into_iter().map(|l| (l.region, l.year)).collect()
            }
            FactChange::AnnounceTariffDecision { decision_id, .. } => {
                self.tariff_rows(decision_id).await?.into_iter().map(|t| (t.region, t.year)).collect()
            }
            FactChange::EndAppeal { appeal_id, .. } => {
                self.appeal_row(appeal_id).await?.into_iter().map(|a| (a.region, a.year)).collect()
            }
            FactChange::ReferenceDataChanged => Vec::new(),
        };
        for (region, year) in region_years {
            if !self.held.0.contains_key(&(region.clone(), year)) {
                let rows = self.store.region_year_rows(&region, year).await?;
                self.held.0.insert((region.clone(), year), RegionYearRows::clone(&rows));
                self.recorded.insert((region, year), rows);
            }
        }
        Ok(())
    }
}

/// Has an aggregate handle a command: the aggregate as the entries before left it, or as recorded.
async fn handle<A>(
    store: &Store,
    context: &Services,
    held: &mut HashMap<String, A>,
    id: &str,
    command: A::Command,
) -> Result<Vec<A::Event>, CommandError>
where
    A: Aggregate<Services = Services>,
    CommandError: From<AggregateError<A::Error>>,
{
    let aggregate = match held.entry(id.to_owned()) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(entry) => {
            let events =
                PersistedEventStore::<EventRepository, A>::new_event_store(EventRepository::new(store.clone()))
                    .with_upcasters(upcasters());
            let mut loaded = events.load_aggregate(id).await?;
            entry.insert(std::mem::take(loaded.aggregate()))
        }
    };
    let sink = EventSink::default();
    aggregate.handle(command, context, &sink).await.map_err(AggregateError::UserError)?;
    Ok(sink.collect().await)
}

/// The region-years a what-if changed, as it left them.
#[derive(Default)]
struct Held(BTreeMap<(RegionSlug, i32), RegionYearRows>);

impl Held {
    fn at(&mut self, region: &RegionSlug, year: i32) -> Option<&mut RegionYearRows> {
        self.0.get_mut(&(region.clone(), year))
    }
}

impl FactRows for Held {
    fn add_lines(&mut self, rows: Vec<SpaceLineRow>) {
        for row in rows {
            if let Some(held) = self.at(&row.region, row.year) {
                held.lines.push(row);
            }
        }
    }

    fn add_tariffs(&mut self, rows: Vec<TariffRow>) {
        for row in rows {
            if let Some(held) = self.at(&row.region, row.year) {
                held.tariffs.push(row);
            }
        }
    }

    fn add_appeal(&mut self, row: AppealRow) {
        if let Some(held) = self.at(&row.region, row.year) {
            held.appeals.push(row);
        }
    }

    fn add_notes(&mut self, rows: Vec<NoteRow>) {
        for row in rows {
            if let Some(held) = self.at(&row.region, row.year) {
                held.notes.push(row);
            }
        }
    }

    fn announce(&mut self, rows: DecisionRows, decision_id: &DecisionId, announced: LaterDate) {
        for held in self.0.values_mut() {
            match rows {
                DecisionRows::SpaceLines => {
                    held.lines.iter_mut().filter(|l| &l.decision_id == decision_id).for_each(|l| {
                        l.announced = Some(announced);
                    });
                }
                DecisionRows::TariffRows => {
                    held.tariffs.iter_mut().filter(|t| &t.decision_id == decision_id).for_each(|t| {
                        t.announced = Some(announced);
                    });
                }
            }
        }
    }

    fn end_appeal(&mut self, appeal_id: &AppealId, ending: AppealEnding, recorded_at: DateTime<Utc>) {
        for held in self.0.values_mut() {
            for appeal in held.appeals.iter_mut().filter(|a| &a.appeal_id == appeal_id) {
                appeal.ending = Some(ending);
                appeal.ending_recorded_at = Some(recorded_at);
            }
        }
    }
}

/// The copy answers what the checks ask as the register would after the entries so far: a region-year held is
/// read from the copy, any other from the store.
#[async_trait]
impl RegionYears for Scenario<'_> {
    async fn region_year_rows(&self, region: &RegionSlug, year: i32) -> Result<Arc<RegionYearRows>, StoreError> {
        match self.held.0.get(&(region.clone(), year)) {
            Some(held) => Ok(Arc::new(held.clone())),
            None => self.store.region_year_rows(region, year).await,
        }
    }

    async fn region_year_rows_at(
        &self,
        region: &RegionSlug,
        year: i32,
        _version: Option<i64>,
    ) -> Result<Arc<RegionYearRows>, StoreError> {
        self.region_year_rows(region, year).await
    }

    async fn region_year_rows_including(
        &self,
        region: &RegionSlug,
        year: i32,
        _written: Written<'_>,
    ) -> Result<Arc<RegionYearRows>, StoreError> {
        self.region_year_rows(region, year).await
    }

    async fn hold_register(&self, year: i32) -> Result<(usize, usize), StoreError> {
        self.store.hold_register(year).await
    }

    async fn sets_space(
        &self,
        decision_id: &DecisionId,
        region: &RegionSlug,
        year: i32,
    ) -> Result<(bool, bool), StoreError> {
        let lines = self.space_lines(decision_id).await?;
        Ok((!lines.is_empty(), lines.iter().any(|l| &l.region == region && l.year == year)))
    }

    async fn region_years(&self) -> Result<Vec<(RegionSlug, i32)>, StoreError> {
        let mut all = self.store.region_years().await?;
        all.extend(self.held.0.keys().cloned());
        all.sort();
        all.dedup();
        Ok(all)
    }

    async fn space_lines(&self, decision_id: &DecisionId) -> Result<Vec<SpaceLineRow>, StoreError> {
        let mut lines: Vec<SpaceLineRow> = self.store.space_lines(decision_id).await?;
        lines.retain(|l| !self.held.0.contains_key(&(l.region.clone(), l.year)));
        for held in self.held.0.values() {
            lines.extend(held.lines.iter().filter(|l| &l.decision_id == decision_id).cloned());
        }
        lines.sort_by_key(|l| l.recorded.position);
        Ok(lines)
    }

    async fn tariff_rows(&self, decision_id: &DecisionId) -> Result<Vec<TariffRow>, StoreError> {
        let mut rows: Vec<TariffRow> = self.store.tariff_rows(decision_id).await?;
        rows.retain(|t| !self.held.0.contains_key(&(t.region.clone(), t.year)));
        for held in self.held.0.values() {
            rows.extend(held.tariffs.iter().filter(|t| &t.decision_id == decision_id).cloned());
        }
        rows.sort_by_key(|t| t.recorded.position);
        Ok(rows)
    }

    async fn appeal_row(&self, appeal_id: &AppealId) -> Result<Option<AppealRow>, StoreError> {
        for held in self.held.0.values() {
            if let Some(row) = held.appeals.iter().find(|a| &a.appeal_id == appeal_id) {
                return Ok(Some(row.clone()));
            }
        }
        Ok(self.store.appeal_row(appeal_id).await?)
    }
}
