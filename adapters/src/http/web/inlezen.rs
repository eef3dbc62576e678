//! Inlezen: a published table of contracting spaces uploaded as it is (CSV, XLSX or ODS), previewed with every
//! line, the lines that change nothing, the terms it would open, the appeals it would reach and every problem at
//! its row and column; recorded as one decision only when the user confirms. The same service path as
//! `POST /api/v1/imports`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::form::{Choice, FormErrors, FormField};
use super::pages::{region_name, space_link};
use super::session::{Posted, UserBar, WebUser};
use super::what_if::{ChangeRow, change_rows};
use super::{error_page, html, words};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::imports::import_fields;
use crate::service::{ImportPreview, today};

/// The form's fields and the API's names for them.
const FIELDS: [(&str, &str); 8] = [
    ("besluit", "decision_id"),
    ("soort", "kind"),
    ("besluit_op", "decided_on"),
    ("bekendgemaakt_op", "announced_on"),
    ("motivering", "reason"),
    ("bron", "source"),
    ("eenheid", "unit"),
    ("blad", "sheet"),
];

/// One line of the preview, in words.
pub struct LineRow {
    pub row: usize,
    pub place: String,
    pub link: String,
    pub amount: String,
    pub now: String,
}

/// One problem of the file.
pub struct ProblemRow {
    pub place: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "inlezen.html")]
struct InlezenPage {
    user: Option<UserBar>,
    nav: &'static str,
    csrf: String,
    errors: FormErrors,
    fields: Vec<FormField>,
    /// The form's values, for the confirmation form.
    hidden: Vec<(String, String)>,
    file_hex: String,
    previewed: bool,
    as_of: String,
    layout: String,
    lines: Vec<LineRow>,
    unchanged: Vec<LineRow>,
    changes: Vec<ChangeRow>,
    problems: Vec<ProblemRow>,
    recordable: bool,
}

fn form_fields(values: &HashMap<String, String>, errors: &FormErrors) -> Vec<FormField> {
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let field = |name: &str, label: &str| FormField::text(name, label, &get(name), errors);
    let kinds = vec![
        Choice::new("establishment", "Vaststelling", &get("soort")),
        Choice::new("amendment", "Wijziging", &get("soort")),
    ];
    let units = vec![
        Choice::new("euro", "Euro", &get("eenheid")),
        Choice::new("thousand", "x € 1.000", &get("eenheid")),
        Choice::new("million", "x € 1 mln", &get("eenheid")),
    ];
    vec![
        field("besluit", "Kenmerk van het besluit").hint("Bijvoorbeeld NZa-RCS-2026-03"),
        field("soort", "Soort besluit").choices(kinds),
        field("besluit_op", "Datum van het besluit").hint("JJJJ-MM-DD"),
        field("bekendgemaakt_op", "Datum van bekendmaking (leeg: later vastleggen)").hint("JJJJ-MM-DD"),
        field("motivering", "Motivering"),
        field("bron", "Bron (waar het bestand is gepubliceerd)"),
        field("eenheid", "Bedragen in").choices(units),
        field("blad", "Werkblad (leeg: het eerste)"),
    ]
}

fn page(user: &WebUser, values: &HashMap<String, String>, errors: FormErrors) -> InlezenPage {
    InlezenPage {
        user: Some(user.bar()),
        nav: "invoeren",
        csrf: user.csrf.clone(),
        fields: form_fields(values, &errors),
        errors,
        hidden: Vec::new(),
        file_hex: String::new(),
        previewed: false,
        as_of: String::new(),
        layout: String::new(),
        lines: Vec::new(),
        unchanged: Vec::new(),
        changes: Vec::new(),
        problems: Vec::new(),
        recordable: false,
    }
}

pub async fn inlezen(user: WebUser) -> Response {
    if let Err(error) = user.caller.require(&[Role::Legal]) {
        return error_page(&user, error);
    }
    html(StatusCode::OK, &page(&user, &HashMap::new(), FormErrors::default()))
}

/// The lines of a preview, in words.
fn line_rows(state: &AppState, preview: &ImportPreview, unchanged: bool) -> Vec<LineRow> {
    let lines = if unchanged { &preview.unchanged } else { &preview.lines };
    lines
        .iter()
        .map(|l| LineRow {
            row: l.row,
            place: format!("{} {}", region_name(state, &l.region), l.year),
            link: space_link(&l.region, l.year, preview.as_of),
            amount: words::euro(&l.amount),
            now: l.current_amount.as_ref().map_or_else(|| "geen".to_owned(), words::euro),
        })
        .collect()
}

pub async fn lees_in(State(state): State<AppState>, posted: Posted) -> Response {
    let user = &posted.user;
    if let Err(error) = user.caller.require(&[Role::Legal]) {
        return error_page(user, error);
    }
    let values: HashMap<String, String> =
        FIELDS.iter().map(|(form, _)| ((*form).to_owned(), posted.get(form).trim().to_owned())).collect();
    let mut errors = FormErrors::default();
    let file = match (posted.file("bestand"), hex::decode(posted.get("bestand_hex"))) {
        (Some(file), _) => Some(file.to_vec()),
        (None, Ok(bytes)) if !bytes.is_empty() => Some(bytes),
        _ => None,
    };
    if file.is_none() {
        errors.add("bestand", "kies het bestand (CSV, XLSX of ODS)");
    }
    let query: HashMap<String, String> = FIELDS
        .iter()
        .filter(|(form, _)| !values[*form].is_empty())
        .map(|(form, api)| ((*api).to_owned(), values[*form].clone()))
        .collect();
    let fields = match import_fields(&query) {
        Ok(fields) => Some(fields),
        Err(crate::http::error::ApiError::Invalid(found)) => {
            for e in found {
                let form = FIELDS.iter().find(|(_, api)| *api == e.field).map_or("besluit", |(form, _)| *form);
                errors.add(form, e.message);
            }
            None
        }
        Err(other) => return error_page(user, other),
    };
    let (Some(file), Some(fields)) = (file, fields) else {
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page(user, &values, errors));
    };
    let as_of = today();
    let by = user.caller.0.name.clone();
    let imported = match state.service.preview_import(&by, &file, &fields, as_of).await {
        Ok(imported) => imported,
        Err(error) => return error_page(user, error.into()),
    };
    let imported_before = match state.service.imported_before(&by, &imported.preview.file_sha256).await {
        Ok(before) => before,
        Err(error) => return error_page(user, error.into()),
    };
    if posted.get("actie") == "vastleggen" && (imported.decision().is_some() || imported_before) {
        if !imported_before && let Err(error) = state.service.record_import(&user.caller.provenance(), &imported).await
        {
            return error_page(user, error.into());
        }
        let recorded = super::entry::recorded_decision_page(&state, user, &fields.decision_id).await;
        return recorded;
    }
    let preview = &imported.preview;
    let mut shown = page(user, &values, errors);
    shown.previewed = true;
    shown.as_of = preview.as_of.to_string();
    shown.layout = match preview.layout {
        Some(crate::import::Layout::Long) => "per regel een regio, een jaar en een bedrag".to_owned(),
        Some(crate::import::Layout::Wide) => "per regel een regio, per kolom een jaar".to_owned(),
        None => "niet herkend".to_owned(),
    } + &preview.sheet.as_ref().map(|s| format!(" (werkblad {s})")).unwrap_or_default();
    shown.lines = line_rows(&state, preview, false);
    shown.unchanged = line_rows(&state, preview, true);
    let changes: Vec<_> = preview.terms.iter().chain(&preview.extended_appeals).cloned().collect();
    shown.changes = change_rows(&state, &changes, preview.as_of);
    shown.problems = preview
        .problems
        .iter()
        .map(|p| ProblemRow {
            place: match (p.row, &p.column) {
                (0, Some(c)) => c.clone(),
                (0, None) => "bestand".to_owned(),
                (row, Some(c)) => format!("rij {row}, kolom {c}"),
                (row, None) => format!("rij {row}"),
            },
            message: p.message.clone(),
        })
        .collect();
    shown.recordable = imported.decision().is_some() || imported_before;
    shown.hidden = values.into_iter().collect();
    shown.hidden.sort();
    shown.file_hex = hex::encode(&file);
    let status = if shown.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    html(status, &shown)
}
