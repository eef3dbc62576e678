//! The SQL of both stores, written once, one file per concern: `writer` (group commit, appending and chaining
//! events), `facts` (fact rows and region-year reads), `log` (reading the log back, replay), `deadlines` (the
//! deadlines index) and `access` (tokens, idempotency keys). `store_impl!` expands them all for a concrete sqlx
//! database; the few places where SQLite and PostgreSQL differ come from the backend's `dialect` module.

/// One stored row of a region-year as read back: its kind (`l`ine, `t`ariff, `a`ppeal, `n`ote), its document, and the
/// two values kept beside it (announcement date and instant, or an appeal's ending and its instant).
pub(super) struct StoredFact {
    pub(super) kind: String,
    pub(super) doc: String,
    pub(super) first: Option<String>,
    pub(super) second: Option<String>,
}

/// What one write does to the fact rows, as the store's statements make it: the rows it adds (with what the same
/// write changes in them) are inserted in bulk, and its changes to rows stored before are updated in place.
#[derive(Default)]
pub(super) struct FactWrite {
    pub(super) added: FactSet,
    pub(super) announced: Vec<(DecisionRows, DecisionId, LaterDate)>,
    pub(super) ended: Vec<(AppealId, AppealEnding, DateTime<Utc>)>,
    /// The reference data changed: every region-year's deadlines are computed again.
    pub(super) reference_data_changed: bool,
}

impl FactRows for FactWrite {
    fn add_lines(&mut self, rows: Vec<SpaceLineRow>) {
        self.added.add_lines(rows);
    }

    fn add_tariffs(&mut self, rows: Vec<TariffRow>) {
        self.added.add_tariffs(rows);
    }

    fn add_appeal(&mut self, row: AppealRow) {
        self.added.add_appeal(row);
    }

    fn add_notes(&mut self, rows: Vec<NoteRow>) {
        self.added.add_notes(rows);
    }

    fn announce(&mut self, rows: DecisionRows, decision_id: &DecisionId, announced: LaterDate) {
        // A decision's rows are all added by the one event that records it: in this write or before it.
        if self.added.holds_decision(rows, decision_id) {
            self.added.announce(rows, decision_id, announced);
        } else {
            self.announced.push((rows, decision_id.clone(), announced));
        }
    }

    fn end_appeal(&mut self, appeal_id: &AppealId, ending: AppealEnding, recorded_at: DateTime<Utc>) {
        if self.added.holds_appeal(appeal_id) {
            self.added.end_appeal(appeal_id, ending, recorded_at);
        } else {
            self.ended.push((appeal_id.clone(), ending, recorded_at));
        }
    }

    fn reference_data_changed(&mut self) {
        self.reference_data_changed = true;
    }
}

/// One value of a row written in bulk.
pub(super) enum Cell {
    Text(Option<String>),
    Int(i64),
}

use chrono::{DateTime, Utc};
use termijn_domain::register::AppealEnding;
use termijn_domain::values::{AppealId, DecisionId};
use termijn_projections::facts::{
    AppealRow, DecisionRows, FactRows, FactSet, LaterDate, NoteRow, SpaceLineRow, TariffRow,
};

pub(super) mod access;
pub(super) mod deadlines;
pub(super) mod facts;
pub(super) mod log;
pub(super) mod tree;
pub(super) mod writer;

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
            AppealRow, DecisionRows, FactSet, LaterDate, RegionYearRows, SpaceLineRow, TariffRow, changes,
        };
        use termijn_projections::packed::PackedRegionYear;
        use termijn_projections::views::DeadlineView;
        use crate::store::cache::{RegionYearCache, RowsChange};
        use crate::store::sql::{Cell, FactWrite, StoredFact};
        use crate::store::{
            AppendError, CrashMoment, CrashPoint, EventQuery, Written, RegionYearDeadlines, IdempotencyRecord, Provenance, SessionRecord, StoreError, StoredRow, SubscriptionRecord, TokenRecord,
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

        fn slug(region: &str) -> Result<RegionSlug, sqlx::Error> {
            RegionSlug::parse(region).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }

        /// Runs the statements every read of a region-year goes through once on a new connection, so that the
        /// first request it serves does not pay for preparing them.
        #[allow(dead_code, reason = "only connections that are costly to open are warmed up")]
        async fn warm_up(connection: &mut <$db as sqlx::Database>::Connection) -> Result<(), sqlx::Error> {
            sqlx::query(TOKEN_BY_HASH).bind("").fetch_optional(&mut *connection).await?;
            sqlx::query(FACTS_VERSION).bind("").bind(0_i32).fetch_optional(&mut *connection).await?;
            dialect::read_region_year(&mut *connection, REGION_YEAR_ROWS, "", 0).await?;
            Ok(())
        }

        crate::store::sql::writer::writer_sql!($store, $db);
        crate::store::sql::facts::facts_sql!($store, $db);
        crate::store::sql::log::log_sql!($store, $db);
        crate::store::sql::tree::tree_sql!($store, $db);
        crate::store::sql::deadlines::deadlines_sql!($store, $db);
        crate::store::sql::access::access_sql!($store, $db);
    };
}

pub(crate) use store_impl;
