//! Signed checkpoints: the C2SP tlog-checkpoint text (origin, tree size, base64 root hash) in a C2SP signed note,
//! signed with Ed25519, through the `tlog_tiles` and `signed_note` crates (ports of Go's sumdb `tlog` and `note`).
//! The register's signing key lives in a file outside the database, in the signer-key format of Go's
//! `golang.org/x/mod/sumdb/note` (`PRIVATE+KEY+name+keyhash+base64`), followed by its verifier key
//! (`name+keyhash+base64(0x01 || public key)`); the database records the verifier key only.

use std::io::Write;
use std::path::Path;

use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::{Checkpoint, Hash};

/// The key a register signs its checkpoints with.
pub struct CheckpointKey {
    signer: StandardSigner,
    verifier_key: String,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointKey").field("verifier_key", &self.verifier_key).finish_non_exhaustive()
    }
}

impl CheckpointKey {
    /// Reads the key file at `path`; when there is none, creates one with a new key named `origin` (readable by
    /// its owner only, written durably, never over an existing file). Whether it was created.
    ///
    /// # Errors
    /// When the file cannot be read, written, or is not a key this function wrote.
    pub fn load_or_create(path: &Path, origin: &str) -> Result<(Self, bool), String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::from_text(&text).map_err(|e| format!("{}: {e}", path.display()))?, false)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok((Self::create(path, origin).map_err(|e| format!("{}: {e}", path.display()))?, true))
            }
            Err(error) => Err(format!("{}: {error}", path.display())),
        }
    }

    /// Reads the key file at `path`.
    ///
    /// # Errors
    /// When it cannot be read or holds no key.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_text(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn from_text(text: &str) -> Result<Self, String> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let (Some(signer_key), Some(verifier_key)) = (lines.next(), lines.next()) else {
            return Err("a checkpoint key file holds a signer key and a verifier key, one per line".to_owned());
        };
        let signer = StandardSigner::new(signer_key).map_err(|e| format!("the signer key cannot be read: {e}"))?;
        let key = Self { signer, verifier_key: verifier_key.to_owned() };
        // The two lines belong together: what the one signs, the other verifies.
        let probe = key.sign_text(b"termijn key check\n")?;
        verify_note(&probe, &key.verifier_key).map_err(|_| "the verifier key is not the signer key's".to_owned())?;
        Ok(key)
    }

    fn create(path: &Path, origin: &str) -> Result<Self, String> {
        if !signed_note::is_key_name_valid(origin) {
            return Err(format!("{origin:?} cannot name a key: no spaces or plus signs"));
        }
        let mut seed = [0_u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no randomness for a key: {e}"))?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let verifier_key = signed_note::new_ed25519_verifier_key(origin, &signing.verifying_key());
        let private = [&[1_u8][..], signing.to_bytes().as_slice()].concat();
        let public = [&[1_u8][..], signing.verifying_key().to_bytes().as_slice()].concat();
        let signer_key =
            format!("PRIVATE+KEY+{origin}+{:08x}+{}", signed_note::key_id(origin, &public), base64_standard(&private));
        let text = format!("{signer_key}\n{verifier_key}\n");
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        write_key_file(path, text.as_bytes()).map_err(|e| e.to_string())?;
        Self::from_text(&text)
    }

    /// The verifier key: `name+keyhash+base64(0x01 || public key)`, as Go's `note.NewVerifier` reads it.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// The origin line of this register's checkpoints: the key's name.
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The signed checkpoint of the tree of `size` leaves with root `root`.
    ///
    /// # Errors
    /// When the checkpoint cannot be formed or signed.
    pub fn sign(&self, size: u64, root: Hash) -> Result<String, String> {
        let checkpoint = Checkpoint::new(self.origin(), size, root, "").map_err(|e| e.to_string())?;
        self.sign_text(&checkpoint.to_bytes())
    }

    fn sign_text(&self, text: &[u8]) -> Result<String, String> {
        let mut note = Note::new(text, &[]).map_err(|e| e.to_string())?;
        note.add_sigs(&[&self.signer]).map_err(|e| e.to_string())?;
        String::from_utf8(note.to_bytes()).map_err(|e| e.to_string())
    }
}

/// Writes a key file: readable by its owner only, durably, never over an existing file.
///
/// # Errors
/// When the file exists or cannot be written.
pub fn write_key_file(path: &Path, key: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(key)?;
    file.sync_all()
}

/// A checkpoint whose signature verified: its origin, tree size and root hash.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// Checks the signature of `note` by `verifier_key` and reads the checkpoint it signs.
///
/// # Errors
/// When the note is not signed by that key, or does not hold a checkpoint of that key's origin.
pub fn verify_checkpoint(note: &str, verifier_key: &str) -> Result<VerifiedCheckpoint, String> {
    let text = verify_note(note, verifier_key)?;
    let checkpoint = Checkpoint::from_bytes(&text).map_err(|e| format!("the note holds no checkpoint: {e}"))?;
    let name = verifier_key.split('+').next().unwrap_or_default();
    if checkpoint.origin() != name {
        return Err(format!("the checkpoint is of log {:?}, the key of {name:?}", checkpoint.origin()));
    }
    Ok(VerifiedCheckpoint { origin: checkpoint.origin().to_owned(), size: checkpoint.size(), root: *checkpoint.hash() })
}

fn verify_note(note: &str, verifier_key: &str) -> Result<Vec<u8>, String> {
    let verifier = StandardVerifier::new(verifier_key).map_err(|e| format!("the verifier key cannot be read: {e}"))?;
    let known = VerifierList::new(vec![Box::new(verifier)]);
    let note = Note::from_bytes(note.as_bytes()).map_err(|e| format!("not a signed note: {e}"))?;
    note.verify(&known).map_err(|e| format!("the signature does not verify with this key: {e}"))?;
    Ok(note.text().to_vec())
}

/// Standard base64 with padding, as the signer-key format writes it.
fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_signs_checkpoints_its_verifier_key_accepts_and_no_other() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("checkpoint.key");
        let (key, created) = CheckpointKey::load_or_create(&path, "termijn/test").expect("a key");
        assert!(created);
        let (again, created) = CheckpointKey::load_or_create(&path, "termijn/other").expect("the same key");
        assert!(!created);
        assert_eq!(again.verifier_key(), key.verifier_key());
        let root = tlog_tiles::record_hash(b"leaf");
        let note = key.sign(7, root).expect("signed");
        assert!(note.starts_with("termijn/test\n7\n"), "{note}");
        let checkpoint = verify_checkpoint(&note, key.verifier_key()).expect("it verifies");
        assert_eq!((checkpoint.size, checkpoint.root), (7, root));
        let other = CheckpointKey::create(&dir.path().join("other.key"), "termijn/test").expect("another key");
        assert!(verify_checkpoint(&note, other.verifier_key()).is_err());
        assert!(verify_checkpoint(&note.replacen("\n7\n", "\n8\n", 1), key.verifier_key()).is_err());
    }
}
