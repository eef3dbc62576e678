//! `POST /api/v1/imports`: a published table of contracting spaces as the body, previewed (`dry_run=true`) or
//! recorded as one decision. The same file imported twice is recorded once: its SHA-256 is the idempotency key
//! unless the request names another.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use termijn_domain::register::SpaceDecisionKind;
use termijn_domain::values::DecisionId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Legal;
use super::error::{ApiError, FieldError, problems};
use super::extract::{Fields, FileBody, QueryParams};
use super::idempotency::{IdempotencyKey, Write, write};
use crate::import::Unit;
use crate::service::{Import, ImportFields, ImportPreview, SpaceDecisionDetail, import_key, today};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import))
}

/// The fields of an import from its query, or every bad one at once.
pub(crate) fn import_fields(query: &HashMap<String, String>) -> Result<ImportFields, ApiError> {
    let mut fields = Fields::new();
    let mut required = |name: &str| {
        let value = query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        if value.is_none() {
            fields.add(name, "is required");
        }
        value
    };
    let (decision_id, kind, decided_on) = (required("decision_id"), required("kind"), required("decided_on"));
    let decision_id = decision_id.and_then(|d| fields.check("decision_id", DecisionId::parse(d)));
    let kind = kind.and_then(|k| {
        fields.check(
            "kind",
            match k {
                "establishment" => Ok(SpaceDecisionKind::Establishment),
                "amendment" => Ok(SpaceDecisionKind::Amendment),
                _ => Err("must be establishment or amendment"),
            },
        )
    });
    let decided_on = decided_on.and_then(|d| fields.date("decided_on", d));
    let announced_on =
        query.get("announced_on").filter(|a| !a.trim().is_empty()).map(|a| fields.date("announced_on", a));
    let unit = match query.get("unit").map(String::as_str) {
        None | Some("" | "euro") => Some(Unit::Euro),
        Some("thousand") => Some(Unit::Thousand),
        Some("million") => Some(Unit::Million),
        Some(_) => fields.check("unit", Err::<Unit, _>("must be euro, thousand or million")),
    };
    fields.finish()?;
    Ok(ImportFields {
        decision_id: decision_id.expect("checked"),
        kind: kind.expect("checked"),
        decided_on: decided_on.expect("checked"),
        announced_on: announced_on.map(|a| a.expect("checked")),
        reason: query.get("reason").cloned().unwrap_or_default(),
        source: query.get("source").cloned().filter(|s| !s.trim().is_empty()),
        unit: unit.expect("checked"),
        sheet: query.get("sheet").cloned().filter(|s| !s.trim().is_empty()),
    })
}

/// Every problem of a preview as the fields of a 422: `row 5, Regio`.
pub(crate) fn problems_as_fields(preview: &ImportPreview) -> Vec<FieldError> {
    preview
        .problems
        .iter()
        .map(|p| {
            let place = match (p.row, &p.column) {
                (0, Some(column)) => column.clone(),
                (0, None) => "file".to_owned(),
                (row, Some(column)) => format!("row {row}, {column}"),
                (row, None) => format!("row {row}"),
            };
            FieldError::new(place, &p.message)
        })
        .collect()
}

/// Imports a published table of contracting spaces (CSV with `;` or `,`, UTF-8 or Windows-1252; XLSX; ODS) in
/// long layout (region, year, amount per row) or wide layout (a region column and one column per year). With
/// `dry_run=true` it answers the preview and records nothing; without, it records the lines as one decision,
/// all or none, or answers 422 naming every problem by row and column.
#[utoipa::path(post, path = "/api/v1/imports", tag = "contracting spaces",
    params(
        ("decision_id" = String, Query), ("kind" = String, Query, description = "establishment or amendment"),
        ("decided_on" = String, Query), ("announced_on" = Option<String>, Query),
        ("reason" = Option<String>, Query), ("source" = Option<String>, Query, description = "Where the file was published"),
        ("unit" = Option<String>, Query, description = "euro (default), thousand or million"),
        ("sheet" = Option<String>, Query, description = "The sheet of a workbook; the first by default"),
        ("dry_run" = Option<bool>, Query), ("as_of" = Option<String>, Query, description = "Judge the preview on this day"),
        ("Idempotency-Key" = Option<String>, Header, description = "By default the file's SHA-256")),
    request_body(description = "The file as published", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
        (Vec<u8> = "application/octet-stream"))),
    responses(
        (status = 200, description = "The preview (dry_run=true); nothing recorded", body = ImportPreview),
        (status = 201, description = "The recorded decision", body = SpaceDecisionDetail),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::ConflictProblem, problems::InvalidInput),
    security(("bearer" = [])))]
async fn import(
    State(state): State<AppState>,
    Legal(caller): Legal,
    QueryParams(query): QueryParams,
    key: IdempotencyKey,
    file: FileBody,
) -> Result<Response, ApiError> {
    let fields = import_fields(&query)?;
    let dry_run = match query.get("dry_run").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::field("dry_run", "must be true or false")),
    };
    let as_of = match query.get("as_of") {
        Some(a) => super::extract::date_field("as_of", a)?,
        None => today(),
    };
    let imported = state.service.preview_import(&caller.0.name, &file.bytes, &fields, as_of).await?;
    if dry_run {
        return Ok((StatusCode::OK, Json(imported.preview)).into_response());
    }
    let key = key.0.unwrap_or_else(|| import_key(&file.sha256));
    // A file imported before is answered as it was then, whatever its preview now says (its decision exists).
    let imported_before = state.service.store().idempotency(&caller.0.name, &key).await?.is_some();
    if imported.decision().is_none() && !imported_before {
        return Err(ApiError::Invalid(problems_as_fields(&imported.preview)));
    }
    let key = IdempotencyKey(Some(key));
    let (s, id, imported) = (&state, &fields.decision_id, &imported);
    write(
        &state,
        Write {
            caller: &caller,
            key,
            route: Import::ROUTE.to_owned(),
            body_sha256: imported.request_sha256(),
            status: StatusCode::CREATED,
        },
        |by| async move {
            s.service.record_import(&by, imported).await?;
            super::spaces::current_decision(s, id).await
        },
        || super::spaces::current_decision(s, id),
    )
    .await
}
