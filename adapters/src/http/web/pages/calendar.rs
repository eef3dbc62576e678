//! Kalender (a month of deadlines, and the iCalendar file) and Feestdagen (a year of the Algemene
//! termijnenwet).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate};
use termijn_domain::aggregates::YEARS;

use super::super::form::FormErrors;
use super::super::session::{UserBar, WebUser};
use super::super::{error_page, html, words};
use super::{Params, download, region_name, shown_to, space_link};
use crate::http::AppState;
use crate::http::deadlines::{find, ics};
use crate::service::today;

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
    let mut by_day: BTreeMap<NaiveDate, Vec<CalendarItem>> = BTreeMap::new();
    for d in found.terms.iter().filter(|d| shown_to(&user, d)) {
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
        Ok(found) => match ics(&state, &found, &crate::http::deadlines::Feed::default()).await {
            Ok(body) => download(body.into_bytes(), "text/calendar; charset=utf-8", "termijnen.ics"),
            Err(error) => error_page(&user, error.into()),
        },
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
