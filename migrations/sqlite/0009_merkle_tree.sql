-- The Merkle tree over the event log (RFC 9162 hashing), kept as Go's tlog keeps it: the hash of each leaf and of
-- each complete subtree, by its stored-hash index, written in the same transaction as the events. `tree_size`
-- is how many events the tree covers; a log recorded before the tree existed is brought in by the writer.
ALTER TABLE chain_head ADD COLUMN tree_size INTEGER NOT NULL DEFAULT 0;

CREATE TABLE merkle_hashes
(
    idx  INTEGER NOT NULL PRIMARY KEY,
    hash BLOB    NOT NULL
);

-- The public key the register's checkpoints are signed with, as a C2SP verifier key; its private key is kept in a
-- file outside the database.
CREATE TABLE checkpoint_key
(
    id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    verifier_key TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note), one per tree size.
CREATE TABLE checkpoints
(
    tree_size INTEGER NOT NULL PRIMARY KEY,
    root_hash TEXT    NOT NULL,
    note      TEXT    NOT NULL,
    signed_at TEXT    NOT NULL
);
