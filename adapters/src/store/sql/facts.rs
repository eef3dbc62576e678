//! The fact rows of the region-years: written with the events that make them, read a region-year at a time
//! (held in memory by the cache), and the lookups the commands need.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! facts_sql {
    ($store:ident, $db:ty) => {
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

        /// Writes what a write does to the fact rows, inside its transaction; the region-years it changed, each
        /// with its facts version after it and the number of changes made to it.
        async fn write_fact_changes(tx: &mut Tx, write: &FactWrite) -> Result<Vec<(RegionSlug, i32, i64, i64)>, sqlx::Error> {
            let mut versions: Vec<_> = write_facts(tx, &write.added)
                .await?
                .into_iter()
                .map(|(region, year, after)| {
                    let changes = write.added.versions.get(&(region.clone(), year)).copied().unwrap_or(0);
                    (region, year, after, changes)
                })
                .collect();
            let mut touched = Vec::new();
            for (rows, decision_id, announced) in &write.announced {
                let table = match rows {
                    DecisionRows::SpaceLines => "space_lines",
                    DecisionRows::TariffRows => "tariff_rows",
                };
                touched.extend(announce(tx, table, decision_id, announced).await?);
            }
            for (appeal_id, ending, recorded_at) in &write.ended {
                sqlx::query("UPDATE appeal_rows SET ending = $1, ending_recorded_at = $2 WHERE appeal_id = $3")
                    .bind(to_doc(ending))
                    .bind(format_instant(*recorded_at))
                    .bind(appeal_id.as_str())
                    .execute(&mut **tx)
                    .await?;
                touched.extend(touch_where(tx, "appeal_rows", "appeal_id", appeal_id.as_str()).await?);
            }
            if write.reference_data_changed {
                sqlx::query("UPDATE region_years SET deadlines_version = 0").execute(&mut **tx).await?;
            }
            for (region, year, after) in touched {
                match versions.iter_mut().find(|(r, y, _, _)| *r == region && *y == year) {
                    Some((_, _, held, changes)) => {
                        *held = after;
                        *changes += 1;
                    }
                    None => versions.push((region, year, after, 1)),
                }
            }
            Ok(versions)
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

        impl $store {
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
        }

        #[async_trait::async_trait]
        impl crate::store::backend::RegionYears for $store {
            /// Everything recorded for one region-year: from the cache when it holds the current version, else
            /// read in one statement, rows and version together.
            async fn region_year_rows(
                &self,
                region: &RegionSlug,
                year: i32,
            ) -> Result<std::sync::Arc<RegionYearRows>, StoreError> {
                // The version is asked only of a region-year held in memory, at whatever version.
                let version = match self.cache.version(region, year) {
                    Some(_) => sqlx::query_as::<_, (i64,)>(FACTS_VERSION)
                        .bind(region.as_str())
                        .bind(year)
                        .fetch_optional(&self.pool)
                        .await?
                        .map(|(version,)| version),
                    None => None,
                };
                self.region_year_rows_at(region, year, version).await
            }
            async fn region_year_rows_at(
                &self,
                region: &RegionSlug,
                year: i32,
                version: Option<i64>,
            ) -> Result<std::sync::Arc<RegionYearRows>, StoreError> {
                if let Some(packed) = version.and_then(|version| self.cache.get(region, year, version)) {
                    return Ok(std::sync::Arc::new(unpack(&packed, region, year)?));
                }
                let (version, rows) = self.read_region_year(region, year).await?;
                if let Some(version) = version {
                    self.cache.offer(region, year, version, &rows);
                }
                Ok(std::sync::Arc::new(rows))
            }
            /// The rows of a region-year that include what a write recorded: those held in memory when they
            /// do, without asking the database for the current version, else the latest.
            async fn region_year_rows_including(
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
            /// Reads every region-year into memory, the years nearest `year` first, until the memory set aside
            /// for them is full; how many region-years it holds, of how many.
            async fn hold_register(&self, year: i32) -> Result<(usize, usize), StoreError> {
                use futures_util::{StreamExt, TryStreamExt};
                let all: Vec<(String, i32)> = sqlx::query_as(
                    "SELECT region, year FROM region_years ORDER BY abs(year - $1), year DESC, region",
                )
                .bind(year)
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
            /// The line of a decision for one region-year, and whether the decision has any line at all.
            async fn sets_space(
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
            async fn region_years(&self) -> Result<Vec<(RegionSlug, i32)>, StoreError> {
                let rows: Vec<(String, i32)> = sqlx::query_as("SELECT region, year FROM region_years ORDER BY region, year")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(region, year)| Ok((slug(&region)?, year))).collect::<Result<_, sqlx::Error>>()?)
            }
            async fn space_lines(&self, decision_id: &DecisionId) -> Result<Vec<SpaceLineRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT doc, announced_on, announced_recorded_at FROM space_lines WHERE decision_id = $1 \
                     ORDER BY region, year",
                )
                .bind(decision_id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(space_line).collect()
            }
            async fn tariff_rows(&self, decision_id: &DecisionId) -> Result<Vec<TariffRow>, StoreError> {
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
            async fn appeal_row(&self, appeal_id: &AppealId) -> Result<Option<AppealRow>, StoreError> {
                let row = sqlx::query("SELECT doc, ending, ending_recorded_at FROM appeal_rows WHERE appeal_id = $1")
                    .bind(appeal_id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(appeal_row).transpose()
            }
        }
    };
}

pub(crate) use facts_sql;
