//! The Merkle tree over the log and the signed checkpoints: the writer extends the tree in the transaction of
//! each batch (see `crate::audit::merkle`), and proofs and checkpoints are computed from the stored hashes.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! tree_sql {
    ($store:ident, $db:ty) => {
        use crate::audit::merkle::{Frontier, Hash as TreeHash, leaf_hash};

        /// Events whose leaves a catch-up reads at once.
        const CATCH_UP_PAGE: i64 = 10_000;

        fn tree_error(error: String) -> sqlx::Error {
            sqlx::Error::Protocol(format!("the Merkle tree: {error}"))
        }

        /// The stored hashes at `indexes`, read with `executor`.
        async fn read_stored<'e, E>(
            executor: E,
            indexes: &[u64],
        ) -> Result<std::collections::HashMap<u64, TreeHash>, sqlx::Error>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            if indexes.is_empty() {
                return Ok(std::collections::HashMap::new());
            }
            let mut select = sqlx::QueryBuilder::new("SELECT idx, hash FROM merkle_hashes WHERE idx IN (");
            let mut separated = select.separated(", ");
            for index in indexes {
                separated.push_bind(i64::try_from(*index).map_err(|e| tree_error(e.to_string()))?);
            }
            select.push(")");
            let rows: Vec<(i64, Vec<u8>)> = select.build_query_as().fetch_all(executor).await?;
            rows.into_iter()
                .map(|(index, hash)| {
                    let hash = <[u8; 32]>::try_from(hash.as_slice())
                        .map(TreeHash)
                        .map_err(|_| tree_error("a stored hash is not 32 bytes".to_owned()))?;
                    Ok((u64::try_from(index).map_err(|e| tree_error(e.to_string()))?, hash))
                })
                .collect()
        }

        /// Brings `frontier` to the tree of `position` events inside the writer's transaction: from the stored
        /// hashes when another process extended the tree, then with the leaves of events the tree does not
        /// cover yet (a log recorded before the tree existed, or rows appended as they are); the stored hashes
        /// those leaves make are inserted.
        async fn catch_up_tree(
            tx: &mut Tx,
            frontier: &mut Frontier,
            tree_size: i64,
            position: i64,
        ) -> Result<(), sqlx::Error> {
            let size = u64::try_from(tree_size).map_err(|e| tree_error(e.to_string()))?;
            if frontier.size() != size {
                let stored = read_stored(&mut **tx, &Frontier::indexes_for(size)).await?;
                *frontier = Frontier::from_stored(size, &stored).map_err(tree_error)?;
            }
            let mut after = tree_size;
            while after < position {
                let hashes: Vec<(String,)> =
                    sqlx::query_as("SELECT hash FROM events WHERE position > $1 AND position <= $2 ORDER BY position")
                        .bind(after)
                        .bind(position.min(after + CATCH_UP_PAGE))
                        .fetch_all(&mut **tx)
                        .await?;
                if hashes.is_empty() {
                    return Err(tree_error(format!("events after position {after} are missing")));
                }
                after += i64::try_from(hashes.len()).map_err(|e| tree_error(e.to_string()))?;
                let leaves: Vec<&str> = hashes.iter().map(|(hash,)| hash.as_str()).collect();
                extend_tree(tx, frontier, &leaves).await?;
            }
            Ok(())
        }

        /// Appends the leaves of events (by their chain hashes, in log order) to the tree: the hashes to store.
        fn grow_tree(frontier: &mut Frontier, chain_hashes: &[&str]) -> Result<Vec<(u64, TreeHash)>, sqlx::Error> {
            let mut stored = Vec::with_capacity(chain_hashes.len() * 2);
            for hash in chain_hashes {
                stored.extend(frontier.append(leaf_hash(hash).map_err(tree_error)?));
            }
            Ok(stored)
        }

        /// `VALUES` rows of stored hashes, for an `INSERT INTO merkle_hashes (idx, hash)`.
        fn push_hashes<'q>(insert: &mut sqlx::QueryBuilder<'q, $db>, hashes: &'q [(u64, TreeHash)]) {
            insert.push_values(hashes, |mut values, (index, hash)| {
                values.push_bind(*index as i64).push_bind(hash.0.to_vec());
            });
        }

        /// Stores hashes of the tree, in multi-row statements.
        async fn insert_hashes(tx: &mut Tx, hashes: &[(u64, TreeHash)]) -> Result<(), sqlx::Error> {
            for chunk in hashes.chunks(BULK_ROWS) {
                let mut insert = sqlx::QueryBuilder::new("INSERT INTO merkle_hashes (idx, hash) ");
                push_hashes(&mut insert, chunk);
                insert.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Appends the leaves of events to the tree and stores the hashes they make.
        async fn extend_tree(tx: &mut Tx, frontier: &mut Frontier, chain_hashes: &[&str]) -> Result<(), sqlx::Error> {
            let stored = grow_tree(frontier, chain_hashes)?;
            insert_hashes(tx, &stored).await
        }

        /// Moves the head of the chain (and of the tree, when `tree` holds the hashes the batch made) and the
        /// views' position to `position` at the end of a batch. Where the database has writable common table
        /// expressions (PostgreSQL) that is one statement, one round trip; elsewhere a statement each.
        async fn advance_head(
            tx: &mut Tx,
            position: i64,
            hash: &str,
            recorded_at: &str,
            tree: Option<&[(u64, TreeHash)]>,
        ) -> Result<(), sqlx::Error> {
            let head = |q: &mut sqlx::QueryBuilder<'_, $db>| {
                q.push("UPDATE chain_head SET position = ").push_bind(position);
                q.push(", hash = ")
                    .push_bind(hash.to_owned())
                    .push(", recorded_at = ")
                    .push_bind(recorded_at.to_owned());
                if tree.is_some() {
                    q.push(", tree_size = ").push_bind(position);
                }
                q.push(" WHERE id = 1");
            };
            let hashes = tree.unwrap_or_default();
            if dialect::WRITABLE_CTE {
                let (first, last) = hashes.split_at(hashes.len().saturating_sub(BULK_ROWS));
                insert_hashes(tx, first).await?;
                let mut advance = sqlx::QueryBuilder::new("WITH ");
                if !last.is_empty() {
                    advance.push("tree AS (INSERT INTO merkle_hashes (idx, hash) ");
                    push_hashes(&mut advance, last);
                    advance.push("), ");
                }
                advance.push("head AS (");
                head(&mut advance);
                advance.push(") UPDATE projected_through SET position = ").push_bind(position).push(" WHERE id = 1");
                advance.build().execute(&mut **tx).await?;
                return Ok(());
            }
            insert_hashes(tx, hashes).await?;
            let mut update = sqlx::QueryBuilder::new("");
            head(&mut update);
            update.build().execute(&mut **tx).await?;
            sqlx::query("UPDATE projected_through SET position = $1 WHERE id = 1")
                .bind(position)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// Brings the tree up to the whole log in a transaction of its own: what the writer does at the start. A
        /// tree that covers the log already takes no write lock (the writer's first batch reads its right edge).
        async fn catch_up_tree_now(pool: &Pool<$db>, frontier: &mut Frontier) -> Result<(), sqlx::Error> {
            let (position, tree_size): (i64, i64) =
                sqlx::query_as("SELECT position, tree_size FROM chain_head WHERE id = 1").fetch_one(pool).await?;
            if tree_size == position {
                return Ok(());
            }
            let mut tx = dialect::begin_write(pool).await?;
            let (position, _, _, tree_size): (i64, String, String, i64) =
                sqlx::query_as(dialect::HEAD_FOR_UPDATE).fetch_one(&mut *tx).await?;
            let mut caught_up = frontier.clone();
            catch_up_tree(&mut tx, &mut caught_up, tree_size, position).await?;
            sqlx::query("UPDATE chain_head SET tree_size = $1 WHERE id = 1").bind(position).execute(&mut *tx).await?;
            tx.commit().await?;
            if position > tree_size {
                tracing::info!(events = position - tree_size, "the Merkle tree now covers the whole log");
            }
            *frontier = caught_up;
            Ok(())
        }

        #[async_trait::async_trait]
        impl crate::store::backend::Tree for $store {
            async fn tree_size(&self) -> Result<u64, StoreError> {
                let (size,): (i64,) =
                    sqlx::query_as("SELECT tree_size FROM chain_head WHERE id = 1").fetch_one(&self.pool).await?;
                Ok(u64::try_from(size).map_err(|e| corrupt(e))?)
            }
            async fn stored_hashes(
                &self,
                indexes: &[u64],
            ) -> Result<std::collections::HashMap<u64, TreeHash>, StoreError> {
                Ok(read_stored(&self.pool, indexes).await?)
            }
            async fn leaf_chain_hash(&self, position: i64) -> Result<Option<String>, StoreError> {
                let hash: Option<(String,)> = sqlx::query_as("SELECT hash FROM events WHERE position = $1")
                    .bind(position)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(hash.map(|(hash,)| hash))
            }
            async fn checkpoint_key(&self) -> Result<Option<String>, StoreError> {
                let key: Option<(String,)> = sqlx::query_as("SELECT verifier_key FROM checkpoint_key WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(key.map(|(key,)| key))
            }
            async fn record_checkpoint_key(&self, verifier_key: &str) -> Result<String, StoreError> {
                sqlx::query(
                    "INSERT INTO checkpoint_key (id, verifier_key, created_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(verifier_key)
                .bind(format_instant(Utc::now()))
                .execute(&self.pool)
                .await?;
                self.checkpoint_key().await?.ok_or_else(|| corrupt("the checkpoint key was not recorded"))
            }
            async fn latest_checkpoint(&self) -> Result<Option<crate::store::CheckpointRecord>, StoreError> {
                let row: Option<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT tree_size, root_hash, note, signed_at FROM checkpoints ORDER BY tree_size DESC LIMIT 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(tree_size, root_hash, note, signed_at)| crate::store::CheckpointRecord {
                    tree_size: tree_size as u64,
                    root_hash,
                    note,
                    signed_at,
                }))
            }
            async fn record_checkpoint(&self, checkpoint: &crate::store::CheckpointRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (tree_size) DO NOTHING",
                )
                .bind(i64::try_from(checkpoint.tree_size).map_err(|e| corrupt(e))?)
                .bind(&checkpoint.root_hash)
                .bind(&checkpoint.note)
                .bind(&checkpoint.signed_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use tree_sql;
