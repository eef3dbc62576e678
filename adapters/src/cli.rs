//! The `termijn` command line: parses arguments and calls into the service, the stores and the server.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use termijn_domain::values::AgbCode;

use crate::auth::{Role, create_token};
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
    /// Rebuilds every read model from the event log.
    Replay {
        #[command(flatten)]
        store: StoreOptions,
    },
    /// Loads an example register (example amounts) into an empty store.
    Demo {
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
        Command::Token { command: TokenCommand::Create { role, name, provider, store } } => {
            let provider = match provider.as_deref().map(AgbCode::parse).transpose() {
                Ok(p) => p,
                Err(e) => return fail(format!("--provider {e}")),
            };
            let store = match store.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match create_token(&store, role, &name, provider).await {
                Ok(token) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Verify { store } => {
            let store = match store.open().await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
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
                        "rebuilt every view from {through} events; the deadlines index is recomputed on the next query"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
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
