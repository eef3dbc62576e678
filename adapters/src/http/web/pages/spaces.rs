//! Regio's, Regio-jaar and Voor zorgaanbieders: the region-years as the engine judges them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use termijn_domain::aggregates::YEARS;
use termijn_domain::register::DecisionStatus;
use termijn_domain::values::RegionSlug;
use termijn_projections::views::{SpaceView, TermView};

use super::super::form::FormErrors;
use super::super::session::{UserBar, WebUser};
use super::super::{error_page, html, words};
use super::{Params, TermRow, date_text, judged, region_name, space_link, status_text};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::service::today;

pub struct SpaceRow {
    pub region_name: String,
    pub year: i32,
    pub link: String,
    pub amount: String,
    pub decision: String,
    pub status: String,
    pub plan_by: String,
}

#[derive(Template)]
#[template(path = "regios.html")]
struct RegiosPage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    as_of: String,
    as_at: String,
    may_as_at: bool,
    rows: Vec<SpaceRow>,
}

/// The register as Regio's shows it, as an XLSX workbook: every region-year with its amount, current decision,
/// status and finality.
pub async fn regios_xlsx(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let mut errors = FormErrors::default();
    let (as_of, as_at) = judged(&query, user.role() != Role::Provider, &mut errors);
    let spaces = match state.service.spaces(as_of, as_at, &user.caller.own_audience()).await {
        Ok(spaces) => spaces,
        Err(error) => return error_page(&user, error.into()),
    };
    let sheet = crate::http::exports::register_sheet(&spaces, &state.service.context().regions, None);
    crate::http::exports::download(&sheet, crate::import::export::FileFormat::Xlsx, &format!("register-{as_of}"))
        .unwrap_or_else(|error| error_page(&user, error))
}

pub async fn regios(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let mut errors = FormErrors::default();
    let may_as_at = user.role() != Role::Provider;
    let (as_of, as_at) = judged(&query, may_as_at, &mut errors);
    let audience = user.caller.own_audience();
    let spaces = match state.service.spaces(as_of, as_at, &audience).await {
        Ok(spaces) => spaces,
        Err(error) => return error_page(&user, error.into()),
    };
    let rows = spaces
        .iter()
        .map(|s| SpaceRow {
            region_name: region_name(&state, &s.region),
            year: s.year,
            link: space_link(&s.region, s.year, as_of),
            amount: s.amount.as_ref().map_or_else(|| "geen".to_owned(), words::euro),
            decision: s.current_decision.as_ref().map_or_else(|| "geen".to_owned(), ToString::to_string),
            status: status_text(s.status),
            plan_by: date_text(s.plan_by),
        })
        .collect();
    let page = RegiosPage {
        user: Some(user.bar()),
        nav: "regios",
        errors,
        as_of: query.get("as_of").cloned().unwrap_or_else(|| as_of.to_string()),
        as_at: query.get("as_at").cloned().unwrap_or_default(),
        may_as_at,
        rows,
    };
    html(StatusCode::OK, &page)
}

pub struct DecisionRow {
    pub anchor: String,
    pub decision_id: String,
    pub kind: &'static str,
    pub amount: String,
    pub decided_on: String,
    pub announced_on: String,
    pub status: String,
    pub steps: Vec<String>,
}

pub struct AppealRow {
    pub appeal_id: String,
    pub appellant: String,
    pub against: (String, String),
    /// The later decisions the appeal reached by art. 6:19 Awb, each with the anchor of its row.
    pub extended_to: Vec<(String, String)>,
    pub filing: &'static str,
    pub provisional: bool,
    pub status: &'static str,
    pub steps: Vec<String>,
}

/// The anchor of a decision's row on the Regio-jaar page.
fn decision_anchor(decision_id: &str) -> String {
    format!("besluit-{}", super::super::form::input_id(decision_id))
}

/// A tariff decision that applies the space, as its terms name it.
pub struct TariffShown {
    pub decision_id: String,
    pub provider: String,
}

pub struct SpaceShown {
    pub tariffs: Vec<TariffShown>,
    pub amount: String,
    pub current_decision: String,
    pub status: String,
    pub finality: String,
    pub plan_by: String,
    pub as_of: NaiveDate,
    pub as_at: Option<String>,
    pub new_decision_required: bool,
    pub commencement: String,
    pub decisions: Vec<DecisionRow>,
    pub terms: Vec<TermRow>,
    pub appeals: Vec<AppealRow>,
}

impl SpaceShown {
    pub(in crate::http::web) fn new(state: &AppState, view: &SpaceView) -> Self {
        let finality = match (view.irrevocable_since, view.status) {
            (Some(since), _) => format!("onherroepelijk sinds {since}"),
            (None, Some(status)) => format!("nog niet onherroepelijk: {}", words::decision_status(status)),
            (None, None) => "geen besluit".to_owned(),
        };
        let mut terms: Vec<&TermView> = view.terms.iter().collect();
        terms.sort_by_key(|t| (t.opens_on, t.last_day));
        let mut tariffs: Vec<TariffShown> = Vec::new();
        for term in &view.terms {
            let Some(id) = &term.tariff_decision else { continue };
            if !tariffs.iter().any(|t| t.decision_id == id.as_str()) {
                let provider = term
                    .provider
                    .as_ref()
                    .map_or_else(|| "een andere zorgaanbieder".to_owned(), |p| format!("zorgaanbieder {p}"));
                tariffs.push(TariffShown { decision_id: id.to_string(), provider });
            }
        }
        Self {
            tariffs,
            amount: view.amount.as_ref().map_or_else(|| "geen".to_owned(), words::euro),
            current_decision: view.current_decision.as_ref().map_or_else(|| "geen".to_owned(), ToString::to_string),
            status: status_text(view.status),
            finality,
            plan_by: view.plan_by.map_or_else(|| "geen datum".to_owned(), |d| d.to_string()),
            as_of: view.as_of,
            as_at: view.as_at.map(|a| a.to_rfc3339()),
            new_decision_required: view.new_decision_required,
            commencement: format!(
                "{}{}",
                view.commencement.date,
                if view.commencement.assumption {
                    " (aanname: de datum is nog niet bij koninklijk besluit bepaald)"
                } else {
                    ""
                }
            ),
            decisions: view
                .decisions
                .iter()
                .map(|d| DecisionRow {
                    anchor: decision_anchor(&d.decision_id.to_string()),
                    decision_id: d.decision_id.to_string(),
                    kind: words::decision_kind(d.kind),
                    amount: words::euro(&d.amount),
                    decided_on: d.decided_on.to_string(),
                    announced_on: d.announced_on.map_or_else(|| "niet geregistreerd".to_owned(), |a| a.to_string()),
                    status: words::decision_status(d.status).to_owned(),
                    steps: d.explanation.steps().to_vec(),
                })
                .collect(),
            terms: terms.into_iter().map(|t| TermRow::new(state, &view.region, view.year, t, view.as_of)).collect(),
            appeals: view
                .appeals
                .iter()
                .map(|a| AppealRow {
                    appeal_id: a.appeal_id.to_string(),
                    appellant: words::appellant(&a.appellant),
                    against: (decision_anchor(&a.against_decision.to_string()), a.against_decision.to_string()),
                    extended_to: a
                        .extended_to
                        .iter()
                        .map(|d| (decision_anchor(&d.to_string()), d.to_string()))
                        .collect(),
                    filing: words::filing(a.filing),
                    provisional: a.provisional,
                    status: words::appeal_status(a.status),
                    steps: a.explanation.steps().to_vec(),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "regio_jaar.html")]
struct RegioJaarPage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    here: String,
    region_name: String,
    year: i32,
    as_of: String,
    as_at: String,
    as_at_given: bool,
    may_as_at: bool,
    is_provider: bool,
    view: Option<SpaceShown>,
}

pub async fn regio_jaar(
    State(state): State<AppState>,
    user: WebUser,
    Path((region, year)): Path<(String, String)>,
    Query(query): Query<Params>,
) -> Response {
    let not_found = || ApiError::NotFound(format!("voor {region} {year} is geen contracteerruimte geregistreerd"));
    let Ok(slug) = RegionSlug::parse(&region) else { return error_page(&user, not_found()) };
    // `/regios/{region}/{year}.xlsx`: the region-year's terms and appeals as a workbook.
    let (year, export) = match year.strip_suffix(".xlsx") {
        Some(year) => (year.to_owned(), true),
        None => (year.clone(), false),
    };
    let Some(year) = year.parse::<i32>().ok().filter(|y| YEARS.contains(y)) else {
        return error_page(&user, not_found());
    };
    if state.service.context().regions.get(&slug).is_none() {
        return error_page(&user, not_found());
    }
    let mut errors = FormErrors::default();
    let may_as_at = user.role() != Role::Provider;
    let (as_of, as_at) = judged(&query, may_as_at, &mut errors);
    let audience = user.caller.own_audience();
    let view = match state.service.space(&slug, year, as_of, as_at, &audience).await {
        Ok(view) => view,
        Err(error) => return error_page(&user, error.into()),
    };
    if export {
        let Some(view) = view else { return error_page(&user, not_found()) };
        let sheet = crate::http::exports::space_sheet(&view, &state.service.context().regions);
        let name = format!("{slug}-{year}-termijnen-en-beroepen");
        return crate::http::exports::download(&sheet, crate::import::export::FileFormat::Xlsx, &name)
            .unwrap_or_else(|error| error_page(&user, error));
    }
    let page = RegioJaarPage {
        user: Some(user.bar()),
        nav: "regios",
        errors,
        here: format!("/regios/{slug}/{year}"),
        region_name: region_name(&state, &slug),
        year,
        as_of: query.get("as_of").cloned().unwrap_or_else(|| as_of.to_string()),
        as_at: query.get("as_at").cloned().unwrap_or_default(),
        as_at_given: as_at.is_some(),
        may_as_at,
        is_provider: user.role() == Role::Provider,
        view: view.as_ref().map(|v| SpaceShown::new(&state, v)),
    };
    html(StatusCode::OK, &page)
}

pub struct ProviderSpace {
    pub region_name: String,
    pub year: i32,
    pub link: String,
    pub answer: String,
    pub tariff_decisions: String,
    pub caption: String,
    pub rows: Vec<TermRow>,
    pub others_bind: bool,
}

#[derive(Template)]
#[template(path = "aanbieder.html")]
struct AanbiederPage {
    user: Option<UserBar>,
    nav: &'static str,
    provider: String,
    as_of: NaiveDate,
    spaces: Vec<ProviderSpace>,
}

/// "Staat beroep voor mij open?": per region-year of the provider's own tariff decisions, the engine's status
/// of the space and the day to plan by, with every term that counts for the provider.
pub async fn aanbieder(State(state): State<AppState>, user: WebUser) -> Response {
    if let Err(error) = user.caller.require(&[Role::Provider]) {
        return error_page(&user, error);
    }
    let as_of = today();
    let audience = user.caller.own_audience();
    let Some(own) = audience.seen_by.clone() else {
        return error_page(&user, ApiError::Forbidden("dit token hoort bij geen zorgaanbieder".to_owned()));
    };
    let spaces = match state.service.spaces(as_of, None, &audience).await {
        Ok(spaces) => spaces,
        Err(error) => return error_page(&user, error.into()),
    };
    let shown = spaces
        .iter()
        .filter(|s| s.terms.iter().any(|t| t.provider.as_ref() == Some(&own)))
        .map(|s| {
            let mut tariffs: Vec<String> = s
                .terms
                .iter()
                .filter(|t| t.provider.as_ref() == Some(&own))
                .filter_map(|t| t.tariff_decision.as_ref().map(ToString::to_string))
                .collect();
            tariffs.dedup();
            let status = status_text(s.status);
            let answer = match (s.status, s.plan_by, s.irrevocable_since) {
                (_, _, Some(since)) => format!("Nee: de contracteerruimte is onherroepelijk sinds {since}."),
                (Some(DecisionStatus::Open), Some(by), _) => {
                    format!("Ja: beroep staat open; stel het uiterlijk op {by} ({}) in.", words::weekday(by))
                }
                (_, Some(by), _) => format!("Status: {status}. Plan uiterlijk op {by} ({}).", words::weekday(by)),
                (_, None, _) => format!("Status: {status}."),
            };
            ProviderSpace {
                region_name: region_name(&state, &s.region),
                year: s.year,
                link: space_link(&s.region, s.year, as_of),
                answer,
                tariff_decisions: if tariffs.is_empty() { "geen".to_owned() } else { tariffs.join(", ") },
                caption: format!("Termijnen die voor u gelden, {} {}", region_name(&state, &s.region), s.year),
                rows: s.terms.iter().map(|t| TermRow::new(&state, &s.region, s.year, t, as_of)).collect(),
                others_bind: s.terms.iter().any(|t| t.other_provider),
            }
        })
        .collect();
    let page =
        AanbiederPage { user: Some(user.bar()), nav: "aanbieder", provider: own.to_string(), as_of, spaces: shown };
    html(StatusCode::OK, &page)
}
