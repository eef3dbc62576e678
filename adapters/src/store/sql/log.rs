//! The event log as read back: pages of it, the chain head, and the replay that rebuilds every view from it.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! log_sql {
    ($store:ident, $db:ty) => {
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

        const READ_BATCH: i64 = 2_000;

        /// A batch of the log as fetched: its rows, or one JSON text of them (`dialect::LOG_BATCH`), with the
        /// position it was read after.
        enum Fetched {
            Rows(Vec<StoredRow>),
            Text(i64, String),
        }

        /// Reads the log up to `head` in batches of decoded events, until the receiver stops listening. One task
        /// fetches the batches and another decodes them, so the next batch is fetched while one is decoded. A text
        /// that does not decode is read again row by row, so that the error names the row that does not.
        async fn read_log(
            pool: Pool<$db>,
            head: i64,
            batches: tokio::sync::mpsc::Sender<Result<Vec<RecordedEvent>, StoreError>>,
        ) {
            let (fetched, mut texts) = tokio::sync::mpsc::channel(1);
            tokio::spawn(fetch_log(pool.clone(), head, fetched));
            let upcasters = termijn_domain::aggregates::upcasters();
            let decode = |rows: Vec<StoredRow>| -> Result<Vec<RecordedEvent>, StoreError> {
                rows.iter().take_while(|row| row.position <= head).map(|row| row.to_recorded_with(&upcasters)).collect()
            };
            while let Some(batch) = texts.recv().await {
                let batch = match batch {
                    Ok(Fetched::Rows(rows)) => decode(rows),
                    Ok(Fetched::Text(after, text)) => {
                        match crate::store::types::log_batch_events(&text, head, &upcasters) {
                            Ok(events) => Ok(events),
                            Err(_) => {
                                event_rows(&pool, &EventQuery { after, limit: READ_BATCH, ..EventQuery::default() })
                                    .await
                                    .and_then(decode)
                            }
                        }
                    }
                    Err(error) => Err(error),
                };
                if batches.send(batch).await.is_err() {
                    return;
                }
            }
        }

        /// Fetches the log up to `head` in batches, until the receiver stops listening; a batch may run past `head`.
        /// After a failure or an empty batch there is nothing more to fetch.
        async fn fetch_log(
            pool: Pool<$db>,
            head: i64,
            batches: tokio::sync::mpsc::Sender<Result<Fetched, StoreError>>,
        ) {
            let mut after = 0;
            while after < head {
                let batch = match dialect::LOG_BATCH {
                    Some(query) => sqlx::query_as::<_, (Option<i64>, String)>(query)
                        .bind(after)
                        .bind(READ_BATCH)
                        .fetch_one(&pool)
                        .await
                        .map(|(last, text)| (last, Fetched::Text(after, text)))
                        .map_err(StoreError::from),
                    None => event_rows(&pool, &EventQuery { after, limit: READ_BATCH, ..EventQuery::default() })
                        .await
                        .map(|rows| (rows.last().map(|row| row.position), Fetched::Rows(rows))),
                };
                let next = batch.as_ref().ok().and_then(|(last, _)| *last);
                let batch = batch.map(|(_, fetched)| fetched);
                if batches.send(batch).await.is_err() {
                    return;
                }
                match next {
                    Some(position) => after = position,
                    None => return,
                }
            }
        }

        #[async_trait::async_trait]
        impl crate::store::backend::Log for $store {
            async fn rows(&self, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError> {
                event_rows(&self.pool, query).await
            }
            async fn chain_head(&self) -> Result<(i64, String), StoreError> {
                Ok(sqlx::query_as("SELECT position, hash FROM chain_head WHERE id = 1").fetch_one(&self.pool).await?)
            }
            async fn projected_through(&self) -> Result<i64, StoreError> {
                let (position,): (i64,) =
                    sqlx::query_as("SELECT position FROM projected_through WHERE id = 1").fetch_one(&self.pool).await?;
                Ok(position)
            }
            /// Reads the whole log, builds every fact row in memory, and writes them back in bulk, all in one
            /// transaction that holds the chain head: writers wait until it commits. The log is read a batch ahead
            /// of the folding, on a connection of its own; no writer can add to it while the chain head is held.
            /// Readers see the old views while the log is read; whether they still do while the rows are written
            /// back is the dialect's (`EMPTY_VIEWS`).
            async fn rebuild_views(&self, progress: &mut (dyn FnMut(i64, i64) + Send)) -> Result<i64, StoreError> {
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
                            change.apply_to(&mut facts);
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
            async fn append_rows_as_they_are(&self, rows: &[StoredRow]) -> Result<(), StoreError> {
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
            async fn dump_views(&self) -> Result<ViewsDump, StoreError> {
                let mut dump = Vec::new();
                for (table, columns) in [
                    ("space_lines", "decision_id, region, year, position, doc, announced_on, announced_recorded_at"),
                    (
                        "tariff_rows",
                        "decision_id, region, year, provider, position, doc, announced_on, announced_recorded_at",
                    ),
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
                    let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {concat} FROM {table} ORDER BY 1"))
                        .fetch_all(&self.pool)
                        .await?;
                    dump.extend(rows.into_iter().map(|(row,)| format!("{table}: {row}")));
                }
                Ok(dump)
            }
        }
    };
}

pub(crate) use log_sql;
