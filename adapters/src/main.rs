use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    termijn::telemetry::init();
    termijn::cli::run(termijn::cli::Cli::parse()).await
}
