//! The forms of Invoeren: their fields, the API request each one makes, and the API handler that records it.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::super::form::{Choice, FormErrors, FormField};
use super::super::session::WebUser;
use crate::http::AppState;
use crate::http::auth::Legal;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, PathParams};
use crate::http::idempotency::IdempotencyKey;
use crate::http::{appeals, objections, spaces, tariffs};

/// The forms, by the last part of their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
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
    pub(super) fn from_path(path: &str) -> Option<Self> {
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

    pub(super) fn path(self) -> &'static str {
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

    pub(super) fn heading(self) -> &'static str {
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

    pub(super) fn intro(self) -> &'static str {
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

/// What a form was filled in with: every value by its field name.
pub(super) struct Values<'a>(pub(super) &'a [(String, String)]);

impl Values<'_> {
    pub(super) fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.trim())
    }

    pub(super) fn optional(&self, name: &str) -> Value {
        match self.get(name) {
            "" => Value::Null,
            value => json!(value),
        }
    }
}

/// The regions to choose from, after "Kies een regio".
pub(super) fn region_choices(state: &AppState, current: &str) -> Vec<Choice> {
    let mut choices = vec![Choice::new("", "Kies een regio", current)];
    choices.extend(super::super::form::region_choices(state, current));
    choices
}

pub(super) fn fields_of(state: &AppState, entry: Entry, values: &Values, errors: &FormErrors) -> Vec<FormField> {
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
pub(super) fn line_groups(state: &AppState, count: usize, values: &Values, errors: &FormErrors) -> Vec<Vec<FormField>> {
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

/// A whole number typed in a field, or an error at that field.
pub(super) fn number(values: &Values, name: &str, errors: &mut FormErrors) -> Value {
    match values.get(name).parse::<i32>() {
        Ok(n) => json!(n),
        Err(_) => {
            errors.add(name, "moet een jaartal zijn, bijvoorbeeld 2027");
            json!(0)
        }
    }
}

/// The API's request body for a form.
pub(super) fn request(entry: Entry, values: &Values, lines: usize, errors: &mut FormErrors) -> Value {
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

/// The form's entry in the shape of the API's what-if: the request under its kind, with the ids the command
/// has in its path.
pub(super) fn hypothetical(entry: Entry, values: &Values, mut request: Value) -> Value {
    let mut with = |key: &str| request[key] = json!(values.get(key));
    let kind = match entry {
        Entry::Decision => "contracting_space_decision",
        Entry::Announcement => {
            with("decision_id");
            "announcement"
        }
        Entry::Tariff => "tariff_decision",
        Entry::Appeal => "appeal",
        Entry::Withdrawal => {
            with("appeal_id");
            "withdrawal"
        }
        Entry::Judgment => {
            with("appeal_id");
            "judgment"
        }
        Entry::Objection => {
            with("tariff_decision");
            "objection"
        }
        Entry::Postponement | Entry::ObjectionDecision => {
            with("tariff_decision");
            with("objection_id");
            if entry == Entry::Postponement { "postponement" } else { "objection_decision" }
        }
    };
    json!({ kind: request })
}

/// The request body in the shape the API's handler reads, with the SHA-256 its idempotency check uses.
pub(in crate::http::web) fn body<T: serde::de::DeserializeOwned>(value: &Value) -> Result<JsonBody<T>, ApiError> {
    let text = value.to_string();
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(crate::http::extract::json_error)?;
    Ok(JsonBody { value, sha256 })
}

/// Records through the API's handler for the form; the response is the API's.
pub(super) async fn record(
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
