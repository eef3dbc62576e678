//! The pages that read: Termijnen, Regio's, Regio-jaar, Voor zorgaanbieders, Kalender and Feestdagen. Each is
//! one service call (the API's own, with the API's checks of the query) and one template.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};
use termijn_domain::aggregates::YEARS;
use termijn_domain::register::{DecisionStatus, TermBasis};
use termijn_domain::values::RegionSlug;
use termijn_projections::views::{DeadlineView, SpaceView, TermView};

use super::form::{Choice, FormErrors};
use super::session::{UserBar, WebUser};
use super::{error_page, html, words};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::deadlines::{Deadlines, find, ics};
use crate::http::error::ApiError;
use crate::service::today;

type Params = HashMap<String, String>;

/// A term as a row of a table: the engine's dates, status and explanation, in words.
pub struct TermRow {
    pub last_day: String,
    pub weekday: &'static str,
    pub opens_on: String,
    pub provisional: bool,
    pub region_name: String,
    pub year: i32,
    pub link: String,
    pub basis_label: &'static str,
    pub citation: &'static str,
    pub decision_id: String,
    pub tariff_decision: Option<String>,
    pub provider: Option<String>,
    pub status_label: &'static str,
    pub steps: Vec<String>,
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "geen".to_owned(), |d| d.to_string())
}

fn region_name(state: &AppState, region: &RegionSlug) -> String {
    state.service.context().regions.get(region).map_or_else(|| region.to_string(), |r| r.name.clone())
}

fn space_link(region: &RegionSlug, year: i32, as_of: NaiveDate) -> String {
    format!("/regios/{region}/{year}?as_of={as_of}")
}

impl TermRow {
    fn new(state: &AppState, region: &RegionSlug, year: i32, term: &TermView, as_of: NaiveDate) -> Self {
        let provider = match (&term.provider, term.other_provider) {
            (Some(agb), _) => Some(format!("zorgaanbieder {agb}")),
            (None, true) => Some("tariefbeschikking van een andere zorgaanbieder".to_owned()),
            (None, false) => None,
        };
        Self {
            last_day: date_text(term.last_day),
            weekday: term.last_day.map_or("", words::weekday),
            opens_on: date_text(term.opens_on),
            provisional: term.provisional,
            region_name: region_name(state, region),
            year,
            link: space_link(region, year, as_of),
            basis_label: words::basis(term.basis),
            citation: term.basis.citation(),
            decision_id: term.decision_id.to_string(),
            tariff_decision: term.tariff_decision.as_ref().map(ToString::to_string),
            provider,
            status_label: words::term_status(term.status),
            steps: term.explanation.steps().to_vec(),
        }
    }

    fn of(state: &AppState, deadline: &DeadlineView, as_of: NaiveDate) -> Self {
        Self::new(state, &deadline.region, deadline.year, &deadline.term, as_of)
    }
}

pub struct WeekGroup {
    pub label: String,
    pub caption: String,
    pub rows: Vec<TermRow>,
}

pub struct Count {
    pub label: &'static str,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "termijnen.html")]
struct TermijnenPage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    from: NaiveDate,
    to: NaiveDate,
    as_of: String,
    weeks: String,
    provider: String,
    show_provider_filter: bool,
    regions: Vec<Choice>,
    bases: Vec<Choice>,
    total: usize,
    counts: Vec<Count>,
    own: Vec<TermRow>,
    weeks_list: Vec<WeekGroup>,
    csv_link: String,
}

fn region_choices(state: &AppState, current: &str) -> Vec<Choice> {
    state
        .service
        .context()
        .regions
        .all()
        .iter()
        .map(|r| Choice::new(r.slug.to_string(), r.name.clone(), current))
        .collect()
}

/// The deadlines a page asks for: the API's query (`from`, `to`, `region`, `provider`, `as_of`) with its
/// checks; a bad field is an error at that field and an empty list.
async fn deadlines_for(
    state: &AppState,
    user: &WebUser,
    query: &Params,
    errors: &mut FormErrors,
) -> Result<Option<Deadlines>, ApiError> {
    match find(state, &user.caller, query).await {
        Ok(found) => Ok(Some(found)),
        Err(ApiError::Invalid(fields)) => {
            for field in fields {
                errors.add(&field.field, field.message);
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// `weken` of the Termijnen page as the API's `to`; an error at `weken` when it is not 1 to 104.
fn api_query(query: &Params, errors: &mut FormErrors) -> (Params, String) {
    let weeks = query.get("weken").map_or("8", |w| w.trim()).to_owned();
    let mut api: Params = query
        .iter()
        .filter(|(k, v)| ["region", "provider", "as_of"].contains(&k.as_str()) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    let today = today();
    api.insert("from".to_owned(), today.to_string());
    match weeks.parse::<u64>().ok().filter(|w| (1..=104).contains(w)) {
        Some(w) => {
            api.insert("to".to_owned(), (today + Days::new(w * 7)).to_string());
        }
        None => errors.add("weken", "moet een geheel aantal weken zijn, 1 tot en met 104"),
    }
    (api, weeks)
}

fn basis_filter(query: &Params) -> Option<TermBasis> {
    let wanted = query.get("basis")?;
    words::BASES.into_iter().find(|b| &words::basis_code(*b) == wanted)
}

pub async fn termijnen(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let mut errors = FormErrors::default();
    let (api, weeks) = api_query(&query, &mut errors);
    let found = if errors.is_empty() {
        match deadlines_for(&state, &user, &api, &mut errors).await {
            Ok(found) => found,
            Err(error) => return error_page(&user, error),
        }
    } else {
        None
    };
    let as_of = api.get("as_of").and_then(|a| a.parse().ok()).unwrap_or_else(today);
    let wanted = basis_filter(&query);
    let is_legal = user.role() == Role::Legal;
    let terms: Vec<&DeadlineView> = found
        .as_ref()
        .map(|f| f.terms.iter().filter(|d| wanted.is_none_or(|b| d.term.basis == b)).collect())
        .unwrap_or_default();
    let (own, theirs): (Vec<&DeadlineView>, Vec<&DeadlineView>) = terms
        .into_iter()
        .filter(|d| is_legal || !d.term.basis.is_nza_deadline())
        .partition(|d| d.term.basis.is_nza_deadline());
    let mut counts: BTreeMap<usize, Count> = BTreeMap::new();
    for d in own.iter().chain(&theirs) {
        let i = words::BASES.iter().position(|b| *b == d.term.basis).unwrap_or(0);
        counts.entry(i).or_insert(Count { label: words::basis(d.term.basis), count: 0 }).count += 1;
    }
    let mut weeks_list: Vec<WeekGroup> = Vec::new();
    for d in &theirs {
        let Some(last_day) = d.term.last_day else { continue };
        let week = last_day.iso_week();
        let monday = NaiveDate::from_isoywd_opt(week.year(), week.week(), chrono::Weekday::Mon).unwrap_or(last_day);
        let sunday = monday + Days::new(6);
        let label = format!(
            "Week {} ({} tot en met {})",
            week.week(),
            termijn_domain::dutch::date(monday),
            termijn_domain::dutch::date(sunday)
        );
        if weeks_list.last().is_none_or(|w| w.label != label) {
            let caption = format!("Termijnen met de laatste dag in week {} van {}", week.week(), week.year());
            weeks_list.push(WeekGroup { label, caption, rows: Vec::new() });
        }
        weeks_list.last_mut().expect("a week").rows.push(TermRow::of(&state, d, as_of));
    }
    let current_region = query.get("region").map_or("", String::as_str);
    let current_basis = query.get("basis").map_or("", String::as_str);
    let csv_query = serde_urlencoded::to_string(&api).unwrap_or_default();
    let page = TermijnenPage {
        user: Some(user.bar()),
        nav: "termijnen",
        from: found.as_ref().map_or(today(), |f| f.from),
        to: found.as_ref().map_or(today(), |f| f.to),
        as_of: query.get("as_of").cloned().unwrap_or_else(|| as_of.to_string()),
        weeks,
        provider: query.get("provider").cloned().unwrap_or_default(),
        show_provider_filter: user.role() != Role::Provider,
        regions: region_choices(&state, current_region),
        bases: words::BASES
            .iter()
            .map(|b| Choice::new(words::basis_code(*b), words::basis(*b), current_basis))
            .collect(),
        total: own.len() + theirs.len(),
        counts: counts.into_values().collect(),
        own: own.iter().map(|d| TermRow::of(&state, d, as_of)).collect(),
        weeks_list,
        csv_link: format!("/termijnen.csv?{csv_query}"),
        errors,
    };
    html(StatusCode::OK, &page)
}

fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The terms as a CSV file for Excel: `;`-separated, UTF-8 with a byte order mark, one row per term with its
/// explanation.
pub async fn termijnen_csv(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let found = match find(&state, &user.caller, &query).await {
        Ok(found) => found,
        Err(error) => return error_page(&user, error),
    };
    let is_legal = user.role() == Role::Legal;
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "laatste_dag",
        "begint_op",
        "voorlopig",
        "regio",
        "jaar",
        "grondslag",
        "artikel",
        "besluit",
        "tariefbeschikking",
        "zorgaanbieder",
        "status",
        "uitleg",
    ];
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    for d in found.terms.iter().filter(|d| is_legal || !d.term.basis.is_nza_deadline()) {
        let row = TermRow::of(&state, d, today());
        rows.push(vec![
            row.last_day,
            row.opens_on,
            if row.provisional { "ja" } else { "nee" }.to_owned(),
            row.region_name,
            row.year.to_string(),
            row.basis_label.to_owned(),
            row.citation.to_owned(),
            row.decision_id,
            row.tariff_decision.unwrap_or_default(),
            row.provider.unwrap_or_default(),
            row.status_label.to_owned(),
            row.steps.join("\n"),
        ]);
    }
    for row in rows {
        if writer.write_record(&row).is_err() {
            return error_page(&user, ApiError::Internal("the CSV cannot be written".to_owned()));
        }
    }
    match writer.into_inner() {
        Ok(body) => download(body, "text/csv; charset=utf-8", &format!("termijnen-{}-{}.csv", found.from, found.to)),
        Err(_) => error_page(&user, ApiError::Internal("the CSV cannot be written".to_owned())),
    }
}

/// `as_of` and `as_at` of a page, as the API reads them; `as_at` only for those who may see the past register.
fn judged(
    query: &Params,
    may_as_at: bool,
    errors: &mut FormErrors,
) -> (NaiveDate, Option<chrono::DateTime<chrono::Utc>>) {
    let mut api: Params = query
        .iter()
        .filter(|(k, v)| (k.as_str() == "as_of" || (may_as_at && k.as_str() == "as_at")) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    let mut fields = crate::http::extract::Fields::new();
    let judged = crate::http::judged(&mut fields, &api);
    if let Err(ApiError::Invalid(bad)) = fields.finish() {
        for field in bad {
            errors.add(&field.field, field.message);
            api.remove(&field.field);
        }
        let mut fields = crate::http::extract::Fields::new();
        return crate::http::judged(&mut fields, &api);
    }
    judged
}

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

fn status_text(status: Option<DecisionStatus>) -> String {
    status.map_or_else(|| "geen besluit".to_owned(), |s| words::decision_status(s).to_owned())
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
    format!("besluit-{}", super::form::input_id(decision_id))
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
    fn new(state: &AppState, view: &SpaceView) -> Self {
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

pub struct DayCell {
    pub day: Option<u32>,
    pub outside: bool,
    pub items: Vec<CalendarItem>,
}

pub struct CalendarItem {
    pub text: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "kalender.html")]
struct KalenderPage {
    user: Option<UserBar>,
    nav: &'static str,
    month_label: String,
    previous_link: String,
    next_link: String,
    weekdays: [&'static str; 7],
    grid: Vec<Vec<DayCell>>,
    csv_link: String,
    ics_link: String,
}

fn first_of_month(query: &Params) -> NaiveDate {
    let today = today();
    query
        .get("maand")
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .filter(|d| YEARS.contains(&d.year()))
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

fn month_query(first: NaiveDate, last: NaiveDate) -> Params {
    HashMap::from([("from".to_owned(), first.to_string()), ("to".to_owned(), last.to_string())])
}

pub async fn kalender(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let first = first_of_month(&query);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let previous = first.checked_sub_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let api = month_query(first, last);
    let found = match find(&state, &user.caller, &api).await {
        Ok(found) => found,
        Err(error) => return error_page(&user, error),
    };
    let is_legal = user.role() == Role::Legal;
    let mut by_day: BTreeMap<NaiveDate, Vec<CalendarItem>> = BTreeMap::new();
    for d in found.terms.iter().filter(|d| is_legal || !d.term.basis.is_nza_deadline()) {
        let Some(day) = d.term.last_day else { continue };
        by_day.entry(day).or_default().push(CalendarItem {
            text: format!("{} {}: {}", region_name(&state, &d.region), d.year, words::basis(d.term.basis)),
            link: space_link(&d.region, d.year, today()),
        });
    }
    let start = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let mut grid = Vec::new();
    let mut day = start;
    while day <= last || grid.len() < 4 {
        let mut week = Vec::new();
        for _ in 0..7 {
            let inside = day.month() == first.month() && day.year() == first.year();
            week.push(DayCell {
                day: inside.then(|| day.day()),
                outside: !inside,
                items: if inside { by_day.remove(&day).unwrap_or_default() } else { Vec::new() },
            });
            day = day + Days::new(1);
        }
        grid.push(week);
        if day > last {
            break;
        }
    }
    let range = serde_urlencoded::to_string(&api).unwrap_or_default();
    let page = KalenderPage {
        user: Some(user.bar()),
        nav: "kalender",
        month_label: format!("{} {}", termijn_domain::dutch::month(first.month()), first.year()),
        previous_link: format!("/kalender?maand={}", previous.format("%Y-%m")),
        next_link: format!("/kalender?maand={}", next.format("%Y-%m")),
        weekdays: ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
        grid,
        csv_link: format!("/termijnen.csv?{range}"),
        ics_link: format!("/kalender.ics?{range}"),
    };
    html(StatusCode::OK, &page)
}

/// The month's terms (or any range the API takes) as an iCalendar file, the same feed as the API's.
pub async fn kalender_ics(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    match find(&state, &user.caller, &query).await {
        Ok(found) => download(ics(&found).into_bytes(), "text/calendar; charset=utf-8", "termijnen.ics"),
        Err(error) => error_page(&user, error),
    }
}

pub struct HolidayRow {
    pub date: NaiveDate,
    pub weekday: &'static str,
    pub names: String,
    pub bases: String,
}

#[derive(Template)]
#[template(path = "feestdagen.html")]
struct FeestdagenPage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    year: String,
    provisional: bool,
    decree: String,
    days: Vec<HolidayRow>,
}

pub async fn feestdagen(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let mut errors = FormErrors::default();
    let asked = query.get("jaar").map_or_else(|| today().year().to_string(), |y| y.trim().to_owned());
    let year = match asked.parse::<i32>().ok().filter(|y| YEARS.contains(y)) {
        Some(year) => year,
        None => {
            errors.add("jaar", "moet een jaar zijn van 1990 tot en met 2200");
            today().year()
        }
    };
    let calendar = &state.service.context().calendar;
    let days = calendar
        .non_working_days(year)
        .into_iter()
        .map(|day| HolidayRow {
            date: day.date,
            weekday: words::weekday(day.date),
            names: day.reasons.iter().map(|r| r.name()).collect::<Vec<_>>().join("; "),
            bases: day.reasons.iter().map(|r| r.basis()).collect::<Vec<_>>().join("; "),
        })
        .collect();
    let page = FeestdagenPage {
        user: Some(user.bar()),
        nav: "feestdagen",
        errors,
        year: if year.to_string() == asked { asked } else { year.to_string() },
        provisional: calendar.is_provisional(year),
        decree: calendar.decree_for(year).map(|d| d.citation.clone()).unwrap_or_default(),
        days,
    };
    html(StatusCode::OK, &page)
}
