//! The legal state of one region-year on a legal date: which terms run, how each appeal was filed, and the
//! status and finality of every contracting-space decision (R3-R5, R7-R9, R12), computed from recorded facts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dutch;
use crate::explanation::Explanation;
use crate::filing::{CountingTerm, Filing, WithoutTerm, classify_filing};
use crate::reference::LegalContext;
use crate::terms::{
    AppliedBy, ComputedTerm, TermPhase, day_after, first_of_march_rule_applies, rcs_term_from_first_of_march,
    rcs_term_from_tariff_decision,
};
use crate::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpaceDecisionKind {
    Establishment,
    Amendment,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TariffKind {
    Tariff,
    AmendedTariff,
    /// The Wlz-sluittarief of the post-calculation (art. 50 lid 3-5 Wmg).
    Sluittarief,
}

/// Who lodged an appeal (art. 8:1 Awb; art. 105 lid 1 Wmg).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Appellant {
    Provider(AgbCode),
    CareOffice(String),
    Other(String),
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    Withdrawn,
    Dismissed,
    Upheld,
    Inadmissible,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealEnding {
    pub on: NaiveDate,
    pub outcome: AppealOutcome,
}

/// One line of a contracting-space decision, for this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDecisionFact {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub amount: Euro,
}

/// A tariff decision for this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffDecisionFact {
    pub decision_id: DecisionId,
    pub provider: AgbCode,
    pub kind: TariffKind,
    pub announced_on: Option<NaiveDate>,
    /// The contracting-space decision the tariff decision names for this region, if it names one.
    pub applied_space_decision: Option<DecisionId>,
}

/// An appeal against a contracting-space decision of this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealFact {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub ending: Option<AppealEnding>,
}

/// Everything recorded for one region-year, each list in the order it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearFacts {
    pub region: RegionSlug,
    pub year: i32,
    pub decisions: Vec<SpaceDecisionFact>,
    pub tariff_decisions: Vec<TariffDecisionFact>,
    pub appeals: Vec<AppealFact>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TermBasis {
    #[serde(rename = "art105_lid2")]
    Art105Lid2,
    #[serde(rename = "art105_lid3")]
    Art105Lid3,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotOpenedReason {
    /// Art. 105 lid 4 Wmg: the space was already irrevocable.
    SpaceIrrevocable,
    /// Art. 105 lid 2, last sentence, Wmg: a Wlz-sluittarief opens no appeal against the space.
    Sluittarief,
    /// R12: art. 105 lid 2-4 Wmg did not yet apply.
    BeforeCommencement,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermStatus {
    Pending,
    Open,
    Closed,
    NotOpened,
}

/// An appeal term against a contracting-space decision, or a term that was not opened and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermAssessment {
    pub basis: TermBasis,
    pub decision_id: DecisionId,
    pub tariff_decision: Option<DecisionId>,
    pub provider: Option<AgbCode>,
    /// The dates, when the term was opened.
    pub term: Option<ComputedTerm>,
    pub not_opened: Option<NotOpenedReason>,
    pub status: TermStatus,
    pub explanation: Explanation,
}

impl TermAssessment {
    /// Which terms count for whom (R7): a provider has the lid-3 term and the lid-2 terms of its own tariff
    /// decisions; a care office or any other appellant has every term of the decision.
    pub fn counts_for(&self, appellant: &Appellant) -> bool {
        match (appellant, &self.provider) {
            (Appellant::Provider(agb), Some(provider)) => agb == provider,
            _ => true,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Pending,
    Withdrawn,
    Dismissed,
    Upheld,
    Inadmissible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealAssessment {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    /// Later decisions of the region-year the appeal reached by art. 6:19 Awb.
    pub extended_to: Vec<DecisionId>,
    pub filing: Filing,
    pub status: AppealStatus,
    pub explanation: Explanation,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    NotAnnounced,
    NotAppealable,
    Annulled,
    UnderAppeal,
    Irrevocable,
    Open,
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionAssessment {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub amount: Euro,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub status: DecisionStatus,
    pub irrevocable_since: Option<NaiveDate>,
    pub annulled_on: Option<NaiveDate>,
    pub superseded_by: Option<DecisionId>,
    pub explanation: Explanation,
}

/// The legal state of a region-year on a legal date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearAssessment {
    pub region: RegionSlug,
    pub year: i32,
    pub as_of: NaiveDate,
    /// The decision in force: the latest recorded one announced by `as_of`, else the latest recorded.
    pub current_decision: Option<DecisionId>,
    pub amount: Option<Euro>,
    pub status: Option<DecisionStatus>,
    pub irrevocable_since: Option<NaiveDate>,
    pub terms: Vec<TermAssessment>,
    pub appeals: Vec<AppealAssessment>,
    pub decisions: Vec<DecisionAssessment>,
}

impl RegionYearAssessment {
    /// The terms that count for `appellant` (R7), e.g. for a provider asking what is open for it.
    pub fn terms_for<'a>(&'a self, appellant: &'a Appellant) -> impl Iterator<Item = &'a TermAssessment> + 'a {
        self.terms.iter().filter(move |t| t.counts_for(appellant))
    }
}

/// A pending-or-ended interval of an appeal that holds back finality (R9).
#[derive(Debug, Clone, Copy)]
struct Hold {
    ends_on: Option<NaiveDate>,
}

/// R9, art. 105 lid 4 Wmg: the first day on which at least one term has run, no term is open or still to
/// begin, and no appeal that was premature, on time or on time by post is pending; `None` when that day has not
/// come by `at`. `latest_last_day` is the last day of the term that ends last.
fn irrevocable_since(latest_last_day: Option<NaiveDate>, holds: &[Hold], at: NaiveDate) -> Option<NaiveDate> {
    let mut since = day_after(latest_last_day?);
    for hold in holds {
        since = since.max(hold.ends_on?);
    }
    (since <= at).then_some(since)
}

fn latest_last_day(terms: &[TermAssessment]) -> Option<NaiveDate> {
    terms.iter().filter_map(|t| t.term.as_ref().map(|term| term.last_day)).max()
}

/// The date on which an appeal was filed for the purposes of R9: the day of posting when sent by post.
fn filed_on(appeal: &AppealFact) -> NaiveDate {
    appeal.posted_on.map_or(appeal.received_on, |p| p.min(appeal.received_on))
}

struct Known<'a> {
    facts: &'a RegionYearFacts,
    as_of: NaiveDate,
}

impl Known<'_> {
    fn announced(&self, on: Option<NaiveDate>) -> Option<NaiveDate> {
        on.filter(|d| *d <= self.as_of)
    }

    fn ending(&self, appeal: &AppealFact) -> Option<AppealEnding> {
        appeal.ending.filter(|e| e.on <= self.as_of)
    }

    fn decision_index(&self, id: &DecisionId) -> Option<usize> {
        self.facts.decisions.iter().position(|d| &d.decision_id == id)
    }

    /// R3: the decision a tariff decision applies for this region: the one it names, or else the current
    /// decision announced on or before the tariff decision's announcement.
    fn applied_decision(
        &self,
        tariff: &TariffDecisionFact,
        tariff_announced_on: NaiveDate,
    ) -> Option<(usize, AppliedBy)> {
        if let Some(named) = &tariff.applied_space_decision {
            return self.decision_index(named).map(|i| (i, AppliedBy::Named));
        }
        self.facts
            .decisions
            .iter()
            .rposition(|d| self.announced(d.announced_on).is_some_and(|a| a <= tariff_announced_on))
            .map(|i| (i, AppliedBy::CurrentOnAnnouncement))
    }
}

/// One appeal's classification against the decision it names.
struct Classified {
    filing: Filing,
    explanation: Explanation,
}

/// Computes the legal state of a region-year on legal date `as_of`, using only facts whose legal dates fall on
/// or before `as_of` (announcements, filings, withdrawals and judgments).
pub fn assess_region_year(facts: &RegionYearFacts, context: &LegalContext, as_of: NaiveDate) -> RegionYearAssessment {
    let known = Known { facts, as_of };
    let commencement = &context.commencement;
    let appeals: Vec<&AppealFact> = facts.appeals.iter().filter(|a| a.received_on <= as_of).collect();

    // Art. 6:19 Awb: a pending appeal extends to every later decision of the region-year announced while it is
    // pending, also when it was lodged after that decision.
    let extended_to: Vec<Vec<usize>> = appeals
        .iter()
        .map(|appeal| {
            let Some(against) = known.decision_index(&appeal.against_decision) else {
                return Vec::new();
            };
            let ending = known.ending(appeal);
            let against_appealable =
                known.announced(facts.decisions[against].announced_on).is_none_or(|a| a >= commencement.date);
            if !against_appealable {
                return Vec::new();
            }
            (against + 1..facts.decisions.len())
                .filter(|&later| {
                    known
                        .announced(facts.decisions[later].announced_on)
                        .is_some_and(|a| a >= commencement.date && ending.is_none_or(|e| e.on >= a))
                })
                .collect()
        })
        .collect();

    // R3: which decision each announced tariff decision applies, once.
    let mut applying: Vec<Vec<Application<'_>>> = facts.decisions.iter().map(|_| Vec::new()).collect();
    for tariff in &facts.tariff_decisions {
        let Some(announced_on) = known.announced(tariff.announced_on) else { continue };
        if let Some((index, how)) = known.applied_decision(tariff, announced_on) {
            applying[index].push(Application { tariff, announced_on, how });
        }
    }
    let against: Vec<Option<usize>> = appeals.iter().map(|a| known.decision_index(&a.against_decision)).collect();

    let mut terms: Vec<TermAssessment> = Vec::new();
    let mut classified: Vec<Option<Classified>> = appeals.iter().map(|_| None).collect();
    let mut decisions: Vec<DecisionAssessment> = Vec::new();

    for (index, decision) in facts.decisions.iter().enumerate() {
        let mut explanation = Explanation::new();
        let superseded_by = facts.decisions[index + 1..]
            .iter()
            .find(|later| known.announced(later.announced_on).is_some())
            .map(|later| later.decision_id.clone());
        let against_this: Vec<usize> = (0..appeals.len()).filter(|&a| against[a] == Some(index)).collect();
        let extended_here: Vec<usize> = (0..appeals.len()).filter(|&a| extended_to[a].contains(&index)).collect();
        let base = DecisionAssessment {
            decision_id: decision.decision_id.clone(),
            kind: decision.kind,
            amount: decision.amount,
            decided_on: decision.decided_on,
            announced_on: known.announced(decision.announced_on),
            status: DecisionStatus::NotAnnounced,
            irrevocable_since: None,
            annulled_on: None,
            superseded_by,
            explanation: Explanation::new(),
        };

        let Some(announced_on) = known.announced(decision.announced_on) else {
            explanation.step(
                "Art. 3:40 Awb",
                format_args!(
                    "besluit {} is (op {}) nog niet bekendgemaakt en treedt niet in werking; er loopt geen termijn",
                    decision.decision_id,
                    dutch::date(as_of)
                ),
            );
            for &a in &against_this {
                let (filing, explanation) = classify_filing(
                    appeals[a].received_on,
                    appeals[a].posted_on,
                    &[],
                    &WithoutTerm::MayStillBegin("het besluit is nog niet bekendgemaakt".to_owned()),
                );
                classified[a] = Some(Classified { filing, explanation });
            }
            decisions.push(DecisionAssessment { explanation, ..base });
            continue;
        };

        if announced_on < commencement.date {
            explanation.step(
                "Inwerkingtreding art. 105 lid 2-4 Wmg",
                format_args!(
                    "besluit {} is bekendgemaakt op {}, voor de inwerkingtreding op {}{}; de publicatie was \
                     informatief, had geen rechtsgevolg en opende geen beroepstermijn; de contracteerruimte kon wel \
                     exceptief aan de orde worden gesteld in bezwaar en beroep tegen een tariefbeschikking (memorie \
                     van toelichting bij wetsvoorstel 36 486, onderdeel G)",
                    decision.decision_id,
                    dutch::date(announced_on),
                    dutch::date(commencement.date),
                    if commencement.assumption { " (aangenomen datum)" } else { "" }
                ),
            );
            for &a in &against_this {
                let (filing, explanation) = classify_filing(
                    appeals[a].received_on,
                    appeals[a].posted_on,
                    &[],
                    &WithoutTerm::None {
                        article: "Inwerkingtreding art. 105 lid 2-4 Wmg",
                        reason: format!(
                            "besluit {} is bekendgemaakt voor de inwerkingtreding en opende geen beroepstermijn",
                            decision.decision_id
                        ),
                    },
                );
                classified[a] = Some(Classified { filing, explanation });
            }
            decisions.push(DecisionAssessment { status: DecisionStatus::NotAppealable, explanation, ..base });
            continue;
        }

        let outcome = assess_decision(
            &known,
            context,
            index,
            announced_on,
            &applying[index],
            &appeals,
            &against_this,
            &extended_here,
            &mut classified,
        );
        let first_term = terms.len();
        terms.extend(outcome.terms);

        let holds_here = |a: usize| classified[a].as_ref().is_some_and(|c| c.filing.holds_back_finality());
        let concerned = || against_this.iter().chain(extended_here.iter()).copied();
        let annulled_on = concerned()
            .filter_map(|a| known.ending(appeals[a]))
            .filter(|e| e.outcome == AppealOutcome::Upheld)
            .map(|e| e.on)
            .min();
        let under_appeal = concerned().any(|a| holds_here(a) && known.ending(appeals[a]).is_none());
        let any_open = terms[first_term..].iter().any(|t| t.status == TermStatus::Open);

        let status = if let Some(on) = annulled_on {
            explanation.step(
                "Art. 8:72 Awb",
                format_args!(
                    "het CBb heeft op {} een beroep gegrond verklaard; het besluit is vernietigd",
                    dutch::date(on)
                ),
            );
            DecisionStatus::Annulled
        } else if under_appeal {
            explanation.step(
                "Art. 105 lid 4 Wmg",
                "een beroep dat voorbarig of tijdig is ingesteld, is aanhangig; het besluit is niet onherroepelijk",
            );
            DecisionStatus::UnderAppeal
        } else if let Some(since) = outcome.irrevocable_since {
            explanation.step(
                "Art. 105 lid 4 Wmg",
                format_args!(
                    "onherroepelijk sinds {}: ten minste een termijn is verstreken, geen termijn loopt nog of moet nog \
                     beginnen, en geen tijdig of voorbarig beroep is aanhangig; het blijft onherroepelijk tenzij de NZa \
                     het wijzigt",
                    dutch::date(since)
                ),
            );
            DecisionStatus::Irrevocable
        } else if any_open {
            DecisionStatus::Open
        } else {
            if outcome.term_count == 0 {
                explanation.step(
                    "Art. 105 lid 2 Wmg",
                    "er loopt nog geen termijn: die begint met de eerste tariefbeschikking die deze contracteerruimte \
                     toepast",
                );
            }
            DecisionStatus::Pending
        };
        decisions.push(DecisionAssessment {
            status,
            irrevocable_since: outcome.irrevocable_since.filter(|_| annulled_on.is_none()),
            annulled_on,
            explanation,
            ..base
        });
    }

    let appeals = appeals
        .iter()
        .zip(classified)
        .enumerate()
        .map(|(i, (appeal, classified))| {
            let Classified { filing, explanation } = classified.unwrap_or_else(|| Classified {
                filing: Filing::NoTerm,
                explanation: {
                    let mut e = Explanation::new();
                    e.step(
                        "Art. 6:11 Awb",
                        format_args!(
                            "besluit {} is niet voor deze regio en dit jaar geregistreerd; het beroep is geregistreerd",
                            appeal.against_decision
                        ),
                    );
                    e
                },
            });
            let status = match known.ending(appeal).map(|e| e.outcome) {
                None => AppealStatus::Pending,
                Some(AppealOutcome::Withdrawn) => AppealStatus::Withdrawn,
                Some(AppealOutcome::Dismissed) => AppealStatus::Dismissed,
                Some(AppealOutcome::Upheld) => AppealStatus::Upheld,
                Some(AppealOutcome::Inadmissible) => AppealStatus::Inadmissible,
            };
            let mut explanation = explanation;
            let extended: Vec<DecisionId> =
                extended_to[i].iter().map(|&d| facts.decisions[d].decision_id.clone()).collect();
            if !extended.is_empty() {
                explanation.step(
                    "Art. 6:19 Awb",
                    format_args!(
                        "het beroep heeft van rechtswege mede betrekking op {} dat het bestreden besluit voor deze regio \
                         en dit jaar wijzigt of vervangt",
                        extended.iter().map(|d| format!("besluit {d}")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            AppealAssessment {
                appeal_id: appeal.appeal_id.clone(),
                appellant: appeal.appellant.clone(),
                against_decision: appeal.against_decision.clone(),
                extended_to: extended,
                filing,
                status,
                explanation,
            }
        })
        .collect();

    let current = facts
        .decisions
        .iter()
        .rposition(|d| known.announced(d.announced_on).is_some())
        .or_else(|| facts.decisions.len().checked_sub(1));
    let current_assessment = current.map(|i| &decisions[i]);
    RegionYearAssessment {
        region: facts.region.clone(),
        year: facts.year,
        as_of,
        current_decision: current_assessment.map(|d| d.decision_id.clone()),
        amount: current_assessment.map(|d| d.amount),
        status: current_assessment.map(|d| d.status),
        irrevocable_since: current_assessment.and_then(|d| d.irrevocable_since),
        terms,
        appeals,
        decisions,
    }
}

/// A tariff decision applying a contracting-space decision (R3).
struct Application<'f> {
    tariff: &'f TariffDecisionFact,
    announced_on: NaiveDate,
    how: AppliedBy,
}

struct DecisionOutcome {
    terms: Vec<TermAssessment>,
    term_count: usize,
    irrevocable_since: Option<NaiveDate>,
}

/// The terms of one announced, appealable decision, the classification of the appeals against it, and its
/// finality. Tariff decisions and filings are taken in date order, so that a tariff decision announced after
/// the space became irrevocable opens no term (art. 105 lid 4 Wmg).
#[allow(clippy::too_many_arguments)]
fn assess_decision(
    known: &Known<'_>,
    context: &LegalContext,
    index: usize,
    announced_on: NaiveDate,
    applying: &[Application<'_>],
    appeals: &[&AppealFact],
    against_this: &[usize],
    extended_here: &[usize],
    classified: &mut [Option<Classified>],
) -> DecisionOutcome {
    let facts = known.facts;
    let decision = &facts.decisions[index];
    let as_of = known.as_of;
    let calendar = &context.calendar;
    let mut opened: Vec<TermAssessment> = Vec::new();
    let mut not_opened: Vec<TermAssessment> = Vec::new();

    // R4, art. 105 lid 3 Wmg.
    let tariff_before = facts.tariff_decisions.iter().any(|t| {
        t.kind != TariffKind::Sluittarief && known.announced(t.announced_on).is_some_and(|a| a <= announced_on)
    });
    if first_of_march_rule_applies(facts.year, announced_on, tariff_before) {
        let term = rcs_term_from_first_of_march(&decision.decision_id, facts.year, announced_on, calendar);
        opened.push(opened_term(TermBasis::Art105Lid3, decision, None, term, context, as_of));
    }

    // Holds from appeals extended here by art. 6:19 Awb: classified against their own decision already.
    let extended_holds: Vec<Hold> = extended_here
        .iter()
        .filter(|&&a| classified[a].as_ref().is_some_and(|c| c.filing.holds_back_finality()))
        .map(|&a| Hold { ends_on: known.ending(appeals[a]).map(|e| e.on) })
        .collect();

    // The tariff decisions that apply this decision, and the appeals against it, in date order.
    enum Step<'f> {
        Tariff(&'f TariffDecisionFact, NaiveDate, AppliedBy),
        Appeal(usize),
    }
    let mut steps: Vec<(NaiveDate, u8, Step<'_>)> = Vec::new();
    for a in applying {
        steps.push((a.announced_on, 1, Step::Tariff(a.tariff, a.announced_on, a.how)));
    }
    for &a in against_this {
        steps.push((filed_on(appeals[a]), 0, Step::Appeal(a)));
    }
    steps.sort_by_key(|(date, order, _)| (*date, *order));

    let mut latest = latest_last_day(&opened);
    let mut holds = extended_holds.clone();
    let mut filings: Vec<usize> = Vec::new();
    for (_, _, step) in steps {
        match step {
            Step::Tariff(tariff, tariff_announced_on, how) => {
                let mut explanation = Explanation::new();
                let reason = if tariff.kind == TariffKind::Sluittarief {
                    explanation.step(
                        "Art. 105 lid 2, laatste zin, Wmg",
                        format!(
                            "tariefbeschikking {} is een Wlz-sluittarief in het kader van de nacalculatie en biedt geen \
                             gelegenheid voor beroep tegen de regionale contracteerruimte van dit kalenderjaar; \
                             bezwaar tegen de beschikking zelf blijft mogelijk",
                            tariff.decision_id
                        ),
                    );
                    Some(NotOpenedReason::Sluittarief)
                } else if tariff_announced_on < context.commencement.date {
                    explanation.step(
                        "Inwerkingtreding art. 105 lid 2-4 Wmg",
                        format_args!(
                            "tariefbeschikking {} is bekendgemaakt op {}, voor de inwerkingtreding op {}",
                            tariff.decision_id,
                            dutch::date(tariff_announced_on),
                            dutch::date(context.commencement.date)
                        ),
                    );
                    Some(NotOpenedReason::BeforeCommencement)
                } else {
                    match irrevocable_since(latest, &holds, tariff_announced_on) {
                        Some(since) => {
                            explanation.step(
                                "Art. 105 lid 4 Wmg",
                                format_args!(
                                    "de regionale contracteerruimte van besluit {} is onherroepelijk sinds {} en blijft \
                                     dat tenzij de NZa haar wijzigt; tariefbeschikking {} (bekendgemaakt {}) opent \
                                     geen nieuwe beroepstermijn",
                                    decision.decision_id,
                                    dutch::date(since),
                                    tariff.decision_id,
                                    dutch::date(tariff_announced_on)
                                ),
                            );
                            Some(NotOpenedReason::SpaceIrrevocable)
                        }
                        None => None,
                    }
                };
                match reason {
                    Some(reason) => not_opened.push(TermAssessment {
                        basis: TermBasis::Art105Lid2,
                        decision_id: decision.decision_id.clone(),
                        tariff_decision: Some(tariff.decision_id.clone()),
                        provider: Some(tariff.provider.clone()),
                        term: None,
                        not_opened: Some(reason),
                        status: TermStatus::NotOpened,
                        explanation,
                    }),
                    None => {
                        let term = rcs_term_from_tariff_decision(
                            &tariff.decision_id,
                            tariff.kind == TariffKind::AmendedTariff,
                            tariff_announced_on,
                            &decision.decision_id,
                            announced_on,
                            how,
                            calendar,
                        );
                        latest = latest.max(Some(term.last_day));
                        opened.push(opened_term(TermBasis::Art105Lid2, decision, Some(tariff), term, context, as_of));
                    }
                }
            }
            Step::Appeal(a) => {
                let filing = classify_against(decision, appeals[a], &opened, &not_opened, &holds);
                if filing.filing.holds_back_finality() {
                    holds.push(Hold { ends_on: known.ending(appeals[a]).map(|e| e.on) });
                }
                filings.push(a);
            }
        }
    }

    // With every term known, classify again: a term that began after the filing may make it premature.
    let mut holds = extended_holds;
    for a in filings {
        let filing = classify_against(decision, appeals[a], &opened, &not_opened, &holds);
        if filing.filing.holds_back_finality() {
            holds.push(Hold { ends_on: known.ending(appeals[a]).map(|e| e.on) });
        }
        classified[a] = Some(filing);
    }

    let irrevocable = irrevocable_since(latest, &holds, as_of);
    let term_count = opened.len();
    let mut all = opened;
    all.extend(not_opened);
    DecisionOutcome { terms: all, term_count, irrevocable_since: irrevocable }
}

/// Classifies one appeal against the decision it names, over the terms that count for its appellant.
fn classify_against(
    decision: &SpaceDecisionFact,
    appeal: &AppealFact,
    opened: &[TermAssessment],
    not_opened: &[TermAssessment],
    holds: &[Hold],
) -> Classified {
    let counting: Vec<CountingTerm<'_>> = opened
        .iter()
        .filter(|t| t.counts_for(&appeal.appellant))
        .filter_map(|t| t.term.as_ref().map(|term| CountingTerm { label: term_label(t), term }))
        .collect();
    let without_term = match irrevocable_since(latest_last_day(opened), holds, filed_on(appeal)) {
        Some(since) => WithoutTerm::None {
            article: "Art. 105 lid 4 Wmg",
            reason: format!(
                "voor deze appellant telt geen termijn: besluit {} was al onherroepelijk sinds {} toen een termijn \
                 voor hem zou zijn gaan lopen",
                decision.decision_id,
                dutch::date(since)
            ),
        },
        None => {
            let only_sluittarief = matches!(&appeal.appellant, Appellant::Provider(agb)
                if not_opened.iter().any(|t| t.provider.as_ref() == Some(agb) && t.not_opened == Some(NotOpenedReason::Sluittarief)));
            if only_sluittarief {
                WithoutTerm::None {
                    article: "Art. 105 lid 2, laatste zin, Wmg",
                    reason: "voor deze appellant telt geen termijn: alleen een Wlz-sluittarief paste deze \
                             contracteerruimte toe, en dat biedt geen gelegenheid voor beroep"
                        .to_owned(),
                }
            } else {
                WithoutTerm::MayStillBegin(
                    "de termijn begint met de dag na bekendmaking van een tariefbeschikking die deze \
                     contracteerruimte toepast (art. 105 lid 2 Wmg)"
                        .to_owned(),
                )
            }
        }
    };
    let (filing, explanation) = classify_filing(appeal.received_on, appeal.posted_on, &counting, &without_term);
    Classified { filing, explanation }
}

fn term_label(term: &TermAssessment) -> &'static str {
    match term.basis {
        TermBasis::Art105Lid2 => "art. 105 lid 2 Wmg",
        TermBasis::Art105Lid3 => "art. 105 lid 3 Wmg",
    }
}

fn opened_term(
    basis: TermBasis,
    decision: &SpaceDecisionFact,
    tariff: Option<&TariffDecisionFact>,
    mut term: ComputedTerm,
    context: &LegalContext,
    as_of: NaiveDate,
) -> TermAssessment {
    let status = match term.phase(as_of) {
        TermPhase::Pending => TermStatus::Pending,
        TermPhase::Open => TermStatus::Open,
        TermPhase::Closed => TermStatus::Closed,
    };
    if context.commencement.assumption {
        term.explanation.step(
            "Inwerkingtreding art. 105 lid 2-4 Wmg",
            format_args!(
                "toegepast op besluiten bekendgemaakt op of na {}; die datum is een aanname zolang het \
                 inwerkingtredingsbesluit niet bekend is",
                dutch::date(context.commencement.date)
            ),
        );
    }
    TermAssessment {
        basis,
        decision_id: decision.decision_id.clone(),
        tariff_decision: tariff.map(|t| t.decision_id.clone()),
        provider: tariff.map(|t| t.provider.clone()),
        explanation: term.explanation.clone(),
        term: Some(term),
        not_opened: None,
        status,
    }
}
