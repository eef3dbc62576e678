//! The deadlines index: the terms of every region-year, written by the writer when the facts moved on.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! deadlines_sql {
    ($store:ident, $db:ty) => {
        /// How many region-years one statement reading indexed deadlines names (two parameters each).
        const REGION_YEARS_PER_STATEMENT: usize = 500;

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
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO deadlines (region, year, term_key, last_day, provider, doc) ",
                    );
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

        #[async_trait::async_trait]
        impl crate::store::backend::DeadlineIndex for $store {
            async fn stale_region_years(&self) -> Result<Vec<(RegionSlug, i32, i64)>, StoreError> {
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
            async fn store_deadlines(&self, index: Vec<RegionYearDeadlines>) -> Result<(), StoreError> {
                self.writer.store_deadlines(index).await
            }
            async fn deadline_region_years(
                &self,
                from: NaiveDate,
                to: NaiveDate,
                region: Option<&RegionSlug>,
            ) -> Result<Vec<(RegionSlug, i32, Option<i64>)>, StoreError> {
                let found: Vec<(String, i32, Option<i64>)> = sqlx::query_as(
                    "SELECT d.region, d.year, r.facts_version FROM (SELECT DISTINCT region, year FROM deadlines \
                     WHERE last_day >= $1 AND last_day <= $2 AND ($3 IS NULL OR region = $3)) AS d \
                     LEFT JOIN region_years AS r ON r.region = d.region AND r.year = d.year ORDER BY d.region, d.year",
                )
                .bind(format_date(from))
                .bind(format_date(to))
                .bind(region.map(RegionSlug::as_str))
                .fetch_all(&self.pool)
                .await?;
                found
                    .into_iter()
                    .map(|(region, year, version)| {
                        Ok((RegionSlug::parse(&region).map_err(|_| corrupt("a region slug"))?, year, version))
                    })
                    .collect()
            }
            async fn deadlines(
                &self,
                from: NaiveDate,
                to: NaiveDate,
                of: &std::collections::HashSet<(RegionSlug, i32)>,
            ) -> Result<Vec<DeadlineView>, StoreError> {
                if of.is_empty() {
                    return Ok(Vec::new());
                }
                // Only the documents of the region-years asked for are read: the index on the last day holds
                // the region-year of every term, so the others' rows are passed over there.
                let mut asked: Vec<&(RegionSlug, i32)> = of.iter().collect();
                asked.sort();
                let mut docs: Vec<(String,)> = Vec::new();
                for chunk in asked.chunks(REGION_YEARS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::new(format!(
                        "SELECT doc FROM {} WHERE last_day >= ",
                        dialect::DEADLINES_BY_DAY
                    ));
                    query.push_bind(format_date(from)).push(" AND last_day <= ").push_bind(format_date(to));
                    query.push(" AND (region, year) IN (VALUES ");
                    let mut pairs = query.separated(", ");
                    for (region, year) in chunk {
                        pairs.push("(CAST(");
                        pairs.push_bind_unseparated(region.as_str());
                        pairs.push_unseparated(" AS TEXT), CAST(");
                        pairs.push_bind_unseparated(*year);
                        pairs.push_unseparated(" AS INTEGER))");
                    }
                    query.push(") ORDER BY last_day, region, year, term_key");
                    docs.extend(query.build_query_as::<(String,)>().fetch_all(&self.pool).await?);
                }
                docs.iter().map(|(doc,)| from_doc(doc)).collect()
            }
        }
    };
}

pub(crate) use deadlines_sql;
