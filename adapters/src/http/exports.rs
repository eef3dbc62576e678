//! The exports legal staff and auditors take to a spreadsheet, the same for the API (`format=csv|xlsx`, or
//! `Accept`) and the web interface: deadlines, the register of a year, a region-year's terms and appeals. Every
//! value is the engine's judgment as the JSON answers give it, in Dutch words.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use termijn_domain::reference::RegionRegistry;
use termijn_projections::views::{DeadlineView, SpaceView, TermView};

use super::error::ApiError;
use super::web::words;
use crate::import::export::{FileFormat, Sheet, Value};

/// The file a request asks for: `format=csv|xlsx|json`, or else its `Accept` header; `None` for JSON.
pub(crate) fn requested(query: &HashMap<String, String>, headers: &HeaderMap) -> Result<Option<FileFormat>, ApiError> {
    match query.get("format").map(String::as_str) {
        Some("csv") => return Ok(Some(FileFormat::Csv)),
        Some("xlsx") => return Ok(Some(FileFormat::Xlsx)),
        Some("json") => return Ok(None),
        Some(_) => return Err(ApiError::field("format", "must be json, csv or xlsx")),
        None => {}
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(if accept.contains(FileFormat::XLSX_MEDIA_TYPE) {
        Some(FileFormat::Xlsx)
    } else if accept.contains("text/csv") {
        Some(FileFormat::Csv)
    } else {
        None
    })
}

/// A sheet as a download named `name` with the format's extension.
pub(crate) fn download(sheet: &Sheet, format: FileFormat, name: &str) -> Result<Response, ApiError> {
    let body = sheet.write(format).map_err(ApiError::Internal)?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{}\"", format.extension())) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Who a term's tariff decision is of, as the viewer may see it.
fn provider_of(term: &TermView) -> Value {
    match (&term.provider, term.other_provider) {
        (Some(agb), _) => Value::Text(agb.to_string()),
        (None, true) => "tariefbeschikking van een andere zorgaanbieder".into(),
        (None, false) => Value::Empty,
    }
}

/// The terms found, one row each, with the explanation the engine gave.
pub(crate) fn deadlines_sheet(terms: &[std::sync::Arc<DeadlineView>], regions: &RegionRegistry) -> Sheet {
    let rows = terms
        .iter()
        .map(|d| {
            let t = &d.term;
            vec![
                t.last_day.into(),
                t.opens_on.into(),
                if t.provisional { "ja" } else { "nee" }.into(),
                Value::Text(regions.name_of(&d.region)),
                Value::Whole(i64::from(d.year)),
                words::basis(t.basis).into(),
                t.basis.citation().into(),
                Value::Text(t.decision_id.to_string()),
                t.tariff_decision.as_ref().map(ToString::to_string).into(),
                provider_of(t),
                words::term_status(t.status).into(),
                Value::Text(t.explanation.steps().join("\n")),
            ]
        })
        .collect();
    Sheet {
        name: "Termijnen".to_owned(),
        headers: vec![
            "Laatste dag",
            "Begint op",
            "Voorlopig",
            "Regio",
            "Jaar",
            "Grondslag",
            "Artikel",
            "Besluit",
            "Tariefbeschikking",
            "Zorgaanbieder",
            "Status",
            "Uitleg",
        ],
        rows,
    }
}

/// The register of a year: each region-year with its amount, current decision, status and finality.
pub(crate) fn register_sheet(spaces: &[SpaceView], regions: &RegionRegistry, year: Option<i32>) -> Sheet {
    let rows = spaces
        .iter()
        .map(|s| {
            vec![
                Value::Text(regions.name_of(&s.region)),
                Value::Whole(i64::from(s.year)),
                s.amount.map_or(Value::Empty, Value::Amount),
                s.current_decision.as_ref().map(ToString::to_string).into(),
                s.status.map(|status| words::decision_status(status).to_owned()).into(),
                s.irrevocable_since.into(),
                s.plan_by.into(),
            ]
        })
        .collect();
    Sheet {
        name: year.map_or_else(|| "Register".to_owned(), |year| format!("Register {year}")),
        headers: vec![
            "Regio",
            "Jaar",
            "Contracteerruimte",
            "Geldend besluit",
            "Status",
            "Onherroepelijk sinds",
            "Plannen op",
        ],
        rows,
    }
}

/// A region-year's terms and appeals, one row each, with the engine's explanation.
pub(crate) fn space_sheet(space: &SpaceView, regions: &RegionRegistry) -> Sheet {
    let mut rows: Vec<Vec<Value>> = space
        .terms
        .iter()
        .map(|t| {
            vec![
                "termijn".into(),
                words::basis(t.basis).into(),
                t.basis.citation().into(),
                Value::Text(t.decision_id.to_string()),
                t.tariff_decision.as_ref().map(ToString::to_string).into(),
                provider_of(t),
                t.opens_on.into(),
                t.last_day.into(),
                words::term_status(t.status).into(),
                Value::Empty,
                Value::Text(t.explanation.steps().join("\n")),
            ]
        })
        .collect();
    rows.extend(space.appeals.iter().map(|a| {
        let against = std::iter::once(&a.against_decision).chain(&a.extended_to).map(ToString::to_string);
        vec![
            "beroep".into(),
            Value::Text(a.appeal_id.to_string()),
            Value::Empty,
            Value::Text(against.collect::<Vec<_>>().join(", ")),
            Value::Empty,
            Value::Text(words::appellant(&a.appellant)),
            Value::Empty,
            Value::Empty,
            words::appeal_status(a.status).into(),
            words::filing(a.filing).into(),
            Value::Text(a.explanation.steps().join("\n")),
        ]
    }));
    Sheet {
        name: format!("{} {}", regions.name_of(&space.region), space.year),
        headers: vec![
            "Soort",
            "Termijn of beroep",
            "Artikel",
            "Besluit",
            "Tariefbeschikking",
            "Zorgaanbieder of appellant",
            "Begint op",
            "Laatste dag",
            "Status",
            "Indiening",
            "Uitleg",
        ],
        rows,
    }
}
