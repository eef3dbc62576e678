//! The SQL of both stores, written once. `store_impl!` expands it for a concrete sqlx database; the few places
//! where SQLite and PostgreSQL differ come from the backend's `dialect` module.

/// Expands the store methods for `$store`, whose `pool` field is a `sqlx::Pool<$db>`, with the constants and
/// `begin_write` of the `dialect` module in scope where it expands.
macro_rules! store_impl {
    ($store:ident, $db:ty) => {

        use chrono::{NaiveDate, Utc};
        use cqrs_es::persist::SerializedEvent;
        use sqlx::{Row, Transaction};
        use termijn_domain::register::AppealEnding;
        use termijn_domain::values::{AgbCode, AppealId, DecisionId, RegionSlug};
        use termijn_projections::RecordedEvent;
        use termijn_projections::facts::{
            AppealRow, FactChange, FactSet, LaterDate, RegionYearRows, SpaceLineRow, TariffRow, changes,
        };
        use termijn_projections::views::DeadlineView;

        use crate::store::{
            AppendError, CrashMoment, EventQuery, IdempotencyRecord, Provenance, StoreError, StoredRow, TokenRecord,
            ViewsDump, chain, format_date, format_instant, parse_date, parse_instant,
        };

        type Tx = Transaction<'static, $db>;

        fn corrupt(what: impl std::fmt::Display) -> StoreError {
            StoreError::Corrupt(what.to_string())
        }

        fn from_doc<T: serde::de::DeserializeOwned>(doc: &str) -> Result<T, StoreError> {
            serde_json::from_str(doc).map_err(|e| corrupt(format!("a view row cannot be read: {e}")))
        }

        fn to_doc<T: serde::Serialize>(value: &T) -> String {
            serde_json::to_string(value).expect("view rows serialise")
        }

        fn later(on: Option<String>, at: Option<String>) -> Result<Option<LaterDate>, StoreError> {
            match (on, at) {
                (Some(on), Some(at)) => Ok(Some(LaterDate {
                    on: parse_date(&on).ok_or_else(|| corrupt("an announcement date is not a date"))?,
                    recorded_at: parse_instant(&at).ok_or_else(|| corrupt("an instant is not RFC 3339"))?,
                })),
                _ => Ok(None),
            }
        }

        fn is_unique_violation(error: &sqlx::Error) -> bool {
            matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
        }

        /// Marks a region-year's facts as changed, so its deadlines are recomputed.
        async fn touch(tx: &mut Tx, region: &RegionSlug, year: i32) -> Result<(), sqlx::Error> {
            sqlx::query(
                "INSERT INTO region_years (region, year, facts_version, deadlines_version) VALUES ($1, $2, 1, 0) \
                 ON CONFLICT (region, year) DO UPDATE SET facts_version = region_years.facts_version + 1",
            )
            .bind(region.as_str())
            .bind(year)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn touch_where(tx: &mut Tx, table: &str, key: &str, id: &str) -> Result<(), sqlx::Error> {
            let touched: Vec<(String, i32)> =
                sqlx::query_as(&format!("SELECT region, year FROM {table} WHERE {key} = $1"))
                    .bind(id)
                    .fetch_all(&mut **tx)
                    .await?;
            for (region, year) in touched {
                if let Ok(region) = RegionSlug::parse(&region) {
                    touch(tx, &region, year).await?;
                }
            }
            Ok(())
        }

        /// Applies one fact change to the read models, inside the writing transaction.
        async fn apply_change(tx: &mut Tx, change: &FactChange) -> Result<(), sqlx::Error> {
            match change {
                FactChange::AddSpaceLines(rows) => {
                    for row in rows {
                        sqlx::query(
                            "INSERT INTO space_lines (decision_id, region, year, position, doc) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(row.decision_id.as_str())
                        .bind(row.region.as_str())
                        .bind(row.year)
                        .bind(row.recorded.position)
                        .bind(to_doc(row))
                        .execute(&mut **tx)
                        .await?;
                        touch(tx, &row.region, row.year).await?;
                    }
                }
                FactChange::AnnounceSpaceDecision { decision_id, announced } => {
                    sqlx::query(
                        "UPDATE space_lines SET announced_on = $1, announced_recorded_at = $2 WHERE decision_id = $3",
                    )
                    .bind(format_date(announced.on))
                    .bind(format_instant(announced.recorded_at))
                    .bind(decision_id.as_str())
                    .execute(&mut **tx)
                    .await?;
                    touch_where(tx, "space_lines", "decision_id", decision_id.as_str()).await?;
                }
                FactChange::AddTariffRows(rows) => {
                    for row in rows {
                        sqlx::query(
                            "INSERT INTO tariff_rows (decision_id, region, year, provider, position, doc) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(row.decision_id.as_str())
                        .bind(row.region.as_str())
                        .bind(row.year)
                        .bind(row.provider.as_str())
                        .bind(row.recorded.position)
                        .bind(to_doc(row))
                        .execute(&mut **tx)
                        .await?;
                        touch(tx, &row.region, row.year).await?;
                    }
                }
                FactChange::AnnounceTariffDecision { decision_id, announced } => {
                    sqlx::query(
                        "UPDATE tariff_rows SET announced_on = $1, announced_recorded_at = $2 WHERE decision_id = $3",
                    )
                    .bind(format_date(announced.on))
                    .bind(format_instant(announced.recorded_at))
                    .bind(decision_id.as_str())
                    .execute(&mut **tx)
                    .await?;
                    touch_where(tx, "tariff_rows", "decision_id", decision_id.as_str()).await?;
                }
                FactChange::AddAppeal(row) => {
                    let provider = match &row.appellant {
                        termijn_domain::register::Appellant::Provider(agb) => Some(agb.as_str().to_owned()),
                        _ => None,
                    };
                    sqlx::query(
                        "INSERT INTO appeal_rows (appeal_id, region, year, provider, position, doc) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(row.appeal_id.as_str())
                    .bind(row.region.as_str())
                    .bind(row.year)
                    .bind(provider)
                    .bind(row.recorded.position)
                    .bind(to_doc(row))
                    .execute(&mut **tx)
                    .await?;
                    touch(tx, &row.region, row.year).await?;
                }
                FactChange::EndAppeal { appeal_id, ending, recorded_at } => {
                    sqlx::query("UPDATE appeal_rows SET ending = $1, ending_recorded_at = $2 WHERE appeal_id = $3")
                        .bind(to_doc(ending))
                        .bind(format_instant(*recorded_at))
                        .bind(appeal_id.as_str())
                        .execute(&mut **tx)
                        .await?;
                    touch_where(tx, "appeal_rows", "appeal_id", appeal_id.as_str()).await?;
                }
            }
            Ok(())
        }

        async fn apply_event(tx: &mut Tx, event: &RecordedEvent) -> Result<(), AppendError> {
            for change in changes(event)? {
                apply_change(tx, &change).await?;
            }
            Ok(())
        }

        fn stored_row(row: &<$db as sqlx::Database>::Row) -> Result<StoredRow, sqlx::Error> {
            Ok(StoredRow {
                position: row.try_get("position")?,
                aggregate_type: row.try_get("aggregate_type")?,
                aggregate_id: row.try_get("aggregate_id")?,
                sequence: row.try_get("sequence")?,
                event_type: row.try_get("event_type")?,
                event_version: row.try_get("event_version")?,
                payload: row.try_get("payload")?,
                metadata: row.try_get("metadata")?,
                recorded_at: row.try_get("recorded_at")?,
                recorded_by: row.try_get("recorded_by")?,
                idempotency_key: row.try_get("idempotency_key")?,
                hash: row.try_get("hash")?,
            })
        }

        /// Rows per multi-row INSERT: well under both databases' limits on bound parameters.
        const BULK_ROWS: usize = 500;

        fn optional_date(date: Option<LaterDate>) -> (Option<String>, Option<String>) {
            date.map(|d| (format_date(d.on), format_instant(d.recorded_at))).unzip()
        }

        /// Writes a rebuilt set of fact rows, as the live path would have left them.
        async fn write_facts(tx: &mut Tx, facts: &FactSet) -> Result<(), sqlx::Error> {
            for chunk in facts.lines.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO space_lines (decision_id, region, year, position, doc, announced_on, announced_recorded_at) ",
                );
                insert.push_values(chunk, |mut row, line| {
                    let (on, at) = optional_date(line.announced);
                    row.push_bind(line.decision_id.to_string())
                        .push_bind(line.region.to_string())
                        .push_bind(line.year)
                        .push_bind(line.recorded.position)
                        .push_bind(to_doc(&SpaceLineRow { announced: None, ..line.clone() }))
                        .push_bind(on)
                        .push_bind(at);
                });
                insert.build().execute(&mut **tx).await?;
            }
            for chunk in facts.tariffs.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO tariff_rows (decision_id, region, year, provider, position, doc, announced_on, \
                     announced_recorded_at) ",
                );
                insert.push_values(chunk, |mut row, tariff| {
                    let (on, at) = optional_date(tariff.announced);
                    row.push_bind(tariff.decision_id.to_string())
                        .push_bind(tariff.region.to_string())
                        .push_bind(tariff.year)
                        .push_bind(tariff.provider.to_string())
                        .push_bind(tariff.recorded.position)
                        .push_bind(to_doc(&TariffRow { announced: None, ..tariff.clone() }))
                        .push_bind(on)
                        .push_bind(at);
                });
                insert.build().execute(&mut **tx).await?;
            }
            for chunk in facts.appeals.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO appeal_rows (appeal_id, region, year, provider, position, doc, ending, ending_recorded_at) ",
                );
                insert.push_values(chunk, |mut row, appeal| {
                    let provider = match &appeal.appellant {
                        termijn_domain::register::Appellant::Provider(agb) => Some(agb.to_string()),
                        _ => None,
                    };
                    row.push_bind(appeal.appeal_id.to_string())
                        .push_bind(appeal.region.to_string())
                        .push_bind(appeal.year)
                        .push_bind(provider)
                        .push_bind(appeal.recorded.position)
                        .push_bind(to_doc(&AppealRow { ending: None, ending_recorded_at: None, ..appeal.clone() }))
                        .push_bind(appeal.ending.as_ref().map(to_doc))
                        .push_bind(appeal.ending_recorded_at.map(format_instant));
                });
                insert.build().execute(&mut **tx).await?;
            }
            let versions: Vec<_> = facts.versions.iter().collect();
            for chunk in versions.chunks(BULK_ROWS) {
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO region_years (region, year, facts_version, deadlines_version) ");
                insert.push_values(chunk, |mut row, ((region, year), version)| {
                    row.push_bind(region.to_string()).push_bind(*year).push_bind(**version).push_bind(0_i64);
                });
                insert.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        impl $store {
            pub(super) async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError> {
                if events.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = dialect::begin_write(&self.pool).await?;
                let (mut position, mut previous, head_at): (i64, String, String) =
                    sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
                // Instants never run backwards along the log, also when servers' clocks differ a little.
                let now = Utc::now();
                let recorded_at = match parse_instant(&head_at) {
                    Some(head) if head > now => head,
                    _ => now,
                };
                let recorded_at_text = format_instant(recorded_at);
                let provenance = Provenance::from_metadata(&events[0].metadata);
                let mut recorded = Vec::with_capacity(events.len());
                for event in events {
                    position += 1;
                    let payload = serde_json::to_string(&event.payload).map_err(|e| AppendError::Encode(e.to_string()))?;
                    let metadata =
                        serde_json::to_string(&event.metadata).map_err(|e| AppendError::Encode(e.to_string()))?;
                    let sequence = i64::try_from(event.sequence).map_err(|e| AppendError::Encode(e.to_string()))?;
                    let row = chain::ChainedRow {
                        position,
                        aggregate_type: &event.aggregate_type,
                        aggregate_id: &event.aggregate_id,
                        sequence,
                        event_type: &event.event_type,
                        event_version: &event.event_version,
                        payload: &payload,
                        metadata: &metadata,
                        recorded_at: &recorded_at_text,
                        recorded_by: &provenance.recorded_by,
                        idempotency_key: provenance.idempotency_key.as_deref(),
                    };
                    let hash = chain::hash(&previous, &row);
                    let inserted = sqlx::query(dialect::INSERT_EVENT)
                        .bind(&event.aggregate_type)
                        .bind(&event.aggregate_id)
                        .bind(sequence)
                        .bind(&event.event_type)
                        .bind(&event.event_version)
                        .bind(&payload)
                        .bind(&metadata)
                        .bind(position)
                        .bind(&recorded_at_text)
                        .bind(&provenance.recorded_by)
                        .bind(provenance.idempotency_key.as_deref())
                        .bind(&hash)
                        .execute(&mut *tx)
                        .await;
                    match inserted {
                        Err(error) if is_unique_violation(&error) => return Err(AppendError::Conflict),
                        other => other?,
                    };
                    let stored = StoredRow {
                        position,
                        aggregate_type: event.aggregate_type.clone(),
                        aggregate_id: event.aggregate_id.clone(),
                        sequence,
                        event_type: event.event_type.clone(),
                        event_version: event.event_version.clone(),
                        payload,
                        metadata,
                        recorded_at: recorded_at_text.clone(),
                        recorded_by: provenance.recorded_by.clone(),
                        idempotency_key: provenance.idempotency_key.clone(),
                        hash: hash.clone(),
                    };
                    let event = stored.to_recorded().map_err(|e| AppendError::Encode(e.to_string()))?;
                    apply_event(&mut tx, &event).await?;
                    recorded.push(event);
                    previous = hash;
                }
                if let (Some(key), Some(request_hash)) = (&provenance.idempotency_key, &provenance.request_hash) {
                    let claimed = sqlx::query(
                        "INSERT INTO idempotency (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&provenance.recorded_by)
                    .bind(key)
                    .bind(request_hash)
                    .bind(&recorded_at_text)
                    .execute(&mut *tx)
                    .await;
                    match claimed {
                        Err(error) if is_unique_violation(&error) => return Err(AppendError::IdempotencyKeyTaken),
                        other => other?,
                    };
                }
                sqlx::query("UPDATE chain_head SET position = $1, hash = $2, recorded_at = $3 WHERE id = 1")
                    .bind(position)
                    .bind(&previous)
                    .bind(&recorded_at_text)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE projected_through SET position = $1 WHERE id = 1")
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
                let crash = self.crash_at.as_ref().filter(|c| c.is_now()).map(|c| c.moment);
                if crash == Some(CrashMoment::BeforeCommit) {
                    std::process::abort();
                }
                tx.commit().await?;
                if crash == Some(CrashMoment::AfterCommit) {
                    std::process::abort();
                }
                Ok(recorded)
            }

            pub(super) async fn region_year_rows(&self, region: &RegionSlug, year: i32) -> Result<RegionYearRows, StoreError> {
                let lines = sqlx::query(
                    "SELECT doc, announced_on, announced_recorded_at FROM space_lines \
                     WHERE region = $1 AND year = $2 ORDER BY position",
                )
                .bind(region.as_str())
                .bind(year)
                .fetch_all(&self.pool)
                .await?;
                let tariffs = sqlx::query(
                    "SELECT doc, announced_on, announced_recorded_at FROM tariff_rows \
                     WHERE region = $1 AND year = $2 ORDER BY position",
                )
                .bind(region.as_str())
                .bind(year)
                .fetch_all(&self.pool)
                .await?;
                let appeals = sqlx::query(
                    "SELECT doc, ending, ending_recorded_at FROM appeal_rows WHERE region = $1 AND year = $2 ORDER BY position",
                )
                .bind(region.as_str())
                .bind(year)
                .fetch_all(&self.pool)
                .await?;
                Ok(RegionYearRows {
                    lines: lines.iter().map(space_line).collect::<Result<_, _>>()?,
                    tariffs: tariffs.iter().map(tariff_row).collect::<Result<_, _>>()?,
                    appeals: appeals.iter().map(appeal_row).collect::<Result<_, _>>()?,
                })
            }

            pub(super) async fn space_lines(&self, decision_id: &DecisionId) -> Result<Vec<SpaceLineRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT doc, announced_on, announced_recorded_at FROM space_lines WHERE decision_id = $1 \
                     ORDER BY region, year",
                )
                .bind(decision_id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(space_line).collect()
            }

            pub(super) async fn tariff_rows(&self, decision_id: &DecisionId) -> Result<Vec<TariffRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT doc, announced_on, announced_recorded_at FROM tariff_rows WHERE decision_id = $1 \
                     ORDER BY region",
                )
                .bind(decision_id.as_str())
                .fetch_all(&self.pool)
                .await?;
                let mut rows = rows.iter().map(tariff_row).collect::<Result<Vec<_>, _>>()?;
                // The regions in the order the decision named them.
                rows.sort_by_key(|r: &TariffRow| r.recorded.position);
                Ok(rows)
            }

            pub(super) async fn appeal_row(&self, appeal_id: &AppealId) -> Result<Option<AppealRow>, StoreError> {
                let row = sqlx::query("SELECT doc, ending, ending_recorded_at FROM appeal_rows WHERE appeal_id = $1")
                    .bind(appeal_id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(appeal_row).transpose()
            }

            pub(super) async fn stale_region_years(&self) -> Result<Vec<(RegionSlug, i32, i64)>, StoreError> {
                let rows: Vec<(String, i32, i64)> = sqlx::query_as(
                    "SELECT region, year, facts_version FROM region_years WHERE deadlines_version < facts_version",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(region, year, version)| {
                        Ok((RegionSlug::parse(&region).map_err(|_| corrupt("a region slug"))?, year, version))
                    })
                    .collect()
            }

            pub(super) async fn store_deadlines(
                &self,
                region: &RegionSlug,
                year: i32,
                version: i64,
                terms: &[DeadlineView],
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let claimed = sqlx::query(
                    "UPDATE region_years SET deadlines_version = $1 \
                     WHERE region = $2 AND year = $3 AND deadlines_version < $1",
                )
                .bind(version)
                .bind(region.as_str())
                .bind(year)
                .execute(&mut *tx)
                .await?;
                if claimed.rows_affected() == 0 {
                    return Ok(());
                }
                sqlx::query("DELETE FROM deadlines WHERE region = $1 AND year = $2")
                    .bind(region.as_str())
                    .bind(year)
                    .execute(&mut *tx)
                    .await?;
                for term in terms {
                    let Some(last_day) = term.term.last_day else { continue };
                    sqlx::query(
                        "INSERT INTO deadlines (region, year, term_key, last_day, provider, doc) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(region.as_str())
                    .bind(year)
                    .bind(term.uid())
                    .bind(format_date(last_day))
                    .bind(term.term.provider.as_ref().map(AgbCode::as_str))
                    .bind(to_doc(term))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn deadlines(
                &self,
                from: NaiveDate,
                to: NaiveDate,
                region: Option<&RegionSlug>,
                provider: Option<&AgbCode>,
            ) -> Result<Vec<DeadlineView>, StoreError> {
                let docs: Vec<(String,)> = sqlx::query_as(
                    "SELECT doc FROM deadlines WHERE last_day >= $1 AND last_day <= $2 \
                     AND ($3 IS NULL OR region = $3) AND ($4 IS NULL OR provider IS NULL OR provider = $4) \
                     ORDER BY last_day, region, year, term_key",
                )
                .bind(format_date(from))
                .bind(format_date(to))
                .bind(region.map(RegionSlug::as_str))
                .bind(provider.map(AgbCode::as_str))
                .fetch_all(&self.pool)
                .await?;
                docs.iter().map(|(doc,)| from_doc(doc)).collect()
            }

            pub(super) async fn rows(&self, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError> {
                let (stream_type, stream_id) = query.stream.clone().unzip();
                let rows = sqlx::query(dialect::SELECT_EVENTS)
                    .bind(query.after)
                    .bind(stream_type)
                    .bind(stream_id)
                    .bind(query.recorded_until.map(format_instant))
                    .bind(query.limit)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.iter().map(stored_row).collect::<Result<_, _>>()?)
            }

            pub(super) async fn chain_head(&self) -> Result<(i64, String), StoreError> {
                Ok(sqlx::query_as("SELECT position, hash FROM chain_head WHERE id = 1").fetch_one(&self.pool).await?)
            }

            pub(super) async fn projected_through(&self) -> Result<i64, StoreError> {
                let (position,): (i64,) =
                    sqlx::query_as("SELECT position FROM projected_through WHERE id = 1").fetch_one(&self.pool).await?;
                Ok(position)
            }

            /// Reads the whole log, builds every fact row in memory, and writes them back in bulk, all in one
            /// transaction that holds the chain head: writers wait, and readers see the old views until it commits.
            pub(super) async fn rebuild_views(&self, mut progress: impl FnMut(i64, i64) + Send) -> Result<i64, StoreError> {
                let mut tx = dialect::begin_write(&self.pool).await?;
                let (head, _, _): (i64, String, String) =
                    sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
                for table in ["space_lines", "tariff_rows", "appeal_rows", "region_years", "deadlines"] {
                    sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
                }
                let mut facts = FactSet::default();
                let mut after = 0;
                loop {
                    let rows = sqlx::query(dialect::SELECT_EVENTS)
                        .bind(after)
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind(10_000_i64)
                        .fetch_all(&mut *tx)
                        .await?;
                    if rows.is_empty() {
                        break;
                    }
                    for row in &rows {
                        let event = stored_row(row)?.to_recorded()?;
                        after = event.position;
                        for change in changes(&event).map_err(corrupt)? {
                            facts.apply(change);
                        }
                    }
                    progress(after, head);
                }
                write_facts(&mut tx, &facts).await?;
                sqlx::query("UPDATE projected_through SET position = $1 WHERE id = 1")
                    .bind(after)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(after)
            }

            pub(super) async fn import_rows(&self, rows: &[StoredRow]) -> Result<(), StoreError> {
                let Some(last) = rows.last() else { return Ok(()) };
                let mut tx = dialect::begin_write(&self.pool).await?;
                sqlx::query_as::<_, (i64, String, String)>(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
                for row in rows {
                    sqlx::query(dialect::INSERT_EVENT)
                        .bind(&row.aggregate_type)
                        .bind(&row.aggregate_id)
                        .bind(row.sequence)
                        .bind(&row.event_type)
                        .bind(&row.event_version)
                        .bind(&row.payload)
                        .bind(&row.metadata)
                        .bind(row.position)
                        .bind(&row.recorded_at)
                        .bind(&row.recorded_by)
                        .bind(row.idempotency_key.as_deref())
                        .bind(&row.hash)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE chain_head SET position = $1, hash = $2, recorded_at = $3 WHERE id = 1")
                    .bind(last.position)
                    .bind(&last.hash)
                    .bind(&last.recorded_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn dump_views(&self) -> Result<ViewsDump, StoreError> {
                let mut dump = Vec::new();
                for (table, columns) in [
                    ("space_lines", "decision_id, region, year, position, doc, announced_on, announced_recorded_at"),
                    ("tariff_rows", "decision_id, region, year, provider, position, doc, announced_on, announced_recorded_at"),
                    ("appeal_rows", "appeal_id, region, year, provider, position, doc, ending, ending_recorded_at"),
                    ("region_years", "region, year, facts_version"),
                    ("deadlines", "region, year, term_key, last_day, provider, doc"),
                    ("projected_through", "position"),
                ] {
                    let concat = columns
                        .split(", ")
                        .map(|c| format!("COALESCE(CAST({c} AS TEXT), '-')"))
                        .collect::<Vec<_>>()
                        .join(" || '|' || ");
                    let rows: Vec<(String,)> =
                        sqlx::query_as(&format!("SELECT {concat} FROM {table} ORDER BY 1")).fetch_all(&self.pool).await?;
                    dump.extend(rows.into_iter().map(|(row,)| format!("{table}: {row}")));
                }
                Ok(dump)
            }

            pub(super) async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO tokens (token_hash, role, name, provider, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&token.token_hash)
                .bind(&token.role)
                .bind(&token.name)
                .bind(token.provider.as_ref().map(AgbCode::as_str))
                .bind(format_instant(token.created_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            pub(super) async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
                let row: Option<(String, String, String, Option<String>, String)> = sqlx::query_as(
                    "SELECT token_hash, role, name, provider, created_at FROM tokens WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(token_hash, role, name, provider, created_at)| {
                    Ok(TokenRecord {
                        token_hash,
                        role,
                        name,
                        provider: provider.map(|p| AgbCode::parse(&p).map_err(|_| corrupt("a token's AGB code"))).transpose()?,
                        created_at: parse_instant(&created_at).ok_or_else(|| corrupt("a token's creation instant"))?,
                    })
                })
                .transpose()
            }

            pub(super) async fn idempotency(&self, scope: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
                let row: Option<(String, Option<i32>, Option<String>)> =
                    sqlx::query_as("SELECT request_hash, status, response FROM idempotency WHERE scope = $1 AND key = $2")
                        .bind(scope)
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(request_hash, status, response)| IdempotencyRecord {
                    request_hash,
                    response: status.zip(response).and_then(|(s, r)| u16::try_from(s).ok().map(|s| (s, r))),
                }))
            }

            pub(super) async fn complete_idempotency(
                &self,
                scope: &str,
                key: &str,
                status: u16,
                response: &str,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE idempotency SET status = $1, response = $2 WHERE scope = $3 AND key = $4")
                    .bind(i32::from(status))
                    .bind(response)
                    .bind(scope)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        fn space_line(row: &<$db as sqlx::Database>::Row) -> Result<SpaceLineRow, StoreError> {
            let doc: String = row.try_get("doc")?;
            let mut line: SpaceLineRow = from_doc(&doc)?;
            line.announced = later(row.try_get("announced_on")?, row.try_get("announced_recorded_at")?)?;
            Ok(line)
        }

        fn tariff_row(row: &<$db as sqlx::Database>::Row) -> Result<TariffRow, StoreError> {
            let doc: String = row.try_get("doc")?;
            let mut tariff: TariffRow = from_doc(&doc)?;
            tariff.announced = later(row.try_get("announced_on")?, row.try_get("announced_recorded_at")?)?;
            Ok(tariff)
        }

        fn appeal_row(row: &<$db as sqlx::Database>::Row) -> Result<AppealRow, StoreError> {
            let doc: String = row.try_get("doc")?;
            let mut appeal: AppealRow = from_doc(&doc)?;
            let ending: Option<String> = row.try_get("ending")?;
            appeal.ending = ending.map(|e| from_doc::<AppealEnding>(&e)).transpose()?;
            let at: Option<String> = row.try_get("ending_recorded_at")?;
            appeal.ending_recorded_at = at.map(|a| parse_instant(&a).ok_or_else(|| corrupt("an instant"))).transpose()?;
            Ok(appeal)
        }
    };
}

pub(crate) use store_impl;
