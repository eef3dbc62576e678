//! Why a command was not recorded: the domain's errors mapped on purpose (invalid input naming its field,
//! conflict, not found), and the store's.

use cqrs_es::AggregateError;
use termijn_domain::aggregates::appeal::AppealError;
use termijn_domain::aggregates::objection::ObjectionError;
use termijn_domain::aggregates::reference_data::ReferenceDataError;
use termijn_domain::aggregates::space_decision::SpaceDecisionError;
use termijn_domain::aggregates::tariff_decision::TariffDecisionError;

use crate::store::{AppendError, StoreError};

/// Why a command was not recorded. Nothing is recorded in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The input breaks a rule; `field` names the request field when there is one.
    #[error("{message}")]
    Invalid { field: Option<String>, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The write conflicts with what is recorded (a duplicate id, or a concurrent write that came first).
    #[error("{0}")]
    Conflict(String),
    /// Another request with the same idempotency key was recorded at the same moment.
    #[error("the idempotency key was used by another request at the same time")]
    IdempotencyKeyTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database is away or cannot take the write now; nothing was recorded, and a retry may succeed.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl CommandError {
    pub(super) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid { field: Some(field.to_owned()), message: message.into() }
    }
}

/// How a domain error becomes a command error: duplicates and repeated steps conflict, a missing record is
/// not found, everything else is invalid input naming its field.
trait Rejection: std::error::Error {
    fn field(&self) -> Option<String>;
    fn is_conflict(&self) -> bool;
    fn is_not_found(&self) -> bool;
}

macro_rules! rejection {
    ($error:ty, conflicts: $conflicts:pat, not_found: $not_found:pat) => {
        impl Rejection for $error {
            fn field(&self) -> Option<String> {
                <$error>::field(self)
            }
            fn is_conflict(&self) -> bool {
                matches!(self, $conflicts)
            }
            fn is_not_found(&self) -> bool {
                matches!(self, $not_found)
            }
        }
    };
}

rejection!(SpaceDecisionError, conflicts: SpaceDecisionError::AlreadyRecorded(_) | SpaceDecisionError::AlreadyAnnounced(_),
    not_found: SpaceDecisionError::NotRecorded);
rejection!(TariffDecisionError, conflicts: TariffDecisionError::AlreadyRecorded(_) | TariffDecisionError::AlreadyAnnounced(_),
    not_found: TariffDecisionError::NotRecorded);
rejection!(AppealError, conflicts: AppealError::AlreadyLodged(_) | AppealError::AlreadyEnded(_), not_found: AppealError::NotLodged);
/// Reference data that cannot be read is neither a conflict nor missing.
impl Rejection for ReferenceDataError {
    fn field(&self) -> Option<String> {
        ReferenceDataError::field(self)
    }
    fn is_conflict(&self) -> bool {
        false
    }
    fn is_not_found(&self) -> bool {
        false
    }
}
rejection!(ObjectionError, conflicts: ObjectionError::AlreadyLodged(_) | ObjectionError::AlreadyDecided(_),
    not_found: ObjectionError::NotLodged);

impl<E: Rejection> From<AggregateError<E>> for CommandError {
    fn from(error: AggregateError<E>) -> Self {
        match error {
            AggregateError::UserError(e) if e.is_conflict() => Self::Conflict(e.to_string()),
            AggregateError::UserError(e) if e.is_not_found() => Self::NotFound(e.to_string()),
            AggregateError::UserError(e) => Self::Invalid { field: e.field(), message: e.to_string() },
            AggregateError::AggregateConflict => {
                Self::Conflict("another write to the same record came first; read it again and retry".to_owned())
            }
            AggregateError::DatabaseConnectionError(e) => Self::Unavailable(e.to_string()),
            AggregateError::UnexpectedError(e) => match e.downcast::<AppendError>() {
                Ok(append) if matches!(*append, AppendError::IdempotencyKeyTaken) => Self::IdempotencyKeyTaken,
                Ok(append) if append.is_unavailable() => Self::Unavailable(append.to_string()),
                Ok(append) => Self::Internal(append.to_string()),
                Err(other) => match other.downcast::<sqlx::Error>() {
                    Ok(sql) if crate::store::database_unavailable(&sql) => Self::Unavailable(sql.to_string()),
                    Ok(sql) => Self::Internal(sql.to_string()),
                    Err(other) => Self::Internal(other.to_string()),
                },
            },
            other => Self::Internal(other.to_string()),
        }
    }
}
