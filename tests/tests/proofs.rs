//! Proof for auditors: signed checkpoints of the Merkle tree over the log, inclusion and consistency proofs, and
//! the audit bundle. Every proof and signature is checked by an independent implementation: RFC 9162's
//! verification algorithms written out in Python from the RFC, and Ed25519 by Python's `cryptography`. Every
//! kind of rewrite of the past, a wholesale one with every chain hash recomputed included, is caught against a
//! checkpoint saved before it.

use serde_json::{Value, json};
use sqlx::{Connection, Row};
use termijn_tests::{Db, TestApp, python_reads};

/// RFC 9162 section 2.1.3.2 and 2.1.4.2, and the C2SP signed-note signature, written from the specifications.
const VERIFIER: &str = r#"
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def H(b): return hashlib.sha256(b).digest()
def node(l, r): return H(b"\x01" + l + r)

def verify_inclusion(index, size, leaf, proof, root):
    if index >= size: return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root

def verify_consistency(first, second, first_hash, second_hash, proof):
    if first == second: return not proof and first_hash == second_hash
    if first == 0 or first > second or not proof: return False
    if first & (first - 1) == 0: proof = [first_hash] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1; sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr = node(c, fr); sr = node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash

def checkpoint(note, vkey):
    name, key_id, key = vkey.split("+", 2)
    key = base64.b64decode(key)
    assert key[0] == 1 and len(key) == 33
    assert H(name.encode() + b"\n" + key)[:4].hex() == key_id
    text, signatures = note.split("\n\n", 1)
    text += "\n"
    signed = False
    for line in signatures.splitlines():
        signer, signature = line.removeprefix("\u2014 ").split(" ")
        raw = base64.b64decode(signature)
        if signer == name and raw[:4].hex() == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], text.encode())
                signed = True
            except Exception:
                signed = False
    origin, size, root = text.splitlines()[:3]
    return {"signed": signed, "origin": origin, "size": int(size), "root": root}

ask = json.load(sys.stdin)
b = base64.b64decode
answer = {"checkpoints": [checkpoint(n, ask["vkey"]) for n in ask["notes"]]}
answer["inclusions"] = [
    verify_inclusion(i["leaf_index"], i["tree_size"], H(b"\x00" + bytes.fromhex(i["chain_hash"])),
                     [b(p) for p in i["proof"]], b(i["root"]))
    for i in ask["inclusions"]]
answer["consistencies"] = [
    verify_consistency(c["from"], c["to"], b(c["from_root"]), b(c["to_root"]), [b(p) for p in c["proof"]])
    for c in ask["consistencies"]]
print(json.dumps(answer))
"#;

/// Records `n` contracting-space decisions, one event each, for years after `first_year`.
async fn record(app: &TestApp, first_year: i32, n: i32) {
    for year in first_year..first_year + n {
        let decision = json!({"decision_id": format!("NZa-RCS-{year}-T"), "kind": "establishment",
            "decided_on": format!("{}-11-10", year - 1), "announced_on": format!("{}-11-14", year - 1),
            "spaces": [{"region": "groningen", "year": year, "amount": format!("{year}.00")}]});
        let answer = app.post("/api/v1/contracting-space-decisions", Some(&app.legal), &decision).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
}

/// Signs a checkpoint of the log as it stands and answers its note, as an auditor saves it.
async fn checkpoint_now(app: &TestApp) -> String {
    let answer = app.post("/api/v1/checkpoint", Some(&app.auditor), &json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.content_type.starts_with("text/plain"), "{}", answer.content_type);
    answer.text
}

fn verifier_key(app: &TestApp) -> String {
    let (code, out, err) = app.db.run(&["checkpoint", "key"], &[]);
    assert_eq!(code, 0, "{err}");
    out.trim().to_owned()
}

async fn chain_hashes(app: &TestApp) -> Vec<(u64, String)> {
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    history["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| (e["leaf_index"].as_u64().expect("a leaf index"), e["hash"].as_str().expect("a hash").to_owned()))
        .collect()
}

/// The independent verifier's judgment of these checkpoints and proofs.
fn verified(vkey: &str, notes: &[&str], inclusions: Vec<Value>, consistencies: Vec<Value>) -> Option<Value> {
    let ask = json!({"vkey": vkey, "notes": notes, "inclusions": inclusions, "consistencies": consistencies});
    python_reads("RFC 9162 in Python with cryptography's Ed25519", VERIFIER, &ask.to_string())
}

/// Every event's inclusion in a signed checkpoint and the consistency of two checkpoints, checked outside termijn.
async fn proofs_verify_independently(app: &TestApp) {
    record(app, 2027, 5).await;
    let first = checkpoint_now(app).await;
    // The log holds the reference data the server recorded as well as the decisions.
    let m = chain_hashes(app).await.len() as u64;
    let vkey = verifier_key(app);
    let origin = vkey.split('+').next().expect("a key name").to_owned();
    assert!(first.starts_with(&format!("{origin}\n{m}\n")), "{first}");
    record(app, 2032, 4).await;
    let second = checkpoint_now(app).await;
    let latest = app.get("/api/v1/checkpoint", Some(&app.auditor)).await;
    assert_eq!(latest.text, second, "the latest checkpoint is the one signed last");

    let leaves = chain_hashes(app).await;
    let n = leaves.len() as u64;
    assert!(n > m, "the log grew");
    assert_eq!(leaves.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
    let mut inclusions = Vec::new();
    for size in [m, n] {
        for (index, chain_hash) in leaves.iter().take(size as usize) {
            let proof = app
                .get(&format!("/api/v1/proofs/inclusion?position={}&tree_size={size}", index + 1), Some(&app.auditor))
                .await
                .json();
            assert_eq!(proof["leaf_data"], chain_hash.as_str());
            inclusions.push(json!({"leaf_index": index, "tree_size": size, "chain_hash": chain_hash,
                "proof": proof["proof"], "root": proof["root_hash"]}));
        }
    }
    // A proof for another leaf than its own must fail: the verifier is not a rubber stamp.
    let mut wrong = inclusions[1].clone();
    wrong["chain_hash"] = json!(leaves[2].1);
    inclusions.push(wrong);
    let mut consistencies = Vec::new();
    for from in 1..=n {
        let proof = app.get(&format!("/api/v1/proofs/consistency?from={from}&to={n}"), Some(&app.auditor)).await.json();
        consistencies.push(proof);
    }
    let (mu, nu) = (m as usize, n as usize);
    let mut forged = consistencies[mu - 1].clone();
    forged["from_root"] = consistencies[mu - 2]["from_root"].clone();
    consistencies.push(forged);

    let Some(verdict) = verified(&vkey, &[&first, &second], inclusions.clone(), consistencies.clone()) else {
        return;
    };
    let checkpoints = verdict["checkpoints"].as_array().expect("checkpoints");
    assert_eq!(checkpoints[0], json!({"signed": true, "origin": origin, "size": m, "root": checkpoints[0]["root"]}));
    assert_eq!((checkpoints[1]["signed"].clone(), checkpoints[1]["size"].clone()), (json!(true), json!(n)));
    // The roots the proofs are checked against are those the signed checkpoints carry.
    assert!(inclusions[..mu].iter().all(|i| i["root"] == checkpoints[0]["root"]));
    assert!(inclusions[mu..mu + nu].iter().all(|i| i["root"] == checkpoints[1]["root"]));
    assert_eq!(consistencies[mu - 1]["from_root"], checkpoints[0]["root"]);
    assert_eq!(consistencies[mu - 1]["to_root"], checkpoints[1]["root"]);
    let passed = |key: &str| verdict[key].as_array().expect("verdicts").iter().map(|v| v == true).collect::<Vec<_>>();
    let mut expected = vec![true; mu + nu];
    expected.push(false);
    assert_eq!(passed("inclusions"), expected, "every inclusion proof checks, the wrong leaf's does not");
    let mut expected = vec![true; nu];
    expected.push(false);
    assert_eq!(passed("consistencies"), expected, "every consistency proof checks, the forged one does not");

    // A signature the key did not make, or a size changed after signing, does not verify.
    let tampered = first.replacen(&format!("\n{m}\n"), &format!("\n{}\n", m + 1), 1);
    let other = verified(&vkey, &[&tampered], Vec::new(), Vec::new()).expect("a verdict");
    assert_eq!(other["checkpoints"][0]["signed"], false);

    // Bad questions name their field, and nothing answers 5xx.
    for (path, field) in [
        (format!("/api/v1/proofs/inclusion?position={}&tree_size={n}", n + 1), "position"),
        (format!("/api/v1/proofs/inclusion?position=1&tree_size={}", n + 1), "tree_size"),
        (format!("/api/v1/proofs/inclusion?position=x&tree_size={n}"), "position"),
        (format!("/api/v1/proofs/consistency?from=0&to={n}"), "from"),
        (format!("/api/v1/proofs/consistency?from={m}&to={}", n + 1), "to"),
        (format!("/api/v1/proofs/consistency?to={n}"), "from"),
    ] {
        assert_eq!(app.get(&path, Some(&app.auditor)).await.bad_fields(), vec![field], "{path}");
    }
    for token in [&app.provider_a] {
        assert_eq!(app.get("/api/v1/checkpoint", Some(token)).await.status, 403);
        assert_eq!(app.get("/api/v1/proofs/consistency?from=1&to=2", Some(token)).await.status, 403);
    }
}

#[tokio::test]
async fn checkpoints_and_proofs_verify_with_an_independent_implementation_on_sqlite() {
    proofs_verify_independently(&TestApp::spawn().await).await;
}

#[tokio::test]
async fn checkpoints_and_proofs_verify_with_an_independent_implementation_on_postgres() {
    let Some(app) = TestApp::spawn_postgres().await else { return };
    proofs_verify_independently(&app).await;
}

/// One way to change the past, made directly in the database by whoever administers it.
#[derive(Debug, Clone, Copy)]
enum Tampering {
    Edit,
    Delete,
    Insert,
    Reorder,
    /// The past edited and every chain hash after it recomputed, the tree built again from the edited log and
    /// the old checkpoints removed: the chain alone cannot see it.
    Rewrite,
}

const COLUMNS: &str = "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
    metadata, recorded_at, recorded_by, idempotency_key, hash";

/// The chain hash of a row as termijn's chain specifies it (README: the history): SHA-256 over the previous hash,
/// a newline and the JSON array of the row's columns.
fn chain_hash(previous: &str, row: &sqlx::sqlite::SqliteRow) -> String {
    use sha2::{Digest, Sha256};
    let text = json!([
        row.get::<i64, _>("position"),
        row.get::<String, _>("aggregate_type"),
        row.get::<String, _>("aggregate_id"),
        row.get::<i64, _>("sequence"),
        row.get::<String, _>("event_type"),
        row.get::<String, _>("event_version"),
        row.get::<String, _>("payload"),
        row.get::<String, _>("metadata"),
        row.get::<String, _>("recorded_at"),
        row.get::<String, _>("recorded_by"),
        row.get::<Option<String>, _>("idempotency_key"),
    ])
    .to_string();
    let mut digest = Sha256::new();
    digest.update(previous.as_bytes());
    digest.update(b"\n");
    digest.update(text.as_bytes());
    hex::encode(digest.finalize())
}

async fn tamper(db: &Db, tampering: Tampering) {
    let mut c = sqlx::SqliteConnection::connect(&db.url().expect("a url")).await.expect("the database opens");
    let statements: Vec<&str> = match tampering {
        Tampering::Edit => vec!["UPDATE events SET recorded_by = 'mallory' WHERE position = 3"],
        Tampering::Delete => vec![
            "DELETE FROM events WHERE position = 3",
            "UPDATE events SET position = position + 1000000 WHERE position > 3",
            "UPDATE events SET position = position - 1000001 WHERE position > 1000000",
        ],
        Tampering::Insert => vec![
            "UPDATE events SET position = position + 1000000 WHERE position >= 3",
            "UPDATE events SET position = position - 999999 WHERE position > 1000000",
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, \
             position, recorded_at, recorded_by, idempotency_key, hash) SELECT aggregate_type, 'NZa-RCS-FORGED', \
             sequence, event_type, event_version, payload, metadata, 3, recorded_at, recorded_by, NULL, hash \
             FROM events WHERE position = 4",
        ],
        Tampering::Reorder => vec![
            "UPDATE events SET position = 1000000 WHERE position = 3",
            "UPDATE events SET position = 3 WHERE position = 4",
            "UPDATE events SET position = 4 WHERE position = 1000000",
        ],
        Tampering::Rewrite => vec!["UPDATE events SET recorded_by = 'mallory' WHERE position = 3"],
    };
    for statement in statements {
        sqlx::query(statement).execute(&mut c).await.expect("the administrator's statement runs");
    }
    if let Tampering::Rewrite = tampering {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM events ORDER BY position"))
            .fetch_all(&mut c)
            .await
            .expect("rows");
        let mut previous = "0".repeat(64);
        for row in &rows {
            let hash = chain_hash(&previous, row);
            sqlx::query("UPDATE events SET hash = $1 WHERE position = $2")
                .bind(&hash)
                .bind(row.get::<i64, _>("position"))
                .execute(&mut c)
                .await
                .expect("rehashed");
            previous = hash;
        }
        for statement in ["DELETE FROM merkle_hashes", "DELETE FROM checkpoints", "UPDATE chain_head SET tree_size = 0"]
        {
            sqlx::query(statement).execute(&mut c).await.expect("the tree is wiped");
        }
        sqlx::query("UPDATE chain_head SET hash = $1").bind(&previous).execute(&mut c).await.expect("the head");
    }
}

/// `termijn audit` of a bundle exported now, against the checkpoint saved before: its exit code and words.
fn audit(app: &TestApp, saved: &std::path::Path, name: &str) -> (i32, String) {
    let bundle = saved.with_file_name(format!("bundle-{name}"));
    let (code, _, err) = app.db.run(&["export", "--to", &bundle.display().to_string()], &[]);
    assert_eq!(code, 0, "export: {err}");
    let (code, out, err) = termijn_tests::run_termijn(&[
        "audit",
        "--bundle",
        &bundle.display().to_string(),
        "--checkpoint",
        &saved.display().to_string(),
    ]);
    (code, format!("{out}{err}"))
}

#[tokio::test]
async fn every_rewrite_of_the_past_is_caught_against_a_checkpoint_saved_before_it() {
    let folder = tempfile::tempdir().expect("a folder");
    for tampering in [Tampering::Edit, Tampering::Delete, Tampering::Insert, Tampering::Reorder, Tampering::Rewrite] {
        let mut app = TestApp::spawn().await;
        record(&app, 2027, 6).await;
        let saved_note = checkpoint_now(&app).await;
        let m = chain_hashes(&app).await.len();
        let saved = folder.path().join(format!("saved-{tampering:?}.txt"));
        std::fs::write(&saved, &saved_note).expect("saved");
        let vkey = verifier_key(&app);
        // Unchanged, the log audits clean against the saved checkpoint, also after it grew.
        record(&app, 2033, 2).await;
        let (code, words) = audit(&app, &saved, &format!("{tampering:?}-before"));
        assert_eq!(code, 0, "{words}");
        assert!(words.contains(&format!("consistent: the log extends the saved checkpoint of {m} events")), "{words}");

        app.server.kill();
        tamper(&app.db, tampering).await;
        let (verify, _, verify_err) = app.db.run(&["verify"], &[]);
        if let Tampering::Rewrite = tampering {
            assert_eq!(verify, 0, "a rewrite with every hash recomputed passes the chain alone: {verify_err}");
        } else {
            assert_ne!(verify, 0, "{tampering:?} breaks the chain");
        }
        app.restart(&[]);
        let (code, words) = audit(&app, &saved, &format!("{tampering:?}-after"));
        assert_eq!(code, 1, "{tampering:?} is caught by audit: {words}");
        assert!(words.contains("NOT INTACT"), "{words}");
        if let Tampering::Rewrite = tampering {
            assert!(words.contains("rewritten"), "{words}");
            // The server signs the rewritten log without knowing it; the consistency proof it gives from the
            // saved checkpoint does not check against the saved root.
            let now = checkpoint_now(&app).await;
            let proof = app
                .get(
                    &format!("/api/v1/proofs/consistency?from={m}&to={}", chain_hashes(&app).await.len()),
                    Some(&app.auditor),
                )
                .await
                .json();
            let mut claimed = proof.clone();
            let Some(verdict) = verified(&vkey, &[&saved_note, &now], Vec::new(), vec![proof.clone()]) else {
                continue;
            };
            assert_ne!(proof["from_root"], verdict["checkpoints"][0]["root"], "the rewritten log has another past");
            // The auditor checks the proof against the root they saved, not the one the server now claims.
            claimed["from_root"] = verdict["checkpoints"][0]["root"].clone();
            let verdict = verified(&vkey, &[&saved_note, &now], Vec::new(), vec![claimed]).expect("a verdict");
            assert_eq!(verdict["checkpoints"][0]["signed"], true);
            assert_eq!(verdict["checkpoints"][1]["signed"], true, "the new checkpoint is signed by the same key");
            assert_eq!(verdict["consistencies"], json!([false]), "the rewrite is caught by a consistency proof");
        }
    }
}

#[tokio::test]
async fn a_key_file_that_is_not_the_registers_is_refused_at_the_start() {
    let app = TestApp::spawn().await;
    record(&app, 2027, 1).await;
    let other = tempfile::tempdir().expect("a folder");
    let other_key = other.path().join("other.key");
    let (code, _, err) = app.db.run(&["checkpoint", "key", "--checkpoint-key", &other_key.display().to_string()], &[]);
    assert_eq!(code, 2, "a new key for a register that has one is refused");
    assert!(err.contains("is missing"), "{err}");
    assert!(!other_key.exists(), "no key is made for it");
    let fresh = Db::sqlite();
    let (code, _, err) = fresh.run(&["checkpoint", "key"], &[]);
    assert_eq!(code, 0, "{err}");
    let foreign = fresh.args()[1].clone() + "/checkpoint.key";
    let (code, _, err) = app.db.run(&["checkpoint", "key", "--checkpoint-key", &foreign], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("but this register's checkpoints are signed with"), "{err}");
}
