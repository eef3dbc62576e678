//! The Merkle tree over the event log, hashed as RFC 9162 (and RFC 6962 before it) specifies, through the
//! `tlog_tiles` crate (a port of Go's `golang.org/x/mod/sumdb/tlog`).
//!
//! Leaf `i` is the event at position `i + 1`; its data is the 32 bytes of that event's chain hash, so a leaf
//! covers the event's columns and the whole history before it. Leaf hash `SHA-256(0x00 || data)`, node hash
//! `SHA-256(0x01 || left || right)`. The tree is kept as Go's tlog keeps it: each append stores the leaf hash and
//! the hash of every subtree it completes (about two hashes per event), by `tlog_tiles::stored_hash_index`, and
//! any root or proof of any size up to the log's is computed from at most a few dozen of those.

use std::cell::RefCell;
use std::collections::HashMap;

pub use tlog_tiles::Hash;
use tlog_tiles::{HashReader, record_hash, split_stored_hash_index, stored_hash_index};

/// The data of the leaf of an event: its chain hash, as bytes.
///
/// # Errors
/// When `chain_hash` is not 64 hexadecimal digits.
pub fn leaf_data(chain_hash: &str) -> Result<[u8; 32], String> {
    let mut data = [0_u8; 32];
    hex::decode_to_slice(chain_hash, &mut data).map_err(|e| format!("a chain hash of 64 hex digits: {e}"))?;
    Ok(data)
}

/// The hash of the leaf of the event whose chain hash is `chain_hash`.
///
/// # Errors
/// When `chain_hash` is not 64 hexadecimal digits.
pub fn leaf_hash(chain_hash: &str) -> Result<Hash, String> {
    Ok(record_hash(&leaf_data(chain_hash)?))
}

/// The right edge of the tree: at each level, the last complete subtree and its hash. It is all an append
/// needs, and it gives the root of the tree as it stands, so the writer appends without reading the database.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frontier {
    size: u64,
    /// By level: the index of the last complete subtree at that level, and its hash.
    levels: Vec<(u64, Hash)>,
}

impl Frontier {
    /// The leaves in the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The stored hashes the frontier of a tree of `size` leaves is made of: what to read to rebuild it.
    pub fn indexes_for(size: u64) -> Vec<u64> {
        (0..64_u8)
            .take_while(|level| size >> level > 0)
            .map(|level| stored_hash_index(level, (size >> level) - 1))
            .collect()
    }

    /// The frontier of a tree of `size` leaves from the stored hashes at [`Frontier::indexes_for`]`(size)`.
    ///
    /// # Errors
    /// When a hash is missing.
    pub fn from_stored(size: u64, stored: &HashMap<u64, Hash>) -> Result<Self, String> {
        let levels = Self::indexes_for(size)
            .into_iter()
            .map(|index| {
                let (_, n) = split_stored_hash_index(index);
                stored.get(&index).map(|hash| (n, *hash)).ok_or_else(|| format!("stored hash {index} is missing"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { size, levels })
    }

    /// Appends one leaf; the stored hashes to keep, by index: the leaf's own and those of the subtrees it
    /// completes.
    pub fn append(&mut self, leaf: Hash) -> Vec<(u64, Hash)> {
        let n = self.size;
        let stored = tlog_tiles::stored_hashes_for_record_hash(n, leaf, &*self)
            .expect("the frontier holds every hash an append reads");
        let first = stored_hash_index(0, n);
        for (level, hash) in stored.iter().enumerate() {
            let entry = (n >> level, *hash);
            match self.levels.get_mut(level) {
                Some(held) => *held = entry,
                None => self.levels.push(entry),
            }
        }
        self.size += 1;
        (first..).zip(stored).collect()
    }

    /// The root hash of the tree as it stands.
    pub fn root(&self) -> Hash {
        tlog_tiles::tree_hash(self.size, self).expect("the frontier holds every hash of the root")
    }
}

impl HashReader for Frontier {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&index| {
                let (level, n) = split_stored_hash_index(index);
                match self.levels.get(usize::from(level)) {
                    Some((held, hash)) if *held == n => Ok(*hash),
                    _ => Err(tlog_tiles::Error::InvalidInput(format!("stored hash {index} is not on the frontier"))),
                }
            })
            .collect()
    }
}

/// Stored hashes fetched from the store. A computation over them is done in two passes: the first learns which
/// stored hashes it reads (they depend on the sizes only), the caller fetches those, and the second computes
/// from them.
pub struct Stored {
    hashes: HashMap<u64, Hash>,
    /// In the first pass: every index asked for, each answered with a placeholder.
    asked: Option<RefCell<Vec<u64>>>,
}

impl Stored {
    /// The stored hashes `compute` reads.
    pub fn needed<T>(compute: impl FnOnce(&Stored) -> Result<T, tlog_tiles::Error>) -> Vec<u64> {
        let asking = Self { hashes: HashMap::new(), asked: Some(RefCell::new(Vec::new())) };
        // The answer of this pass is computed from placeholders and thrown away.
        let _ = compute(&asking);
        let mut indexes = asking.asked.map(RefCell::into_inner).unwrap_or_default();
        indexes.sort_unstable();
        indexes.dedup();
        indexes
    }

    pub fn new(hashes: HashMap<u64, Hash>) -> Self {
        Self { hashes, asked: None }
    }
}

impl HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        if let Some(asked) = &self.asked {
            asked.borrow_mut().extend_from_slice(indexes);
            return Ok(vec![Hash::default(); indexes.len()]);
        }
        indexes
            .iter()
            .map(|index| {
                self.hashes
                    .get(index)
                    .copied()
                    .ok_or_else(|| tlog_tiles::Error::InvalidInput(format!("stored hash {index} is missing")))
            })
            .collect()
    }
}

/// The root of the tree of the first `size` leaves.
pub fn root(size: u64, hashes: &impl HashReader) -> Result<Hash, tlog_tiles::Error> {
    tlog_tiles::tree_hash(size, hashes)
}

/// The inclusion proof (RFC 9162, 2.1.3) of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof(size: u64, index: u64, hashes: &impl HashReader) -> Result<Vec<Hash>, tlog_tiles::Error> {
    tlog_tiles::prove_record(size, index, hashes)
}

/// The consistency proof (RFC 9162, 2.1.4) of the tree of `from` leaves with the tree of `to` leaves.
pub fn consistency_proof(from: u64, to: u64, hashes: &impl HashReader) -> Result<Vec<Hash>, tlog_tiles::Error> {
    if from == to {
        return Ok(Vec::new());
    }
    tlog_tiles::prove_tree(to, from, hashes)
}

/// Whether `proof` shows leaf `index` with hash `leaf` in the tree of `size` leaves whose root is `root`.
pub fn includes(proof: &[Hash], size: u64, root: Hash, index: u64, leaf: Hash) -> bool {
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf).is_ok()
}

/// Whether `proof` shows that the tree of `to` leaves with root `to_root` extends the tree of `from` leaves with
/// root `from_root`: the log has only grown.
pub fn extends(proof: &[Hash], from: u64, from_root: Hash, to: u64, to_root: Hash) -> bool {
    if from == to {
        return proof.is_empty() && from_root == to_root;
    }
    tlog_tiles::check_tree(&proof.to_vec(), to, to_root, from, from_root).is_ok()
}

/// Every stored hash of a whole tree, from its leaves in order: what an auditor rebuilds from an export.
pub fn stored_hashes_of(leaves: impl IntoIterator<Item = Hash>) -> (Frontier, HashMap<u64, Hash>) {
    let mut frontier = Frontier::default();
    let mut all = HashMap::new();
    for leaf in leaves {
        all.extend(frontier.append(leaf));
    }
    (frontier, all)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// RFC 9162, 2.1.1, written out: MTH over the leaf hashes.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Hash(Sha256::digest([]).into()),
            1 => leaves[0],
            n => {
                let k = n.next_power_of_two() / 2;
                let mut node = Sha256::new();
                node.update([1]);
                node.update(mth(&leaves[..k]).0);
                node.update(mth(&leaves[k..]).0);
                Hash(node.finalize().into())
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&format!("{:064x}", i * 7 + 1)).expect("a hash")).collect()
    }

    #[test]
    fn the_frontier_gives_the_root_of_rfc_9162_at_every_size() {
        let all = leaves(70);
        let mut frontier = Frontier::default();
        let mut stored = HashMap::new();
        for (i, leaf) in all.iter().enumerate() {
            stored.extend(frontier.append(*leaf));
            assert_eq!(frontier.root(), mth(&all[..=i]), "size {}", i + 1);
            let again = Frontier::from_stored(frontier.size(), &stored).expect("the stored hashes");
            assert_eq!(again, frontier);
        }
        assert_eq!(stored.len() as u64, tlog_tiles::stored_hash_count(70));
    }

    #[test]
    fn proofs_from_the_stored_hashes_check_and_fail_for_another_leaf_or_root() {
        let all = leaves(37);
        let (_, stored) = stored_hashes_of(all.clone());
        let stored = Stored::new(stored);
        for size in [1_u64, 2, 5, 16, 37] {
            let root = root(size, &stored).expect("a root");
            assert_eq!(root, mth(&all[..size as usize]));
            for index in 0..size {
                let proof = inclusion_proof(size, index, &stored).expect("a proof");
                assert!(includes(&proof, size, root, index, all[index as usize]));
                assert!(!includes(&proof, size, root, index, all[(index as usize + 1) % 37]) || size == 1);
            }
            for from in 1..=size {
                let proof = consistency_proof(from, size, &stored).expect("a proof");
                let old = mth(&all[..from as usize]);
                assert!(extends(&proof, from, old, size, root), "{from} -> {size}");
                assert!(!extends(&proof, from, all[0], size, root) || (from == 1 && old == all[0]));
            }
        }
    }

    #[test]
    fn the_first_pass_names_exactly_the_hashes_the_second_reads() {
        let (_, stored) = stored_hashes_of(leaves(1000));
        let needed = Stored::needed(|hashes| inclusion_proof(999, 123, hashes));
        let subset: HashMap<u64, Hash> = needed.iter().map(|i| (*i, stored[i])).collect();
        let proof = inclusion_proof(999, 123, &Stored::new(subset)).expect("a proof from the fetched hashes");
        assert_eq!(proof, inclusion_proof(999, 123, &Stored::new(stored)).expect("a proof"));
        assert!(needed.len() <= 40, "{}", needed.len());
    }
}
