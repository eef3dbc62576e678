//! Invoeren: forms for legal staff that record through the API's own handlers, so that every check, message
//! and idempotency rule is the API's. A form carries its session's form token and an idempotency key of its
//! own, so that submitting it twice records once. On an error nothing is recorded and the form comes back with
//! the API's message at the field it names.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::form::{Choice, FormErrors, FormField};
use super::session::{Posted, UserBar, WebUser};
use super::{error_page, html, words};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::auth::Legal;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, PathParams};
use crate::http::idempotency::IdempotencyKey;
use crate::http::{appeals, objections, spaces, tariffs};

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

/// The forms, by the last part of their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Decision,
    Announcement,
    Tariff,
    Appeal,
    Withdrawal,
    Judgment,
    Objection,
    Postponement,
    ObjectionDecision,
}

impl Entry {
    fn from_path(path: &str) -> Option<Self> {
        Some(match path {
            "besluit" => Self::Decision,
            "bekendmaking" => Self::Announcement,
            "tariefbeschikking" => Self::Tariff,
            "beroep" => Self::Appeal,
            "intrekking" => Self::Withdrawal,
            "uitspraak" => Self::Judgment,
            "bezwaar" => Self::Objection,
            "verdaging" => Self::Postponement,
            "beslissing-op-bezwaar" => Self::ObjectionDecision,
            _ => return None,
        })
    }

    fn path(self) -> &'static str {
        match self {
            Self::Decision => "besluit",
            Self::Announcement => "bekendmaking",
            Self::Tariff => "tariefbeschikking",
            Self::Appeal => "beroep",
            Self::Withdrawal => "intrekking",
            Self::Judgment => "uitspraak",
            Self::Objection => "bezwaar",
            Self::Postponement => "verdaging",
            Self::ObjectionDecision => "beslissing-op-bezwaar",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Self::Decision => "Besluit contracteerruimte vastleggen",
            Self::Announcement => "Bekendmaking van een besluit contracteerruimte vastleggen",
            Self::Tariff => "Tariefbeschikking vastleggen",
            Self::Appeal => "Beroep vastleggen",
            Self::Withdrawal => "Intrekking van een beroep vastleggen",
            Self::Judgment => "Uitspraak van het CBb vastleggen",
            Self::Objection => "Bezwaar tegen een tariefbeschikking vastleggen",
            Self::Postponement => "Verdaging van de beslissing op bezwaar vastleggen",
            Self::ObjectionDecision => "Beslissing op bezwaar vastleggen",
        }
    }

    fn intro(self) -> &'static str {
        match self {
            Self::Decision => {
                "Een vaststelling of wijziging met al haar regels wordt in één keer vastgelegd, of niet. De bekendmaking kan later worden vastgelegd."
            }
            Self::Announcement => "De dag waarop het besluit is bekendgemaakt; daarvan hangen de beroepstermijnen af.",
            Self::Tariff => {
                "Een tariefbeschikking die de contracteerruimte toepast, opent een beroepstermijn tegen die ruimte (art. 105 lid 2 Wmg)."
            }
            Self::Appeal => {
                "Een beroep wordt nooit geweigerd: het wordt vastgelegd en de indiening wordt beoordeeld (tijdig, per post, te vroeg of te laat)."
            }
            Self::Withdrawal => "De dag waarop de appellant het beroep introk.",
            Self::Judgment => {
                "De uitspraak van het CBb: ongegrond, gegrond (het besluit wordt vernietigd) of niet-ontvankelijk."
            }
            Self::Objection => {
                "Een bezwaar wordt vastgelegd en de indiening beoordeeld; de beslistermijn van de NZa (art. 7:10 Awb) loopt vanaf het einde van de bezwaartermijn."
            }
            Self::Postponement => {
                "Verdaging met ten hoogste zes weken (art. 7:10 lid 3 Awb) of verder uitstel (lid 4, met een grond en een einddatum)."
            }
            Self::ObjectionDecision => {
                "De dag van de beslissing op bezwaar en van haar bekendmaking; daarmee eindigt de beslistermijn."
            }
        }
    }
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
}

/// What a form was filled in with: every value by its field name.
struct Values<'a>(&'a [(String, String)]);

impl Values<'_> {
    fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.trim())
    }

    fn optional(&self, name: &str) -> Value {
        match self.get(name) {
            "" => Value::Null,
            value => json!(value),
        }
    }
}

fn region_choices(state: &AppState, current: &str) -> Vec<Choice> {
    let mut choices = vec![Choice::new("", "Kies een regio", current)];
    choices.extend(
        state.service.context().regions.all().iter().map(|r| Choice::new(r.slug.to_string(), r.name.clone(), current)),
    );
    choices
}

fn fields_of(state: &AppState, entry: Entry, values: &Values, errors: &FormErrors) -> Vec<FormField> {
    let text = |name: &str, label: &str| FormField::text(name, label, values.get(name), errors);
    let date = |name: &str, label: &str| text(name, label).hint("JJJJ-MM-DD, bijvoorbeeld 2026-03-02");
    let choose = |name: &str, label: &str, options: &[(&str, &str)]| {
        let current = values.get(name);
        text(name, label).choices(options.iter().map(|(v, l)| Choice::new(*v, *l, current)).collect())
    };
    match entry {
        Entry::Decision => vec![
            text("decision_id", "Kenmerk van het besluit").hint("Bijvoorbeeld NZa-RCS-2026-11"),
            choose("kind", "Soort besluit", &[("establishment", "vaststelling"), ("amendment", "wijziging")]),
            date("decided_on", "Datum van het besluit"),
            date("announced_on", "Datum van bekendmaking (mag leeg)"),
            text("reason", "Reden"),
        ],
        Entry::Announcement => vec![
            text("decision_id", "Kenmerk van het besluit contracteerruimte"),
            date("announced_on", "Datum van bekendmaking"),
        ],
        Entry::Tariff => vec![
            text("decision_id", "Kenmerk van de tariefbeschikking"),
            text("provider", "AGB-code van de zorgaanbieder").numeric(),
            text("year", "Jaar").numeric(),
            text("regions[0]", "Regio").choices(region_choices(state, values.get("regions[0]"))),
            choose(
                "kind",
                "Soort",
                &[
                    ("tariff", "tariefbeschikking"),
                    ("amended_tariff", "gewijzigde tariefbeschikking"),
                    ("sluittarief", "Wlz-sluittarief"),
                ],
            ),
            text("amends", "Wijzigt tariefbeschikking (alleen bij een wijziging)"),
            date("decided_on", "Datum van de beschikking"),
            date("announced_on", "Datum van bekendmaking (mag leeg)"),
        ],
        Entry::Appeal => vec![
            text("appeal_id", "Zaaknummer").hint("Bijvoorbeeld CBb 26/0123"),
            choose(
                "appellant.kind",
                "Appellant",
                &[("provider", "zorgaanbieder"), ("care_office", "zorgkantoor"), ("other", "anders")],
            ),
            text("appellant.id", "AGB-code of naam van de appellant"),
            text("region", "Regio").choices(region_choices(state, values.get("region"))),
            text("year", "Jaar").numeric(),
            text("against_decision", "Gericht tegen besluit"),
            date("received_on", "Datum van ontvangst"),
            date("posted_on", "Datum van verzending per post (mag leeg)"),
            choose(
                "received_by",
                "Ontvangen door",
                &[("cbb", "het CBb"), ("nza", "de NZa (doorzenden, art. 6:15 Awb)")],
            ),
        ],
        Entry::Withdrawal => vec![text("appeal_id", "Zaaknummer"), date("withdrawn_on", "Datum van intrekking")],
        Entry::Judgment => vec![
            text("appeal_id", "Zaaknummer"),
            date("judgment_on", "Datum van de uitspraak"),
            choose(
                "outcome",
                "Uitkomst",
                &[("dismissed", "ongegrond"), ("upheld", "gegrond"), ("inadmissible", "niet-ontvankelijk")],
            ),
        ],
        Entry::Objection => vec![
            text("tariff_decision", "Kenmerk van de tariefbeschikking"),
            text("objection_id", "Kenmerk van het bezwaar"),
            choose(
                "objector.kind",
                "Indiener",
                &[("provider", "zorgaanbieder"), ("care_office", "zorgkantoor"), ("other", "anders")],
            ),
            text("objector.id", "AGB-code of naam van de indiener"),
            date("received_on", "Datum van ontvangst"),
            date("posted_on", "Datum van verzending per post (mag leeg)"),
            choose(
                "advisory_committee",
                "Adviescommissie (art. 7:13 Awb)",
                &[("false", "nee: zes weken"), ("true", "ja: twaalf weken")],
            ),
        ],
        Entry::Postponement => vec![
            text("tariff_decision", "Kenmerk van de tariefbeschikking"),
            text("objection_id", "Kenmerk van het bezwaar"),
            choose(
                "paragraph",
                "Grondslag",
                &[("3", "art. 7:10 lid 3 Awb (ten hoogste zes weken)"), ("4", "art. 7:10 lid 4 Awb (verder uitstel)")],
            ),
            date("until", "Verdaagd tot en met (bij lid 4 verplicht)"),
            choose(
                "ground",
                "Grond (bij lid 4)",
                &[
                    ("", "geen (lid 3)"),
                    ("a", "a. alle belanghebbenden stemmen in"),
                    ("b", "b. de indiener stemt in, anderen niet geschaad"),
                    ("c", "c. nodig voor wettelijke procedurevoorschriften"),
                ],
            ),
            date("announced_on", "Datum van de mededeling"),
        ],
        Entry::ObjectionDecision => vec![
            text("tariff_decision", "Kenmerk van de tariefbeschikking"),
            text("objection_id", "Kenmerk van het bezwaar"),
            date("decided_on", "Datum van de beslissing"),
            date("announced_on", "Datum van bekendmaking"),
        ],
    }
}

/// The line rows of a decision form: `count` rows of region, year and amount.
fn line_groups(state: &AppState, count: usize, values: &Values, errors: &FormErrors) -> Vec<Vec<FormField>> {
    (0..count)
        .map(|i| {
            let name = |field: &str| format!("spaces[{i}].{field}");
            vec![
                FormField::text(&name("region"), "Regio", values.get(&name("region")), errors)
                    .choices(region_choices(state, values.get(&name("region")))),
                FormField::text(&name("year"), "Jaar", values.get(&name("year")), errors).numeric(),
                FormField::text(&name("amount"), "Bedrag in euro", values.get(&name("amount")), errors)
                    .hint("Bijvoorbeeld 812345000.00"),
            ]
        })
        .collect()
}

/// A form as filled in: which form, its values, how many lines it has, and its idempotency key.
struct Filled<'a> {
    entry: Entry,
    values: Values<'a>,
    lines: usize,
    key: String,
}

fn render(state: &AppState, user: &WebUser, filled: &Filled<'_>, errors: FormErrors, status: StatusCode) -> Response {
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
    render(&state, &user, &filled, FormErrors::default(), StatusCode::OK)
}

/// A new idempotency key for a form: 128 random bits.
fn new_key() -> String {
    let mut key = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    hex::encode(key)
}

/// A whole number typed in a field, or an error at that field.
fn number(values: &Values, name: &str, errors: &mut FormErrors) -> Value {
    match values.get(name).parse::<i32>() {
        Ok(n) => json!(n),
        Err(_) => {
            errors.add(name, "moet een jaartal zijn, bijvoorbeeld 2027");
            json!(0)
        }
    }
}

/// The API's request body for a form.
fn request(entry: Entry, values: &Values, lines: usize, errors: &mut FormErrors) -> Value {
    match entry {
        Entry::Decision => {
            let spaces: Vec<Value> = (0..lines)
                .map(|i| {
                    json!({
                        "region": values.get(&format!("spaces[{i}].region")),
                        "year": number(values, &format!("spaces[{i}].year"), errors),
                        "amount": values.get(&format!("spaces[{i}].amount")),
                    })
                })
                .collect();
            json!({"decision_id": values.get("decision_id"), "kind": values.get("kind"),
                   "decided_on": values.get("decided_on"), "announced_on": values.optional("announced_on"),
                   "reason": values.get("reason"), "spaces": spaces})
        }
        Entry::Announcement => json!({"announced_on": values.get("announced_on")}),
        Entry::Tariff => json!({"decision_id": values.get("decision_id"), "provider": values.get("provider"),
                                "year": number(values, "year", errors), "regions": [values.get("regions[0]")],
                                "kind": values.get("kind"), "amends": values.optional("amends"),
                                "decided_on": values.get("decided_on"), "announced_on": values.optional("announced_on")}),
        Entry::Appeal => json!({"appeal_id": values.get("appeal_id"),
                                "appellant": {"kind": values.get("appellant.kind"), "id": values.get("appellant.id")},
                                "region": values.get("region"), "year": number(values, "year", errors),
                                "against_decision": values.get("against_decision"), "received_on": values.get("received_on"),
                                "posted_on": values.optional("posted_on"), "received_by": values.optional("received_by")}),
        Entry::Withdrawal => json!({"withdrawn_on": values.get("withdrawn_on")}),
        Entry::Judgment => json!({"judgment_on": values.get("judgment_on"), "outcome": values.get("outcome")}),
        Entry::Objection => json!({"objection_id": values.get("objection_id"),
                                   "objector": {"kind": values.get("objector.kind"), "id": values.get("objector.id")},
                                   "received_on": values.get("received_on"), "posted_on": values.optional("posted_on"),
                                   "advisory_committee": values.get("advisory_committee") == "true"}),
        Entry::Postponement => {
            let paragraph = match values.get("paragraph").parse::<u8>() {
                Ok(n) => json!(n),
                Err(_) => {
                    errors.add("paragraph", "moet 3 of 4 zijn");
                    json!(0)
                }
            };
            json!({"paragraph": paragraph, "until": values.optional("until"), "ground": values.optional("ground"),
                   "announced_on": values.get("announced_on")})
        }
        Entry::ObjectionDecision => {
            json!({"decided_on": values.get("decided_on"), "announced_on": values.get("announced_on")})
        }
    }
}

/// The request body in the shape the API's handler reads, with the SHA-256 its idempotency check uses.
fn body<T: serde::de::DeserializeOwned>(value: &Value) -> Result<JsonBody<T>, ApiError> {
    let text = value.to_string();
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(crate::http::extract::json_error)?;
    Ok(JsonBody { value, sha256 })
}

/// Records through the API's handler for the form; the response is the API's.
async fn record(
    state: &AppState,
    user: &WebUser,
    entry: Entry,
    values: &Values<'_>,
    request: &Value,
    key: String,
) -> Result<Response, ApiError> {
    let legal = || Legal(crate::http::auth::Caller(user.caller.0.clone()));
    let key = IdempotencyKey(Some(key));
    let s = State(state.clone());
    match entry {
        Entry::Decision => spaces::record_decision(s, legal(), key, body(request)?).await,
        Entry::Announcement => {
            let id = PathParams(values.get("decision_id").to_owned());
            spaces::record_announcement(s, legal(), id, key, body(request)?).await
        }
        Entry::Tariff => tariffs::record_tariff_decision(s, legal(), key, body(request)?).await,
        Entry::Appeal => appeals::lodge_appeal(s, legal(), key, body(request)?).await,
        Entry::Withdrawal => {
            let id = PathParams(values.get("appeal_id").to_owned());
            appeals::record_withdrawal(s, legal(), id, key, body(request)?).await
        }
        Entry::Judgment => {
            let id = PathParams(values.get("appeal_id").to_owned());
            appeals::record_judgment(s, legal(), id, key, body(request)?).await
        }
        Entry::Objection => {
            let id = PathParams(values.get("tariff_decision").to_owned());
            objections::lodge_objection(s, legal(), id, key, body(request)?).await
        }
        Entry::Postponement => {
            let ids = PathParams((values.get("tariff_decision").to_owned(), values.get("objection_id").to_owned()));
            objections::record_postponement(s, legal(), ids, key, body(request)?).await
        }
        Entry::ObjectionDecision => {
            let ids = PathParams((values.get("tariff_decision").to_owned(), values.get("objection_id").to_owned()));
            objections::record_objection_decision(s, legal(), ids, key, body(request)?).await
        }
    }
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

fn region_name(state: &AppState, region: &Value) -> String {
    let slug = region.as_str().unwrap_or_default();
    termijn_domain::values::RegionSlug::parse(slug)
        .ok()
        .and_then(|s| state.service.context().regions.get(&s).map(|r| r.name.clone()))
        .unwrap_or_else(|| slug.to_owned())
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
        _ => return record_filled(&state, user, &filled).await,
    }
    render(&state, user, &filled, FormErrors::default(), StatusCode::OK)
}

/// Records a filled-in form, and shows what was recorded; or the form again, with the errors at their fields.
async fn record_filled(state: &AppState, user: &WebUser, filled: &Filled<'_>) -> Response {
    let entry = filled.entry;
    let mut errors = FormErrors::default();
    let request = request(entry, &filled.values, filled.lines, &mut errors);
    if !errors.is_empty() {
        return render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    match record(state, user, entry, &filled.values, &request, filled.key.clone()).await {
        Ok(response) => match answer(response).await {
            Some(answer) => recorded(state, user, entry, &answer),
            None => error_page(user, ApiError::Internal("the answer cannot be read".to_owned())),
        },
        Err(error) => match FormErrors::from_api(error) {
            Ok(errors) => render(state, user, filled, errors, StatusCode::UNPROCESSABLE_ENTITY),
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
                render(state, user, filled, errors, StatusCode::NOT_FOUND)
            }
            Err(other) => error_page(user, other),
        },
    }
}

/// The JSON body of the API's answer.
async fn answer(response: Response) -> Option<Value> {
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}
