//! Termijnen: every term ending in the next weeks, by week, with counts, and the same terms as a CSV file.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate};
use termijn_domain::register::TermBasis;
use termijn_projections::views::DeadlineView;

use super::super::form::{Choice, FormErrors, region_choices};
use super::super::session::{UserBar, WebUser};
use super::super::{error_page, html, words};
use super::{Params, TermRow, shown_to};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::deadlines::{Deadlines, find};
use crate::http::error::ApiError;
use crate::import::export::FileFormat;
use crate::service::today;

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
    /// For legal staff: the latest change of the reference data, in sentences, with when and by whom.
    reference_notice: Option<(String, Vec<String>)>,
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
            errors.add_fields(&fields);
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
    let terms: Vec<&DeadlineView> = found
        .as_ref()
        .map(|f| f.terms.iter().map(|d| &**d).filter(|d| wanted.is_none_or(|b| d.term.basis == b)).collect())
        .unwrap_or_default();
    let (own, theirs): (Vec<&DeadlineView>, Vec<&DeadlineView>) =
        terms.into_iter().filter(|d| shown_to(&user, d)).partition(|d| d.term.basis.is_nza_deadline());
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
        reference_notice: reference_notice(&state, &user),
        errors,
    };
    html(StatusCode::OK, &page)
}

/// The terms as a CSV file for Excel: `;`-separated, UTF-8 with a byte order mark, one row per term with its
/// explanation.
pub async fn termijnen_csv(state: State<AppState>, user: WebUser, query: Query<Params>) -> Response {
    termijnen_file(state, user, query, FileFormat::Csv).await
}

/// The same terms as an XLSX workbook: dates as dates.
pub async fn termijnen_xlsx(state: State<AppState>, user: WebUser, query: Query<Params>) -> Response {
    termijnen_file(state, user, query, FileFormat::Xlsx).await
}

async fn termijnen_file(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<Params>,
    format: FileFormat,
) -> Response {
    let found = match find(&state, &user.caller, &query).await {
        Ok(found) => found,
        Err(error) => return error_page(&user, error),
    };
    let shown: Vec<_> = found.terms.iter().filter(|d| shown_to(&user, d)).cloned().collect();
    let sheet = crate::http::exports::deadlines_sheet(&shown, &state.service.context().regions);
    crate::http::exports::download(&sheet, format, &format!("termijnen-{}-{}", found.from, found.to))
        .unwrap_or_else(|error| error_page(&user, error))
}

/// The latest change of the reference data, for legal staff: when it was adopted and by whom, and what changed.
fn reference_notice(state: &AppState, user: &WebUser) -> Option<(String, Vec<String>)> {
    if user.role() != Role::Legal {
        return None;
    }
    let latest = state.service.reference_versions().last().filter(|v| v.previous_hash.is_some())?;
    let when = crate::service::legal_date_at(latest.adopted_at);
    Some((format!("{when}, door {}", latest.adopted_by), latest.change.sentences()))
}
