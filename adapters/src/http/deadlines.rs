//! Deadlines: every term whose last day lies in a range, as JSON or as an iCalendar feed (RFC 5545).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::StreamExt;
use icalendar::{Calendar, Component, EventLike};
use serde::Serialize;
use termijn_domain::values::{AgbCode, RegionSlug};
use termijn_projections::views::DeadlineView;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, problems};
use super::extract::{Fields, QueryParams};
use crate::service::today;
use crate::store::StoreError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(deadlines)).routes(routes!(deadlines_ics))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Deadlines {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    /// Held as the register judged them, shared with the other answers to the same question.
    #[schema(value_type = Vec<DeadlineView>)]
    pub(crate) terms: Vec<std::sync::Arc<DeadlineView>>,
    /// With `limit`: the `after` that asks for the next page, `null` on the last one. Without `limit` every term
    /// is in `terms`, and this is `null`.
    pub(crate) next_after: Option<String>,
}

/// The most terms one page may hold.
const MAX_PAGE: usize = 5_000;

/// A page of the deadlines: at most `limit` terms, those after the term `after` names in the answer's order.
#[derive(Debug)]
struct Page {
    limit: usize,
    after: Option<TermKey>,
}

/// Where a term stands in the deadlines' order (by last day, region, year and the term's stable UID): what
/// `after` carries, written as base64url so that it goes into a URL as it is.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TermKey {
    last_day: NaiveDate,
    region: String,
    year: i32,
    uid: String,
}

impl TermKey {
    fn of(deadline: &DeadlineView) -> Self {
        Self {
            last_day: deadline.term.last_day.unwrap_or(NaiveDate::MIN),
            region: deadline.region.to_string(),
            year: deadline.year,
            uid: deadline.uid(),
        }
    }

    fn encode(&self) -> String {
        use base64::Engine;
        let text = format!("{}\n{}\n{}\n{}", self.last_day, self.region, self.year, self.uid);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    fn decode(text: &str) -> Result<Self, &'static str> {
        use base64::Engine;
        const NOT_A_CURSOR: &str = "must be the next_after of an earlier page";
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| NOT_A_CURSOR)?;
        let text = String::from_utf8(bytes).map_err(|_| NOT_A_CURSOR)?;
        let mut parts = text.split('\n');
        let (Some(day), Some(region), Some(year), Some(uid), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(NOT_A_CURSOR);
        };
        Ok(Self {
            last_day: NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| NOT_A_CURSOR)?,
            region: region.to_owned(),
            year: year.parse().map_err(|_| NOT_A_CURSOR)?,
            uid: uid.to_owned(),
        })
    }
}

impl Page {
    /// `limit` and `after` of a query, checked; `None` when it asks for every term.
    fn asked(fields: &mut Fields, query: &std::collections::HashMap<String, String>) -> Option<Self> {
        let limit = query.get("limit").and_then(|l| {
            fields.check(
                "limit",
                l.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or("must be a whole number from 1 to 5000"),
            )
        });
        let after = query.get("after").and_then(|a| fields.check("after", TermKey::decode(a)));
        if query.contains_key("after") && !query.contains_key("limit") {
            fields.add("limit", "is needed with after: the number of terms a page holds");
        }
        limit.map(|limit| Self { limit, after })
    }

    /// The page of the deadlines found, in their order, and the `after` of the next page when there is one. Terms
    /// with the same key stay on one page.
    fn of(self, mut found: Deadlines) -> Deadlines {
        let start = self.after.map_or(0, |after| found.terms.partition_point(|d| TermKey::of(d) <= after));
        let mut end = (start + self.limit).min(found.terms.len());
        if end < found.terms.len() {
            let last = TermKey::of(&found.terms[end - 1]);
            while end < found.terms.len() && TermKey::of(&found.terms[end]) == last {
                end += 1;
            }
        }
        let more = end < found.terms.len();
        found.terms.truncate(end);
        found.terms.drain(..start);
        found.next_after = more.then(|| found.terms.last().map(|d| TermKey::of(d).encode())).flatten();
        found
    }
}

/// The longest range one request may ask for.
const MAX_RANGE_DAYS: u64 = 3_660;

/// The deadlines a query asks for, with every check of the query; the web pages ask through this too.
pub(crate) async fn find(
    state: &AppState,
    caller: &Caller,
    query: &std::collections::HashMap<String, String>,
) -> Result<Deadlines, ApiError> {
    let mut fields = Fields::new();
    let from = query.get("from").map(|f| fields.date("from", f));
    let to = query.get("to").map(|t| fields.date("to", t));
    let region = query.get("region").map(|r| fields.check("region", RegionSlug::parse(r)));
    let provider = query.get("provider").map(|p| fields.check("provider", AgbCode::parse(p)));
    let as_of = query.get("as_of").map(|a| fields.date("as_of", a));
    fields.finish()?;
    let today = today();
    let from = from.map_or(today, |f| f.expect("checked"));
    let to = to.map_or_else(|| from + Days::new(8 * 7), |t| t.expect("checked"));
    if to < from {
        return Err(ApiError::field("to", "must not lie before from"));
    }
    if (to - from).num_days() as u64 > MAX_RANGE_DAYS {
        return Err(ApiError::field("to", "the range may span at most ten years"));
    }
    let region = region.map(|r| r.expect("checked"));
    known_region(state, region.as_ref())?;
    let provider = caller.viewer(provider.map(|p| p.expect("checked")))?;
    let as_of = as_of.map_or(today, |a| a.expect("checked"));
    let terms = state.service.deadlines(from, to, region.as_ref(), provider.as_ref(), as_of).await?;
    Ok(Deadlines { from, to, terms, next_after: None })
}

/// A region filter names a region that exists, or it is an error at the field `region`.
pub(crate) fn known_region(state: &AppState, region: Option<&RegionSlug>) -> Result<(), ApiError> {
    match region {
        Some(region) if state.service.context().regions.get(region).is_none() => {
            Err(ApiError::field("region", "is not a known care-office region"))
        }
        _ => Ok(()),
    }
}

/// Every appeal term whose last day lies in `from..=to` (default: today and the eight weeks after), sorted by
/// last day. A provider token sees the terms that count for its provider only.
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "deadlines",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("region" = Option<String>, Query),
        ("provider" = Option<String>, Query), ("as_of" = Option<String>, Query, description = "Judge statuses on this legal date"),
        ("format" = Option<String>, Query, description = "json (default), csv or xlsx; or ask by Accept"),
        ("limit" = Option<usize>, Query, description = "JSON in pages of at most this many terms (1-5000); without it, every term"),
        ("after" = Option<String>, Query, description = "The next_after of the page before")),
    responses((status = 200, description = "The terms as JSON, or as CSV or XLSX with format or Accept", content(
            (Deadlines = "application/json"), (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn deadlines(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    QueryParams(query): QueryParams,
) -> Result<Response, ApiError> {
    let format = super::exports::requested(&query, &headers)?;
    let mut fields = Fields::new();
    let page = Page::asked(&mut fields, &query);
    if format.is_some() && page.is_some() {
        fields.add("limit", "pages the JSON answer only; an export holds every term");
    }
    fields.finish()?;
    let found = find(&state, &caller, &query).await?;
    match format {
        Some(format) => {
            let sheet = super::exports::deadlines_sheet(&found.terms, &state.service.context().regions);
            super::exports::download(&sheet, format, &format!("termijnen-{}-{}", found.from, found.to))
        }
        None => Ok(json(match page {
            Some(page) => page.of(found),
            None => found,
        })),
    }
}

/// The deadlines as JSON, written a few hundred terms at a time while the client reads them: a year's terms are
/// tens of megabytes of JSON in a large register, and the answer is never held whole. The text is exactly what
/// `serde_json` writes for `Deadlines`, field by field in its order.
fn json(found: Deadlines) -> Response {
    /// Terms written into one piece of the body: about half a megabyte.
    const TERMS_PER_PIECE: usize = 256;
    /// About what one term takes, its explanation included.
    const BYTES_PER_TERM: usize = 2_048;
    let Deadlines { from, to, terms, next_after } = found;
    let mut head = br#"{"from":"#.to_vec();
    let mut tail = br#"],"next_after":"#.to_vec();
    let ends = serde_json::to_writer(&mut head, &from)
        .and_then(|()| {
            head.extend_from_slice(br#","to":"#);
            serde_json::to_writer(&mut head, &to)
        })
        .and_then(|()| serde_json::to_writer(&mut tail, &next_after));
    if let Err(error) = ends {
        return ApiError::Internal(format!("the deadlines could not be written as JSON: {error}")).into_response();
    }
    head.extend_from_slice(br#","terms":["#);
    tail.push(b'}');
    let pieces = futures_util::stream::iter(0..terms.len().div_ceil(TERMS_PER_PIECE)).map(move |piece| {
        let start = piece * TERMS_PER_PIECE;
        let these = &terms[start..terms.len().min(start + TERMS_PER_PIECE)];
        let mut out = Vec::with_capacity(these.len() * BYTES_PER_TERM);
        for (i, term) in these.iter().enumerate() {
            if piece > 0 || i > 0 {
                out.push(b',');
            }
            if let Err(error) = serde_json::to_writer(&mut out, &**term) {
                // The status is sent: the answer breaks off, and the client sees it incomplete.
                tracing::error!(%error, "the deadlines could not be written as JSON");
                return Err(std::io::Error::other(error));
            }
        }
        Ok(axum::body::Bytes::from(out))
    });
    let body = futures_util::stream::once(std::future::ready(Ok(axum::body::Bytes::from(head))))
        .chain(pieces)
        .chain(futures_util::stream::once(std::future::ready(Ok(axum::body::Bytes::from(tail)))));
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], axum::body::Body::from_stream(body))
        .into_response()
}

/// The same terms as an iCalendar feed: one all-day event per term on its last day, with a stable UID.
#[utoipa::path(get, path = "/api/v1/deadlines.ics", tag = "deadlines",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("region" = Option<String>, Query),
        ("provider" = Option<String>, Query)),
    responses((status = 200, content_type = "text/calendar", body = String), problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn deadlines_ics(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<Response, ApiError> {
    let found = find(&state, &caller, &query).await?;
    let body = ics(&state, &found, &Feed::default()).await?;
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    Ok(response)
}

/// What a feed adds to its terms.
#[derive(Debug, Default, Clone)]
pub(crate) struct Feed {
    /// A reminder this many days before each last day.
    pub(crate) alarm_days: Option<u32>,
}

/// How often a calendar program is asked to fetch a feed again.
const REFRESH: chrono::Duration = chrono::Duration::hours(1);

/// The terms found as an iCalendar feed (RFC 5545, with RFC 7986's refresh interval): one all-day event per term
/// on its last day, with a stable UID, the region by its name, the term's explanation as its description, and a
/// DTSTAMP that moves only when the region-year's facts or the reference data change, so that fetching an
/// unchanged feed again gives the same text.
pub(crate) async fn ics(state: &AppState, found: &Deadlines, feed: &Feed) -> Result<String, StoreError> {
    let mut calendar = Calendar::new();
    calendar.name("termijn: beroepstermijnen regionale contracteerruimte");
    calendar.timezone("Europe/Amsterdam");
    calendar.ttl(&REFRESH);
    let reference = state.service.reference_versions().last().map(|v| v.adopted_at);
    let mut stamps: std::collections::HashMap<(RegionSlug, i32), DateTime<Utc>> = std::collections::HashMap::new();
    for (deadline, uid) in found.terms.iter().zip(DeadlineView::uids(&found.terms)) {
        let Some(last_day) = deadline.term.last_day else { continue };
        let key = (deadline.region.clone(), deadline.year);
        let stamp = match stamps.get(&key) {
            Some(stamp) => *stamp,
            None => {
                let rows = state.service.store().region_year_rows(&deadline.region, deadline.year).await?;
                let stamp = last_change(&rows).max(reference.unwrap_or(DateTime::<Utc>::UNIX_EPOCH));
                stamps.insert(key, stamp);
                stamp
            }
        };
        let region = state.service.context().regions.name_of(&deadline.region);
        let summary = deadline.summary_in(&region);
        let mut event = icalendar::Event::new();
        event
            .uid(&uid)
            .timestamp(stamp)
            .summary(&summary)
            .description(&deadline.term.explanation.steps().join("\n"))
            .starts(last_day)
            // An all-day event ends, exclusively, on the next day (RFC 5545, section 3.6.1).
            .ends(last_day + Days::new(1));
        if let Some(days) = feed.alarm_days {
            let before = icalendar::Trigger::before_start(chrono::Duration::days(i64::from(days)));
            // The crate gives an alarm a random UID and the current DTSTAMP: both fixed here, so that fetching an
            // unchanged feed again gives the same text (RFC 9074 lets an alarm have a UID).
            let mut alarm = icalendar::Alarm::display(&summary, before);
            alarm.uid(&format!("alarm.{uid}")).timestamp(stamp);
            event.alarm(alarm.done());
        }
        calendar.push(event.done());
    }
    // icalendar 0.17 folds before it escapes, so a line with escaped commas can exceed 75 octets: fold again.
    Ok(fold_lines(&calendar.done().to_string()))
}

/// The last instant anything of a region-year was recorded: a row, an announcement or an appeal's ending.
fn last_change(rows: &termijn_projections::facts::RegionYearRows) -> DateTime<Utc> {
    let recorded = rows
        .lines
        .iter()
        .map(|l| l.announced.map_or(l.recorded.at, |a| a.recorded_at.max(l.recorded.at)))
        .chain(rows.tariffs.iter().map(|t| t.announced.map_or(t.recorded.at, |a| a.recorded_at.max(t.recorded.at))))
        .chain(rows.appeals.iter().map(|a| a.ending_recorded_at.unwrap_or(a.recorded.at).max(a.recorded.at)))
        .chain(rows.notes.iter().map(|n| n.recorded.at));
    recorded.max().unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// Folds every content line at 75 octets, continuation lines starting with one space (RFC 5545, section 3.1),
/// without splitting a UTF-8 character.
fn fold_lines(text: &str) -> String {
    let mut logical: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        match line.strip_prefix(' ').or_else(|| line.strip_prefix('\t')) {
            Some(rest) if !logical.is_empty() => logical.last_mut().expect("a line").push_str(rest),
            _ => logical.push(line.to_owned()),
        }
    }
    let mut out = String::with_capacity(text.len() + text.len() / 64);
    for line in logical.iter().filter(|l| !l.is_empty()) {
        let mut budget = 75;
        let mut used = 0;
        for c in line.chars() {
            if used + c.len_utf8() > budget {
                out.push_str("\r\n ");
                budget = 74;
                used = 0;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Deadlines, TermKey, fold_lines, json};
    use termijn_projections::views::DeadlineView;

    /// `count` terms, each of its own region-year, as a deadlines answer.
    fn answer(count: usize, next_after: Option<&str>) -> Deadlines {
        let term: DeadlineView = serde_json::from_value(serde_json::json!({
            "region": "midden-brabant", "year": 2029, "basis": "awb_6_8", "decision_id": "NZa-RCS-2029-12-W",
            "tariff_decision": null, "provider": null, "opens_on": "2029-12-09", "nominal_last_day": "2030-01-19",
            "last_day": "2030-01-21", "provisional": true, "status": "closed",
            "explanation": ["Art. 6:8 lid 1 Awb: \"bekendgemaakt\" (8 december 2029)", "Art. 6:7 Awb: zes weken"]
        }))
        .expect("a term");
        let terms =
            (0..count).map(|i| std::sync::Arc::new(DeadlineView { year: 2029 + i as i32, ..term.clone() })).collect();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2030, 1, d).expect("a date");
        Deadlines { from: day(1), to: day(31), terms, next_after: next_after.map(str::to_owned) }
    }

    #[tokio::test]
    async fn the_deadlines_written_in_pieces_are_the_json_of_the_whole_answer() {
        for (count, next_after) in [(0, None), (1, Some("MjAzMA")), (256, None), (257, None), (1_000, Some("eA"))] {
            let whole = serde_json::to_vec(&answer(count, next_after)).expect("JSON");
            let response = json(answer(count, next_after));
            assert_eq!(response.status(), axum::http::StatusCode::OK);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("the body");
            assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&whole), "{count} terms");
        }
    }

    #[test]
    fn a_page_cursor_reads_back_as_the_term_it_was_written_for_and_nothing_else_reads_as_one() {
        let key = TermKey {
            last_day: chrono::NaiveDate::from_ymd_opt(2026, 4, 13).expect("a date"),
            region: "noord-holland-noord".to_owned(),
            year: 2026,
            uid: "noord-holland-noord.2026.lid2.NZa-RCS-2025-11.NZa-TB%2F1@termijn".to_owned(),
        };
        let cursor = key.encode();
        assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{cursor}");
        assert_eq!(TermKey::decode(&cursor), Ok(key));
        for bad in ["", "not a cursor", "MjAyNi0wNC0xMw", "eA"] {
            assert!(TermKey::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folded_lines_are_at_most_75_octets_and_unfold_to_the_original() {
        let long = format!("DESCRIPTION:{}", "é".repeat(100));
        let folded = fold_lines(&format!("BEGIN:VEVENT\r\n{long}\r\nEND:VEVENT\r\n"));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded}");
        assert_eq!(folded.replace("\r\n ", ""), format!("BEGIN:VEVENT\r\n{long}\r\nEND:VEVENT\r\n"));
    }
}
