//! Invoeren: forms for legal staff that record through the API's own handlers, so that every check, message
//! and idempotency rule is the API's. A form carries its session's form token and an idempotency key of its
//! own, so that submitting it twice records once. On an error nothing is recorded and the form comes back with
//! the API's message at the field it names.

mod forms;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::form::{FormErrors, FormField};
use super::session::{Posted, UserBar, WebUser};
use super::what_if::{ChangeRow, ask, change_rows, entry_errors};
use super::{error_page, html, words};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::error::ApiError;
pub(in crate::http::web) use forms::body as api_body;
use forms::{Entry, Values, fields_of, hypothetical, line_groups, record, request};

#[derive(Template)]
#[template(path = "invoeren.html")]
struct IndexPage {
    user: Option<UserBar>,
    nav: &'static str,
}

/// The page refusing anyone but legal staff, if the user is not.
fn refusal(user: &WebUser) -> Option<Response> {
    user.caller.require(&[Role::Legal]).err().map(|error| error_page(user, error))
}

pub async fn index(user: WebUser) -> Response {
    if let Some(refused) = refusal(&user) {
        return refused;
    }
    html(StatusCode::OK, &IndexPage { user: Some(user.bar()), nav: "invoeren" })
}

#[derive(Template)]
#[template(path = "entry_form.html")]
struct EntryPage {
    user: Option<UserBar>,
    nav: &'static str,
    heading: &'static str,
    intro: &'static str,
    action: String,
    csrf: String,
    idempotency_key: String,
    errors: FormErrors,
    fields: Vec<FormField>,
    line_groups: Vec<Vec<FormField>>,
    preview: Option<Preview>,
}

/// What an entry would change, shown on its form before it is recorded.
struct Preview {
    as_of: String,
    changes: Vec<ChangeRow>,
}

/// A form as filled in: which form, its values, how many lines it has, and its idempotency key.
struct Filled<'a> {
    entry: Entry,
    values: Values<'a>,
    lines: usize,
    key: String,
}

fn render(
    state: &AppState,
    user: &WebUser,
    filled: &Filled<'_>,
    errors: FormErrors,
    status: StatusCode,
    preview: Option<Preview>,
) -> Response {
    let Filled { entry, values, lines, key } = filled;
    let entry = *entry;
    let page = EntryPage {
        user: Some(user.bar()),
        nav: "invoeren",
        heading: entry.heading(),
        intro: entry.intro(),
        action: format!("/invoeren/{}", entry.path()),
        csrf: user.csrf.clone(),
        idempotency_key: key.clone(),
        fields: fields_of(state, entry, values, &errors),
        line_groups: if entry == Entry::Decision { line_groups(state, *lines, values, &errors) } else { Vec::new() },
        errors,
        preview,
    };
    html(status, &page)
}

pub async fn show(State(state): State<AppState>, user: WebUser, Path(form): Path<String>) -> Response {
    if let Some(refused) = refusal(&user) {
        return refused;
    }
    let Some(entry) = Entry::from_path(&form) else {
        return error_page(&user, ApiError::NotFound(format!("er is geen formulier {form:?}")));
    };
    let filled = Filled { entry, values: Values(&[]), lines: 1, key: new_key() };
    render(&state, &user, &filled, FormErrors::default(), StatusCode::OK, None)
}

/// A new idempotency key for a form: 128 random bits.
fn new_key() -> String {
    let mut key = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    hex::encode(key)
}

#[derive(Template)]
#[template(path = "recorded.html")]
struct RecordedPage {
    user: Option<UserBar>,
    nav: &'static str,
    heading: String,
    facts: Vec<(String, String)>,
    steps: Vec<String>,
    links: Vec<(String, String)>,
}

/// The page after a decision was recorded some other way than by a form (an imported file): as after the form.
pub(in crate::http::web) async fn recorded_decision_page(
    state: &AppState,
    user: &WebUser,
    decision_id: &termijn_domain::values::DecisionId,
) -> Response {
    match state.service.space_decision(decision_id).await {
        Ok(Some(detail)) => match serde_json::to_value(&detail) {
            Ok(answer) => recorded(state, user, Entry::Decision, &answer),
            Err(error) => error_page(user, ApiError::Internal(error.to_string())),
        },
        Ok(None) => error_page(user, ApiError::NotFound(format!("no decision {decision_id} is recorded"))),
        Err(error) => error_page(user, error.into()),
    }
}

/// What the page after a recorded entry shows, from the API's answer: for an appeal, its classification at once.
fn recorded(state: &AppState, user: &WebUser, entry: Entry, answer: &Value) -> Response {
    let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
    let space_link = |region: &Value, year: &Value| format!("/regios/{}/{}", text(region), year);
    let mut facts = Vec::new();
    let mut links = Vec::new();
    let mut steps = Vec::new();
    let heading;
    match entry {
        Entry::Decision | Entry::Announcement => {
            heading = format!("Besluit {} is vastgelegd", text(&answer["decision_id"]));
            facts.push((
                "Bekendgemaakt".to_owned(),
                answer["announced_on"].as_str().unwrap_or("nog niet geregistreerd").to_owned(),
            ));
            for line in answer["spaces"].as_array().into_iter().flatten() {
                links.push((
                    space_link(&line["region"], &line["year"]),
                    format!("{} {}", region_name(state, &line["region"]), line["year"]),
                ));
            }
        }
        Entry::Tariff => {
            heading = format!("Tariefbeschikking {} is vastgelegd", text(&answer["decision_id"]));
            facts.push(("Zorgaanbieder".to_owned(), text(&answer["provider"])));
            for region in answer["regions"].as_array().into_iter().flatten() {
                links.push((
                    space_link(region, &answer["year"]),
                    format!("{} {}", region_name(state, region), answer["year"]),
                ));
            }
        }
        Entry::Objection | Entry::Postponement | Entry::ObjectionDecision => {
            heading = format!("Bezwaar {} is vastgelegd", text(&answer["objection_id"]));
            let filing: Option<termijn_domain::filing::Filing> = serde_json::from_value(answer["filing"].clone()).ok();
            facts.push(("Tegen tariefbeschikking".to_owned(), text(&answer["tariff_decision"])));
            facts.push((
                "Indiening".to_owned(),
                filing.map_or_else(|| text(&answer["filing"]), |f| words::filing(f).to_owned()),
            ));
            if let Some(term) = answer["decision_term"].as_object() {
                let last_day = term.get("last_day").map(text).unwrap_or_default();
                facts.push(("Beslissen uiterlijk op".to_owned(), last_day));
                steps = term.get("explanation").and_then(Value::as_array).into_iter().flatten().map(text).collect();
            }
        }
        Entry::Appeal | Entry::Withdrawal | Entry::Judgment => {
            heading = format!("Beroep {} is vastgelegd", text(&answer["appeal_id"]));
            let filing: Option<termijn_domain::filing::Filing> = serde_json::from_value(answer["filing"].clone()).ok();
            let status: Option<termijn_domain::register::AppealStatus> =
                serde_json::from_value(answer["status"].clone()).ok();
            facts.push((
                "Indiening".to_owned(),
                filing.map_or_else(|| text(&answer["filing"]), |f| words::filing(f).to_owned()),
            ));
            facts.push((
                "Status".to_owned(),
                status.map_or_else(|| text(&answer["status"]), |s| words::appeal_status(s).to_owned()),
            ));
            steps = answer["explanation"].as_array().into_iter().flatten().map(text).collect();
            links.push((
                space_link(&answer["region"], &answer["year"]),
                format!("{} {}", region_name(state, &answer["region"]), answer["year"]),
            ));
        }
    }
    let page = RecordedPage { user: Some(user.bar()), nav: "invoeren", heading, facts, steps, links };
    html(StatusCode::OK, &page)
}

/// The name of the region an answer names by its slug.
fn region_name(state: &AppState, region: &Value) -> String {
    let slug = region.as_str().unwrap_or_default();
    termijn_domain::values::RegionSlug::parse(slug)
        .map_or_else(|_| slug.to_owned(), |slug| super::pages::region_name(state, &slug))
}

pub async fn submit(State(state): State<AppState>, Path(form): Path<String>, posted: Posted) -> Response {
    let user = &posted.user;
    if let Some(refused) = refusal(user) {
        return refused;
    }
    let Some(entry) = Entry::from_path(&form) else {
        return error_page(user, ApiError::NotFound(format!("er is geen formulier {form:?}")));
    };
    let values = Values(&posted.fields);
    let lines = values.get("regels").parse::<usize>().unwrap_or(1).clamp(1, 500);
    let key = match values.get("idempotency_key") {
        "" => new_key(),
        key => key.to_owned(),
    };
    let action = values.get("actie").to_owned();
    let mut filled = Filled { entry, values, lines, key };
    match action.as_str() {
        "regel-erbij" => filled.lines += 1,
        "regel-eraf" => filled.lines = (filled.lines - 1).max(1),
        "voorbeeld" => return preview_filled(&state, user, &filled).await,
        _ => return record_filled(&state, user, &filled).await,
    }
    render(&state, user, &filled, FormErrors::default(), StatusCode::OK, None)
}

/// Records a filled-in form, and shows what was recorded; or the form again, with the errors at their fields.
async fn record_filled(state: &AppState, user: &WebUser, filled: &Filled<'_>) -> Response {
    let entry = filled.entry;
    let mut errors = FormErrors::default();
    let request = request(entry, &filled.values, filled.lines, &mut errors);
    if !errors.is_empty() {
        return render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    match record(state, user, entry, &filled.values, &request, filled.key.clone()).await {
        Ok(response) => match answer(response).await {
            Some(answer) => recorded(state, user, entry, &answer),
            None => error_page(user, ApiError::Internal("the answer cannot be read".to_owned())),
        },
        Err(error) => match FormErrors::from_api(error) {
            Ok(errors) => render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY, None),
            Err(ApiError::NotFound(message))
                if matches!(entry, Entry::Announcement | Entry::Withdrawal | Entry::Judgment) =>
            {
                let field = match entry {
                    Entry::Announcement => "decision_id",
                    Entry::Objection | Entry::Postponement | Entry::ObjectionDecision
                        if message.contains("tariff decision") =>
                    {
                        "tariff_decision"
                    }
                    Entry::Objection | Entry::Postponement | Entry::ObjectionDecision => "objection_id",
                    _ => "appeal_id",
                };
                let mut errors = FormErrors::default();
                errors.add(field, message);
                render(state, user, filled, errors, StatusCode::NOT_FOUND, None)
            }
            Err(other) => error_page(user, other),
        },
    }
}

/// Shows a filled-in form with what its entry would change, judged today by the API's what-if; or with the
/// errors at their fields. Nothing is recorded, and the form keeps its idempotency key.
async fn preview_filled(state: &AppState, user: &WebUser, filled: &Filled<'_>) -> Response {
    let mut errors = FormErrors::default();
    let request = request(filled.entry, &filled.values, filled.lines, &mut errors);
    if !errors.is_empty() {
        return render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    let entry = hypothetical(filled.entry, &filled.values, request);
    let as_of = crate::service::today().to_string();
    match ask(state, user, vec![entry], &as_of).await {
        Ok(answer) => {
            let preview = Preview { as_of, changes: change_rows(state, &answer.changes, answer.as_of) };
            render(state, user, filled, FormErrors::default(), StatusCode::OK, Some(preview))
        }
        Err(error) => match FormErrors::from_api(entry_errors(error)) {
            Ok(errors) => render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY, None),
            Err(other) => error_page(user, other),
        },
    }
}

/// The JSON body of the API's answer.
async fn answer(response: Response) -> Option<Value> {
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}
