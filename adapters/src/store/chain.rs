//! The hash chain over the event log: each event's hash covers its own columns and the hash of the event
//! before it, so an edited, deleted, inserted or reordered row breaks the chain at that row.

use sha2::{Digest, Sha256};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The columns of one event row that its hash covers, exactly as stored.
#[derive(Debug, Clone, Copy)]
pub struct ChainedRow<'a> {
    pub position: i64,
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a str,
    pub metadata: &'a str,
    pub recorded_at: &'a str,
    pub recorded_by: &'a str,
    pub idempotency_key: Option<&'a str>,
}

/// SHA-256 over the previous hash, a newline and the row's [`chained_text`], hex encoded.
pub fn hash(previous: &str, row: &ChainedRow<'_>) -> String {
    hash_of_text(previous, &chained_text(row))
}

/// SHA-256 over the previous hash, a newline and a row's [`chained_text`] as given (an export's `chained`).
pub fn hash_of_text(previous: &str, chained_text: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(previous.as_bytes());
    digest.update(b"\n");
    digest.update(chained_text.as_bytes());
    hex::encode(digest.finalize())
}

/// The columns of a row as the hash covers them: one JSON array (position, aggregate type, aggregate id,
/// sequence, event type, event version, payload, metadata, recorded at, recorded by, idempotency key), so no two
/// different rows share an encoding.
pub fn chained_text(row: &ChainedRow<'_>) -> String {
    serde_json::json!([
        row.position,
        row.aggregate_type,
        row.aggregate_id,
        row.sequence,
        row.event_type,
        row.event_version,
        row.payload,
        row.metadata,
        row.recorded_at,
        row.recorded_by,
        row.idempotency_key,
    ])
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(payload: &str) -> ChainedRow<'_> {
        ChainedRow {
            position: 1,
            aggregate_type: "appeal",
            aggregate_id: "CBb 26/0001",
            sequence: 1,
            event_type: "AppealLodged",
            event_version: "1.0",
            payload,
            metadata: "{}",
            recorded_at: "2026-01-01T00:00:00.000000Z",
            recorded_by: "jurist",
            idempotency_key: None,
        }
    }

    #[test]
    fn any_change_to_a_column_or_to_the_previous_hash_changes_the_hash() {
        let base = hash(GENESIS, &row("{}"));
        assert_eq!(base.len(), 64);
        assert_eq!(base, hash(GENESIS, &row("{}")));
        assert_ne!(base, hash(GENESIS, &row("{ }")));
        assert_ne!(base, hash(&base, &row("{}")));
        assert_ne!(base, hash(GENESIS, &ChainedRow { position: 2, ..row("{}") }));
        assert_ne!(base, hash(GENESIS, &ChainedRow { idempotency_key: Some(""), ..row("{}") }));
    }
}
