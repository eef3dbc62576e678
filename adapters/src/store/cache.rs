//! The region-years of the register, held in memory in packed form, each with the facts version it was read
//! at. A read asks the database for the current version only, and reads the rows again when the version moved
//! on. A server fills the cache beside its first requests, the years around today first; the writer of this process brings an entry forward itself when
//! it commits a change to that region-year, so the answer to a write is judged from memory. Writes of other
//! processes only move the version on, which a read then sees.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use termijn_domain::register::AppealEnding;
use termijn_domain::values::{AppealId, DecisionId, RegionSlug};
use termijn_projections::facts::{
    AppealRow, DecisionRows, FactChange, FactRows, LaterDate, NoteRow, RegionYearRows, SpaceLineRow, TariffRow,
};
use termijn_projections::packed::PackedRegionYear;

/// Room for the whole register at well over a million events (about 120 bytes a row, packed).
const BUDGET_BYTES: usize = 96 << 20;

struct Entry {
    version: i64,
    rows: Arc<PackedRegionYear>,
    last_used: u64,
}

#[derive(Default)]
struct Entries {
    by_region_year: HashMap<(RegionSlug, i32), Entry>,
    bytes: usize,
    clock: u64,
}

#[derive(Default)]
pub(super) struct RegionYearCache {
    entries: Mutex<Entries>,
}

/// What one committed write did to the fact rows, for the cache to follow.
pub(super) struct RowsChange {
    /// Its changes, in log order.
    pub(super) changes: Vec<FactChange>,
    /// Every region-year it changed, with the facts version after it and the number of changes it made there.
    pub(super) versions: Vec<(RegionSlug, i32, i64, i64)>,
}

impl RegionYearCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // The entries stay consistent whatever a panicking holder was doing: each change is one map operation.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The rows of a region-year if they are held at exactly `version`.
    pub(super) fn get(&self, region: &RegionSlug, year: i32, version: i64) -> Option<Arc<PackedRegionYear>> {
        self.held_where(region, year, |entry| entry.version == version)
    }

    /// The rows held for a region-year, at whatever version.
    pub(super) fn held(&self, region: &RegionSlug, year: i32) -> Option<Arc<PackedRegionYear>> {
        self.held_where(region, year, |_| true)
    }

    fn held_where(
        &self,
        region: &RegionSlug,
        year: i32,
        fits: impl Fn(&Entry) -> bool,
    ) -> Option<Arc<PackedRegionYear>> {
        let mut entries = self.entries();
        entries.clock += 1;
        let clock = entries.clock;
        let entry = entries.by_region_year.get_mut(&(region.clone(), year)).filter(|e| fits(e))?;
        entry.last_used = clock;
        Some(entry.rows.clone())
    }

    /// How many region-years are held.
    pub(super) fn len(&self) -> usize {
        self.entries().by_region_year.len()
    }

    /// The version held for a region-year, if any.
    pub(super) fn version(&self, region: &RegionSlug, year: i32) -> Option<i64> {
        self.entries().by_region_year.get(&(region.clone(), year)).map(|e| e.version)
    }

    /// Keeps rows read at `version`, unless newer ones are held; the least recently used go to make room.
    pub(super) fn offer(&self, region: &RegionSlug, year: i32, version: i64, rows: &RegionYearRows) {
        self.hold(region, year, version, rows, true);
    }

    /// Keeps rows read at `version` if they fit beside what is held; whether there was room for them.
    pub(super) fn fill(&self, region: &RegionSlug, year: i32, version: i64, rows: &RegionYearRows) -> bool {
        self.hold(region, year, version, rows, false)
    }

    fn hold(&self, region: &RegionSlug, year: i32, version: i64, rows: &RegionYearRows, evict: bool) -> bool {
        let key = (region.clone(), year);
        if self.entries().by_region_year.get(&key).is_some_and(|e| e.version >= version) {
            return true;
        }
        // Packed outside the lock: readers go on meanwhile.
        let Some(packed) = PackedRegionYear::pack(rows) else { return false };
        let mut entries = self.entries();
        if entries.by_region_year.get(&key).is_some_and(|e| e.version >= version) {
            return true;
        }
        if !evict && entries.bytes + packed.bytes() > BUDGET_BYTES {
            return false;
        }
        entries.clock += 1;
        let entry = Entry { version, rows: Arc::new(packed), last_used: entries.clock };
        entries.insert(key, entry)
    }

    /// Follows a committed write: an entry held at the version just before the write gets its changes and the
    /// new version; any other entry of a changed region-year that is older is dropped.
    pub(super) fn follow(&self, change: RowsChange) {
        let RowsChange { changes, versions } = change;
        let mut entries = self.entries();
        let mut following = Following::default();
        for (region, year, after, changes) in versions {
            let key = (region, year);
            let Some(entry) = entries.remove(&key) else { continue };
            if entry.version >= after {
                entries.insert(key, entry);
            } else if entry.version == after - changes {
                following.held.insert(key, (entry, after));
            }
        }
        for change in changes {
            change.apply_to(&mut following);
        }
        for (key, (mut entry, after)) in following.held {
            if !following.lost.contains(&key) {
                entry.version = after;
                entries.insert(key, entry);
            }
        }
    }

    /// Forgets everything, after the views were rewritten as a whole.
    pub(super) fn clear(&self) {
        *self.entries() = Entries::default();
    }
}

/// The entries a write changes, taken out of the cache while its changes are made to them, each with the
/// version it will have after them.
#[derive(Default)]
struct Following {
    held: HashMap<(RegionSlug, i32), (Entry, i64)>,
    /// Entries whose strings no longer fit their buffer: they are read again when asked for.
    lost: HashSet<(RegionSlug, i32)>,
}

impl Following {
    fn add_to(&mut self, region: &RegionSlug, year: i32, add: impl FnOnce(&mut PackedRegionYear) -> Option<()>) {
        let key = (region.clone(), year);
        let Some((entry, _)) = self.held.get_mut(&key) else { return };
        if add(Arc::make_mut(&mut entry.rows)).is_none() {
            self.lost.insert(key);
        }
    }

    fn each(&mut self, change: impl Fn(&mut PackedRegionYear)) {
        for (entry, _) in self.held.values_mut() {
            change(Arc::make_mut(&mut entry.rows));
        }
    }
}

impl FactRows for Following {
    fn add_lines(&mut self, rows: Vec<SpaceLineRow>) {
        for row in rows {
            self.add_to(&row.region, row.year, |held| held.add(std::slice::from_ref(&row), &[], &[], &[]));
        }
    }

    fn add_tariffs(&mut self, rows: Vec<TariffRow>) {
        for row in rows {
            self.add_to(&row.region, row.year, |held| held.add(&[], std::slice::from_ref(&row), &[], &[]));
        }
    }

    fn add_appeal(&mut self, row: AppealRow) {
        self.add_to(&row.region, row.year, |held| held.add(&[], &[], std::slice::from_ref(&row), &[]));
    }

    fn add_notes(&mut self, rows: Vec<NoteRow>) {
        for row in rows {
            self.add_to(&row.region, row.year, |held| held.add(&[], &[], &[], std::slice::from_ref(&row)));
        }
    }

    fn announce(&mut self, rows: DecisionRows, decision_id: &DecisionId, announced: LaterDate) {
        self.each(|held| {
            held.announce(rows, decision_id, announced);
        });
    }

    fn end_appeal(&mut self, appeal_id: &AppealId, ending: AppealEnding, recorded_at: DateTime<Utc>) {
        self.each(|held| {
            held.end_appeal(appeal_id, ending, recorded_at);
        });
    }
}

impl Entries {
    fn remove(&mut self, key: &(RegionSlug, i32)) -> Option<Entry> {
        let entry = self.by_region_year.remove(key)?;
        self.bytes -= entry.rows.bytes();
        Some(entry)
    }

    /// Holds an entry, then lets the least recently used others go until what is held fits the budget; whether
    /// the entry itself fits.
    fn insert(&mut self, key: (RegionSlug, i32), entry: Entry) -> bool {
        let bytes = entry.rows.bytes();
        self.remove(&key);
        if bytes > BUDGET_BYTES {
            return false;
        }
        while self.bytes + bytes > BUDGET_BYTES {
            let Some(oldest) = self.by_region_year.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone())
            else {
                break;
            };
            self.remove(&oldest);
        }
        self.bytes += bytes;
        self.by_region_year.insert(key, entry);
        true
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};
    use termijn_domain::register::{AppealEnding, AppealOutcome, Appellant, TariffKind};
    use termijn_domain::values::{AgbCode, AppealId, DecisionId};
    use termijn_projections::facts::{AppealRow, LaterDate, Recorded, TariffRow};

    use super::*;

    fn groningen() -> RegionSlug {
        RegionSlug::parse("groningen").unwrap()
    }

    fn at(position: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + position, 0).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn tariff(id: &str, position: i64) -> TariffRow {
        TariffRow {
            decision_id: DecisionId::parse(id).unwrap(),
            region: groningen(),
            year: 2027,
            provider: AgbCode::parse("30000001").unwrap(),
            kind: TariffKind::Tariff,
            amends: None,
            decided_on: day("2027-01-15"),
            applied_space_decision: None,
            recorded: Recorded { position, at: at(position), by: "mr. A. Jurist".to_owned() },
            announced: None,
        }
    }

    fn appeal(id: &str, position: i64) -> AppealRow {
        AppealRow {
            appeal_id: AppealId::parse(id).unwrap(),
            region: groningen(),
            year: 2027,
            appellant: Appellant::Provider(AgbCode::parse("30000001").unwrap()),
            against_decision: DecisionId::parse("NZa-RCS-2025-11").unwrap(),
            received_on: day("2027-02-01"),
            posted_on: None,
            received_by: Default::default(),
            recorded: Recorded { position, at: at(position), by: "griffie".to_owned() },
            ending: None,
            ending_recorded_at: None,
        }
    }

    fn held_rows(cache: &RegionYearCache, version: i64) -> Option<RegionYearRows> {
        cache.get(&groningen(), 2027, version).map(|packed| packed.unpack(&groningen(), 2027).unwrap())
    }

    /// A write that adds a tariff decision and, in the same commit, announces one and ends an appeal that were
    /// recorded before: three changes to the region-year.
    fn write(announced: LaterDate, ending: AppealEnding) -> (RowsChange, TariffRow) {
        let added = tariff("NZa-TB-3", 12);
        let change = RowsChange {
            changes: vec![
                FactChange::AddTariffRows(vec![added.clone()]),
                FactChange::AnnounceTariffDecision { decision_id: DecisionId::parse("NZa-TB-1").unwrap(), announced },
                FactChange::EndAppeal { appeal_id: AppealId::parse("CBb 27/1").unwrap(), ending, recorded_at: at(12) },
            ],
            versions: vec![(groningen(), 2027, 7, 3)],
        };
        (change, added)
    }

    fn stored() -> RegionYearRows {
        RegionYearRows {
            tariffs: vec![tariff("NZa-TB-1", 2), tariff("NZa-TB-2", 3)],
            appeals: vec![appeal("CBb 27/1", 5)],
            ..RegionYearRows::default()
        }
    }

    #[test]
    fn an_entry_follows_rows_added_and_rows_changed_by_a_write() {
        let cache = RegionYearCache::default();
        assert!(cache.fill(&groningen(), 2027, 4, &stored()));
        let announced = LaterDate { on: day("2027-01-20"), recorded_at: at(12) };
        let ending = AppealEnding { on: day("2027-03-01"), outcome: AppealOutcome::Withdrawn };
        let (change, added) = write(announced, ending);
        cache.follow(change);

        let mut expected = stored();
        expected.tariffs[0].announced = Some(announced);
        expected.tariffs.push(added);
        expected.appeals[0].ending = Some(ending);
        expected.appeals[0].ending_recorded_at = Some(at(12));
        assert_eq!(held_rows(&cache, 7), Some(expected));
        assert_eq!(held_rows(&cache, 4), None, "the version before the write is no longer served");
    }

    #[test]
    fn an_entry_that_missed_a_change_of_another_process_is_dropped() {
        let cache = RegionYearCache::default();
        assert!(cache.fill(&groningen(), 2027, 3, &stored()));
        let announced = LaterDate { on: day("2027-01-20"), recorded_at: at(12) };
        let ending = AppealEnding { on: day("2027-03-01"), outcome: AppealOutcome::Withdrawn };
        cache.follow(write(announced, ending).0);
        assert_eq!(cache.version(&groningen(), 2027), None);
    }

    #[test]
    fn newer_rows_held_are_kept_over_older_ones_offered() {
        let cache = RegionYearCache::default();
        assert!(cache.fill(&groningen(), 2027, 5, &stored()));
        cache.offer(&groningen(), 2027, 4, &RegionYearRows::default());
        assert_eq!(held_rows(&cache, 5), Some(stored()));
    }
}
