//! A `termijn serve` process started for a measurement, and the numbers read off it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Served {
    child: Child,
    pub base: String,
    /// From the start of the process until it listened: it reads the register in before it listens, so this is
    /// its start-up time to ready.
    pub started_in: Duration,
}

impl Served {
    /// Starts the release binary on port 0 with the given store options and waits until it listens.
    pub fn start(binary: &Path, store_args: &[String]) -> Self {
        Self::start_with(binary, store_args, &[])
    }

    /// Starts it as `start` does, with `env` set in its environment.
    pub fn start_with(binary: &Path, store_args: &[String], env: &[(&str, &str)]) -> Self {
        let started = std::time::Instant::now();
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(store_args)
            .env("RUST_LOG", "warn,termijn::startup=info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("termijn serve starts");
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.split("listening on ").nth(1) {
                    let _ = tx.send(address.trim().to_owned());
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(120)).expect("the server listens");
        Self { child, base, started_in: started.elapsed() }
    }

    /// The most memory the process held, in MiB (VmHWM).
    pub fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The p-th percentile (0-100) of sorted samples, in milliseconds.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted_ms.len() - 1) as f64).round() as usize;
    sorted_ms[rank.min(sorted_ms.len() - 1)]
}
