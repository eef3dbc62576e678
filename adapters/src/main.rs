use std::process::ExitCode;

use clap::Parser;

/// Many short-lived allocations on several threads per request (rows, explanations, JSON): mimalloc serves them
/// from thread-local pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How much less CPU priority (nice) the threads that handle requests get than the main thread, where the store's
/// writer thread is started. Every write waits for the writer's commit, the one serial section: when request
/// handling keeps every core busy, the writer must not queue behind it.
const REQUEST_THREADS_NICENESS: i32 = 10;

fn lower_priority() {
    // Only ever lowered, which needs no privilege; if the system refuses, every thread simply stays equal.
    if let Ok(current) = rustix::process::getpriority_process(None) {
        let _ = rustix::process::setpriority_process(None, current + REQUEST_THREADS_NICENESS);
    }
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().on_thread_start(lower_priority).build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("termijn cannot start its runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let cli = termijn::cli::Cli::parse();
    runtime.block_on(async {
        termijn::telemetry::init(cli.log_format());
        termijn::cli::run(cli).await
    })
}
