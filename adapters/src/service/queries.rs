//! The queries: the recorded facts judged by the term engine on a legal date, as the views show them.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::Explanation;
use termijn_domain::aggregates::space_decision::SpaceLine;
use termijn_domain::filing::Filing;
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{AppealEnding, AppealStatus, Appellant, SpaceDecisionKind, assess_region_year};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, ObjectionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::RegionYearRows;
use termijn_projections::views::{Audience, ObjectionView, SpaceView, TariffView};

use crate::store::{EventQuery, RegionYears, StoreError, Written};

use super::Service;

/// A contracting-space decision as recorded.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDecisionDetail {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub reason: String,
    pub spaces: Vec<SpaceLine>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// An appeal as recorded, with how it was filed and where it stands.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealDetail {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub region: RegionSlug,
    pub year: i32,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub as_of: NaiveDate,
    pub filing: Filing,
    pub status: AppealStatus,
    pub ended: Option<AppealEnding>,
    pub extended_to: Vec<DecisionId>,
    pub explanation: Explanation,
}

impl Service {
    /// The objection to a tariff decision as judged on `as_of`; `None` when no such objection to it is recorded
    /// or known on that date.
    pub async fn objection(
        &self,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        as_of: NaiveDate,
    ) -> Result<Option<ObjectionView>, StoreError> {
        self.objection_in(&*self.store, tariff_decision, objection_id, as_of).await
    }

    /// The same, in the register `facts` holds.
    pub(super) async fn objection_in(
        &self,
        facts: &(dyn RegionYears + Sync),
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        as_of: NaiveDate,
    ) -> Result<Option<ObjectionView>, StoreError> {
        let rows = facts.tariff_rows(tariff_decision).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let regions: Vec<RegionSlug> = rows.iter().map(|r| r.region.clone()).collect();
        let view = self.tariff_decision_from(facts, tariff_decision, first.year, &regions, as_of, None).await?;
        Ok(view.and_then(|view| view.objections.into_iter().find(|o| &o.objection_id == objection_id)))
    }

    /// A region-year judged on `as_of`, from what was recorded by `as_at` (everything when `None`); `None` when
    /// no decision for it was recorded by then.
    pub async fn space(
        &self,
        region: &RegionSlug,
        year: i32,
        as_of: NaiveDate,
        as_at: Option<DateTime<Utc>>,
        audience: &Audience,
    ) -> Result<Option<SpaceView>, StoreError> {
        let rows = self.store.region_year_rows(region, year).await?;
        Ok(self.judge(&rows, region, year, as_of, as_at, audience))
    }

    /// A region-year's rows judged on `as_of`, as they stood at `as_at` (all of them when `None`) with the
    /// reference data then in force; `None` when no decision for it was recorded by then.
    pub(super) fn judge(
        &self,
        rows: &RegionYearRows,
        region: &RegionSlug,
        year: i32,
        as_of: NaiveDate,
        as_at: Option<DateTime<Utc>>,
        audience: &Audience,
    ) -> Option<SpaceView> {
        self.judge_with(self.context_at(as_at), rows, region, year, as_of, as_at, audience)
    }

    /// The same, with the reference data `context`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn judge_with(
        &self,
        context: &LegalContext,
        rows: &RegionYearRows,
        region: &RegionSlug,
        year: i32,
        as_of: NaiveDate,
        as_at: Option<DateTime<Utc>>,
        audience: &Audience,
    ) -> Option<SpaceView> {
        let facts = rows.facts(region, year, as_at);
        if facts.decisions.is_empty() {
            return None;
        }
        let assessment = assess_region_year(&facts, context, as_of);
        Some(SpaceView::new(&assessment, audience, as_at, &context.commencement))
    }

    /// Every region-year with a decision recorded by `as_at`, judged on `as_of`, by region and year.
    pub async fn spaces(
        &self,
        as_of: NaiveDate,
        as_at: Option<DateTime<Utc>>,
        audience: &Audience,
    ) -> Result<Vec<SpaceView>, StoreError> {
        let mut views = Vec::new();
        for (region, year) in self.store.region_years().await? {
            views.extend(self.space(&region, year, as_of, as_at, audience).await?);
        }
        Ok(views)
    }

    pub async fn space_decision(&self, decision_id: &DecisionId) -> Result<Option<SpaceDecisionDetail>, StoreError> {
        let lines = self.store.space_lines(decision_id).await?;
        let mut sorted = lines.clone();
        sorted.sort_by_key(|l| l.recorded.position);
        Ok(sorted.first().map(|first| SpaceDecisionDetail {
            decision_id: first.decision_id.clone(),
            kind: first.kind,
            decided_on: first.decided_on,
            announced_on: first.announced.map(|a| a.on),
            reason: first.reason.clone(),
            spaces: sorted
                .iter()
                .map(|l| SpaceLine { region: l.region.clone(), year: l.year, amount: l.amount })
                .collect(),
            recorded_at: first.recorded.at,
            recorded_by: first.recorded.by.clone(),
        }))
    }

    /// A tariff decision judged on `as_of`. `just_recorded` gives its year and regions when this process has just
    /// recorded it: the answer is then judged from rows that include it.
    pub async fn tariff_decision(
        &self,
        decision_id: &DecisionId,
        as_of: NaiveDate,
        just_recorded: Option<(i32, &[RegionSlug])>,
    ) -> Result<Option<TariffView>, StoreError> {
        if let Some((year, regions)) = just_recorded {
            let written = Some(Written::TariffDecision(decision_id));
            return self.tariff_decision_from(&*self.store, decision_id, year, regions, as_of, written).await;
        }
        let rows = self.store.tariff_rows(decision_id).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let regions: Vec<RegionSlug> = rows.iter().map(|r| r.region.clone()).collect();
        self.tariff_decision_from(&*self.store, decision_id, first.year, &regions, as_of, None).await
    }

    /// A tariff decision whose year and regions are known, read with the rows of its region-years alone.
    async fn tariff_decision_from(
        &self,
        facts: &(dyn RegionYears + Sync),
        decision_id: &DecisionId,
        year: i32,
        regions: &[RegionSlug],
        as_of: NaiveDate,
        written: Option<Written<'_>>,
    ) -> Result<Option<TariffView>, StoreError> {
        let mut regions = regions.to_vec();
        regions.sort();
        regions.dedup();
        let mut region_years = Vec::with_capacity(regions.len());
        for region in regions {
            let rows = rows_of(facts, &region, year, written).await?;
            region_years.push((region, rows));
        }
        let rows: Vec<_> = region_years
            .iter()
            .flat_map(|(_, rows)| rows.tariffs.iter().filter(|t| &t.decision_id == decision_id).cloned())
            .collect();
        Ok(TariffView::new(&rows, &region_years, &self.context, as_of))
    }

    /// The provider a tariff decision is for, to decide who may see it.
    pub async fn tariff_provider(&self, decision_id: &DecisionId) -> Result<Option<AgbCode>, StoreError> {
        Ok(self.store.tariff_rows(decision_id).await?.first().map(|r| r.provider.clone()))
    }

    /// An appeal judged on `as_of`. `just_lodged` gives its region-year when this process has just lodged it: the
    /// answer is then judged from rows that include it.
    pub async fn appeal(
        &self,
        appeal_id: &AppealId,
        as_of: NaiveDate,
        just_lodged: Option<(&RegionSlug, i32)>,
    ) -> Result<Option<AppealDetail>, StoreError> {
        if let Some((region, year)) = just_lodged {
            return self.appeal_from(region, year, appeal_id, as_of, Some(Written::Appeal(appeal_id))).await;
        }
        let Some(row) = self.store.appeal_row(appeal_id).await? else { return Ok(None) };
        self.appeal_from(&row.region, row.year, appeal_id, as_of, None).await
    }

    /// An appeal whose region-year is known, read with the rows of that region-year alone.
    async fn appeal_from(
        &self,
        region: &RegionSlug,
        year: i32,
        appeal_id: &AppealId,
        as_of: NaiveDate,
        written: Option<Written<'_>>,
    ) -> Result<Option<AppealDetail>, StoreError> {
        let rows = rows_of(&*self.store, region, year, written).await?;
        let Some(row) = rows.appeals.iter().find(|a| &a.appeal_id == appeal_id).cloned() else { return Ok(None) };
        let facts = rows.facts(&row.region, row.year, None);
        // Judged on the later of `as_of` and the day it was received, so the appeal itself is always known.
        let judged_on = as_of.max(row.received_on);
        let assessment = assess_region_year(&facts, &self.context, judged_on);
        let Some(judged) = assessment.appeals.iter().find(|a| a.appeal_id == row.appeal_id) else {
            return Ok(None);
        };
        Ok(Some(AppealDetail {
            appeal_id: row.appeal_id.clone(),
            appellant: row.appellant.clone(),
            region: row.region.clone(),
            year: row.year,
            against_decision: row.against_decision.clone(),
            received_on: row.received_on,
            posted_on: row.posted_on,
            recorded_at: row.recorded.at,
            recorded_by: row.recorded.by.clone(),
            as_of: judged_on,
            filing: judged.filing,
            status: judged.status,
            ended: row.ending.filter(|e| e.on <= judged_on),
            extended_to: judged.extended_to.clone(),
            explanation: judged.explanation.clone(),
        }))
    }

    pub async fn history(&self, query: &EventQuery) -> Result<Vec<RecordedEvent>, StoreError> {
        self.store.events(query).await
    }
}

/// The rows of a region-year: the latest, or when `written` is given, any that include what was written.
async fn rows_of(
    facts: &(dyn RegionYears + Sync),
    region: &RegionSlug,
    year: i32,
    written: Option<Written<'_>>,
) -> Result<Arc<RegionYearRows>, StoreError> {
    match written {
        Some(written) => facts.region_year_rows_including(region, year, written).await,
        None => facts.region_year_rows(region, year).await,
    }
}
