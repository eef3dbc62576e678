//! The audit bundle: the events as JSON Lines, a signed checkpoint covering exactly them, and the verifier key;
//! and the check of a bundle without the database.

use std::io::{BufRead, Write};
use std::path::Path;

use super::checkpoint::{VerifiedCheckpoint, verify_checkpoint};
use super::merkle::{self, Stored};
use super::{AuditError, Checkpoints};
use crate::store::{EventQuery, Store};

pub const EVENTS: &str = "events.jsonl";
pub const CHECKPOINT: &str = "checkpoint.txt";
pub const KEY: &str = "verifier-key.txt";

/// Writes a bundle of the whole log into `dir` (absent or empty), with a checkpoint signed now; the checkpoint's
/// tree size.
pub async fn export(store: &Store, checkpoints: &Checkpoints, dir: &Path) -> Result<u64, AuditError> {
    let io = |e: std::io::Error| AuditError::Key(format!("{}: {e}", dir.display()));
    if dir.exists() && std::fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(AuditError::Field { field: "to", message: format!("{} is not empty", dir.display()) });
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let checkpoint = checkpoints.sign_now().await?;
    let size = i64::try_from(checkpoint.tree_size).map_err(|e| AuditError::Tree(e.to_string()))?;
    let mut events = std::io::BufWriter::new(std::fs::File::create(dir.join(EVENTS)).map_err(io)?);
    let (mut after, mut previous) = (0, crate::store::chain::GENESIS.to_owned());
    while after < size {
        let rows = store.rows(&EventQuery { after, limit: 2_000, ..EventQuery::default() }).await?;
        if rows.is_empty() {
            break;
        }
        for row in rows.iter().take_while(|r| r.position <= size) {
            events.write_all(crate::http::history::json_line(row, &previous).as_bytes()).map_err(io)?;
            previous.clone_from(&row.hash);
            after = row.position;
        }
    }
    events.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
    std::fs::write(dir.join(CHECKPOINT), &checkpoint.note).map_err(io)?;
    std::fs::write(dir.join(KEY), format!("{}\n", checkpoints.verifier_key())).map_err(io)?;
    Ok(checkpoint.tree_size)
}

/// What a bundle was found to hold.
#[derive(Debug, Clone)]
pub struct Audited {
    pub checkpoint: VerifiedCheckpoint,
    /// The tree size of the checkpoint saved earlier that the log was shown to extend.
    pub extends: Option<u64>,
}

/// Checks a bundle without the database: the checkpoint's signature, every event's hash and chain, the tree's
/// root against the checkpoint and, given a checkpoint saved earlier (`saved`), that the log only grew since.
/// `key` is the verifier key the auditor kept; without it, the bundle's. The first problem found, in words.
pub fn audit(dir: &Path, saved: Option<&str>, key: Option<&str>) -> Result<Audited, String> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let key = match key {
        Some(key) => key.trim().to_owned(),
        None => read(KEY)?.trim().to_owned(),
    };
    let checkpoint = verify_checkpoint(&read(CHECKPOINT)?, &key).map_err(|e| format!("{CHECKPOINT}: {e}"))?;
    let file = std::fs::File::open(dir.join(EVENTS)).map_err(|e| format!("{EVENTS}: {e}"))?;
    let mut leaves = Vec::new();
    let mut previous = crate::store::chain::GENESIS.to_owned();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{EVENTS}: {e}"))?;
        let position = i as i64 + 1;
        let hash = checked_line(&line, position, &previous).map_err(|e| format!("{EVENTS}, event {position}: {e}"))?;
        leaves.push(merkle::leaf_hash(&hash)?);
        previous = hash;
    }
    if leaves.len() as u64 != checkpoint.size {
        return Err(format!(
            "{EVENTS} holds {} events, the signed checkpoint covers {}: events were added or taken away",
            leaves.len(),
            checkpoint.size
        ));
    }
    let (frontier, stored) = merkle::stored_hashes_of(leaves);
    if frontier.root() != checkpoint.root {
        return Err("the Merkle root of the events is not the root the checkpoint signs".to_owned());
    }
    let extends = match saved {
        None => None,
        Some(saved) => {
            let earlier = verify_checkpoint(saved, &key).map_err(|e| format!("the saved checkpoint: {e}"))?;
            if earlier.size > checkpoint.size {
                return Err(format!(
                    "the saved checkpoint covers {} events, the log now {}: events were taken away",
                    earlier.size, checkpoint.size
                ));
            }
            let proof = merkle::consistency_proof(earlier.size, checkpoint.size, &Stored::new(stored))
                .map_err(|e| e.to_string())?;
            if !merkle::extends(&proof, earlier.size, earlier.root, checkpoint.size, checkpoint.root) {
                return Err(format!(
                    "the log is not the one the saved checkpoint of {} events signed: its history was rewritten",
                    earlier.size
                ));
            }
            Some(earlier.size)
        }
    };
    Ok(Audited { checkpoint, extends })
}

/// Checks one line of the events: its place in the chain, that `chained` is this event's columns, and that its
/// hash covers them; its hash.
fn checked_line(line: &str, position: i64, previous: &str) -> Result<String, String> {
    let event: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let text = |field: &str| event[field].as_str().map(str::to_owned).ok_or(format!("{field} is missing"));
    if event["position"].as_i64() != Some(position) {
        return Err(format!(
            "its position is {}, expected {position}: events were reordered, added or taken away",
            event["position"]
        ));
    }
    if text("previous_hash")? != previous {
        return Err("it does not follow the event before it in the chain".to_owned());
    }
    let chained_text = text("chained")?;
    let chained: Vec<serde_json::Value> =
        serde_json::from_str(&chained_text).map_err(|e| format!("chained is not a JSON array: {e}"))?;
    let column = |i: usize| chained.get(i).cloned().unwrap_or(serde_json::Value::Null);
    let stream = format!("{}/{}", column(1).as_str().unwrap_or_default(), column(2).as_str().unwrap_or_default());
    let payload: serde_json::Value = column(6).as_str().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default();
    let same = column(0) == event["position"]
        && serde_json::Value::String(stream) == event["stream"]
        && column(3) == event["sequence"]
        && column(4) == event["type"]
        && column(5) == event["version"]
        && payload == event["payload"]
        && column(8) == event["recorded_at"]
        && column(9) == event["recorded_by"];
    if !same {
        return Err("its columns are not those its hash covers (chained)".to_owned());
    }
    let hash = crate::store::chain::hash_of_text(previous, &chained_text);
    if hash != text("hash")? {
        return Err("its hash is not the hash of its columns: it was altered".to_owned());
    }
    Ok(hash)
}
