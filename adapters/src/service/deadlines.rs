//! The deadlines projection: the index of every region-year's terms, kept up to date by its projector, and
//! the deadlines on a date judged from it.

use std::sync::Arc;

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use termijn_domain::record::RegionYearFacts;
use termijn_domain::reference::LegalContext;
use termijn_domain::values::{AgbCode, RegionSlug};

use termijn_projections::views::{DeadlineQuery, DeadlineView, deadline_terms, deadlines_on, index_holds_judgment};

use crate::store::{RegionYearDeadlines, StoreError};

use super::Service;

impl Service {
    /// Brings the deadlines index up to date with the facts.
    pub async fn refresh_deadlines(&self) -> Result<(), StoreError> {
        // Stored a few thousand terms at a time: after a replay every region-year is stale, and the whole
        // register's terms with their explanations would not fit in memory together.
        const TERMS_PER_WRITE: usize = 5_000;
        let mut index = Vec::new();
        let mut terms_held = 0;
        for (region, year, version) in self.store.stale_region_years().await? {
            let rows = self.store.region_year_rows(&region, year).await?;
            let terms = deadline_terms(&rows, &region, year, &self.context);
            terms_held += terms.len();
            index.push(RegionYearDeadlines { region, year, version, terms });
            if terms_held >= TERMS_PER_WRITE {
                self.store.store_deadlines(std::mem::take(&mut index)).await?;
                terms_held = 0;
            }
        }
        if index.is_empty() {
            return Ok(());
        }
        self.store.store_deadlines(index).await
    }

    /// Every opened term whose last day lies in `from..=to`, judged on `as_of`, sorted by last day.
    pub async fn deadlines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region: Option<&RegionSlug>,
        provider: Option<&AgbCode>,
        as_of: NaiveDate,
    ) -> Result<Vec<Arc<DeadlineView>>, StoreError> {
        // Every term counts for every appellant (R7): a provider sees them all, another provider's unnamed. The
        // NZa's own deadlines are for legal staff and auditors, and count for no provider.
        // The index, computed from every recorded fact, says which region-years have terms in the range; each of
        // those is judged on `as_of` by the engine, so that a term, its status and its explanation are those of
        // the space view on that date (one judgment path).
        // Region-years whose facts moved on since the index took their terms are judged here from their facts,
        // whatever the index holds for them; the projector brings the index up to date in the background, so a
        // query never waits for it (after a rebuild, for every region-year's terms). Of the others, those with no
        // fact after `as_of` take their terms from the index; the rest are judged again, and their indexed terms
        // are not read.
        // Each region-year's rows are read at the facts version the same statement gave, from memory when held.
        // A region-year judged for the same query at the same facts version before is not judged again: its
        // judgment is held (`JudgedDeadlines`).
        let stale: HashMap<(RegionSlug, i32), i64> = self
            .store
            .stale_region_years()
            .await?
            .into_iter()
            .filter(|(stale, _, _)| region.is_none_or(|region| stale == region))
            .map(|(region, year, version)| ((region, year), version))
            .collect();
        let query = DeadlineQuery { from, to, as_of, nza: provider.is_none(), viewer: provider.cloned() };
        let mut keyed: Vec<Keyed> = Vec::new();
        // One stale region-year's facts at a time: after a rebuild, they are the whole register's.
        for ((region, year), version) in &stale {
            let key = JudgedKey::new(region, *year, *version, &query);
            if self.judged.held_into(&key, &mut keyed) {
                continue;
            }
            let rows = self.store.region_year_rows_at(region, *year, Some(*version)).await?;
            let judged = keyed_by_uid(deadlines_on(&rows.facts(region, *year, None), None, &self.context, &query));
            keyed.extend(self.judged.keep(key, judged));
        }
        let mut region_years = Vec::new();
        for (region, year, version) in self.store.deadline_region_years(from, to, region).await? {
            if stale.contains_key(&(region.clone(), year)) {
                continue;
            }
            let key = version.map(|version| JudgedKey::new(&region, year, version, &query));
            if key.as_ref().is_some_and(|key| self.judged.held_into(key, &mut keyed)) {
                continue;
            }
            let facts = self.store.region_year_rows_at(&region, year, version).await?.facts(&region, year, None);
            let from_index = index_holds_judgment(&facts, as_of);
            region_years.push(((region, year), facts, from_index, key));
        }
        let served: HashSet<(RegionSlug, i32)> = region_years
            .iter()
            .filter(|(_, _, from_index, _)| *from_index)
            .map(|(region_year, _, _, _)| region_year.clone())
            .collect();
        let mut indexed: HashMap<(RegionSlug, i32), Vec<DeadlineView>> = HashMap::new();
        for d in self.store.deadlines(from, to, &served).await? {
            indexed.entry((d.region.clone(), d.year)).or_default().push(d);
        }
        let judging = region_years
            .into_iter()
            .map(|(region_year, facts, from_index, key)| {
                let held = from_index.then(|| indexed.remove(&region_year).unwrap_or_default());
                (facts, held, key)
            })
            .collect();
        for (key, judged) in judge_side_by_side(judging, &self.context, &query).await? {
            match key {
                Some(key) => keyed.extend(self.judged.keep(key, judged)),
                None => keyed.extend(judged),
            }
        }
        keyed.sort_by(|(a_uid, a), (b_uid, b)| {
            (a.term.last_day, &a.region, a.year, a_uid).cmp(&(b.term.last_day, &b.region, b.year, b_uid))
        });
        // A tariff decision for several regions has its objections' decision terms in each: listed once.
        let mut nza_seen = std::collections::HashSet::new();
        Ok(keyed
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| d.term.objection_id.as_ref().is_none_or(|o| nza_seen.insert(o.clone())))
            .collect())
    }
}

/// A term as a deadlines answer holds it, with its uid, which orders terms of the same day, region and year.
type Keyed = (Arc<str>, Arc<DeadlineView>);

/// A region-year to judge: its facts, its indexed terms where they serve, and the key its judgment is held by.
type Judging = (RegionYearFacts, Option<Vec<DeadlineView>>, Option<JudgedKey>);

/// The deadlines of region-years (each with its indexed terms where they serve), judged by `deadlines_on` on as
/// many cores as there are: each region-year whole on one of them, its terms with their uids and its key beside.
async fn judge_side_by_side(
    judging: Vec<Judging>,
    context: &Arc<LegalContext>,
    query: &DeadlineQuery,
) -> Result<Vec<(Option<JudgedKey>, Vec<Keyed>)>, StoreError> {
    /// Fewer region-years than this a part are judged on the request's own thread: the default query's few
    /// dozen cost less than the hop to another thread (measured: its p99 rose from 10 to 17 ms at 8 a part).
    const REGION_YEARS_PER_PART: usize = 32;
    fn judge(
        part: Vec<Judging>,
        context: &LegalContext,
        query: &DeadlineQuery,
    ) -> Vec<(Option<JudgedKey>, Vec<Keyed>)> {
        part.into_iter()
            .map(|(facts, held, key)| (key, keyed_by_uid(deadlines_on(&facts, held, context, query))))
            .collect()
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let parts = cores.min(judging.len() / REGION_YEARS_PER_PART).max(1);
    if parts == 1 {
        return Ok(judge(judging, context, query));
    }
    // Dealt out in turn: the region-years of one year, which cost about the same, go to every part.
    let mut dealt: Vec<Vec<_>> = (0..parts).map(|_| Vec::new()).collect();
    for (i, region_year) in judging.into_iter().enumerate() {
        dealt[i % parts].push(region_year);
    }
    let own = dealt.remove(0);
    let others: Vec<_> = dealt
        .into_iter()
        .map(|part| {
            let (context, query) = (context.clone(), query.clone());
            tokio::task::spawn_blocking(move || judge(part, &context, &query))
        })
        .collect();
    let mut judged = judge(own, context, query);
    for other in others {
        match other.await {
            Ok(theirs) => judged.extend(theirs),
            // A panic while judging is the request's, as it would be on its own thread.
            Err(error) => match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => return Err(StoreError::Open("the server is stopping".to_owned())),
            },
        }
    }
    Ok(judged)
}

/// Terms with their uids.
fn keyed_by_uid(terms: Vec<DeadlineView>) -> Vec<Keyed> {
    terms.into_iter().map(|d| (d.uid().into(), Arc::new(d))).collect()
}

/// What a region-year's judged deadlines are held by: the region-year, the facts version they were judged from,
/// and the query (its range, date and viewer). Facts of one version are the same facts, in this process and
/// after a rebuild (a version counts a region-year's changes in log order), and the legal context is the
/// service's own for its life, so a judgment held under a key is the one the engine gives for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct JudgedKey {
    region: RegionSlug,
    year: i32,
    version: i64,
    query: DeadlineQuery,
}

impl JudgedKey {
    fn new(region: &RegionSlug, year: i32, version: i64, query: &DeadlineQuery) -> Self {
        Self { region: region.clone(), year, version, query: query.clone() }
    }
}

/// The deadlines of region-years as the engine judged them for a query, held so that a question asked again is
/// answered without judging again: everyone who opens the deadlines asks the next eight weeks on the same day.
/// A region-year whose facts moved on has a new version, so its judgment is asked afresh; the others' stay. At
/// most [`HELD_TERMS`] terms are held. A new judgment waits in a short queue and is held on once asked again
/// (quick_cache's policy), so a question asked once, such as a year of deadlines on some past date, does not push
/// out those asked every day.
pub(super) struct JudgedDeadlines {
    held: quick_cache::sync::Cache<JudgedKey, Arc<[Keyed]>, TermsWeigh>,
}

/// About 2 kB a term with its explanation: some 8 MB at most, the default query's terms of many viewers (83 terms
/// at 100,000 events). A year at 100,000 events (3,608 terms) would nearly fill it.
const HELD_TERMS: u64 = 4_096;

/// A held judgment weighs its number of terms, and one for an empty one.
#[derive(Clone)]
struct TermsWeigh;

impl quick_cache::Weighter<JudgedKey, Arc<[Keyed]>> for TermsWeigh {
    fn weight(&self, _key: &JudgedKey, terms: &Arc<[Keyed]>) -> u64 {
        terms.len() as u64 + 1
    }
}

impl Default for JudgedDeadlines {
    fn default() -> Self {
        Self { held: quick_cache::sync::Cache::with_weighter(HELD_TERMS as usize / 8, HELD_TERMS, TermsWeigh) }
    }
}

impl JudgedDeadlines {
    /// Adds the terms held under `key` to `keyed`, if any are: whether they were.
    fn held_into(&self, key: &JudgedKey, keyed: &mut Vec<Keyed>) -> bool {
        let held = self.held.get(key);
        if let Some(judged) = &held {
            keyed.extend(judged.iter().cloned());
        }
        held.is_some()
    }

    /// Holds a judgment, and gives its terms back.
    fn keep(&self, key: JudgedKey, judged: Vec<Keyed>) -> Vec<Keyed> {
        self.held.insert(key, judged.as_slice().into());
        judged
    }
}

/// The deadlines projector: recomputes the index of region-years whose facts changed, in the background, so that
/// deadline queries rarely have to judge a region-year themselves.
///
/// While writes keep changing region-years, every pass judges and rewrites them all again, and its index rows
/// go through the writer that the writes wait for. So the projector rests at least nine times as long as its
/// last pass took: it never takes more than a tenth of the writer, however busy the register is.
pub async fn keep_deadlines_fresh(service: Arc<Service>) {
    const REST: std::time::Duration = std::time::Duration::from_millis(500);
    const REST_PER_WORK: u32 = 9;
    loop {
        let started = std::time::Instant::now();
        if let Err(error) = service.refresh_deadlines().await {
            tracing::warn!(%error, "refreshing the deadlines index failed; the next pass retries");
        }
        tokio::time::sleep(REST.max(started.elapsed() * REST_PER_WORK)).await;
    }
}
