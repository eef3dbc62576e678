//! Fresh, real stores for tests: a SQLite file in a temporary folder, or a PostgreSQL database of its own on
//! the server the test command started (`TERMIJN_TEST_PG_ADMIN_URL`), dropped again afterwards.
#![allow(dead_code)]

use std::path::PathBuf;

use sqlx::Connection;
use termijn::store::{Store, StoreLocation};

pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().expect("a temporary folder"))
    }

    /// A new, empty PostgreSQL database. Fails loudly when no server is configured: run `scripts/test`, or set
    /// `TERMIJN_TEST_SKIP_POSTGRES=1` to skip PostgreSQL deliberately.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TERMIJN_TEST_PG_ADMIN_URL") else {
            if std::env::var("TERMIJN_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
                return None;
            }
            panic!("TERMIJN_TEST_PG_ADMIN_URL is not set: run the tests with scripts/test");
        };
        let name = format!("termijn_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database");
        Some(Self::Postgres { admin_url, name })
    }

    pub fn location(&self) -> StoreLocation {
        match self {
            Self::Sqlite(dir) => StoreLocation::Sqlite(dir.path().to_path_buf()),
            Self::Postgres { admin_url, name } => StoreLocation::Postgres(database_url(admin_url, name)),
        }
    }

    /// The SQLite folder, for tests that start the binary on it.
    pub fn data_dir(&self) -> Option<PathBuf> {
        match self {
            Self::Sqlite(dir) => Some(dir.path().to_path_buf()),
            Self::Postgres { .. } => None,
        }
    }

    pub fn url(&self) -> Option<String> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres { admin_url, name } => Some(database_url(admin_url, name)),
        }
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.location()).await.expect("the store opens")
    }

    /// Runs raw SQL on the database behind the store, as an intruder with database access would.
    pub async fn tamper(&self, sql: &str) {
        match self {
            Self::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.path().join("termijn.db").display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("the SQLite file opens");
                sqlx::query(sql).execute(&mut conn).await.expect("the tampering statement runs");
            }
            Self::Postgres { admin_url, name } => {
                let mut conn =
                    sqlx::PgConnection::connect(&database_url(admin_url, name)).await.expect("the database answers");
                sqlx::query(sql).execute(&mut conn).await.expect("the tampering statement runs");
            }
        }
    }
}

fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any async context of the test: use a runtime of its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                runtime.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs an async test body against a fresh SQLite store and a fresh PostgreSQL database.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                }
            )*
        }
    };
}
