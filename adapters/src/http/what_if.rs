//! What if: hypothetical entries, in the shapes of the commands, applied to a copy of the register and judged on
//! `as_of`; nothing is recorded. Each entry is read and checked like the command it stands for, and an error
//! names the entry and its field (`entries[0].contracting_space_decision.spaces[1].year`).

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use termijn_domain::values::{AppealId, DecisionId, ObjectionId};
use termijn_projections::difference::Change;
use termijn_projections::views::SpaceView;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Legal;
use super::error::{ApiError, FieldError, problems};
use super::extract::{Fields, JsonBody, date_field, json_error};
use super::{appeals, objections, spaces, tariffs};
use crate::service::{CommandError, Entry, EntryRefused, today};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(what_if))
}

/// The most entries one what-if may hold.
const MAX_ENTRIES: usize = 100;

/// Entries to apply, in order, on top of the register as it is, judged on `as_of` (default today).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhatIfRequest {
    #[serde(default)]
    #[schema(format = Date, example = "2026-12-01")]
    pub(super) as_of: Option<String>,
    /// Each entry an object with one key, the kind of entry, and as its value the body of the command:
    /// `contracting_space_decision`, `tariff_decision` and `appeal` as their `POST`s take them; `announcement`
    /// and `tariff_announcement` with `decision_id`; `withdrawal` and `judgment` with `appeal_id`; `objection`
    /// with `tariff_decision`; `postponement` and `objection_decision` with `tariff_decision` and `objection_id`.
    #[schema(value_type = Vec<Object>, example = json!([{"contracting_space_decision": {
        "decision_id": "NZa-RCS-2026-12", "kind": "amendment", "decided_on": "2026-12-01",
        "announced_on": "2026-12-02", "reason": "wijziging", "spaces": [
            {"region": "groningen", "year": 2027, "amount": "900000000.00"}]}}]))]
    pub(super) entries: Vec<Value>,
}

/// The region-years the entries change, as they would be judged on `as_of`, and what would change in them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhatIfAnswer {
    #[schema(format = Date)]
    pub(crate) as_of: NaiveDate,
    pub(crate) spaces: Vec<SpaceView>,
    /// Each of `spaces` as it is now, in the same order; `null` where the region-year has no decision yet.
    pub(crate) before: Vec<Option<SpaceView>>,
    pub(crate) changes: Vec<Change>,
}

/// What the register would say after hypothetical entries: the region-years they change, as the space view
/// shows them, and the differences (terms that would open, close or not open, appeals art. 6:19 Awb would
/// extend, finality lost or gained, deadlines added, moved and removed). Nothing is recorded.
#[utoipa::path(post, path = "/api/v1/what-if", tag = "contracting spaces",
    request_body = WhatIfRequest,
    responses((status = 200, body = WhatIfAnswer), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::UnsupportedMedia, problems::InvalidInput),
    security(("bearer" = [])))]
pub(crate) async fn what_if(
    State(state): State<AppState>,
    Legal(caller): Legal,
    body: JsonBody<WhatIfRequest>,
) -> Result<Json<WhatIfAnswer>, ApiError> {
    let request = body.value;
    let mut fields = Fields::new();
    let as_of = request.as_of.as_deref().map(|a| fields.date("as_of", a));
    if request.entries.is_empty() {
        fields.add("entries", "at least one entry is needed");
    }
    if request.entries.len() > MAX_ENTRIES {
        fields.add("entries", format!("at most {MAX_ENTRIES} entries"));
    }
    let mut entries = Vec::new();
    let mut kinds = Vec::new();
    for (i, raw) in request.entries.into_iter().enumerate() {
        match entry(&state, raw, i) {
            Ok((kind, entry)) => {
                kinds.push(kind);
                entries.push(entry);
            }
            Err(ApiError::Invalid(errors)) => errors.into_iter().for_each(|e| fields.add(e.field, e.message)),
            Err(other) => return Err(other),
        }
    }
    fields.finish()?;
    let as_of = as_of.flatten().unwrap_or_else(today);
    let audience = caller.audience(None)?;
    let answer = state
        .service
        .what_if(&caller.0.name, as_of, entries, &audience)
        .await
        .map_err(|EntryRefused { entry, error }| refused(&format!("entries[{entry}].{}", kinds[entry]), error))?;
    Ok(Json(WhatIfAnswer { as_of, spaces: answer.spaces, before: answer.before, changes: answer.changes }))
}

/// An entry the service refuses, as the field error of that entry: what a command answers with 404 or 409 (an
/// id that is not recorded, or recorded before) is here a fault of the entry.
fn refused(at: &str, error: CommandError) -> ApiError {
    let at_field = |field: &str| if field == "body" { at.to_owned() } else { format!("{at}.{field}") };
    match ApiError::from(error) {
        ApiError::Invalid(errors) => {
            ApiError::Invalid(errors.into_iter().map(|e| FieldError::new(at_field(&e.field), e.message)).collect())
        }
        ApiError::NotFound(message) => {
            let field = match at.rsplit('.').next() {
                Some("announcement" | "tariff_announcement") => "decision_id",
                Some("withdrawal" | "judgment") => "appeal_id",
                Some("objection") => "tariff_decision",
                Some("postponement" | "objection_decision") if message.contains("tariff decision") => "tariff_decision",
                Some("postponement" | "objection_decision") => "objection_id",
                _ => "body",
            };
            ApiError::Invalid(vec![FieldError::new(at_field(field), message)])
        }
        ApiError::Conflict(message) => ApiError::Invalid(vec![FieldError::new(at, message)]),
        other => other,
    }
}

/// One entry of the request, read like the command it stands for: its kind and the entry.
fn entry(state: &AppState, raw: Value, i: usize) -> Result<(&'static str, Entry), ApiError> {
    let at = format!("entries[{i}]");
    let Value::Object(object) = raw else {
        return Err(invalid(&at, "an entry is an object with one key, the kind of entry"));
    };
    let mut pairs = object.into_iter();
    let (Some((kind, value)), None) = (pairs.next(), pairs.next()) else {
        return Err(invalid(&at, "an entry is an object with one key, the kind of entry"));
    };
    let at = format!("{at}.{kind}");
    let Value::Object(mut body) = value else { return Err(invalid(&at, "the entry's body is an object")) };
    let context = state.service.context();
    let within = |error| within(&at, error);
    let (kind, entry) = match kind.as_str() {
        "contracting_space_decision" => {
            let request: spaces::DecisionRequest = read(body, &at)?;
            ("contracting_space_decision", Entry::SpaceDecision(request.parse(context).map_err(within)?))
        }
        "announcement" | "tariff_announcement" => {
            let decision_id = id(&mut body, "decision_id", &at, DecisionId::parse)?;
            let request: spaces::AnnouncementRequest = read(body, &at)?;
            let announced_on = date_field("announced_on", &request.announced_on).map_err(within)?;
            if kind == "announcement" {
                ("announcement", Entry::SpaceAnnouncement { decision_id, announced_on })
            } else {
                ("tariff_announcement", Entry::TariffAnnouncement { decision_id, announced_on })
            }
        }
        "tariff_decision" => {
            let request: tariffs::TariffRequest = read(body, &at)?;
            let (record, announced_on) = request.checked(context).map_err(within)?;
            ("tariff_decision", Entry::TariffDecision { record, announced_on })
        }
        "appeal" => {
            let request: appeals::AppealRequest = read(body, &at)?;
            ("appeal", Entry::Appeal(request.checked(context).map_err(within)?))
        }
        "withdrawal" => {
            let appeal_id = id(&mut body, "appeal_id", &at, AppealId::parse)?;
            let request: appeals::WithdrawalRequest = read(body, &at)?;
            let withdrawn_on = date_field("withdrawn_on", &request.withdrawn_on).map_err(within)?;
            ("withdrawal", Entry::Withdrawal { appeal_id, withdrawn_on })
        }
        "judgment" => {
            let appeal_id = id(&mut body, "appeal_id", &at, AppealId::parse)?;
            let request: appeals::JudgmentRequest = read(body, &at)?;
            let judgment_on = date_field("judgment_on", &request.judgment_on).map_err(within)?;
            let order = request.order().map_err(within)?;
            ("judgment", Entry::Judgment { appeal_id, judgment_on, outcome: request.outcome, order })
        }
        "objection" => {
            let tariff = id(&mut body, "tariff_decision", &at, DecisionId::parse)?;
            let request: objections::ObjectionRequest = read(body, &at)?;
            ("objection", Entry::Objection(request.parse(&tariff).map_err(within)?))
        }
        "postponement" | "objection_decision" => {
            let tariff_decision = id(&mut body, "tariff_decision", &at, DecisionId::parse)?;
            let objection_id = id(&mut body, "objection_id", &at, ObjectionId::parse)?;
            if kind == "postponement" {
                let request: objections::PostponementRequest = read(body, &at)?;
                let postponement = request.parse().map_err(within)?;
                ("postponement", Entry::Postponement { tariff_decision, objection_id, postponement })
            } else {
                let request: objections::DecisionRequest = read(body, &at)?;
                let decision = request.parse().map_err(within)?;
                ("objection_decision", Entry::ObjectionDecision { tariff_decision, objection_id, decision })
            }
        }
        _ => {
            return Err(invalid(
                &format!("entries[{i}]"),
                format!(
                    "unknown kind of entry {kind:?}; one of contracting_space_decision, announcement, \
                     tariff_decision, tariff_announcement, appeal, withdrawal, judgment, objection, postponement, \
                     objection_decision"
                ),
            ));
        }
    };
    Ok((kind, entry))
}

fn invalid(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, message)])
}

/// The field errors of an entry's body, named within the entry.
fn within(at: &str, error: ApiError) -> ApiError {
    match error {
        ApiError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    let field = if e.field == "body" { at.to_owned() } else { format!("{at}.{}", e.field) };
                    FieldError::new(field, e.message)
                })
                .collect(),
        ),
        ApiError::Malformed(message) => invalid(at, message),
        other => other,
    }
}

/// An entry's body as the command's request: unknown fields are an error, as they are there.
fn read<T: DeserializeOwned>(body: Map<String, Value>, at: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Value::Object(body)).map_err(|e| within(at, json_error(e)))
}

/// The id an entry names, taken out of its body (the command has it in its path).
fn id<T, E: std::fmt::Display>(
    body: &mut Map<String, Value>,
    key: &str,
    at: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, ApiError> {
    match body.remove(key) {
        Some(Value::String(raw)) => parse(&raw).map_err(|e| invalid(&format!("{at}.{key}"), e)),
        Some(_) => Err(invalid(&format!("{at}.{key}"), "must be a string")),
        None => Err(invalid(&format!("{at}.{key}"), "is required")),
    }
}
