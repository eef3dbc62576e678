//! Region-years read recently, decoded, each with the facts version it was read at. A read asks the database
//! for the current version only, and reads the rows again when the version moved on. The writer of this
//! process brings an entry forward itself when it commits rows for that region-year, so the answer to a write
//! is judged from memory; writes of other processes only move the version on, which a read then sees.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use termijn_domain::values::RegionSlug;
use termijn_projections::facts::{FactSet, RegionYearRows};

/// About the size of the decoded rows of a few hundred busy region-years: tens of megabytes.
const BUDGET_ROWS: usize = 100_000;

struct Entry {
    version: i64,
    rows: Arc<RegionYearRows>,
    last_used: u64,
}

#[derive(Default)]
struct Entries {
    by_region_year: HashMap<(RegionSlug, i32), Entry>,
    rows: usize,
    clock: u64,
}

fn size(rows: &RegionYearRows) -> usize {
    rows.lines.len() + rows.tariffs.len() + rows.appeals.len()
}

#[derive(Default)]
pub(super) struct RegionYearCache {
    entries: Mutex<Entries>,
}

/// What a committed transaction did to the fact rows, for the cache to follow.
pub(super) enum RowsChange {
    /// Rows were added, with every region-year's facts version after the commit.
    Added { facts: Box<FactSet>, versions: Vec<(RegionSlug, i32, i64)> },
    /// Rows stored before were changed, or the change is not known in detail: nothing cached can be trusted.
    Unknown,
}

impl RegionYearCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // The entries stay consistent whatever a panicking holder was doing: each change is one map operation.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The rows of a region-year if they are held at exactly `version`.
    pub(super) fn get(&self, region: &RegionSlug, year: i32, version: i64) -> Option<Arc<RegionYearRows>> {
        let mut entries = self.entries();
        entries.clock += 1;
        let clock = entries.clock;
        let entry = entries.by_region_year.get_mut(&(region.clone(), year))?;
        if entry.version != version {
            return None;
        }
        entry.last_used = clock;
        Some(entry.rows.clone())
    }

    /// The version held for a region-year, if any.
    pub(super) fn version(&self, region: &RegionSlug, year: i32) -> Option<i64> {
        self.entries().by_region_year.get(&(region.clone(), year)).map(|e| e.version)
    }

    /// Keeps rows read at `version`, unless newer ones are held.
    pub(super) fn offer(&self, region: &RegionSlug, year: i32, version: i64, rows: Arc<RegionYearRows>) {
        let mut entries = self.entries();
        let key = (region.clone(), year);
        if entries.by_region_year.get(&key).is_some_and(|e| e.version >= version) {
            return;
        }
        entries.clock += 1;
        let entry = Entry { version, rows, last_used: entries.clock };
        entries.insert(key, entry);
    }

    /// Follows a committed change: an entry held at the version just before the change gets the added rows
    /// and the new version; any other entry of a changed region-year that is older is dropped.
    pub(super) fn follow(&self, change: RowsChange) {
        let mut entries = self.entries();
        let RowsChange::Added { facts, versions } = change else {
            *entries = Entries::default();
            return;
        };
        let mut added: HashMap<(RegionSlug, i32), RegionYearRows> = HashMap::new();
        for line in &facts.lines {
            added.entry((line.region.clone(), line.year)).or_default().lines.push(line.clone());
        }
        for tariff in &facts.tariffs {
            added.entry((tariff.region.clone(), tariff.year)).or_default().tariffs.push(tariff.clone());
        }
        for appeal in &facts.appeals {
            added.entry((appeal.region.clone(), appeal.year)).or_default().appeals.push(appeal.clone());
        }
        for (region, year, after) in versions {
            let key = (region, year);
            let changes = facts.versions.get(&key).copied().unwrap_or(0);
            let Some(mut entry) = entries.remove(&key) else { continue };
            if entry.version >= after {
                entries.insert(key, entry);
                continue;
            }
            if entry.version != after - changes {
                continue;
            }
            let new = added.remove(&key).unwrap_or_default();
            let rows = Arc::make_mut(&mut entry.rows);
            rows.lines.extend(new.lines);
            rows.tariffs.extend(new.tariffs);
            rows.appeals.extend(new.appeals);
            rows.lines.sort_by_key(|l| l.recorded.position);
            rows.tariffs.sort_by_key(|t| t.recorded.position);
            rows.appeals.sort_by_key(|a| a.recorded.position);
            entry.version = after;
            entries.insert(key, entry);
        }
    }

    /// Forgets everything, after the views were rewritten as a whole.
    pub(super) fn clear(&self) {
        *self.entries() = Entries::default();
    }
}

impl Entries {
    fn remove(&mut self, key: &(RegionSlug, i32)) -> Option<Entry> {
        let entry = self.by_region_year.remove(key)?;
        self.rows -= size(&entry.rows);
        Some(entry)
    }

    /// Holds an entry, then lets the least recently used ones go until the rows held fit the budget.
    fn insert(&mut self, key: (RegionSlug, i32), entry: Entry) {
        let rows = size(&entry.rows);
        self.remove(&key);
        if rows > BUDGET_ROWS {
            return;
        }
        self.rows += rows;
        self.by_region_year.insert(key, entry);
        while self.rows > BUDGET_ROWS {
            let Some(oldest) = self.by_region_year.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone())
            else {
                break;
            };
            self.remove(&oldest);
        }
    }
}
