//! What entries would change in a region-year: the difference between two judgments of it on the same day, the
//! register as it is and as it would be. Nothing here judges: both sides are the engine's views, and each change
//! carries the explanation the engine gave for the side after.

use serde::{Deserialize, Serialize};
use termijn_domain::Explanation;
use termijn_domain::register::{TermBasis, TermStatus};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, ObjectionId, RegionSlug};

use crate::views::{DeadlineView, SpaceView, TermView};

/// What changes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The space's amount.
    AmountChanges,
    /// The decision that sets the space now.
    CurrentDecisionChanges,
    /// A term that was not there opens (or is pending, or conditional).
    TermOpens,
    /// A term that was not there is listed as not opened, with the reason.
    TermNotOpened,
    /// An open, pending or conditional term closes or is no longer opened.
    TermCloses,
    /// A term's last day moves.
    TermMoves,
    /// A term's status changes otherwise.
    TermStatusChanges,
    /// A term's last day becomes certain (`before` `true`, `after` `false`), or provisional again.
    TermProvisionalChanges,
    /// An appeal that was not there, with its filing.
    AppealLodged,
    /// An appeal reaches another decision by art. 6:19 Awb.
    AppealExtended,
    /// An appeal's status changes (withdrawn, judged).
    AppealStatusChanges,
    /// An appeal's filing is classified otherwise.
    FilingChanges,
    /// A decision that was not there.
    DecisionAdded,
    /// A decision that was irrevocable no longer is.
    FinalityLost,
    /// A decision becomes irrevocable.
    FinalityGained,
    /// A decision's status changes otherwise.
    DecisionStatusChanges,
    /// A deadline from the judging day on that was not there (the NZa's own included).
    DeadlineAdded,
    /// A deadline from the judging day on that is no longer there.
    DeadlineRemoved,
    /// A deadline's last day moves.
    DeadlineMoves,
}

/// One change, naming what it is about, with its value before and after and the engine's explanation of the
/// value after (of the value before, when there is none after).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub region: RegionSlug,
    pub year: i32,
    pub change: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<TermBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_id: Option<DecisionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tariff_decision: Option<DecisionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AgbCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_id: Option<AppealId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objection_id: Option<ObjectionId>,
    /// The value before: a status (`*_status_changes`, `appeal_lodged` its filing, `decision_added` its status),
    /// a date (terms and deadlines their last day, finality the day since which it holds), an amount or a
    /// decision id; `null` when there was none.
    pub before: Option<String>,
    /// The value after; `null` when there is none.
    pub after: Option<String>,
    pub explanation: Explanation,
}

impl Change {
    fn new(region: &RegionSlug, year: i32, change: ChangeKind) -> Self {
        Self {
            region: region.clone(),
            year,
            change,
            basis: None,
            decision_id: None,
            tariff_decision: None,
            provider: None,
            appeal_id: None,
            objection_id: None,
            before: None,
            after: None,
            explanation: Explanation::new(),
        }
    }

    fn about_term(mut self, term: &TermView) -> Self {
        self.basis = Some(term.basis);
        self.decision_id = Some(term.decision_id.clone());
        self.tariff_decision.clone_from(&term.tariff_decision);
        self.provider.clone_from(&term.provider);
        self.appeal_id.clone_from(&term.appeal_id);
        self.objection_id.clone_from(&term.objection_id);
        self.explanation = term.explanation.clone();
        self
    }

    fn values(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// A value as the API writes it: an enum by its JSON name, a date as `YYYY-MM-DD`, an amount as its decimal.
fn word(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn is_running(status: TermStatus) -> bool {
    matches!(status, TermStatus::Open | TermStatus::Pending | TermStatus::Conditional)
}

/// What identifies a term within its region-year.
fn term_key(term: &TermView) -> impl PartialEq + '_ {
    (
        term.basis,
        &term.decision_id,
        &term.tariff_decision,
        &term.provider,
        &term.objection_id,
        &term.appeal_id,
        term.other_provider.then_some(term.opens_on),
    )
}

/// The changes from one judgment of a region-year to another on the same day (`before` is `None` when the
/// region-year had no decision), with the deadlines from that day on of each, as `/deadlines` lists them.
pub fn differences(
    before: Option<&SpaceView>,
    after: &SpaceView,
    deadlines_before: &[DeadlineView],
    deadlines_after: &[DeadlineView],
) -> Vec<Change> {
    let (region, year) = (&after.region, after.year);
    let change = |kind| Change::new(region, year, kind);
    let mut changes = Vec::new();
    let amount_before = before.and_then(|b| b.amount).map(|a| word(&a));
    if amount_before != after.amount.map(|a| word(&a)) {
        changes.push(change(ChangeKind::AmountChanges).values(amount_before, after.amount.map(|a| word(&a))));
    }
    let current_before = before.and_then(|b| b.current_decision.as_ref());
    if current_before != after.current_decision.as_ref() {
        changes.push(
            change(ChangeKind::CurrentDecisionChanges)
                .values(current_before.map(word), after.current_decision.as_ref().map(word)),
        );
    }

    // The space's finality is its current decision's: lost when an amendment replaces an irrevocable decision,
    // gained when the current one becomes irrevocable.
    let final_before = before.and_then(|b| b.irrevocable_since);
    let space_finality = match (final_before, after.irrevocable_since) {
        (Some(_), None) => Some((ChangeKind::FinalityLost, current_before.cloned())),
        (None, Some(_)) => Some((ChangeKind::FinalityGained, after.current_decision.clone())),
        _ => None,
    };
    if let Some((kind, decision_id)) = &space_finality {
        let mut finality =
            change(*kind).values(final_before.map(|d| word(&d)), after.irrevocable_since.map(|d| word(&d)));
        finality.decision_id.clone_from(decision_id);
        if let Some(shown) = after.decisions.iter().find(|d| Some(&d.decision_id) == after.current_decision.as_ref()) {
            finality.explanation = shown.explanation.clone();
        }
        changes.push(finality);
    }

    let terms_before: Vec<&TermView> = before.map(|b| b.terms.iter().collect()).unwrap_or_default();
    let mut matched = vec![false; terms_before.len()];
    for term in &after.terms {
        let found = terms_before.iter().enumerate().find(|(i, t)| !matched[*i] && term_key(t) == term_key(term));
        let Some((i, old)) = found else {
            let kind =
                if term.status == TermStatus::NotOpened { ChangeKind::TermNotOpened } else { ChangeKind::TermOpens };
            let shown = term.last_day.map_or_else(|| word(&term.status), |d| word(&d));
            changes.push(change(kind).about_term(term).values(None, Some(shown)));
            continue;
        };
        matched[i] = true;
        if old.status != term.status {
            let kind = if is_running(old.status) && !is_running(term.status) {
                ChangeKind::TermCloses
            } else {
                ChangeKind::TermStatusChanges
            };
            changes.push(change(kind).about_term(term).values(Some(word(&old.status)), Some(word(&term.status))));
        }
        if old.provisional != term.provisional {
            changes.push(
                change(ChangeKind::TermProvisionalChanges)
                    .about_term(term)
                    .values(Some(old.provisional.to_string()), Some(term.provisional.to_string())),
            );
        }
        if old.last_day != term.last_day {
            changes.push(
                change(ChangeKind::TermMoves)
                    .about_term(term)
                    .values(old.last_day.map(|d| word(&d)), term.last_day.map(|d| word(&d))),
            );
        }
    }
    for (old, _) in terms_before.iter().zip(&matched).filter(|(_, m)| !**m) {
        changes.push(change(ChangeKind::TermCloses).about_term(old).values(Some(word(&old.status)), None));
    }

    for appeal in &after.appeals {
        let mut about = change(ChangeKind::AppealLodged);
        about.appeal_id = Some(appeal.appeal_id.clone());
        about.decision_id = Some(appeal.against_decision.clone());
        about.explanation = appeal.explanation.clone();
        let Some(old) = before.and_then(|b| b.appeals.iter().find(|a| a.appeal_id == appeal.appeal_id)) else {
            changes.push(about.values(None, Some(word(&appeal.filing))));
            continue;
        };
        for reached in appeal.extended_to.iter().filter(|d| !old.extended_to.contains(d)) {
            let mut extended = about.clone();
            extended.change = ChangeKind::AppealExtended;
            extended.decision_id = Some(reached.clone());
            changes.push(extended.values(None, Some(word(reached))));
        }
        if old.filing != appeal.filing {
            let mut filed = about.clone();
            filed.change = ChangeKind::FilingChanges;
            changes.push(filed.values(Some(word(&old.filing)), Some(word(&appeal.filing))));
        }
        if old.status != appeal.status {
            let mut ended = about.clone();
            ended.change = ChangeKind::AppealStatusChanges;
            changes.push(ended.values(Some(word(&old.status)), Some(word(&appeal.status))));
        }
    }

    for decision in &after.decisions {
        let mut about = change(ChangeKind::DecisionAdded);
        about.decision_id = Some(decision.decision_id.clone());
        about.explanation = decision.explanation.clone();
        let Some(old) = before.and_then(|b| b.decisions.iter().find(|d| d.decision_id == decision.decision_id)) else {
            changes.push(about.values(None, Some(word(&decision.status))));
            continue;
        };
        let kind = match (old.irrevocable_since, decision.irrevocable_since) {
            (Some(_), None) => Some(ChangeKind::FinalityLost),
            (None, Some(_)) => Some(ChangeKind::FinalityGained),
            _ if old.status != decision.status => Some(ChangeKind::DecisionStatusChanges),
            _ => None,
        };
        let said =
            space_finality.as_ref().is_some_and(|(k, d)| Some(*k) == kind && d.as_ref() == Some(&decision.decision_id));
        if let Some(kind) = kind.filter(|_| !said) {
            about.change = kind;
            let (was, is) = if kind == ChangeKind::DecisionStatusChanges {
                (Some(word(&old.status)), Some(word(&decision.status)))
            } else {
                (old.irrevocable_since.map(|d| word(&d)), decision.irrevocable_since.map(|d| word(&d)))
            };
            changes.push(about.values(was, is));
        }
    }

    let uids_before = DeadlineView::uids(deadlines_before);
    let uids_after = DeadlineView::uids(deadlines_after);
    for (uid, deadline) in uids_after.iter().zip(deadlines_after) {
        let last_day = deadline.term.last_day.map(|d| word(&d));
        match uids_before.iter().position(|u| u == uid) {
            None => changes.push(change(ChangeKind::DeadlineAdded).about_term(&deadline.term).values(None, last_day)),
            Some(i) if deadlines_before[i].term.last_day != deadline.term.last_day => {
                let was = deadlines_before[i].term.last_day.map(|d| word(&d));
                changes.push(change(ChangeKind::DeadlineMoves).about_term(&deadline.term).values(was, last_day));
            }
            Some(_) => {}
        }
    }
    for (uid, deadline) in uids_before.iter().zip(deadlines_before) {
        if !uids_after.contains(uid) {
            let was = deadline.term.last_day.map(|d| word(&d));
            changes.push(change(ChangeKind::DeadlineRemoved).about_term(&deadline.term).values(was, None));
        }
    }
    changes
}
