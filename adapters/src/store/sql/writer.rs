//! The writer: one thread that commits every write (group commit, each write in its own savepoint), appends
//! and chains the events, claims idempotency keys and applies the events' fact changes in the same transaction.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! writer_sql {
    ($store:ident, $db:ty) => {
        /// What the writer is asked to do.
        enum Job {
            Append(QueuedWrite),
            /// Bring the Merkle tree up to the whole log.
            CatchUpTree(tokio::sync::oneshot::Sender<Result<(), StoreError>>),
            Deadlines(Vec<RegionYearDeadlines>, tokio::sync::oneshot::Sender<Result<(), StoreError>>),
        }

        /// One command's events waiting for the next commit, and where to send the outcome.
        pub(super) struct QueuedWrite {
            events: Vec<SerializedEvent>,
            reply: tokio::sync::oneshot::Sender<Result<Vec<RecordedEvent>, AppendError>>,
        }

        /// Answers every write of a batch whose transaction failed as a whole.
        fn fail_all(batch: Vec<QueuedWrite>, error: &sqlx::Error) {
            metrics::counter!(crate::telemetry::names::COMMIT_FAILURES).increment(1);
            let unavailable = crate::store::database_unavailable(error);
            if unavailable {
                tracing::warn!(%error, writes = batch.len(), "the database cannot take writes now; none was recorded");
            }
            for write in batch {
                let failure = if unavailable {
                    AppendError::Unavailable(error.to_string())
                } else {
                    AppendError::Database(error.to_string())
                };
                let _ = write.reply.send(Err(failure));
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

        /// One command's events as `rows` record them, each with its payload as it was handed over (the row holds
        /// that payload's text).
        fn recorded_of(events: &[SerializedEvent], rows: &[StoredRow]) -> Result<Vec<RecordedEvent>, AppendError> {
            events
                .iter()
                .zip(rows)
                .map(|(event, row)| {
                    Ok(RecordedEvent {
                        position: row.position,
                        aggregate_type: row.aggregate_type.clone(),
                        aggregate_id: row.aggregate_id.clone(),
                        sequence: row.sequence,
                        event_type: row.event_type.clone(),
                        event_version: row.event_version.clone(),
                        payload: event.payload.clone(),
                        recorded_at: parse_instant(&row.recorded_at)
                            .ok_or_else(|| AppendError::Encode(format!("instant {}", row.recorded_at)))?,
                        recorded_by: row.recorded_by.clone(),
                        idempotency_key: row.idempotency_key.clone(),
                        hash: row.hash.clone(),
                    })
                })
                .collect()
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
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO idempotency (scope, key, request_hash, created_at) ");
                insert.push_values(chunk, |mut values, (scope, key, request_hash)| {
                    values
                        .push_bind(scope.clone())
                        .push_bind(key.clone())
                        .push_bind(request_hash.clone())
                        .push_bind(at.to_owned());
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
                written.push(recorded_of(events, &chained)?);
                rows.extend(chained);
            }
            match insert_events(tx, &rows).await {
                Err(error) if is_unique_violation(&error) => return Err(AppendError::Conflict),
                other => other?,
            }
            let mut all = Vec::new();
            for event in written.iter().flatten() {
                all.extend(changes(event)?);
            }
            let mut write = FactWrite::default();
            for change in all.iter().cloned() {
                change.apply_to(&mut write);
            }
            let versions = write_fact_changes(tx, &write).await?;
            let rows_change = RowsChange { changes: all, versions };
            let claims: Vec<_> = writes.iter().filter_map(|events| claim(events)).collect();
            match claim_keys(tx, &claims, recorded_at_text).await {
                Err(error) if is_unique_violation(&error) => return Err(AppendError::IdempotencyKeyTaken),
                other => other?,
            }
            Ok((written, rows_change))
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
                            // The right edge of the Merkle tree as this writer last left it; loaded again from
                            // the stored hashes whenever another process extended the tree since.
                            let mut frontier = Frontier::default();
                            // Only for measuring what the tree costs a write: a writer started with this leaves
                            // the tree behind the log, and the next start brings it up to the log again.
                            let with_tree = std::env::var_os("TERMIJN_MEASURE_WITHOUT_TREE").is_none();
                            while let Some(first) = queued.recv().await {
                                let mut batch = Vec::new();
                                let mut deadlines = Vec::new();
                                let mut catch_ups = Vec::new();
                                for job in std::iter::once(first).chain(std::iter::from_fn(|| queued.try_recv().ok())) {
                                    match job {
                                        Job::Append(write) => batch.push(write),
                                        Job::Deadlines(index, reply) => deadlines.push((index, reply)),
                                        Job::CatchUpTree(reply) => catch_ups.push(reply),
                                    }
                                }
                                let _turn = batch_turn.lock().await;
                                for (index, reply) in deadlines {
                                    let _ = reply.send(write_deadlines(&pool, &index).await);
                                }
                                if !catch_ups.is_empty() {
                                    let caught_up = catch_up_tree_now(&pool, &mut frontier).await;
                                    if let Err(error) = &caught_up {
                                        tracing::warn!(%error, "the Merkle tree could not be brought up to the log");
                                    }
                                    for reply in catch_ups {
                                        let _ = reply.send(caught_up.as_ref().map(|_| ()).map_err(|e| StoreError::Open(e.to_string())));
                                    }
                                }
                                if batch.is_empty() {
                                    continue;
                                }
                                commit_batch(&pool, crash_at.as_ref(), &cache, with_tree.then_some(&mut frontier), batch).await;
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

            /// Has the writer bring the Merkle tree up to the whole log, and waits until it has.
            pub(super) async fn catch_up_tree(&self) -> Result<(), StoreError> {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let stopped = || StoreError::Open("the writer stopped".to_owned());
                self.jobs.send(Job::CatchUpTree(reply)).map_err(|_| stopped())?;
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
            mut frontier: Option<&mut Frontier>,
            batch: Vec<QueuedWrite>,
        ) {
            tracing::debug!(writes = batch.len(), "group commit");
            let started = std::time::Instant::now();
            let outcomes = match write_batch(pool, crash_at, cache, frontier.as_deref_mut(), &batch, batch.len() > 1).await {
                Err(BatchFailure::OneFailed) => write_batch(pool, crash_at, cache, frontier, &batch, false).await,
                other => other,
            };
            if outcomes.is_ok() {
                metrics::histogram!(crate::telemetry::names::COMMIT_SECONDS).record(started.elapsed().as_secs_f64());
                metrics::histogram!(crate::telemetry::names::COMMIT_GROUP_SIZE).record(batch.len() as f64);
            }
            match outcomes {
                Ok(outcomes) => {
                    for (write, outcome) in batch.into_iter().zip(outcomes) {
                        let _ = write.reply.send(outcome);
                    }
                }
                Err(BatchFailure::OneFailed) => {
                    fail_all(batch, &sqlx::Error::Protocol("a write failed on its own".to_owned()))
                }
                Err(BatchFailure::Database(error)) => {
                    fail_all(batch, &error);
                    discard_connection(pool).await;
                }
            }
        }

        /// After a transaction failed as a whole, its connection may be left inside it (a COMMIT that failed
        /// and that the database rolled back itself leaves sqlx counting an open transaction): it is closed,
        /// and the next batch opens a new one.
        async fn discard_connection(pool: &Pool<$db>) {
            let wait = std::time::Duration::from_secs(1);
            if let Ok(Ok(mut connection)) = tokio::time::timeout(wait, pool.acquire()).await {
                connection.close_on_drop();
            }
        }

        /// Writes a batch in one transaction, `together` in a few multi-row statements or else each write in
        /// its own savepoint, and commits it unless every write failed; the cache then follows each write.
        async fn write_batch(
            pool: &Pool<$db>,
            crash_at: Option<&CrashPoint>,
            cache: &RegionYearCache,
            frontier: Option<&mut Frontier>,
            batch: &[QueuedWrite],
            together: bool,
        ) -> Result<Vec<Outcome>, BatchFailure> {
            let mut tx = dialect::begin_write(pool).await.map_err(BatchFailure::Database)?;
            let (position, previous, head_at, tree_size): (i64, String, String, i64) =
                sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await.map_err(BatchFailure::Database)?;
            let head_position = position;
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
                append_each(&mut tx, batch, position, &previous, &recorded_at_text)
                    .await
                    .map_err(BatchFailure::Database)?
            };
            let Some(last) = outcomes.iter().rev().find_map(|o| o.as_ref().ok().and_then(|events| events.last()))
            else {
                // Nothing to commit: the transaction is rolled back as it is dropped.
                return Ok(outcomes);
            };
            let (position, previous) = (last.position, last.hash.clone());
            // The tree takes the batch's events as leaves in the same transaction; it is kept as this commit
            // leaves it only once the commit succeeded.
            let grown = match &frontier {
                Some(frontier) => {
                    let mut grown = (*frontier).clone();
                    catch_up_tree(&mut tx, &mut grown, tree_size, head_position)
                        .await
                        .map_err(BatchFailure::Database)?;
                    let leaves: Vec<&str> = outcomes
                        .iter()
                        .filter_map(|o| o.as_ref().ok())
                        .flatten()
                        .map(|event| event.hash.as_str())
                        .collect();
                    let stored = grow_tree(&mut grown, &leaves).map_err(BatchFailure::Database)?;
                    Some((grown, stored))
                }
                None => None,
            };
            let tree = grown.as_ref().map(|(_, stored)| stored.as_slice());
            advance_head(&mut tx, position, &previous, &recorded_at_text, tree)
                .await
                .map_err(BatchFailure::Database)?;
            let crash = crash_at.filter(|c| c.is_now()).map(|c| c.moment);
            if crash == Some(CrashMoment::BeforeCommit) {
                std::process::abort();
            }
            tx.commit().await.map_err(BatchFailure::Database)?;
            if let (Some(frontier), Some((grown, _))) = (frontier, grown) {
                *frontier = grown;
            }
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
                    let settle =
                        if outcome.is_ok() { "RELEASE SAVEPOINT write" } else { "ROLLBACK TO SAVEPOINT write" };
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

        #[async_trait::async_trait]
        impl crate::store::backend::Appends for $store {
            /// Appends the events of one command, through the writer.
            async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError> {
                if events.is_empty() {
                    return Ok(Vec::new());
                }
                self.writer.append(events).await
            }
        }
    };
}

pub(crate) use writer_sql;
