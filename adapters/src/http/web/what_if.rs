//! Wat als...: what the register would say after an amendment of a region for some years, beside what it says
//! now; and the changes an entry of Invoeren would make, shown on its form before it is recorded. Both ask the
//! API's what-if (the engine's own path for hypothetical entries); nothing is recorded.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use termijn_domain::register::{AppealStatus, DecisionStatus, TermBasis, TermStatus};
use termijn_domain::values::Euro;
use termijn_projections::difference::{Change, ChangeKind};

use super::form::{Choice, FormErrors, FormField};
use super::pages::{Params, SpaceShown, region_name, space_link};
use super::session::{UserBar, WebUser};
use super::{error_page, html, words};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::auth::{Caller, Legal};
use crate::http::error::{ApiError, FieldError};
use crate::http::what_if::{WhatIfAnswer, what_if};
use crate::service::today;

/// One change as a line of a list: where, what, and the engine's explanation.
pub struct ChangeRow {
    pub place: String,
    pub link: String,
    pub text: String,
    pub steps: Vec<String>,
}

/// The changes of a what-if, in words, each with the region-year it is in. An appeal term's deadline that comes
/// or goes is listed once, as the term's change; the NZa's own deadlines, which are no term of the space, as
/// deadlines.
pub(super) fn change_rows(state: &AppState, changes: &[Change], as_of: chrono::NaiveDate) -> Vec<ChangeRow> {
    let said_as_term = |c: &&Change| {
        matches!(c.change, ChangeKind::DeadlineAdded | ChangeKind::DeadlineRemoved | ChangeKind::DeadlineMoves)
            && matches!(c.basis, Some(TermBasis::Art105Lid2 | TermBasis::Art105Lid3 | TermBasis::Awb6_8))
    };
    changes
        .iter()
        .filter(|c| !said_as_term(c))
        .map(|c| ChangeRow {
            place: format!("{} {}", region_name(state, &c.region), c.year),
            link: space_link(&c.region, c.year, as_of),
            text: change_text(c),
            steps: c.explanation.steps().to_vec(),
        })
        .collect()
}

/// A value of a change read back as the engine's type, for its Dutch word.
fn typed<T: DeserializeOwned>(value: &Option<String>) -> Option<T> {
    value.as_ref().and_then(|v| serde_json::from_value(Value::String(v.clone())).ok())
}

/// What a change is, in a sentence: labels only; why is in its explanation.
fn change_text(c: &Change) -> String {
    let (before, after) = (c.before.as_deref().unwrap_or("geen"), c.after.as_deref().unwrap_or("geen"));
    let decision = c.decision_id.as_ref().map(ToString::to_string).unwrap_or_default();
    let appeal = c.appeal_id.as_ref().map(ToString::to_string).unwrap_or_default();
    let term = || {
        let mut term = format!("{} tegen besluit {decision}", c.basis.map_or("Termijn", words::basis));
        if let Some(tariff) = &c.tariff_decision {
            term.push_str(&format!(" (tariefbeschikking {tariff})"));
        }
        term
    };
    let term_status = |v: &Option<String>| typed::<TermStatus>(v).map_or("vervalt", words::term_status);
    let appeal_status = |v: &Option<String>| typed::<AppealStatus>(v).map_or("geen", words::appeal_status);
    let decision_status = |v: &Option<String>| typed::<DecisionStatus>(v).map_or("geen", words::decision_status);
    let euro = |v: &Option<String>| {
        v.as_deref().and_then(|a| Euro::parse(a).ok()).map_or_else(|| "geen".to_owned(), |a| words::euro(&a))
    };
    match c.change {
        ChangeKind::AmountChanges => format!("Contracteerruimte: {} wordt {}", euro(&c.before), euro(&c.after)),
        ChangeKind::CurrentDecisionChanges => format!("Geldend besluit: {before} wordt {after}"),
        ChangeKind::TermOpens => format!("{}: nieuwe termijn, laatste dag {after}", term()),
        ChangeKind::TermNotOpened => format!("{}: niet geopend", term()),
        ChangeKind::TermCloses | ChangeKind::TermStatusChanges => {
            format!("{}: {} wordt {}", term(), term_status(&c.before), term_status(&c.after))
        }
        ChangeKind::TermMoves => format!("{}: laatste dag {before} wordt {after}", term()),
        ChangeKind::TermProvisionalChanges => {
            let word = |v: &str| if v == "true" { "voorlopig" } else { "niet voorlopig" };
            format!("{}: {} wordt {}", term(), word(before), word(after))
        }
        ChangeKind::FilingChanges => {
            let filing =
                |v: &Option<String>| typed(v).map_or_else(|| "geen".to_owned(), |f| words::filing(f).to_owned());
            format!("Beroep {appeal}: indiening {} wordt {}", filing(&c.before), filing(&c.after))
        }
        ChangeKind::AppealLodged => {
            let filing = typed(&c.after).map_or_else(|| after.to_owned(), |f| words::filing(f).to_owned());
            format!("Beroep {appeal} tegen besluit {decision}: indiening {filing}")
        }
        ChangeKind::AppealExtended => {
            format!("Beroep {appeal} richt zich ook tegen besluit {decision} (art. 6:19 Awb)")
        }
        ChangeKind::AppealStatusChanges => {
            format!("Beroep {appeal}: {} wordt {}", appeal_status(&c.before), appeal_status(&c.after))
        }
        ChangeKind::DecisionAdded => format!("Nieuw besluit {decision}: {}", decision_status(&c.after)),
        ChangeKind::FinalityLost => {
            format!("Niet langer onherroepelijk (onherroepelijk sinds {before}): besluit {decision}")
        }
        ChangeKind::FinalityGained => format!("Onherroepelijk sinds {after}: besluit {decision}"),
        ChangeKind::DecisionStatusChanges => {
            format!("Besluit {decision}: {} wordt {}", decision_status(&c.before), decision_status(&c.after))
        }
        ChangeKind::DeadlineAdded => format!("Nieuwe deadline {after}: {}", term()),
        ChangeKind::DeadlineRemoved => format!("Deadline {before} vervalt: {}", term()),
        ChangeKind::DeadlineMoves => format!("Deadline {before} verschuift naar {after}: {}", term()),
    }
}

/// Asks the API's what-if, as the user, for entries in its shapes, judged on `as_of`.
pub(super) async fn ask(
    state: &AppState,
    user: &WebUser,
    entries: Vec<Value>,
    as_of: &str,
) -> Result<WhatIfAnswer, ApiError> {
    let legal = Legal(Caller(user.caller.0.clone()));
    let request = json!({"as_of": as_of, "entries": entries});
    let body = super::entry::api_body(&request)?;
    what_if(State(state.clone()), legal, body).await.map(|answer| answer.0)
}

/// The field errors of a what-if of one entry, named as the entry's own fields.
pub(super) fn entry_errors(error: ApiError) -> ApiError {
    match error {
        ApiError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    let field = e
                        .field
                        .strip_prefix("entries[0].")
                        .map_or(e.field.as_str(), |rest| rest.split_once('.').map_or("body", |(_, field)| field));
                    FieldError::new(field, e.message)
                })
                .collect(),
        ),
        other => other,
    }
}

/// A region-year now and as it would be.
pub struct Compared {
    pub place: String,
    pub link: String,
    pub before: Option<SpaceShown>,
    pub after: SpaceShown,
}

#[derive(Template)]
#[template(path = "wat_als.html")]
struct WatAlsPage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    fields: Vec<FormField>,
    asked: bool,
    as_of: String,
    compared: Vec<Compared>,
    changes: Vec<ChangeRow>,
}

/// The form field an error of the amendment's what-if is about.
fn form_field(api: &str) -> &'static str {
    let field = api.strip_prefix("entries[0].contracting_space_decision.").unwrap_or(api);
    match field {
        "as_of" => "as_of",
        "decided_on" => "besluit_op",
        "announced_on" => "bekendgemaakt_op",
        f if f.ends_with(".year") => "van",
        f if f.ends_with(".amount") => "bedrag",
        _ => "regio",
    }
}

pub async fn wat_als(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    if let Err(error) = user.caller.require(&[Role::Legal]) {
        return error_page(&user, error);
    }
    let get = |name: &str| query.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let today = today().to_string();
    let or_today = |name: &str| Some(get(name)).filter(|v| !v.is_empty()).unwrap_or_else(|| today.clone());
    let asked = !get("regio").is_empty() || !get("van").is_empty();
    let mut errors = FormErrors::default();
    let (mut compared, mut changes) = (Vec::new(), Vec::new());
    let as_of = or_today("as_of");
    if asked {
        let entry = amendment(&get, &or_today, &mut errors);
        if let Some(entry) = entry
            && errors.is_empty()
        {
            match ask(&state, &user, vec![entry], &as_of).await {
                Ok(answer) => {
                    changes = change_rows(&state, &answer.changes, answer.as_of);
                    compared = answer
                        .spaces
                        .iter()
                        .zip(&answer.before)
                        .map(|(after, before)| Compared {
                            place: format!("{} {}", region_name(&state, &after.region), after.year),
                            link: space_link(&after.region, after.year, answer.as_of),
                            before: before.as_ref().map(|b| SpaceShown::new(&state, b)),
                            after: SpaceShown::new(&state, after),
                        })
                        .collect();
                }
                Err(ApiError::Invalid(found)) => {
                    for e in found {
                        errors.add(form_field(&e.field), e.message);
                    }
                }
                Err(other) => return error_page(&user, other),
            }
        }
    }
    let field = |name: &str, label: &str, value: String| FormField::text(name, label, &value, &errors);
    let date = |name: &str, label: &str| field(name, label, or_today(name)).hint("JJJJ-MM-DD");
    let mut regions = vec![Choice::new("", "Kies een regio", &get("regio"))];
    regions.extend(super::form::region_choices(&state, &get("regio")));
    let fields = vec![
        field("regio", "Regio", get("regio")).choices(regions),
        field("van", "Eerste jaar", get("van")).numeric(),
        field("tot", "Laatste jaar (leeg: alleen het eerste)", get("tot")).numeric(),
        field("bedrag", "Nieuw bedrag per jaar, in euro", get("bedrag")).hint("Bijvoorbeeld 812345000.00"),
        date("besluit_op", "Datum van het wijzigingsbesluit"),
        date("bekendgemaakt_op", "Datum van bekendmaking"),
        date("as_of", "Beoordelen op"),
    ];
    let page = WatAlsPage { user: Some(user.bar()), nav: "wat-als", errors, fields, asked, as_of, compared, changes };
    html(StatusCode::OK, &page)
}

/// The amendment the form describes, in the API's shape: one line per year from `van` to `tot`.
fn amendment(
    get: &dyn Fn(&str) -> String,
    or_today: &dyn Fn(&str) -> String,
    errors: &mut FormErrors,
) -> Option<Value> {
    let year = |name: &str, errors: &mut FormErrors| match get(name).parse::<i32>() {
        Ok(year) => Some(year),
        Err(_) => {
            errors.add(name, "moet een jaartal zijn, bijvoorbeeld 2027");
            None
        }
    };
    let first = year("van", errors);
    let last = if get("tot").is_empty() { first } else { year("tot", errors) };
    let (first, last) = (first?, last?);
    if last < first || last - first > 4 {
        errors.add("tot", "ligt op of na het eerste jaar, en ten hoogste vier jaar later (art. 105 Wmg: vijf jaren)");
        return None;
    }
    let spaces: Vec<Value> =
        (first..=last).map(|year| json!({"region": get("regio"), "year": year, "amount": get("bedrag")})).collect();
    Some(json!({"contracting_space_decision": {
        "decision_id": "Wat-als-wijziging", "kind": "amendment", "decided_on": or_today("besluit_op"),
        "announced_on": or_today("bekendgemaakt_op"), "reason": "wat als", "spaces": spaces}}))
}
