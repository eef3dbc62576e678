//! Fresh, real stores for tests, on the black-box harness's databases: a SQLite file in a temporary folder, or
//! a PostgreSQL database of its own on the server the test command started, dropped again afterwards.
#![allow(dead_code)]

use sqlx::Connection;
use termijn::store::{Store, StoreLocation};
pub use termijn_tests::Db;

pub struct TestDb(pub Db);

impl TestDb {
    pub fn sqlite() -> Self {
        Self(Db::sqlite())
    }

    /// See `Db::postgres`: fails loudly without a server, unless PostgreSQL is skipped deliberately.
    pub async fn postgres() -> Option<Self> {
        Db::postgres().await.map(Self)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.0, Db::Postgres { .. })
    }

    pub fn location(&self) -> StoreLocation {
        match &self.0 {
            Db::Sqlite(dir) => StoreLocation::Sqlite(dir.path().to_path_buf()),
            Db::Postgres { .. } => StoreLocation::Postgres(self.0.url().expect("a database URL")),
        }
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.location()).await.expect("the store opens")
    }

    /// Every index and constraint of the database, each as the statement that makes it, sorted.
    pub async fn indexes(&self) -> Vec<String> {
        let url = self.0.url().expect("a database URL");
        let mut found: Vec<String> = if self.is_postgres() {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("the database answers");
            let query = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() \
                         UNION ALL SELECT conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) FROM pg_constraint \
                         WHERE connamespace = current_schema()::regnamespace";
            sqlx::query_scalar(query).fetch_all(&mut conn).await.expect("the catalogue answers")
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("the SQLite file opens");
            let query = "SELECT tbl_name || ': ' || COALESCE(sql, name) FROM sqlite_master WHERE type = 'index'";
            sqlx::query_scalar(query).fetch_all(&mut conn).await.expect("the catalogue answers")
        };
        found.sort();
        found
    }

    /// Runs raw SQL on the database behind the store, as an intruder with database access would.
    pub async fn tamper(&self, sql: &str) {
        let url = self.0.url().expect("a database URL");
        if self.is_postgres() {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("the database answers");
            sqlx::query(sql).execute(&mut conn).await.expect("the tampering statement runs");
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("the SQLite file opens");
            sqlx::query(sql).execute(&mut conn).await.expect("the tampering statement runs");
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
