//! The `termijn` command line: parses arguments and calls into the service, the stores and the server.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use termijn_domain::values::AgbCode;

use crate::auth::Role;
use crate::configuration::StoreOptions;
use crate::service::Service;

#[derive(Debug, Parser)]
#[command(
    name = "termijn",
    version,
    about = "Register of regional contracting spaces, tariff decisions and appeals, with their appeal terms"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How log lines on standard error are written: text, or one JSON object per line for log collectors.
    #[arg(long, global = true, env = "TERMIJN_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: crate::telemetry::LogFormat,
}

impl Cli {
    pub fn log_format(&self) -> crate::telemetry::LogFormat {
        self.log_format
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the HTTP API and the web interface.
    Serve {
        #[arg(long, env = "TERMIJN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        store: StoreOptions,
        #[command(flatten)]
        web: crate::configuration::WebOptions,
    },
    /// Manages bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Checks that the recorded history is intact; names the first event that is not.
    Verify {
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Copies the embedded store to FILE while servers keep reading and writing it (SQLite's VACUUM INTO): the
    /// whole register at one moment, every write acknowledged before the copy began included. A PostgreSQL
    /// register is copied with pg_dump (see the README).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Puts a copy made by `termijn backup` in place as the store of an empty --data-dir, and verifies its
    /// history. A PostgreSQL register is put back with pg_restore (see the README).
    Restore {
        /// The copy made by `termijn backup`.
        #[arg(long)]
        from: std::path::PathBuf,
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Rebuilds every read model from the event log.
    Replay {
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Imports a published table of contracting spaces (CSV, XLSX or ODS; long or wide layout) as one decision:
    /// shows the preview (every line with the amount now, the lines that change nothing, the terms it would
    /// open, the appeals it would reach, every problem), and records it unless --dry-run or a problem says no.
    /// The same file is recorded once.
    Import {
        /// The file.
        file: std::path::PathBuf,
        #[command(flatten)]
        decision: ImportArgs,
        /// The day to judge the preview on (default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Shows the preview and records nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        store: StoreOptions,
    },
    /// The register's checkpoint key.
    Checkpoint {
        #[command(subcommand)]
        command: CheckpointCommand,
    },
    /// Writes an audit bundle into an empty folder: the whole log as JSON Lines (events.jsonl), a checkpoint of
    /// exactly those events signed now (checkpoint.txt) and the key it verifies with (verifier-key.txt).
    Export {
        /// The folder; absent or empty.
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Checks an audit bundle without the database: the checkpoint's signature, every event's hash and place in
    /// the chain, the Merkle root against the checkpoint, and, with --checkpoint, that the log has only grown
    /// since that checkpoint was saved. Exits 1 on the first problem, naming it.
    Audit {
        /// The folder `termijn export` wrote.
        #[arg(long)]
        bundle: std::path::PathBuf,
        /// A checkpoint saved earlier (from GET /api/v1/checkpoint or an earlier bundle).
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
        /// The verifier key kept by the auditor (the key itself, or a file holding it); default the bundle's.
        #[arg(long)]
        key: Option<String>,
    },
    /// Loads an example register (example amounts) into an empty store.
    Demo {
        #[command(flatten)]
        store: StoreOptions,
    },
    /// The reference data: what a new version would change before a server adopts it.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
}

/// The decision an imported file is, and how to read it.
#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The decision's id, as the NZa numbers it.
    #[arg(long)]
    decision_id: String,
    #[arg(long, value_enum)]
    kind: ImportKind,
    /// The day the NZa took the decision.
    #[arg(long)]
    decided_on: chrono::NaiveDate,
    /// The day it was announced; it may be recorded later.
    #[arg(long)]
    announced_on: Option<chrono::NaiveDate>,
    /// Why the NZa decided it.
    #[arg(long, default_value = "")]
    reason: String,
    /// Where the file was published; recorded with the decision's reason.
    #[arg(long)]
    source: Option<String>,
    /// What the amounts count in.
    #[arg(long, value_enum, default_value = "euro")]
    unit: crate::import::Unit,
    /// The sheet of a workbook (the first by default).
    #[arg(long)]
    sheet: Option<String>,
}

impl ImportArgs {
    fn fields(self) -> Result<crate::service::ImportFields, String> {
        let decision_id =
            termijn_domain::values::DecisionId::parse(&self.decision_id).map_err(|e| format!("--decision-id {e}"))?;
        let kind = match self.kind {
            ImportKind::Establishment => termijn_domain::register::SpaceDecisionKind::Establishment,
            ImportKind::Amendment => termijn_domain::register::SpaceDecisionKind::Amendment,
        };
        Ok(crate::service::ImportFields {
            decision_id,
            kind,
            decided_on: self.decided_on,
            announced_on: self.announced_on,
            reason: self.reason,
            source: self.source,
            unit: self.unit,
            sheet: self.sheet,
        })
    }
}

/// The kinds of decision a file can be imported as.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Establishment,
    Amendment,
}

#[derive(Debug, Subcommand)]
enum ReferenceCommand {
    /// Compares the reference data of --reference-dir with the version the register recorded last (the data
    /// shipped with termijn when none is recorded): what changed, and every term, filing and decision that the
    /// change moves, judged on --as-of (default today).
    Diff {
        /// The legal date to judge at.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Prints the difference as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreOptions,
    },
}

#[derive(Debug, Subcommand)]
enum CheckpointCommand {
    /// Prints the verifier key of the register's checkpoints, `name+keyhash+base64(0x01 || public key)`, as Go's
    /// golang.org/x/mod/sumdb/note reads it; creates the key first when the register has none.
    Key {
        #[command(flatten)]
        store: StoreOptions,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Creates a token and prints it once, alone on standard output.
    Create {
        #[arg(long, value_enum)]
        role: Role,
        /// Who the token stands for: what `recorded_by` shows.
        #[arg(long)]
        name: String,
        /// The provider's AGB code, for a provider token.
        #[arg(long)]
        provider: Option<String>,
        /// The token is refused from this day on (Europe/Amsterdam, from midnight).
        #[arg(long, conflicts_with = "expires_in")]
        expires_on: Option<chrono::NaiveDate>,
        /// The token is refused from this many days after today on.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
        expires_in: Option<u32>,
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Lists every token: name, role, provider, created, expires, last used, and whether it may be used; never the
    /// token itself.
    List {
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Revokes a token by its id (from `token list`), or every usable token of a name; it is refused at once by
    /// this store's servers, within a few seconds by those that saw it already, and its web sessions end.
    Revoke {
        /// The token's id, or its name.
        token: String,
        #[command(flatten)]
        store: StoreOptions,
    },
}

fn progress_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} [{{bar:40}}] {{pos}}/{{len}} events ({{per_sec}}, {{eta}} left)"
        ))
        .expect("a valid progress template")
        .progress_chars("=> "),
    );
    bar
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("termijn: {message}");
    ExitCode::from(2)
}

pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve { listen, store, web } => {
            match crate::startup::Application::build(listen, &store, web.settings()).await {
                Ok(app) => match app.run_until_stopped().await {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(e),
                },
                Err(e) => fail(e),
            }
        }
        Command::Token { command: TokenCommand::List { store } } => list_tokens(&store).await,
        Command::Token { command: TokenCommand::Revoke { token, store } } => revoke_tokens(&store, &token).await,
        Command::Token { command: TokenCommand::Create { role, name, provider, expires_on, expires_in, store } } => {
            let provider = match provider.as_deref().map(AgbCode::parse).transpose() {
                Ok(p) => p,
                Err(e) => return fail(format!("--provider {e}")),
            };
            let store = match store.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let expires_on = expires_on
                .or_else(|| expires_in.map(|days| crate::service::today() + chrono::Duration::days(i64::from(days))));
            let expires_at = expires_on.map(crate::service::start_of_legal_day);
            match crate::auth::create_token_until(&store, role, &name, provider, expires_at).await {
                Ok(token) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Verify { store } => match store.open().await {
            Ok(store) => verify(&store).await,
            Err(e) => fail(e),
        },
        Command::Backup { to, store } => {
            let location = match store.location() {
                Ok(location) => location,
                Err(e) => return fail(e),
            };
            match crate::store::Store::backup(&location, &to).await {
                Ok((position, hash)) => {
                    println!("backed up {position} events (last hash {hash}) to {}", to.display());
                    // The checkpoint key is not in the database: it is copied beside the copy, for restore.
                    let copied = store.checkpoint_key_file().map_err(|e| e.to_string());
                    match copied.map(|key| copy_key(&key, &key_beside(&to)).map_err(|e| e.to_string())) {
                        Ok(Ok(true)) => {
                            println!(
                                "and the checkpoint key to {} (keep it as safe as the key)",
                                key_beside(&to).display()
                            );
                        }
                        Ok(Ok(false)) => {}
                        Ok(Err(e)) | Err(e) => return fail(format!("the checkpoint key: {e}")),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Restore { from, store } => restore(&store, &from).await,
        Command::Replay { store: options } => {
            let store = match options.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let bar = progress_bar("replaying");
            let rebuilt = store
                .rebuild_views(&mut |done: i64, total: i64| {
                    bar.set_length(total.max(0) as u64);
                    bar.set_position(done.max(0) as u64);
                })
                .await;
            bar.finish();
            match rebuilt {
                Ok(through) => {
                    println!(
                        "rebuilt every view from {through} events; the server brings the deadlines index up to date when it starts"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Reference { command: ReferenceCommand::Diff { as_of, json, store: options } } => {
            reference_diff(&options, as_of, json).await
        }
        Command::Import { file, decision, as_of, dry_run, store: options } => match decision.fields() {
            Ok(fields) => import(&options, &file, &fields, as_of, dry_run).await,
            Err(e) => fail(e),
        },
        Command::Checkpoint { command: CheckpointCommand::Key { store: options } } => {
            let store = match options.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match options.checkpoints(&store).await {
                Ok(checkpoints) => {
                    println!("{}", checkpoints.verifier_key());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Export { to, store: options } => {
            let store = match options.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let checkpoints = match options.checkpoints(&store).await {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            match crate::audit::bundle::export(&store, &checkpoints, &to).await {
                Ok(size) => {
                    println!("exported {size} events with a signed checkpoint into {}", to.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Audit { bundle, checkpoint, key } => {
            let saved = match checkpoint.as_deref().map(std::fs::read_to_string).transpose() {
                Ok(saved) => saved,
                Err(e) => return fail(format!("--checkpoint: {e}")),
            };
            let key = match key {
                Some(key) if std::path::Path::new(&key).is_file() => match std::fs::read_to_string(&key) {
                    Ok(text) => Some(text.trim().to_owned()),
                    Err(e) => return fail(format!("--key: {e}")),
                },
                other => other,
            };
            match crate::audit::bundle::audit(&bundle, saved.as_deref(), key.as_deref()) {
                Ok(audited) => {
                    println!(
                        "intact: {} events, Merkle root {} signed by {}",
                        audited.checkpoint.size, audited.checkpoint.root, audited.checkpoint.origin
                    );
                    if let Some(earlier) = audited.extends {
                        println!("consistent: the log extends the saved checkpoint of {earlier} events");
                    }
                    ExitCode::SUCCESS
                }
                Err(problem) => {
                    eprintln!("termijn audit: NOT INTACT: {problem}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Demo { store: options } => {
            let (store, context) = match (options.open().await, options.legal_context()) {
                (Ok(s), Ok(c)) => (s, Arc::new(c)),
                (Err(e), _) | (_, Err(e)) => return fail(e),
            };
            let service = Service::new(store, context);
            match crate::demo::load(&service).await {
                Ok(writes) => {
                    println!("loaded the example service: {writes} decisions, announcements, appeals and endings");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

/// `termijn verify`: checks every event against the chain; names the first that breaks it.
async fn verify(store: &crate::store::Store) -> ExitCode {
    let bar = progress_bar("verifying");
    let result = store
        .verify(|done, total| {
            bar.set_length(total.max(0) as u64);
            bar.set_position(done.max(0) as u64);
        })
        .await;
    bar.finish_and_clear();
    match result {
        Ok(None) => {
            let (position, hash) = store.chain_head().await.unwrap_or_default();
            println!("intact: {position} events, last hash {hash}");
            ExitCode::SUCCESS
        }
        Ok(Some(broken)) => {
            println!("broken at position {}: {}", broken.position, broken.problem);
            ExitCode::from(1)
        }
        Err(e) => fail(e),
    }
}

/// `termijn restore`: the copy put in place in an empty data folder, then its history verified.
/// Where `termijn backup` keeps the checkpoint key beside a copy.
fn key_beside(copy: &std::path::Path) -> std::path::PathBuf {
    let mut name = copy.as_os_str().to_owned();
    name.push(".checkpoint.key");
    std::path::PathBuf::from(name)
}

/// Copies a checkpoint key file, readable by its owner only, never over an existing file; whether there was one.
fn copy_key(from: &std::path::Path, to: &std::path::Path) -> Result<bool, std::io::Error> {
    match std::fs::read(from) {
        Ok(key) => crate::audit::checkpoint::write_key_file(to, &key).map(|()| true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

async fn restore(options: &StoreOptions, from: &std::path::Path) -> ExitCode {
    let location = match options.location() {
        Ok(location) => location,
        Err(e) => return fail(e),
    };
    if let Err(e) = crate::store::Store::restore(&location, from).await {
        return fail(e);
    }
    let key = options.checkpoint_key_file().map_err(|e| e.to_string());
    match key.map(|key| copy_key(&key_beside(from), &key).map_err(|e| e.to_string())) {
        Ok(Ok(true)) => println!("put the checkpoint key back from {}", key_beside(from).display()),
        Ok(Ok(false)) => {}
        Ok(Err(e)) | Err(e) => return fail(format!("the checkpoint key: {e}")),
    }
    match options.open().await {
        Ok(store) => {
            println!("restored {} into {}", from.display(), options.data_dir.display());
            verify(&store).await
        }
        Err(e) => fail(e),
    }
}

/// `termijn import`: the preview, then the decision recorded unless `dry_run` or a problem says no.
async fn import(
    options: &StoreOptions,
    file: &std::path::Path,
    fields: &crate::service::ImportFields,
    as_of: Option<chrono::NaiveDate>,
    dry_run: bool,
) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    let (store, context) = match (options.open().await, options.legal_context()) {
        (Ok(s), Ok(c)) => (s, Arc::new(c)),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let service = Service::new(store, context.clone());
    let by = crate::startup::operator("termijn import");
    match service.imported_before(&by.recorded_by, &crate::service::file_sha256(&bytes)).await {
        Ok(true) => {
            println!("{} was imported before; nothing is recorded again", file.display());
            return ExitCode::SUCCESS;
        }
        Ok(false) => {}
        Err(e) => return fail(e),
    }
    let as_of = as_of.unwrap_or_else(crate::service::today);
    let imported = match service.preview_import(&by.recorded_by, &bytes, fields, as_of).await {
        Ok(imported) => imported,
        Err(e) => return fail(e),
    };
    let preview = &imported.preview;
    let name = |region| context.regions.name_of(region);
    let amount = |a: Option<termijn_domain::values::Euro>| a.map_or_else(|| "-".to_owned(), String::from);
    println!(
        "{} ({} layout{}), judged on {as_of}:",
        file.display(),
        preview.layout.map_or("no", |l| if l == crate::import::Layout::Long { "long" } else { "wide" }),
        preview.sheet.as_ref().map(|s| format!(", sheet {s}")).unwrap_or_default()
    );
    for line in &preview.lines {
        println!(
            "  row {:>3}  {} {}: {} (now {})",
            line.row,
            name(&line.region),
            line.year,
            String::from(line.amount),
            amount(line.current_amount)
        );
    }
    for line in &preview.unchanged {
        println!(
            "  row {:>3}  {} {}: {} unchanged, left out",
            line.row,
            name(&line.region),
            line.year,
            String::from(line.amount)
        );
    }
    for change in preview.terms.iter().chain(&preview.extended_appeals) {
        print_change(&name(&change.region), change);
    }
    for year in &preview.totals_checked {
        println!("  the total of {year} adds up");
    }
    for problem in &preview.problems {
        let column = problem.column.as_ref().map(|c| format!(", {c}")).unwrap_or_default();
        println!("  problem at row {}{column}: {}", problem.row, problem.message);
    }
    if !preview.problems.is_empty() {
        println!("nothing is recorded: {} problems", preview.problems.len());
        return ExitCode::from(1);
    }
    if dry_run {
        println!("nothing is recorded (--dry-run): {} lines would be", preview.lines.len());
        return ExitCode::SUCCESS;
    }
    match service.record_import(&by, &imported).await {
        Ok(()) => {
            println!("recorded decision {} with {} lines", fields.decision_id, preview.lines.len());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// One change a what-if found, on two lines and more: the region-year, what changes from what to what, and
/// the explanation's steps.
fn print_change(region: &str, change: &termijn_projections::difference::Change) {
    let label = |value: serde_json::Result<serde_json::Value>| value.ok().and_then(|v| v.as_str().map(str::to_owned));
    let what = label(serde_json::to_value(change.change)).unwrap_or_default();
    let basis = change.basis.and_then(|b| label(serde_json::to_value(b)));
    let subject = [
        basis,
        change.decision_id.as_ref().map(ToString::to_string),
        change.tariff_decision.as_ref().map(ToString::to_string),
        change.appeal_id.as_ref().map(ToString::to_string),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    println!("  {region} {} {what} {subject}: {} -> {}", change.year, value(&change.before), value(&change.after));
    for step in change.explanation.steps() {
        println!("      {step}");
    }
}

/// `termijn reference diff`: the reference data of `--reference-dir` against the version recorded last.
async fn reference_diff(options: &StoreOptions, as_of: Option<chrono::NaiveDate>, json: bool) -> ExitCode {
    if options.reference_dir.is_none() {
        return fail("--reference-dir names the directory of the new reference data");
    }
    let (store, files) = match (options.open().await, options.reference_files()) {
        (Ok(s), Ok(f)) => (s, f),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let after = match files.context() {
        Ok(context) => Arc::new(context),
        Err(e) => return fail(e),
    };
    let mut service = Service::new(store, after.clone());
    if let Err(e) = service.read_reference_versions().await {
        return fail(e);
    }
    let recorded = service.reference_versions().last().cloned();
    let shipped = termijn_domain::versions::ReferenceFiles::shipped();
    let (before_hash, before) = match &recorded {
        Some(version) => (version.hash.clone(), version.context.clone()),
        None => match shipped.context() {
            Ok(context) => (shipped.hash(), Arc::new(context)),
            Err(e) => return fail(e),
        },
    };
    let as_of = as_of.unwrap_or_else(crate::service::today);
    let effects = match service.reference_effects(&before, &after, as_of).await {
        Ok(effects) => effects,
        Err(e) => return fail(e),
    };
    let change = termijn_domain::versions::ReferenceChange::between(&before, &after);
    if json {
        let answer = serde_json::json!({
            "as_of": as_of, "before_hash": before_hash, "after_hash": files.hash(),
            "before": if recorded.is_some() { "recorded" } else { "shipped" },
            "change": change, "summary": change.sentences(), "effects": effects,
        });
        println!("{answer:#}");
        return ExitCode::SUCCESS;
    }
    let source = if recorded.is_some() { "recorded last" } else { "shipped with termijn; none recorded yet" };
    println!("reference data {} ({source}) against {}", before_hash, files.hash());
    for sentence in change.sentences() {
        println!("  {sentence}");
    }
    println!("{} effects, judged on {as_of}:", effects.len());
    for effect in &effects {
        print_change(effect.region.as_str(), effect);
    }
    ExitCode::SUCCESS
}

/// The store and every token in it, or the exit code of the failure, said.
async fn stored_tokens(
    options: &StoreOptions,
) -> Result<(crate::store::Store, Vec<crate::store::TokenRecord>), ExitCode> {
    let store = options.open().await.map_err(fail)?;
    let tokens = store.tokens().await.map_err(fail)?;
    Ok((store, tokens))
}

/// `termijn token list`.
async fn list_tokens(options: &StoreOptions) -> ExitCode {
    let (_, tokens) = match stored_tokens(options).await {
        Ok(found) => found,
        Err(code) => return code,
    };
    let now = chrono::Utc::now();
    let instant = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(|| "-".to_owned(), |at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    println!(
        "{:<16}  {:<8}  {:<9}  {:<20}  {:<20}  {:<20}  {:<10}  name",
        "id", "role", "provider", "created", "expires", "last used", "state"
    );
    for token in &tokens {
        let state = match (token.revoked_at, token.usable_at(now)) {
            (Some(_), _) => "revoked",
            (None, false) => "expired",
            (None, true) => "usable",
        };
        println!(
            "{:<16}  {:<8}  {:<9}  {:<20}  {:<10}  {:<20}  {:<8}  {}",
            token.id(),
            token.role,
            token.provider.as_ref().map_or("-", |p| p.as_str()),
            instant(Some(token.created_at)),
            token.expires_at.map_or_else(|| "-".to_owned(), |at| crate::service::legal_date_at(at).to_string()),
            instant(token.last_used_at),
            state,
            token.name
        );
    }
    ExitCode::SUCCESS
}

/// `termijn token revoke ID|NAME`: the token with that id, or every usable token of that name.
async fn revoke_tokens(options: &StoreOptions, which: &str) -> ExitCode {
    let (store, tokens) = match stored_tokens(options).await {
        Ok(found) => found,
        Err(code) => return code,
    };
    let now = chrono::Utc::now();
    let chosen: Vec<_> = match tokens.iter().find(|t| t.id() == which) {
        Some(token) => vec![token],
        None => tokens.iter().filter(|t| t.name == which && t.revoked_at.is_none()).collect(),
    };
    if chosen.is_empty() {
        return fail(format!("no token has the id or name {which:?} (termijn token list shows them)"));
    }
    for token in chosen {
        match store.revoke_token(&token.token_hash, now).await {
            Ok(true) => println!("revoked {} ({}, {})", token.id(), token.name, token.role),
            Ok(false) => println!("{} ({}) was revoked before", token.id(), token.name),
            Err(e) => return fail(e),
        }
    }
    ExitCode::SUCCESS
}
