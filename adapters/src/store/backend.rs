//! What a store does, one trait per concern, each implemented once for both databases by the SQL in `sql/`
//! (`writer`, `facts`, `log`, `deadlines`, `access`). [`super::Store`] reaches the store it opened through
//! `dyn Backend`.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::persist::SerializedEvent;
use termijn_domain::values::{AppealId, DecisionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::{AppealRow, RegionYearRows, SpaceLineRow, TariffRow};
use termijn_projections::views::DeadlineView;

use super::{
    AppendError, EventQuery, IdempotencyRecord, RegionYearDeadlines, SessionRecord, StoreError, StoredRow,
    SubscriptionRecord, TokenRecord, ViewsDump, Written,
};

/// A store of either database.
#[async_trait]
pub trait Backend: Appends + RegionYears + Log + Tree + DeadlineIndex + Access + Send + Sync {
    fn kind(&self) -> &'static str;

    /// The cqrs-es repository that loads aggregates from this store's `events` table.
    fn aggregate_reader(&self) -> super::repository::Reader;

    /// Opens every connection the store may use, so that no request waits for one to be opened (what a
    /// server does at the start; a command opens only the connections it uses).
    async fn open_connections(&self) -> Result<(), StoreError>;

    /// Whether the database answers a statement now.
    async fn ping(&self) -> Result<(), StoreError>;

    /// How many region-years this process holds in memory.
    fn region_years_held(&self) -> usize;
}

#[async_trait]
pub trait Appends {
    /// Appends the events of one command in one transaction, with their view changes.
    async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError>;
}

#[async_trait]
pub trait RegionYears {
    /// Everything recorded for one region-year, as it stands now.
    async fn region_year_rows(&self, region: &RegionSlug, year: i32) -> Result<Arc<RegionYearRows>, StoreError>;

    /// The rows of a region-year whose facts version the caller has just read from the database, with what else
    /// it asked in the same statement: those held in memory when they are of that version, without asking the
    /// database again, else the latest.
    async fn region_year_rows_at(
        &self,
        region: &RegionSlug,
        year: i32,
        version: Option<i64>,
    ) -> Result<Arc<RegionYearRows>, StoreError>;

    /// The rows of a region-year that include what a write recorded: what the answer to that write is judged
    /// from. They may be older than the latest rows (not older than the write), so they answer no other read.
    async fn region_year_rows_including(
        &self,
        region: &RegionSlug,
        year: i32,
        written: Written<'_>,
    ) -> Result<Arc<RegionYearRows>, StoreError>;

    /// Reads the register's region-years into memory, the years nearest `year` first (the later before the
    /// earlier), as far as the memory set aside for them goes (the whole register at well over a million
    /// events), so that no read waits for the disk; how many region-years it holds, of how many. What is held
    /// stays up to date (see `region_year_rows`), also while it is being read in beside writes and reads.
    async fn hold_register(&self, year: i32) -> Result<(usize, usize), StoreError>;

    /// Whether a contracting-space decision is recorded at all, and whether it sets a space for one region-year.
    async fn sets_space(
        &self,
        decision_id: &DecisionId,
        region: &RegionSlug,
        year: i32,
    ) -> Result<(bool, bool), StoreError>;

    /// Every region-year something was recorded for, by region and year.
    async fn region_years(&self) -> Result<Vec<(RegionSlug, i32)>, StoreError>;

    async fn space_lines(&self, decision_id: &DecisionId) -> Result<Vec<SpaceLineRow>, StoreError>;

    async fn tariff_rows(&self, decision_id: &DecisionId) -> Result<Vec<TariffRow>, StoreError>;

    async fn appeal_row(&self, appeal_id: &AppealId) -> Result<Option<AppealRow>, StoreError>;
}

#[async_trait]
pub trait Log {
    /// The rows of the log a query asks for, in log order.
    async fn rows(&self, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError>;

    /// The last position and hash of the chain, as its head records them.
    async fn chain_head(&self) -> Result<(i64, String), StoreError>;

    /// The last position the views were brought up to.
    async fn projected_through(&self) -> Result<i64, StoreError>;

    /// Rebuilds every read model from the log in one transaction; the result equals the live views.
    async fn rebuild_views(&self, progress: &mut (dyn FnMut(i64, i64) + Send)) -> Result<i64, StoreError>;

    /// Every read-model row in a canonical order, to compare two stores.
    async fn dump_views(&self) -> Result<ViewsDump, StoreError>;

    /// Appends rows as they are, positions and hashes included; `Store::import_rows` checks them first.
    async fn append_rows_as_they_are(&self, rows: &[StoredRow]) -> Result<(), StoreError>;
}

/// The Merkle tree over the log and its signed checkpoints.
#[async_trait]
pub trait Tree {
    /// How many events the tree covers (the whole log, once the writer has caught up with an older one).
    async fn tree_size(&self) -> Result<u64, StoreError>;

    /// The stored hashes at these indexes (`tlog_tiles::stored_hash_index`); those not stored are left out.
    async fn stored_hashes(
        &self,
        indexes: &[u64],
    ) -> Result<std::collections::HashMap<u64, crate::audit::merkle::Hash>, StoreError>;

    /// The chain hash of the event at `position`: its leaf's data.
    async fn leaf_chain_hash(&self, position: i64) -> Result<Option<String>, StoreError>;

    /// The verifier key this register's checkpoints are signed with, once recorded.
    async fn checkpoint_key(&self) -> Result<Option<String>, StoreError>;

    /// Records the register's verifier key unless one is recorded already; the one recorded.
    async fn record_checkpoint_key(&self, verifier_key: &str) -> Result<String, StoreError>;

    async fn latest_checkpoint(&self) -> Result<Option<super::CheckpointRecord>, StoreError>;

    /// Keeps a signed checkpoint; one of the same tree size kept before stays as it is.
    async fn record_checkpoint(&self, checkpoint: &super::CheckpointRecord) -> Result<(), StoreError>;
}

#[async_trait]
pub trait DeadlineIndex {
    /// Region-years whose deadlines index is older than their facts, with the facts' version.
    async fn stale_region_years(&self) -> Result<Vec<(RegionSlug, i32, i64)>, StoreError>;

    /// Replaces the indexed deadlines of each region-year given, unless the index already holds that version.
    async fn store_deadlines(&self, index: Vec<RegionYearDeadlines>) -> Result<(), StoreError>;

    /// The region-years with an indexed term whose last day lies in `from..=to`, with their facts version.
    async fn deadline_region_years(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region: Option<&RegionSlug>,
    ) -> Result<Vec<(RegionSlug, i32, Option<i64>)>, StoreError>;

    /// Indexed terms of the region-years `of` whose last day lies in `from..=to`, each region-year's by last
    /// day. Every term counts for every appellant (R7), so who is asking narrows nothing here; the register
    /// redacts another provider's terms.
    async fn deadlines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        of: &std::collections::HashSet<(RegionSlug, i32)>,
    ) -> Result<Vec<DeadlineView>, StoreError>;
}

#[async_trait]
pub trait Access {
    async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError>;

    async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// Every token, revoked and expired ones included, oldest first.
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// Revokes a token and ends its web sessions; whether it was not revoked before.
    async fn revoke_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Marks a token as used at `at`.
    async fn touch_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    async fn idempotency(&self, scope: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    async fn complete_idempotency(&self, scope: &str, key: &str, status: u16, response: &str)
    -> Result<(), StoreError>;

    async fn insert_subscription(&self, subscription: &SubscriptionRecord) -> Result<(), StoreError>;

    /// Every calendar subscription, revoked ones included, oldest first.
    async fn subscriptions(&self) -> Result<Vec<SubscriptionRecord>, StoreError>;

    /// The subscription whose secret has this hash, with the token that made it.
    async fn subscription_by_secret(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(SubscriptionRecord, TokenRecord)>, StoreError>;

    async fn revoke_subscription(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Opens a web session for a token; only the session id's hash is kept.
    async fn open_session(&self, session_hash: &str, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// A web session, with the token it was opened with.
    async fn session(&self, session_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Marks a web session as used at `at`.
    async fn touch_session(&self, session_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Ends a web session, and every session last used before `idle_since`.
    async fn end_session(&self, session_hash: &str, idle_since: DateTime<Utc>) -> Result<(), StoreError>;
}
