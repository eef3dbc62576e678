//! An import: a published table read as one contracting-space decision, previewed against the register (each
//! region-year's amount now and after, the lines that would change nothing, the terms the decision would open,
//! the pending appeals it would reach by art. 6:19 Awb, every problem), and recorded through the same command
//! as the API's, all its lines or none.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use termijn_domain::aggregates::space_decision::{SpaceLine, rule_breaks};
use termijn_domain::register::SpaceDecisionKind;
use termijn_domain::values::{DecisionId, Euro, RegionSlug};
use termijn_projections::difference::{Change, ChangeKind};
use termijn_projections::views::Audience;
use utoipa::ToSchema;

use super::commands::{Entry, NewSpaceDecision};
use super::what_if::Deadlines;
use super::{CommandError, Service};
use crate::import::{Layout, Problem, Unit, read_lines, table};
use crate::store::{Provenance, StoreError};

/// What the user says of the file: the decision it is, and how to read it.
#[derive(Debug, Clone)]
pub struct ImportFields {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub reason: String,
    /// Where the file was published; recorded with the decision's reason.
    pub source: Option<String>,
    pub unit: Unit,
    /// The sheet of a workbook; the first when none is named.
    pub sheet: Option<String>,
}

/// One region-year of the file, with the amount the register holds for it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PreviewLine {
    pub row: usize,
    #[schema(value_type = String)]
    pub region: RegionSlug,
    pub year: i32,
    #[schema(value_type = String)]
    pub amount: Euro,
    #[schema(value_type = Option<String>)]
    pub current_amount: Option<Euro>,
}

/// What recording the file would do, judged on `as_of`; nothing is recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportPreview {
    /// SHA-256 of the file: the idempotency key of its import.
    pub file_sha256: String,
    pub as_of: NaiveDate,
    pub layout: Option<Layout>,
    pub sheet: Option<String>,
    /// The lines the decision would record.
    pub lines: Vec<PreviewLine>,
    /// An amendment's lines whose amount the register holds already: left out of the decision.
    pub unchanged: Vec<PreviewLine>,
    /// The terms the decision would open (R1-R4), each with its explanation.
    #[schema(value_type = Vec<Object>)]
    pub terms: Vec<Change>,
    /// The pending appeals the decision would reach by art. 6:19 Awb.
    #[schema(value_type = Vec<Object>)]
    pub extended_appeals: Vec<Change>,
    /// The years whose totals the file states, and that add up.
    pub totals_checked: Vec<i32>,
    /// Everything that keeps the file from being recorded, all at once.
    pub problems: Vec<Problem>,
}

/// A previewed import, and the decision it would record when it has no problems.
#[derive(Debug, Clone)]
pub struct Import {
    pub preview: ImportPreview,
    decision: Option<NewSpaceDecision>,
    /// SHA-256 of what the import asks: its fields and its file.
    request_sha256: String,
}

impl Import {
    /// The route an import is recorded under, wherever it is asked (API, page or command line), so that its
    /// idempotency key holds it to the same request everywhere.
    pub const ROUTE: &'static str = "POST /api/v1/imports";

    /// The decision to record: `None` while the preview names problems.
    pub fn decision(&self) -> Option<&NewSpaceDecision> {
        self.decision.as_ref()
    }

    /// SHA-256 of the fields and the file: the request an import's idempotency key is held to.
    pub fn request_sha256(&self) -> &str {
        &self.request_sha256
    }
}

/// SHA-256 of a file, hex.
pub fn file_sha256(file: &[u8]) -> String {
    hex::encode(Sha256::digest(file))
}

/// The idempotency key an import of a file claims unless it names another: the same file is recorded once.
pub fn import_key(file_sha256: &str) -> String {
    format!("import-{file_sha256}")
}

/// The reason recorded with an imported decision: the user's, and where the file comes from.
fn reason_with_source(reason: &str, source: Option<&str>, sha256: &str) -> String {
    let origin = match source.map(str::trim).filter(|s| !s.is_empty()) {
        Some(source) => format!("Ingelezen uit {source} (bestand sha256 {})", &sha256[..16]),
        None => format!("Ingelezen uit een bestand (sha256 {})", &sha256[..16]),
    };
    match reason.trim() {
        "" => origin,
        reason => format!("{reason}. {origin}"),
    }
}

fn problem(row: usize, column: Option<&str>, message: impl Into<String>) -> Problem {
    Problem { row, column: column.map(str::to_owned), message: message.into() }
}

impl Service {
    /// Reads `file` as the decision `fields` describe and previews it against the register on `as_of`; `by` is
    /// who would record it.
    pub async fn preview_import(
        &self,
        by: &str,
        file: &[u8],
        fields: &ImportFields,
        as_of: NaiveDate,
    ) -> Result<Import, StoreError> {
        let sha256 = file_sha256(file);
        let request_sha256 = file_sha256(format!("{fields:?}\n{sha256}").as_bytes());
        let mut preview = ImportPreview {
            file_sha256: sha256.clone(),
            as_of,
            layout: None,
            sheet: None,
            lines: Vec::new(),
            unchanged: Vec::new(),
            terms: Vec::new(),
            extended_appeals: Vec::new(),
            totals_checked: Vec::new(),
            problems: Vec::new(),
        };
        let table = match table::read(file, fields.sheet.as_deref()) {
            Ok(table) => table,
            Err(error) => {
                preview.problems.push(problem(0, None, error.to_string()));
                return Ok(Import { preview, decision: None, request_sha256 });
            }
        };
        preview.sheet.clone_from(&table.sheet);
        let reading = read_lines(&table, &self.context.regions, fields.unit);
        preview.layout = reading.layout;
        preview.totals_checked = reading.totals_checked;
        preview.problems = reading.problems;
        let audience = Audience::default();
        let reason = reason_with_source(&fields.reason, fields.source.as_deref(), &sha256);
        let lines = reading.lines;
        let all: Vec<SpaceLine> =
            lines.iter().map(|l| SpaceLine { region: l.region.clone(), year: l.year, amount: l.amount }).collect();
        // The decision's own rules, as the API applies them; a line's problem at the line's row.
        for error in rule_breaks(fields.decided_on, fields.announced_on, &reason, all.iter().enumerate(), &self.context)
        {
            // A file without lines is said below, once, in the file's words.
            if matches!(error, termijn_domain::aggregates::space_decision::SpaceDecisionError::NoLines) {
                continue;
            }
            let field = error.field();
            let line = field.as_deref().and_then(line_index).and_then(|i| lines.get(i));
            let (row, column) = match line {
                Some(line) => (line.row, field.as_deref().and_then(|f| f.split("].").nth(1)).map(str::to_owned)),
                None => (0, field),
            };
            preview.problems.push(Problem { row, column, message: error.to_string() });
        }
        if lines.is_empty() && preview.problems.is_empty() {
            preview.problems.push(problem(0, None, "the file holds no line that would change the register"));
        }
        let shown = |line: &crate::import::FileLine, current_amount| PreviewLine {
            row: line.row,
            region: line.region.clone(),
            year: line.year,
            amount: line.amount,
            current_amount,
        };
        if !preview.problems.is_empty() {
            // The amounts now beside the lines that could be read, for the user to see with the problems.
            for line in &lines {
                let now = self.space(&line.region, line.year, as_of, None, &audience).await?;
                preview.lines.push(shown(line, now.and_then(|space| space.amount)));
            }
            preview.problems.sort_by_key(|p| p.row);
            return Ok(Import { preview, decision: None, request_sha256 });
        }
        let decision = |spaces: Vec<SpaceLine>| NewSpaceDecision {
            decision_id: fields.decision_id.clone(),
            kind: fields.kind,
            decided_on: fields.decided_on,
            announced_on: fields.announced_on,
            reason: reason.clone(),
            spaces,
        };
        // The preview shows the terms a decision opens and the appeals it reaches, not the deadlines index.
        const TERMS: Deadlines = Deadlines::NotCompared;
        // One what-if gives the amounts now and what the decision would do; an amendment that repeats amounts
        // is asked again without those lines.
        let mut answer = match self
            .what_if_comparing(by, as_of, vec![Entry::SpaceDecision(decision(all.clone()))], &audience, TERMS)
            .await
        {
            Ok(answer) => answer,
            Err(refused) => return refused_by_the_register(preview, request_sha256, refused),
        };
        let now: HashMap<(RegionSlug, i32), Option<Euro>> = answer
            .spaces
            .iter()
            .zip(&answer.before)
            .map(|(after, before)| ((after.region.clone(), after.year), before.as_ref().and_then(|b| b.amount)))
            .collect();
        let mut changed = Vec::with_capacity(all.len());
        for (line, space) in lines.iter().zip(all) {
            let current_amount = now.get(&(line.region.clone(), line.year)).copied().flatten();
            if fields.kind == SpaceDecisionKind::Amendment && current_amount == Some(line.amount) {
                preview.unchanged.push(shown(line, current_amount));
            } else {
                preview.lines.push(shown(line, current_amount));
                changed.push(space);
            }
        }
        if changed.is_empty() {
            preview.problems.push(problem(
                0,
                None,
                "every line of the file holds the amount the register holds already",
            ));
            return Ok(Import { preview, decision: None, request_sha256 });
        }
        if !preview.unchanged.is_empty() {
            answer = match self
                .what_if_comparing(by, as_of, vec![Entry::SpaceDecision(decision(changed.clone()))], &audience, TERMS)
                .await
            {
                Ok(answer) => answer,
                Err(refused) => return refused_by_the_register(preview, request_sha256, refused),
            };
        }
        for change in answer.changes {
            match change.change {
                ChangeKind::TermOpens => preview.terms.push(change),
                ChangeKind::AppealExtended => preview.extended_appeals.push(change),
                _ => {}
            }
        }
        Ok(Import { preview, decision: Some(decision(changed)), request_sha256 })
    }

    /// Whether `by` imported this file before, under its own idempotency key.
    pub async fn imported_before(&self, by: &str, file_sha256: &str) -> Result<bool, StoreError> {
        Ok(self.store.idempotency(by, &import_key(file_sha256)).await?.is_some())
    }

    /// Records a previewed import as one decision, through the same command as the API's, claiming the file's
    /// idempotency key (unless `by` names another), so that the same file is recorded once.
    pub async fn record_import(&self, by: &Provenance, import: &Import) -> Result<(), CommandError> {
        let Some(decision) = import.decision.clone() else {
            return Err(CommandError::Invalid {
                field: None,
                message: "the file has problems; nothing is recorded".to_owned(),
            });
        };
        let by = Provenance {
            idempotency_key: by.idempotency_key.clone().or_else(|| Some(import_key(&import.preview.file_sha256))),
            request_hash: by
                .request_hash
                .clone()
                .or_else(|| Some(Provenance::request_hash(Import::ROUTE, &import.request_sha256))),
            ..by.clone()
        };
        self.record_space_decision(&by, decision).await
    }
}

/// A preview whose decision the register refuses (its id used before, say): the refusal as the file's problem.
fn refused_by_the_register(
    mut preview: ImportPreview,
    request_sha256: String,
    refused: super::EntryRefused,
) -> Result<Import, StoreError> {
    let column = match &refused.error {
        CommandError::Invalid { field, .. } => field.clone(),
        CommandError::Conflict(_) => Some("decision_id".to_owned()),
        _ => None,
    };
    match refused.error {
        CommandError::Store(error) => Err(error),
        error => {
            preview.problems.push(Problem { row: 0, column, message: error.to_string() });
            Ok(Import { preview, decision: None, request_sha256 })
        }
    }
}

/// The line a field such as `spaces[3].region` names.
fn line_index(field: &str) -> Option<usize> {
    field.strip_prefix("spaces[")?.split(']').next()?.parse().ok()
}
