//! Start-up: open the store, read the reference data, bind the address, serve until stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::configuration::{ConfigError, StoreOptions};
use crate::http::router;
use crate::http::web::WebSettings;
use crate::service::Service;

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    service: Arc<Service>,
    policy: crate::audit::SigningPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot listen on {address}: {source}")]
    Listen { address: SocketAddr, source: std::io::Error },
}

impl Application {
    /// Opens the store (running migrations), reads the reference data and binds the address (port 0 picks one).
    pub async fn build(listen: SocketAddr, options: &StoreOptions, web: WebSettings) -> Result<Self, StartError> {
        let store = options.open().await?;
        store.open_connections().await.map_err(ConfigError::from)?;
        hold_register_meanwhile(&store);
        let files = options.reference_files()?;
        let context = Arc::new(files.context().map_err(ConfigError::from)?);
        let checkpoints = options.checkpoints(&store).await?;
        let mut service = Service::new(store, context).with_checkpoints(checkpoints);
        let adopted = service.adopt_reference_data(&started_by(), files).await.map_err(ConfigError::Adopt)?;
        if adopted {
            tracing::info!("recorded the reference data as a new version: the history shows the change");
        }
        let service = Arc::new(service);
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| StartError::Listen { address: listen, source })?;
        let policy = web.checkpoints;
        let (router, _) = router(service.clone(), web);
        Ok(Self { listener, router, service, policy })
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let address = self.listener.local_addr()?;
        let refresher = tokio::spawn(crate::service::keep_deadlines_fresh(self.service.clone()));
        let upkeep = tokio::spawn(crate::telemetry::keep_metrics_up());
        let signing = self.service.checkpoints().cloned().map(|c| tokio::spawn(c.keep_signing(self.policy)));
        tracing::info!("listening on http://{address}");
        println!("termijn: web interface at http://{address}/ (API at http://{address}/api/v1)");
        let app = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown_signal()).await;
        refresher.abort();
        upkeep.abort();
        if let Some(signing) = signing {
            signing.abort();
        }
        served
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing requests in flight");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// Reads the register into memory beside the server's first requests, the years around today first: a read of a
/// region-year not yet held is answered from the database, as it is when the register outgrows the memory set
/// aside for it, so the server answers from the start and no answer depends on how far this has come.
fn hold_register_meanwhile(store: &crate::store::Store) {
    use chrono::Datelike;
    let store = store.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match store.hold_register(crate::service::today().year()).await {
            Ok((held, total)) => {
                tracing::info!(held, total, seconds = started.elapsed().as_secs_f64(), "region-years held in memory")
            }
            Err(error) => tracing::warn!(%error, "reading the register into memory stopped; reads go to the database"),
        }
    });
}

/// Who starts the server, as the history records who adopted its reference data: the operating system's user
/// on this host.
fn started_by() -> crate::store::Provenance {
    operator("termijn serve")
}

/// Who runs a command of termijn on this host, as the history records it: `COMMAND (user@host)`.
pub fn operator(command: &str) -> crate::store::Provenance {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "onbekend".to_owned());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
    let by = if host.is_empty() { user } else { format!("{user}@{host}") };
    crate::store::Provenance { recorded_by: format!("{command} ({by})"), ..Default::default() }
}
