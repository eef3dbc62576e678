//! Proof for auditors that does not rest on trusting the database: a Merkle tree over the log (`merkle`), signed
//! checkpoints of it (`checkpoint`), inclusion and consistency proofs, and an audit bundle checked without the
//! database (`bundle`).

pub mod bundle;
pub mod checkpoint;
pub mod merkle;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use self::checkpoint::CheckpointKey;
use self::merkle::{Hash, Stored};
use crate::store::{CheckpointRecord, Store, StoreError, format_instant};

/// Why a checkpoint or proof cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The question names sizes or positions the log does not have; the field and why.
    #[error("{field}: {message}")]
    Field { field: &'static str, message: String },
    #[error("{0}")]
    Key(String),
    #[error("no checkpoint is signed yet: the log is empty")]
    NothingSigned,
    #[error("the Merkle tree is broken: {0}")]
    Tree(String),
}

/// When checkpoints are signed by themselves.
#[derive(Debug, Clone, Copy)]
pub struct SigningPolicy {
    /// At least every this many events.
    pub every_events: u64,
    /// And at least this often while the log grows.
    pub every: Duration,
}

/// The register's checkpoints and proofs.
#[derive(Clone)]
pub struct Checkpoints {
    store: Store,
    key: Arc<CheckpointKey>,
}

/// An inclusion proof (RFC 9162, 2.1.3) of one event.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    /// The event's position in the log.
    pub position: i64,
    /// Its leaf: `position - 1`.
    pub leaf_index: u64,
    pub tree_size: u64,
    /// The event's chain hash (hex), the leaf's data.
    pub leaf_data: String,
    /// `SHA-256(0x00 || leaf data)`, base64.
    pub leaf_hash: String,
    /// The root of the tree of `tree_size` leaves, base64.
    pub root_hash: String,
    /// The audit path, base64, from the leaf up.
    pub proof: Vec<String>,
}

/// A consistency proof (RFC 9162, 2.1.4) that the tree of `to` leaves extends the tree of `from` leaves.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    /// Roots of both trees, base64.
    pub from_root: String,
    pub to_root: String,
    pub proof: Vec<String>,
}

fn base64(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(ToString::to_string).collect()
}

impl Checkpoints {
    /// The register's key from `key_file`, created there with `origin` as its name when the register has none;
    /// refused when the file holds another key than the one the register recorded, or is missing while the
    /// register has one.
    pub async fn open(store: Store, key_file: &std::path::Path, origin: &str) -> Result<Self, AuditError> {
        let recorded = store.checkpoint_key().await?;
        let key = match &recorded {
            Some(recorded) if !key_file.exists() => {
                return Err(AuditError::Key(format!(
                    "this register's checkpoints are signed with {recorded}, whose key file {} is missing: \
                     put it back, or point --checkpoint-key at it",
                    key_file.display()
                )));
            }
            Some(_) => CheckpointKey::load(key_file).map_err(AuditError::Key)?,
            None => {
                let (key, created) = CheckpointKey::load_or_create(key_file, origin).map_err(AuditError::Key)?;
                if created {
                    tracing::info!(file = %key_file.display(), verifier_key = key.verifier_key(), "checkpoint key created");
                }
                key
            }
        };
        let recorded = store.record_checkpoint_key(key.verifier_key()).await?;
        if recorded != key.verifier_key() {
            return Err(AuditError::Key(format!(
                "{} holds the key {}, but this register's checkpoints are signed with {recorded}",
                key_file.display(),
                key.verifier_key()
            )));
        }
        Ok(Self { store, key: Arc::new(key) })
    }

    pub fn verifier_key(&self) -> &str {
        self.key.verifier_key()
    }

    /// The latest signed checkpoint.
    pub async fn latest(&self) -> Result<Option<CheckpointRecord>, AuditError> {
        Ok(self.store.latest_checkpoint().await?)
    }

    /// Signs a checkpoint of the tree as it stands, unless the latest already is of this size; that checkpoint.
    pub async fn sign_now(&self) -> Result<CheckpointRecord, AuditError> {
        let size = self.store.tree_size().await?;
        let latest = self.store.latest_checkpoint().await?;
        if let Some(latest) = latest.filter(|l| l.tree_size >= size) {
            return Ok(latest);
        }
        self.sign(size).await
    }

    /// Signs a checkpoint of the tree of `size` leaves and records it (a checkpoint of that size recorded
    /// before stays as it is); the latest checkpoint.
    pub async fn sign(&self, size: u64) -> Result<CheckpointRecord, AuditError> {
        if size == 0 {
            return Err(AuditError::NothingSigned);
        }
        let root = over_stored(&self.store, |stored| merkle::root(size, stored)).await?;
        let note = self.key.sign(size, root).map_err(AuditError::Key)?;
        let record = CheckpointRecord {
            tree_size: size,
            root_hash: root.to_string(),
            note,
            signed_at: format_instant(Utc::now()),
        };
        self.store.record_checkpoint(&record).await?;
        Ok(self.store.latest_checkpoint().await?.unwrap_or(record))
    }

    /// Signs checkpoints as `policy` says, for as long as the server runs.
    pub async fn keep_signing(self, policy: SigningPolicy) {
        let mut since = tokio::time::Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (Ok(size), Ok(latest)) = (self.store.tree_size().await, self.store.latest_checkpoint().await) else {
                continue;
            };
            let signed = latest.map_or(0, |l| l.tree_size);
            let due = size > signed && (size - signed >= policy.every_events || since.elapsed() >= policy.every);
            if due {
                match self.sign_now().await {
                    Ok(checkpoint) => {
                        since = tokio::time::Instant::now();
                        tracing::info!(tree_size = checkpoint.tree_size, "checkpoint signed");
                    }
                    Err(error) => tracing::warn!(%error, "a checkpoint could not be signed"),
                }
            }
        }
    }
}

/// The tree size asked for, checked against the tree.
async fn tree_of(store: &Store, field: &'static str, size: u64) -> Result<u64, AuditError> {
    let held = store.tree_size().await?;
    if size == 0 || size > held {
        return Err(AuditError::Field { field, message: format!("must be a tree size from 1 to {held}") });
    }
    Ok(size)
}

/// Computes over the stored hashes in two passes: which it reads, then from those read in one statement.
async fn over_stored<T>(
    store: &Store,
    compute: impl Fn(&Stored) -> Result<T, tlog_tiles::Error>,
) -> Result<T, AuditError> {
    let needed = Stored::needed(&compute);
    let stored = Stored::new(store.stored_hashes(&needed).await?);
    compute(&stored).map_err(|e| AuditError::Tree(e.to_string()))
}

/// The inclusion proof of the event at `position` in the tree of `tree_size` leaves.
pub async fn inclusion_proof(store: &Store, position: i64, tree_size: u64) -> Result<InclusionProof, AuditError> {
    let size = tree_of(store, "tree_size", tree_size).await?;
    let index = u64::try_from(position - 1)
        .ok()
        .filter(|i| *i < size)
        .ok_or_else(|| AuditError::Field { field: "position", message: format!("must be from 1 to {size}") })?;
    let chain_hash = store
        .leaf_chain_hash(position)
        .await?
        .ok_or_else(|| AuditError::Tree(format!("the event at {position} is missing")))?;
    let leaf = merkle::leaf_hash(&chain_hash).map_err(AuditError::Tree)?;
    let (root, proof) =
        over_stored(store, |stored| Ok((merkle::root(size, stored)?, merkle::inclusion_proof(size, index, stored)?)))
            .await?;
    Ok(InclusionProof {
        position,
        leaf_index: index,
        tree_size: size,
        leaf_data: chain_hash,
        leaf_hash: leaf.to_string(),
        root_hash: root.to_string(),
        proof: base64(&proof),
    })
}

/// The consistency proof of the tree of `from` leaves with the tree of `to` leaves.
pub async fn consistency_proof(store: &Store, from: u64, to: u64) -> Result<ConsistencyProof, AuditError> {
    let to = tree_of(store, "to", to).await?;
    if from == 0 || from > to {
        return Err(AuditError::Field { field: "from", message: format!("must be a tree size from 1 to {to}") });
    }
    let (from_root, to_root, proof) = over_stored(store, |stored| {
        Ok((merkle::root(from, stored)?, merkle::root(to, stored)?, merkle::consistency_proof(from, to, stored)?))
    })
    .await?;
    Ok(ConsistencyProof {
        from,
        to,
        from_root: from_root.to_string(),
        to_root: to_root.to_string(),
        proof: base64(&proof),
    })
}
