//! The SQL of both stores, written once. `store_impl!` expands it for a concrete sqlx database; the few places
//! where SQLite and PostgreSQL differ come from the backend's `dialect` module.

/// One stored row of a region-year as read back: its kind (`l`ine, `t`ariff, `a`ppeal), its document, and the
/// two values kept beside it (announcement date and instant, or an appeal's ending and its instant).
pub(super) struct StoredFact {
    pub(super) kind: String,
    pub(super) doc: String,
    pub(super) first: Option<String>,
    pub(super) second: Option<String>,
}

/// One value of a row written in bulk.
pub(super) enum Cell {
    Text(Option<String>),
    Int(i64),
}

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
        use termijn_projections::packed::PackedRegionYear;
        use termijn_projections::views::DeadlineView;

        use crate::store::cache::{RegionYearCache, RowsChange};
        use crate::store::sql::{Cell, StoredFact};
        use crate::store::{
            AppendError, CrashMoment, CrashPoint, EventQuery, Written, RegionYearDeadlines, IdempotencyRecord, Provenance, StoreError, StoredRow, TokenRecord,
            ViewsDump, chain, format_date, format_instant, parse_date, parse_instant,
        };

        type Tx = Transaction<'static, $db>;

        fn corrupt(what: impl std::fmt::Display) -> StoreError {
            StoreError::Corrupt(what.to_string())
        }

        fn unpack(packed: &PackedRegionYear, region: &RegionSlug, year: i32) -> Result<RegionYearRows, StoreError> {
            packed.unpack(region, year).map_err(|e| corrupt(format!("a region-year held in memory cannot be read: {e}")))
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

        /// Marks the region-years of the rows of `table` whose `key` is `id` as changed; each with its facts
        /// version after the change.
        async fn touch_where(tx: &mut Tx, table: &str, key: &str, id: &str) -> Result<Vec<(RegionSlug, i32, i64)>, sqlx::Error> {
            let touched: Vec<(String, i32, i64)> = sqlx::query_as(&format!(
                "INSERT INTO region_years (region, year, facts_version, deadlines_version) \
                 SELECT region, year, 1, 0 FROM {table} WHERE {key} = $1 \
                 ON CONFLICT (region, year) DO UPDATE SET facts_version = region_years.facts_version + 1 \
                 RETURNING region, year, facts_version"
            ))
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
            touched.into_iter().map(|(region, year, version)| Ok((slug(&region)?, year, version))).collect()
        }

        fn slug(region: &str) -> Result<RegionSlug, sqlx::Error> {
            RegionSlug::parse(region).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }

        /// Records the announcement date on every row of a decision in `table` (space lines or tariff rows).
        async fn announce(
            tx: &mut Tx,
            table: &str,
            decision_id: &DecisionId,
            announced: &LaterDate,
        ) -> Result<Vec<(RegionSlug, i32, i64)>, sqlx::Error> {
            sqlx::query(&format!(
                "UPDATE {table} SET announced_on = $1, announced_recorded_at = $2 WHERE decision_id = $3"
            ))
            .bind(format_date(announced.on))
            .bind(format_instant(announced.recorded_at))
            .bind(decision_id.as_str())
            .execute(&mut **tx)
            .await?;
            touch_where(tx, table, "decision_id", decision_id.as_str()).await
        }

        /// The AGB code of an appeal lodged by a provider, kept beside the row so a provider's appeals are found.
        fn appellant_provider(appeal: &AppealRow) -> Option<String> {
            match &appeal.appellant {
                termijn_domain::register::Appellant::Provider(agb) => Some(agb.to_string()),
                _ => None,
            }
        }

        /// Applies a fact change to rows already stored (an announcement, an appeal's ending), inside the
        /// writing transaction; the region-years it changed, with their facts versions after it. Rows to add are
        /// written in bulk by `write_facts`.
        async fn apply_to_stored_rows(tx: &mut Tx, change: &FactChange) -> Result<Vec<(RegionSlug, i32, i64)>, sqlx::Error> {
            match change {
                FactChange::AnnounceSpaceDecision { decision_id, announced } => {
                    announce(tx, "space_lines", decision_id, announced).await
                }
                FactChange::AnnounceTariffDecision { decision_id, announced } => {
                    announce(tx, "tariff_rows", decision_id, announced).await
                }
                FactChange::EndAppeal { appeal_id, ending, recorded_at } => {
                    sqlx::query("UPDATE appeal_rows SET ending = $1, ending_recorded_at = $2 WHERE appeal_id = $3")
                        .bind(to_doc(ending))
                        .bind(format_instant(*recorded_at))
                        .bind(appeal_id.as_str())
                        .execute(&mut **tx)
                        .await?;
                    touch_where(tx, "appeal_rows", "appeal_id", appeal_id.as_str()).await
                }
                FactChange::AddSpaceLines(_)
                | FactChange::AddTariffRows(_)
                | FactChange::AddAppeal(_)
                | FactChange::AddNotes(_) => {
                    let mut rows = FactSet::default();
                    rows.apply(change.clone());
                    write_facts(tx, &rows).await
                }
            }
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

        /// What the writer is asked to do.
        enum Job {
            Append(QueuedWrite),
            Deadlines(Vec<RegionYearDeadlines>, tokio::sync::oneshot::Sender<Result<(), StoreError>>),
        }

        /// Writes the deadlines of region-years in one transaction. A region-year whose index already holds
        /// its version, or a later one, is left as it is.
        async fn write_deadlines(pool: &Pool<$db>, index: &[RegionYearDeadlines]) -> Result<(), StoreError> {
            let mut tx = dialect::begin_write(pool).await?;
            for RegionYearDeadlines { region, year, version, terms } in index {
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
                    continue;
                }
                sqlx::query("DELETE FROM deadlines WHERE region = $1 AND year = $2")
                    .bind(region.as_str())
                    .bind(year)
                    .execute(&mut *tx)
                    .await?;
                let dated: Vec<(&DeadlineView, NaiveDate)> =
                    terms.iter().filter_map(|t| t.term.last_day.map(|last_day| (t, last_day))).collect();
                for chunk in dated.chunks(BULK_ROWS) {
                    let mut insert =
                        sqlx::QueryBuilder::new("INSERT INTO deadlines (region, year, term_key, last_day, provider, doc) ");
                    insert.push_values(chunk, |mut row, (term, last_day)| {
                        row.push_bind(region.to_string())
                            .push_bind(*year)
                            .push_bind(term.uid())
                            .push_bind(format_date(*last_day))
                            .push_bind(term.term.provider.as_ref().map(|p| p.to_string()))
                            .push_bind(to_doc(*term));
                    });
                    insert.build().execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        }

        /// One command's events waiting for the next commit, and where to send the outcome.
        pub(super) struct QueuedWrite {
            events: Vec<SerializedEvent>,
            reply: tokio::sync::oneshot::Sender<Result<Vec<RecordedEvent>, AppendError>>,
        }

        /// Answers every write of a batch whose transaction failed as a whole.
        fn fail_all(batch: Vec<QueuedWrite>, error: &sqlx::Error) {
            for write in batch {
                let _ = write.reply.send(Err(AppendError::Database(error.to_string())));
            }
        }

        /// One command's events as rows continuing the chain after `position` and `previous`.
        fn chained_rows(
            events: &[SerializedEvent],
            mut position: i64,
            previous: &str,
            recorded_at_text: &str,
        ) -> Result<Vec<StoredRow>, AppendError> {
            let encode = |e: &dyn std::fmt::Display| AppendError::Encode(e.to_string());
            let provenance = Provenance::from_metadata(&events[0].metadata);
            let mut previous = previous.to_owned();
            let mut rows = Vec::with_capacity(events.len());
            for event in events {
                position += 1;
                let row = StoredRow {
                    position,
                    aggregate_type: event.aggregate_type.clone(),
                    aggregate_id: event.aggregate_id.clone(),
                    sequence: i64::try_from(event.sequence).map_err(|e| encode(&e))?,
                    event_type: event.event_type.clone(),
                    event_version: event.event_version.clone(),
                    payload: serde_json::to_string(&event.payload).map_err(|e| encode(&e))?,
                    metadata: serde_json::to_string(&event.metadata).map_err(|e| encode(&e))?,
                    recorded_at: recorded_at_text.to_owned(),
                    recorded_by: provenance.recorded_by.clone(),
                    idempotency_key: provenance.idempotency_key.clone(),
                    hash: String::new(),
                };
                let hash = chain::hash(&previous, &row.chained());
                previous.clone_from(&hash);
                rows.push(StoredRow { hash, ..row });
            }
            Ok(rows)
        }

        fn recorded_of(rows: &[StoredRow]) -> Result<Vec<RecordedEvent>, AppendError> {
            rows.iter().map(|row| row.to_recorded().map_err(|e| AppendError::Encode(e.to_string()))).collect()
        }

        /// Appends event rows as they are, in multi-row statements.
        async fn insert_events(tx: &mut Tx, rows: &[StoredRow]) -> Result<(), sqlx::Error> {
            for chunk in rows.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
                     metadata, position, recorded_at, recorded_by, idempotency_key, hash) ",
                );
                insert.push_values(chunk, |mut values, row| {
                    values
                        .push_bind(row.aggregate_type.clone())
                        .push_bind(row.aggregate_id.clone())
                        .push_bind(row.sequence)
                        .push_bind(row.event_type.clone())
                        .push_bind(row.event_version.clone())
                        .push(dialect::JSON_OPEN)
                        .push_bind_unseparated(row.payload.clone())
                        .push_unseparated(dialect::JSON_CLOSE)
                        .push(dialect::JSON_OPEN)
                        .push_bind_unseparated(row.metadata.clone())
                        .push_unseparated(dialect::JSON_CLOSE)
                        .push_bind(row.position)
                        .push_bind(row.recorded_at.clone())
                        .push_bind(row.recorded_by.clone())
                        .push_bind(row.idempotency_key.clone())
                        .push_bind(row.hash.clone());
                });
                insert.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// The idempotency key a command's events claim, with the hash of the request it was first used for.
        fn claim(events: &[SerializedEvent]) -> Option<(String, String, String)> {
            let provenance = Provenance::from_metadata(&events[0].metadata);
            Some((provenance.recorded_by, provenance.idempotency_key?, provenance.request_hash?))
        }

        async fn claim_keys(tx: &mut Tx, claims: &[(String, String, String)], at: &str) -> Result<(), sqlx::Error> {
            for chunk in claims.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new("INSERT INTO idempotency (scope, key, request_hash, created_at) ");
                insert.push_values(chunk, |mut values, (scope, key, request_hash)| {
                    values.push_bind(scope.clone()).push_bind(key.clone()).push_bind(request_hash.clone()).push_bind(at.to_owned());
                });
                insert.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Appends the events of several commands after `position` and `previous` (the chain so far), with their
        /// view changes and idempotency keys, inside the open transaction: a few multi-row statements, whatever
        /// the number of commands. Changes to rows written here are folded in before those rows are inserted;
        /// changes to rows stored before are made where they are.
        async fn append_writes(
            tx: &mut Tx,
            writes: &[&[SerializedEvent]],
            mut position: i64,
            previous: &str,
            recorded_at_text: &str,
        ) -> Result<(Vec<Vec<RecordedEvent>>, RowsChange), AppendError> {
            let mut previous = previous.to_owned();
            let mut rows = Vec::new();
            let mut written = Vec::with_capacity(writes.len());
            for events in writes {
                let chained = chained_rows(events, position, &previous, recorded_at_text)?;
                if let Some(last) = chained.last() {
                    position = last.position;
                    previous.clone_from(&last.hash);
                }
                written.push(recorded_of(&chained)?);
                rows.extend(chained);
            }
            match insert_events(tx, &rows).await {
                Err(error) if is_unique_violation(&error) => return Err(AppendError::Conflict),
                other => other?,
            }
            let mut facts = FactSet::default();
            let mut stored_before = Vec::new();
            for event in written.iter().flatten() {
                for change in changes(event)? {
                    stored_before.extend(facts.apply(change));
                }
            }
            let mut versions: Vec<_> = write_facts(tx, &facts)
                .await?
                .into_iter()
                .map(|(region, year, after)| {
                    let changes = facts.versions.get(&(region.clone(), year)).copied().unwrap_or(0);
                    (region, year, after, changes)
                })
                .collect();
            for change in &stored_before {
                for (region, year, after) in apply_to_stored_rows(tx, change).await? {
                    match versions.iter_mut().find(|(r, y, _, _)| *r == region && *y == year) {
                        Some((_, _, held, changes)) => {
                            *held = after;
                            *changes += 1;
                        }
                        None => versions.push((region, year, after, 1)),
                    }
                }
            }
            let rows_change = RowsChange { added: Box::new(facts), stored_before, versions };
            let claims: Vec<_> = writes.iter().filter_map(|events| claim(events)).collect();
            match claim_keys(tx, &claims, recorded_at_text).await {
                Err(error) if is_unique_violation(&error) => return Err(AppendError::IdempotencyKeyTaken),
                other => other?,
            }
            Ok((written, rows_change))
        }

        /// The facts version of a region-year and every row of it, read in one statement so that both come from
        /// the same snapshot; the dialect decides how the rows come back.
        const REGION_YEAR_ROWS: &str = region_year_query!(
            "SELECT 'l' AS kind, doc, announced_on AS first, announced_recorded_at AS second FROM space_lines \
             WHERE region = $1 AND year = $2 \
             UNION ALL SELECT 't', doc, announced_on, announced_recorded_at FROM tariff_rows WHERE region = $1 AND year = $2 \
             UNION ALL SELECT 'a', doc, ending, ending_recorded_at FROM appeal_rows WHERE region = $1 AND year = $2 \
             UNION ALL SELECT 'n', doc, NULL, NULL FROM region_year_notes WHERE region = $1 AND year = $2"
        );

        const FACTS_VERSION: &str = "SELECT facts_version FROM region_years WHERE region = $1 AND year = $2";

        const TOKEN_BY_HASH: &str = "SELECT token_hash, role, name, provider, created_at FROM tokens WHERE token_hash = $1";

        /// Runs the statements every read of a region-year goes through once on a new connection, so that the
        /// first request it serves does not pay for preparing them.
        #[allow(dead_code, reason = "only connections that are costly to open are warmed up")]
        async fn warm_up(connection: &mut <$db as sqlx::Database>::Connection) -> Result<(), sqlx::Error> {
            sqlx::query(TOKEN_BY_HASH).bind("").fetch_optional(&mut *connection).await?;
            sqlx::query(FACTS_VERSION).bind("").bind(0_i32).fetch_optional(&mut *connection).await?;
            dialect::read_region_year(&mut *connection, REGION_YEAR_ROWS, "", 0).await?;
            Ok(())
        }

        /// Rows per multi-row INSERT: well under both databases' limits on bound parameters.
        const BULK_ROWS: usize = 500;

        /// Inserts rows into `target` (a table with its column list) in multi-row statements. The next statement's
        /// rows are made while the database runs the one before.
        async fn insert_values(
            tx: &mut Tx,
            target: &str,
            rows: impl Iterator<Item = Vec<Cell>> + Send,
        ) -> Result<(), sqlx::Error> {
            let mut rows = rows.fuse();
            let mut chunk: Vec<Vec<Cell>> = rows.by_ref().take(BULK_ROWS).collect();
            while !chunk.is_empty() {
                let mut insert = sqlx::QueryBuilder::new(format!("INSERT INTO {target} "));
                insert.push_values(chunk, |mut values, cells| {
                    for cell in cells {
                        match cell {
                            Cell::Text(text) => values.push_bind(text),
                            Cell::Int(number) => values.push_bind(number),
                        };
                    }
                });
                let (inserted, next) = tokio::join!(
                    biased;
                    insert.build().execute(&mut **tx),
                    async { rows.by_ref().take(BULK_ROWS).collect::<Vec<_>>() },
                );
                inserted?;
                chunk = next;
            }
            Ok(())
        }

        /// Rows in the order of the index they are read by, so that a region-year's rows are written side by
        /// side and each index entry goes in next to the last.
        fn in_region_year_order<'a, T>(
            rows: &'a [T],
            key: impl Fn(&'a T) -> (&'a RegionSlug, i32, i64),
        ) -> impl ExactSizeIterator<Item = &'a T> + Send
        where
            T: Sync,
        {
            let mut sorted: Vec<&T> = rows.iter().collect();
            sorted.sort_unstable_by_key(|row| key(row));
            sorted.into_iter()
        }

        fn optional_date(date: Option<LaterDate>) -> (Option<String>, Option<String>) {
            date.map(|d| (format_date(d.on), format_instant(d.recorded_at))).unzip()
        }

        /// Writes a set of fact rows built in memory (a rebuilt register, or a batch of writes) as the live path
        /// would have left them, adding its changes to the region-years' versions; gives each changed
        /// region-year's version after the change.
        async fn write_facts(tx: &mut Tx, facts: &FactSet) -> Result<Vec<(RegionSlug, i32, i64)>, sqlx::Error> {
            dialect::insert_rows(
                tx,
                "space_lines (decision_id, region, year, position, doc, announced_on, announced_recorded_at)",
                in_region_year_order(&facts.lines, |line| (&line.region, line.year, line.recorded.position)).map(|line| {
                    let (on, at) = optional_date(line.announced);
                    vec![
                        Cell::Text(Some(line.decision_id.to_string())),
                        Cell::Text(Some(line.region.to_string())),
                        Cell::Int(line.year.into()),
                        Cell::Int(line.recorded.position),
                        Cell::Text(Some(to_doc(&SpaceLineRow { announced: None, ..line.clone() }))),
                        Cell::Text(on),
                        Cell::Text(at),
                    ]
                }),
            )
            .await?;
            dialect::insert_rows(
                tx,
                "tariff_rows (decision_id, region, year, provider, position, doc, announced_on, announced_recorded_at)",
                in_region_year_order(&facts.tariffs, |tariff| (&tariff.region, tariff.year, tariff.recorded.position))
                    .map(|tariff| {
                    let (on, at) = optional_date(tariff.announced);
                    vec![
                        Cell::Text(Some(tariff.decision_id.to_string())),
                        Cell::Text(Some(tariff.region.to_string())),
                        Cell::Int(tariff.year.into()),
                        Cell::Text(Some(tariff.provider.to_string())),
                        Cell::Int(tariff.recorded.position),
                        Cell::Text(Some(to_doc(&TariffRow { announced: None, ..tariff.clone() }))),
                        Cell::Text(on),
                        Cell::Text(at),
                    ]
                }),
            )
            .await?;
            dialect::insert_rows(
                tx,
                "appeal_rows (appeal_id, region, year, provider, position, doc, ending, ending_recorded_at)",
                in_region_year_order(&facts.appeals, |appeal| (&appeal.region, appeal.year, appeal.recorded.position))
                    .map(|appeal| {
                    vec![
                        Cell::Text(Some(appeal.appeal_id.to_string())),
                        Cell::Text(Some(appeal.region.to_string())),
                        Cell::Int(appeal.year.into()),
                        Cell::Text(appellant_provider(appeal)),
                        Cell::Int(appeal.recorded.position),
                        Cell::Text(Some(to_doc(&AppealRow { ending: None, ending_recorded_at: None, ..appeal.clone() }))),
                        Cell::Text(appeal.ending.as_ref().map(to_doc)),
                        Cell::Text(appeal.ending_recorded_at.map(format_instant)),
                    ]
                }),
            )
            .await?;
            dialect::insert_rows(
                tx,
                "region_year_notes (region, year, position, doc)",
                in_region_year_order(&facts.notes, |note| (&note.region, note.year, note.recorded.position)).map(|note| {
                    vec![
                        Cell::Text(Some(note.region.to_string())),
                        Cell::Int(note.year.into()),
                        Cell::Int(note.recorded.position),
                        Cell::Text(Some(to_doc(note))),
                    ]
                }),
            )
            .await?;
            let versions: Vec<_> = facts.versions.iter().collect();
            let mut after = Vec::with_capacity(versions.len());
            for chunk in versions.chunks(BULK_ROWS) {
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO region_years (region, year, facts_version, deadlines_version) ");
                insert.push_values(chunk, |mut row, ((region, year), version)| {
                    row.push_bind(region.to_string()).push_bind(*year).push_bind(**version).push_bind(0_i64);
                });
                insert.push(
                    " ON CONFLICT (region, year) DO UPDATE SET facts_version = region_years.facts_version + excluded.facts_version \
                     RETURNING region, year, facts_version",
                );
                let rows: Vec<(String, i32, i64)> = insert.build_query_as().fetch_all(&mut **tx).await?;
                for (region, year, version) in rows {
                    after.push((slug(&region)?, year, version));
                }
            }
            Ok(after)
        }

        /// The event rows a query asks for, in log order.
        async fn event_rows(pool: &Pool<$db>, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError> {
            let (stream_type, stream_id) = query.stream.clone().unzip();
            let rows = sqlx::query(dialect::SELECT_EVENTS)
                .bind(query.after)
                .bind(stream_type)
                .bind(stream_id)
                .bind(query.recorded_until.map(format_instant))
                .bind(query.limit)
                .fetch_all(pool)
                .await?;
            Ok(rows.iter().map(stored_row).collect::<Result<_, _>>()?)
        }

        const READ_BATCH: i64 = 10_000;

        /// Reads the log up to `head` in batches of decoded events, until the receiver stops listening. One task
        /// fetches the rows and another decodes them, so the next batch is fetched while one is decoded.
        async fn read_log(
            pool: Pool<$db>,
            head: i64,
            batches: tokio::sync::mpsc::Sender<Result<Vec<RecordedEvent>, StoreError>>,
        ) {
            let (fetched, mut rows) = tokio::sync::mpsc::channel(1);
            tokio::spawn(fetch_log(pool, head, fetched));
            while let Some(batch) = rows.recv().await {
                let batch = batch.and_then(|rows: Vec<StoredRow>| {
                    rows.iter().take_while(|row| row.position <= head).map(StoredRow::to_recorded).collect()
                });
                if batches.send(batch).await.is_err() {
                    return;
                }
            }
        }

        /// Fetches the log's rows up to `head` in batches, until the receiver stops listening; a batch may run past
        /// `head`. After a failure or an empty batch there is nothing more to fetch.
        async fn fetch_log(
            pool: Pool<$db>,
            head: i64,
            batches: tokio::sync::mpsc::Sender<Result<Vec<StoredRow>, StoreError>>,
        ) {
            let mut after = 0;
            while after < head {
                let batch = event_rows(&pool, &EventQuery { after, limit: READ_BATCH, ..EventQuery::default() }).await;
                let next = batch.as_ref().ok().and_then(|rows| rows.last()).map(|row| row.position);
                if batches.send(batch).await.is_err() {
                    return;
                }
                match next {
                    Some(position) => after = position,
                    None => return,
                }
            }
        }

        /// The single writer of this process: one thread with its own runtime and its own connection, so that
        /// a write transaction's statements never wait behind the requests the server is busy with. Writes
        /// that arrive while a batch commits queue up and are committed together in the next transaction
        /// (group commit); when one of them fails, the batch is written again one by one, each in its own
        /// savepoint, so that failure leaves the others untouched. Every caller is answered only after the
        /// commit that holds its write.
        pub(super) struct Writer {
            jobs: tokio::sync::mpsc::UnboundedSender<Job>,
            /// Taken for each batch, and by the bulk rewrites of the views, so those never run beside a batch.
            pub(super) turn: std::sync::Arc<tokio::sync::Mutex<()>>,
        }

        impl Writer {
            /// Starts the writer thread; `connect` opens its one-connection pool on the writer's own runtime.
            pub(super) async fn start<C, F>(
                connect: C,
                crash_at: Option<CrashPoint>,
                cache: std::sync::Arc<RegionYearCache>,
            ) -> Result<Self, StoreError>
            where
                C: FnOnce() -> F + Send + 'static,
                F: std::future::Future<Output = Result<Pool<$db>, sqlx::Error>>,
            {
                let (jobs, mut queued) = tokio::sync::mpsc::unbounded_channel::<Job>();
                let turn = std::sync::Arc::new(tokio::sync::Mutex::new(()));
                let (ready, opened) = tokio::sync::oneshot::channel();
                let batch_turn = turn.clone();
                std::thread::Builder::new()
                    .name("termijn-writer".to_owned())
                    .spawn(move || {
                        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                            Ok(runtime) => runtime,
                            Err(error) => {
                                let _ = ready.send(Err(StoreError::Open(format!("cannot start the writer: {error}"))));
                                return;
                            }
                        };
                        runtime.block_on(async move {
                            let pool = match connect().await {
                                Ok(pool) => pool,
                                Err(error) => {
                                    let _ = ready.send(Err(StoreError::Sql(error)));
                                    return;
                                }
                            };
                            let _ = ready.send(Ok(()));
                            while let Some(first) = queued.recv().await {
                                let mut batch = Vec::new();
                                let mut deadlines = Vec::new();
                                for job in std::iter::once(first).chain(std::iter::from_fn(|| queued.try_recv().ok())) {
                                    match job {
                                        Job::Append(write) => batch.push(write),
                                        Job::Deadlines(index, reply) => deadlines.push((index, reply)),
                                    }
                                }
                                let _turn = batch_turn.lock().await;
                                for (index, reply) in deadlines {
                                    let _ = reply.send(write_deadlines(&pool, &index).await);
                                }
                                if batch.is_empty() {
                                    continue;
                                }
                                commit_batch(&pool, crash_at.as_ref(), &cache, batch).await;
                            }
                            pool.close().await;
                        });
                    })
                    .map_err(|e| StoreError::Open(format!("cannot start the writer: {e}")))?;
                opened.await.map_err(|_| StoreError::Open("the writer stopped while starting".to_owned()))??;
                Ok(Self { jobs, turn })
            }

            /// Queues one command's events for the next commit and waits for its outcome.
            async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError> {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let stopped = || AppendError::Database("the writer stopped before answering".to_owned());
                self.jobs.send(Job::Append(QueuedWrite { events: events.to_vec(), reply })).map_err(|_| stopped())?;
                answer.await.unwrap_or_else(|_| Err(stopped()))
            }

            /// Queues the deadlines of region-years for the writer and waits until they are stored.
            async fn store_deadlines(&self, index: Vec<RegionYearDeadlines>) -> Result<(), StoreError> {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let stopped = || StoreError::Open("the writer stopped".to_owned());
                self.jobs.send(Job::Deadlines(index, reply)).map_err(|_| stopped())?;
                answer.await.unwrap_or_else(|_| Err(stopped()))
            }
        }

        /// Why a batch was not committed.
        enum BatchFailure {
            /// Written together, one of its writes failed: write them one by one to find out which.
            OneFailed,
            Database(sqlx::Error),
        }

        type Outcome = Result<Vec<RecordedEvent>, AppendError>;

        /// Commits a batch of writes in one transaction on the writer's connection and answers each write.
        async fn commit_batch(
            pool: &Pool<$db>,
            crash_at: Option<&CrashPoint>,
            cache: &RegionYearCache,
            batch: Vec<QueuedWrite>,
        ) {
            tracing::debug!(writes = batch.len(), "group commit");
            let outcomes = match write_batch(pool, crash_at, cache, &batch, batch.len() > 1).await {
                Err(BatchFailure::OneFailed) => write_batch(pool, crash_at, cache, &batch, false).await,
                other => other,
            };
            match outcomes {
                Ok(outcomes) => {
                    for (write, outcome) in batch.into_iter().zip(outcomes) {
                        let _ = write.reply.send(outcome);
                    }
                }
                Err(BatchFailure::OneFailed) => {
                    fail_all(batch, &sqlx::Error::Protocol("a write failed on its own".to_owned()))
                }
                Err(BatchFailure::Database(error)) => fail_all(batch, &error),
            }
        }

        /// Writes a batch in one transaction, `together` in a few multi-row statements or else each write in
        /// its own savepoint, and commits it unless every write failed; the cache then follows each write.
        async fn write_batch(
            pool: &Pool<$db>,
            crash_at: Option<&CrashPoint>,
            cache: &RegionYearCache,
            batch: &[QueuedWrite],
            together: bool,
        ) -> Result<Vec<Outcome>, BatchFailure> {
            let mut tx = dialect::begin_write(pool).await.map_err(BatchFailure::Database)?;
            let (position, previous, head_at): (i64, String, String) =
                sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await.map_err(BatchFailure::Database)?;
            // Instants never run backwards along the log, also when servers' clocks differ a little.
            let now = Utc::now();
            let recorded_at = match parse_instant(&head_at) {
                Some(head) if head > now => head,
                _ => now,
            };
            let recorded_at_text = format_instant(recorded_at);
            let (outcomes, rows_changes): (Vec<Outcome>, Vec<RowsChange>) = if together {
                let writes: Vec<&[SerializedEvent]> = batch.iter().map(|write| write.events.as_slice()).collect();
                let (written, rows_change) = append_writes(&mut tx, &writes, position, &previous, &recorded_at_text)
                    .await
                    .map_err(|_| BatchFailure::OneFailed)?;
                (written.into_iter().map(Ok).collect(), vec![rows_change])
            } else {
                append_each(&mut tx, batch, position, &previous, &recorded_at_text).await.map_err(BatchFailure::Database)?
            };
            let Some(last) = outcomes.iter().rev().find_map(|o| o.as_ref().ok().and_then(|events| events.last())) else {
                // Nothing to commit: the transaction is rolled back as it is dropped.
                return Ok(outcomes);
            };
            let (position, previous) = (last.position, last.hash.clone());
            sqlx::query("UPDATE chain_head SET position = $1, hash = $2, recorded_at = $3 WHERE id = 1")
                .bind(position)
                .bind(&previous)
                .bind(&recorded_at_text)
                .execute(&mut *tx)
                .await
                .map_err(BatchFailure::Database)?;
            sqlx::query("UPDATE projected_through SET position = $1 WHERE id = 1")
                .bind(position)
                .execute(&mut *tx)
                .await
                .map_err(BatchFailure::Database)?;
            let crash = crash_at.filter(|c| c.is_now()).map(|c| c.moment);
            if crash == Some(CrashMoment::BeforeCommit) {
                std::process::abort();
            }
            tx.commit().await.map_err(BatchFailure::Database)?;
            if crash == Some(CrashMoment::AfterCommit) {
                std::process::abort();
            }
            for rows_change in rows_changes {
                cache.follow(rows_change);
            }
            Ok(outcomes)
        }

        /// Appends the writes of a batch one by one, each in a savepoint when there are several, so a write
        /// that fails leaves the others in place; what each write that stays did to the rows, in log order.
        async fn append_each(
            tx: &mut Tx,
            batch: &[QueuedWrite],
            mut position: i64,
            previous: &str,
            recorded_at_text: &str,
        ) -> Result<(Vec<Outcome>, Vec<RowsChange>), sqlx::Error> {
            let mut previous = previous.to_owned();
            let mut outcomes = Vec::with_capacity(batch.len());
            let mut rows_changes = Vec::with_capacity(batch.len());
            let alone = batch.len() == 1;
            for write in batch {
                if !alone {
                    sqlx::query("SAVEPOINT write").execute(&mut **tx).await?;
                }
                let outcome = append_writes(tx, &[&write.events], position, &previous, recorded_at_text).await.map(
                    |(mut written, change)| {
                        rows_changes.push(change);
                        written.pop().unwrap_or_default()
                    },
                );
                if !alone {
                    let settle = if outcome.is_ok() { "RELEASE SAVEPOINT write" } else { "ROLLBACK TO SAVEPOINT write" };
                    sqlx::query(settle).execute(&mut **tx).await?;
                }
                if let Some(last) = outcome.as_ref().ok().and_then(|events| events.last()) {
                    position = last.position;
                    previous.clone_from(&last.hash);
                }
                outcomes.push(outcome);
            }
            Ok((outcomes, rows_changes))
        }

        impl $store {
            /// Appends the events of one command, through the writer.
            pub(super) async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError> {
                if events.is_empty() {
                    return Ok(Vec::new());
                }
                self.writer.append(events).await
            }

            /// Everything recorded for one region-year: from the cache when it holds the current version, else
            /// read in one statement, rows and version together.
            pub(super) async fn region_year_rows(
                &self,
                region: &RegionSlug,
                year: i32,
            ) -> Result<std::sync::Arc<RegionYearRows>, StoreError> {
                if self.cache.version(region, year).is_some() {
                    let version: Option<(i64,)> = sqlx::query_as(FACTS_VERSION)
                        .bind(region.as_str())
                        .bind(year)
                        .fetch_optional(&self.pool)
                        .await?;
                    if let Some(packed) = version.and_then(|(version,)| self.cache.get(region, year, version)) {
                        return Ok(std::sync::Arc::new(unpack(&packed, region, year)?));
                    }
                }
                let (version, rows) = self.read_region_year(region, year).await?;
                if let Some(version) = version {
                    self.cache.offer(region, year, version, &rows);
                }
                Ok(std::sync::Arc::new(rows))
            }

            /// The rows of a region-year that include what a write recorded: those held in memory when they
            /// do, without asking the database for the current version, else the latest.
            pub(super) async fn region_year_rows_including(
                &self,
                region: &RegionSlug,
                year: i32,
                written: Written<'_>,
            ) -> Result<std::sync::Arc<RegionYearRows>, StoreError> {
                let held = self.cache.held(region, year).filter(|packed| match written {
                    Written::Appeal(id) => packed.holds_appeal(id),
                    Written::TariffDecision(id) => packed.holds_tariff_decision(id),
                });
                match held {
                    Some(packed) => Ok(std::sync::Arc::new(unpack(&packed, region, year)?)),
                    None => self.region_year_rows(region, year).await,
                }
            }

            /// Reads every region-year into memory, the latest years first, until the memory set aside for them
            /// is full; how many region-years it holds, of how many.
            pub(super) async fn hold_register(&self) -> Result<(usize, usize), StoreError> {
                use futures_util::{StreamExt, TryStreamExt};
                let all: Vec<(String, i32)> =
                    sqlx::query_as("SELECT region, year FROM region_years ORDER BY year DESC, region")
                        .fetch_all(&self.pool)
                        .await?;
                let total = all.len();
                let mut reads = futures_util::stream::iter(all)
                    .map(|(region, year)| async move {
                        let region = slug(&region)?;
                        let (version, rows) = self.read_region_year(&region, year).await?;
                        Ok::<_, StoreError>((region, year, version, rows))
                    })
                    // Two reads under way keep both cores busy: one decoding, one in the database.
                    .buffered(2);
                let mut held = 0;
                while let Some((region, year, version, rows)) = reads.try_next().await? {
                    let Some(version) = version else { continue };
                    if !self.cache.fill(&region, year, version, &rows) {
                        break;
                    }
                    held += 1;
                }
                Ok((held, total))
            }

            /// The facts version of a region-year and its rows, read in one statement.
            async fn read_region_year(
                &self,
                region: &RegionSlug,
                year: i32,
            ) -> Result<(Option<i64>, RegionYearRows), StoreError> {
                let (version, rows) =
                    dialect::read_region_year(&self.pool, REGION_YEAR_ROWS, region.as_str(), year).await?;
                let mut found = RegionYearRows::default();
                for StoredFact { kind, doc, first, second } in rows {
                    match kind.as_str() {
                        "l" => found.lines.push(space_line_of(&doc, first, second)?),
                        "t" => found.tariffs.push(tariff_row_of(&doc, first, second)?),
                        "n" => found.notes.push(from_doc(&doc)?),
                        _ => found.appeals.push(appeal_row_of(&doc, first, second)?),
                    }
                }
                found.notes.sort_by_key(|n| n.recorded.position);
                found.lines.sort_by_key(|l| l.recorded.position);
                found.tariffs.sort_by_key(|t| t.recorded.position);
                found.appeals.sort_by_key(|a| a.recorded.position);
                Ok((version, found))
            }

            /// The line of a decision for one region-year, and whether the decision has any line at all.
            pub(super) async fn sets_space(
                &self,
                decision_id: &DecisionId,
                region: &RegionSlug,
                year: i32,
            ) -> Result<(bool, bool), StoreError> {
                // Lines are never taken back: a line held in memory is in the database.
                if self.cache.held(region, year).is_some_and(|packed| packed.holds_line_of(decision_id)) {
                    return Ok((true, true));
                }
                let line: Option<(i32,)> =
                    sqlx::query_as("SELECT 1 FROM space_lines WHERE decision_id = $1 AND region = $2 AND year = $3")
                        .bind(decision_id.as_str())
                        .bind(region.as_str())
                        .bind(year)
                        .fetch_optional(&self.pool)
                        .await?;
                if line.is_some() {
                    return Ok((true, true));
                }
                let any: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM space_lines WHERE decision_id = $1 LIMIT 1")
                    .bind(decision_id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok((any.is_some(), false))
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

            /// Replaces the indexed deadlines of region-years whose facts moved on, through the writer.
            pub(super) async fn store_deadlines(&self, index: Vec<RegionYearDeadlines>) -> Result<(), StoreError> {
                self.writer.store_deadlines(index).await
            }

            pub(super) async fn deadlines(
                &self,
                from: NaiveDate,
                to: NaiveDate,
                region: Option<&RegionSlug>,
            ) -> Result<Vec<DeadlineView>, StoreError> {
                let docs: Vec<(String,)> = sqlx::query_as(
                    "SELECT doc FROM deadlines WHERE last_day >= $1 AND last_day <= $2 \
                     AND ($3 IS NULL OR region = $3) ORDER BY last_day, region, year, term_key",
                )
                .bind(format_date(from))
                .bind(format_date(to))
                .bind(region.map(RegionSlug::as_str))
                .fetch_all(&self.pool)
                .await?;
                docs.iter().map(|(doc,)| from_doc(doc)).collect()
            }

            pub(super) async fn rows(&self, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError> {
                event_rows(&self.pool, query).await
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
            /// transaction that holds the chain head: writers wait until it commits. The log is read a batch ahead
            /// of the folding, on a connection of its own; no writer can add to it while the chain head is held.
            /// Readers see the old views while the log is read; whether they still do while the rows are written
            /// back is the dialect's (`EMPTY_VIEWS`).
            pub(super) async fn rebuild_views(&self, mut progress: impl FnMut(i64, i64) + Send) -> Result<i64, StoreError> {
                let _turn = self.writer.turn.lock().await;
                let mut tx = dialect::begin_write(&self.pool).await?;
                let (head, _, _): (i64, String, String) =
                    sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
                let (batches, mut read) = tokio::sync::mpsc::channel(2);
                tokio::spawn(read_log(dialect::log_reader(&self.pool), head, batches));
                let mut facts = FactSet::default();
                let mut after = 0;
                let started = std::time::Instant::now();
                while let Some(batch) = read.recv().await {
                    for event in batch? {
                        after = event.position;
                        for change in changes(&event).map_err(corrupt)? {
                            facts.apply(change);
                        }
                    }
                    progress(after, head);
                }
                let read_in = started.elapsed();
                for statement in dialect::EMPTY_VIEWS {
                    sqlx::query(statement).execute(&mut *tx).await?;
                }
                let indexes = dialect::drop_rebuilt_indexes(&mut tx).await?;
                write_facts(&mut tx, &facts).await?;
                let written_in = started.elapsed() - read_in;
                for index in indexes {
                    sqlx::query(&index).execute(&mut *tx).await?;
                }
                let indexed_in = started.elapsed() - read_in - written_in;
                sqlx::query("UPDATE projected_through SET position = $1 WHERE id = 1")
                    .bind(after)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.cache.clear();
                tracing::info!(
                    events = after,
                    read_seconds = read_in.as_secs_f64(),
                    write_seconds = written_in.as_secs_f64(),
                    index_seconds = indexed_in.as_secs_f64(),
                    commit_seconds = (started.elapsed() - read_in - written_in - indexed_in).as_secs_f64(),
                    "views rebuilt"
                );
                Ok(after)
            }

            pub(super) async fn import_rows(&self, rows: &[StoredRow]) -> Result<(), StoreError> {
                let Some(last) = rows.last() else { return Ok(()) };
                let _turn = self.writer.turn.lock().await;
                let mut tx = dialect::begin_write(&self.pool).await?;
                sqlx::query_as::<_, (i64, String, String)>(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
                insert_events(&mut tx, rows).await?;
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
                    ("region_year_notes", "region, year, position, doc"),
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
                let row: Option<(String, String, String, Option<String>, String)> =
                    sqlx::query_as(TOKEN_BY_HASH).bind(token_hash).fetch_optional(&self.pool).await?;
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

        fn space_line_of(doc: &str, on: Option<String>, at: Option<String>) -> Result<SpaceLineRow, StoreError> {
            Ok(SpaceLineRow { announced: later(on, at)?, ..from_doc(doc)? })
        }

        fn tariff_row_of(doc: &str, on: Option<String>, at: Option<String>) -> Result<TariffRow, StoreError> {
            Ok(TariffRow { announced: later(on, at)?, ..from_doc(doc)? })
        }

        fn appeal_row_of(doc: &str, ending: Option<String>, at: Option<String>) -> Result<AppealRow, StoreError> {
            Ok(AppealRow {
                ending: ending.map(|e| from_doc::<AppealEnding>(&e)).transpose()?,
                ending_recorded_at: at.map(|a| parse_instant(&a).ok_or_else(|| corrupt("an instant"))).transpose()?,
                ..from_doc(doc)?
            })
        }

        fn space_line(row: &<$db as sqlx::Database>::Row) -> Result<SpaceLineRow, StoreError> {
            space_line_of(&row.try_get::<String, _>("doc")?, row.try_get("announced_on")?, row.try_get("announced_recorded_at")?)
        }

        fn tariff_row(row: &<$db as sqlx::Database>::Row) -> Result<TariffRow, StoreError> {
            tariff_row_of(&row.try_get::<String, _>("doc")?, row.try_get("announced_on")?, row.try_get("announced_recorded_at")?)
        }

        fn appeal_row(row: &<$db as sqlx::Database>::Row) -> Result<AppealRow, StoreError> {
            appeal_row_of(&row.try_get::<String, _>("doc")?, row.try_get("ending")?, row.try_get("ending_recorded_at")?)
        }
    };
}

pub(crate) use store_impl;
