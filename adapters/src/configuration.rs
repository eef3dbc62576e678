//! Configuration: where the register is kept and where the reference data comes from. Flags override the
//! environment; nothing here is a hard-coded connection string.

use std::path::{Path, PathBuf};

use clap::Args;
use termijn_domain::reference::{LegalContext, ReferenceDataError};
use termijn_domain::versions::ReferenceFiles;

use crate::store::{Store, StoreError, StoreLocation};

/// Options that choose the store, shared by every command.
#[derive(Debug, Clone, Args)]
pub struct StoreOptions {
    /// A postgres:// URL; without it the embedded SQLite store in --data-dir is used.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder of the embedded SQLite store.
    #[arg(long, env = "TERMIJN_DATA_DIR", default_value = "termijn-data")]
    pub data_dir: PathBuf,
    /// Folder with regions.toml, atw-equated-days.toml and law.toml; without it the shipped files are used.
    #[arg(long, env = "TERMIJN_REFERENCE_DIR")]
    pub reference_dir: Option<PathBuf>,
    /// The file with the key the register's checkpoints are signed with, kept outside the database (created
    /// once, readable by its owner only). Default: checkpoint.key in --data-dir, or, on PostgreSQL,
    /// checkpoint-DATABASE.key there.
    #[arg(long, env = "TERMIJN_CHECKPOINT_KEY")]
    pub checkpoint_key: Option<PathBuf>,
    /// The name of a new checkpoint key, which is the origin line of every checkpoint (no spaces or plus signs).
    #[arg(long, env = "TERMIJN_LOG_ORIGIN")]
    pub log_origin: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{file}: {source}")]
    Read { file: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Reference(#[from] ReferenceDataError),
    #[error("the reference data cannot be recorded: {0}")]
    Adopt(crate::service::CommandError),
    #[error("checkpoints: {0}")]
    Checkpoints(String),
}

impl StoreOptions {
    pub fn location(&self) -> Result<StoreLocation, StoreError> {
        StoreLocation::from_options(self.database_url.as_deref(), self.data_dir.clone())
    }

    pub async fn open(&self) -> Result<Store, ConfigError> {
        Ok(Store::open(&self.location()?).await?)
    }

    /// Where the checkpoint key is kept.
    pub fn checkpoint_key_file(&self) -> Result<PathBuf, StoreError> {
        if let Some(file) = &self.checkpoint_key {
            return Ok(file.clone());
        }
        Ok(match self.location()? {
            StoreLocation::Sqlite(dir) => dir.join("checkpoint.key"),
            StoreLocation::Postgres(url) => {
                let database = url.rsplit('/').next().unwrap_or("register").split('?').next().unwrap_or("register");
                self.data_dir.join(format!("checkpoint-{database}.key"))
            }
        })
    }

    /// The register's checkpoints, with its key (created on first use).
    pub async fn checkpoints(&self, store: &Store) -> Result<crate::audit::Checkpoints, ConfigError> {
        let origin = match &self.log_origin {
            Some(origin) => origin.clone(),
            None => format!("termijn/{:016x}", rand::random::<u64>()),
        };
        crate::audit::Checkpoints::open(store.clone(), &self.checkpoint_key_file()?, &origin)
            .await
            .map_err(|e| ConfigError::Checkpoints(e.to_string()))
    }

    /// The reference data: the files in --reference-dir, or those shipped with termijn.
    pub fn legal_context(&self) -> Result<LegalContext, ConfigError> {
        Ok(self.reference_files()?.context()?)
    }

    /// The reference data files: those shipped, or those of `--reference-dir`.
    pub fn reference_files(&self) -> Result<ReferenceFiles, ConfigError> {
        match &self.reference_dir {
            None => Ok(ReferenceFiles::shipped()),
            Some(dir) => reference_files_in(dir),
        }
    }
}

/// The reference data files in a directory.
pub fn reference_files_in(dir: &Path) -> Result<ReferenceFiles, ConfigError> {
    let read = |name: &str| read_file(&dir.join(name));
    Ok(ReferenceFiles {
        equated_days: read("atw-equated-days.toml")?,
        regions: read("regions.toml")?,
        law: read("law.toml")?,
    })
}

fn read_file(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read { file: path.to_path_buf(), source })
}

/// How the web interface keeps its sessions.
#[derive(Debug, Clone, clap::Args)]
pub struct WebOptions {
    /// Minutes a web session lasts without being used.
    #[arg(long, env = "TERMIJN_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,
    /// Seconds instead of minutes, for trying the idle timeout out.
    #[arg(long, env = "TERMIJN_SESSION_IDLE_SECONDS", hide = true)]
    pub session_idle_seconds: Option<u32>,
    /// The server is reached over https (TLS ends in front of it): the session cookie is then `Secure`, with the
    /// `__Host-` prefix.
    #[arg(long, env = "TERMIJN_HTTPS")]
    pub https: bool,
    /// Failed token attempts allowed from one address at once; one more is allowed every six seconds, and past
    /// them every token from that address is refused with 429 for a while.
    #[arg(long, env = "TERMIJN_FAILED_TOKEN_ATTEMPTS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub failed_token_attempts: u32,
    /// Seconds any request may take; past them it is answered 503 with `Retry-After` (a write still queued then
    /// may yet be recorded, which its Idempotency-Key makes safe to retry).
    #[arg(long, env = "TERMIJN_REQUEST_TIMEOUT", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub request_timeout: u64,
    /// A checkpoint is signed at least every this many events...
    #[arg(long, env = "TERMIJN_CHECKPOINT_EVERY_EVENTS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub checkpoint_every_events: u64,
    /// ...and at least this often (minutes) while the log grows.
    #[arg(long, env = "TERMIJN_CHECKPOINT_EVERY_MINUTES", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub checkpoint_every_minutes: u64,
}

impl WebOptions {
    pub fn settings(&self) -> crate::http::web::WebSettings {
        let idle = match self.session_idle_seconds {
            Some(seconds) => chrono::Duration::seconds(i64::from(seconds.max(1))),
            None => chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
        };
        crate::http::web::WebSettings {
            idle,
            https: self.https,
            failed_token_attempts: self.failed_token_attempts,
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            checkpoints: crate::audit::SigningPolicy {
                every_events: self.checkpoint_every_events,
                every: std::time::Duration::from_secs(self.checkpoint_every_minutes * 60),
            },
        }
    }
}
