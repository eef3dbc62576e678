//! Bearer tokens (only their hashes), web sessions (only their hashes) and idempotency keys.

/// Expands this part of the store for `$store` on database `$db`, inside `store_impl!`.
macro_rules! access_sql {
    ($store:ident, $db:ty) => {
        const TOKEN_BY_HASH: &str = "SELECT t.token_hash, t.role, t.name, t.provider, t.created_at, t.expires_at, \
                                     t.revoked_at, t.last_used_at FROM tokens t WHERE t.token_hash = $1";
        const ALL_TOKENS: &str = "SELECT t.token_hash, t.role, t.name, t.provider, t.created_at, t.expires_at, \
                                  t.revoked_at, t.last_used_at FROM tokens t ORDER BY t.created_at, t.token_hash";
        const SESSION_BY_HASH: &str = "SELECT t.token_hash, t.role, t.name, t.provider, t.created_at, t.expires_at, \
                                       t.revoked_at, t.last_used_at, s.last_seen \
                                       FROM web_sessions s JOIN tokens t ON t.token_hash = s.token_hash \
                                       WHERE s.session_hash = $1";

        type TokenColumns =
            (String, String, String, Option<String>, String, Option<String>, Option<String>, Option<String>);

        fn token_record(
            (token_hash, role, name, provider, created_at, expires_at, revoked_at, last_used_at): TokenColumns,
        ) -> Result<TokenRecord, StoreError> {
            let instant = |text: Option<String>, what: &str| {
                text.map(|t| parse_instant(&t).ok_or_else(|| corrupt(what))).transpose()
            };
            Ok(TokenRecord {
                token_hash,
                role,
                name,
                provider: provider.map(|p| AgbCode::parse(&p).map_err(|_| corrupt("a token's AGB code"))).transpose()?,
                created_at: parse_instant(&created_at).ok_or_else(|| corrupt("a token's creation instant"))?,
                expires_at: instant(expires_at, "a token's expiry")?,
                revoked_at: instant(revoked_at, "a token's revocation")?,
                last_used_at: instant(last_used_at, "a token's last use")?,
            })
        }

        type SubscriptionColumns = (String, String, String, String, String, String, Option<String>);

        fn subscription_record(
            (id, secret_hash, token_hash, created_by, created_at, filters, revoked_at): SubscriptionColumns,
        ) -> Result<SubscriptionRecord, StoreError> {
            Ok(SubscriptionRecord {
                id,
                secret_hash,
                token_hash,
                created_by,
                created_at: parse_instant(&created_at).ok_or_else(|| corrupt("a subscription's creation instant"))?,
                filters: serde_json::from_str(&filters).map_err(|_| corrupt("a subscription's filters"))?,
                revoked_at: revoked_at
                    .map(|r| parse_instant(&r).ok_or_else(|| corrupt("a subscription's revocation")))
                    .transpose()?,
            })
        }

        #[async_trait::async_trait]
        impl crate::store::backend::Access for $store {
            async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO tokens (token_hash, role, name, provider, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&token.token_hash)
                .bind(&token.role)
                .bind(&token.name)
                .bind(token.provider.as_ref().map(AgbCode::as_str))
                .bind(format_instant(token.created_at))
                .bind(token.expires_at.map(format_instant))
                .execute(&self.pool)
                .await?;
                Ok(())
            }
            async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
                let row: Option<TokenColumns> =
                    sqlx::query_as(TOKEN_BY_HASH).bind(token_hash).fetch_optional(&self.pool).await?;
                row.map(token_record).transpose()
            }
            async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
                let rows: Vec<TokenColumns> = sqlx::query_as(ALL_TOKENS).fetch_all(&self.pool).await?;
                rows.into_iter().map(token_record).collect()
            }
            async fn revoke_token(&self, token_hash: &str, at: chrono::DateTime<Utc>) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
                )
                .bind(format_instant(at))
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
                sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(done.rows_affected() > 0)
            }
            async fn insert_subscription(&self, subscription: &SubscriptionRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO calendar_subscriptions (id, secret_hash, token_hash, created_by, created_at, filters) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&subscription.id)
                .bind(&subscription.secret_hash)
                .bind(&subscription.token_hash)
                .bind(&subscription.created_by)
                .bind(format_instant(subscription.created_at))
                .bind(to_doc(&subscription.filters))
                .execute(&self.pool)
                .await?;
                Ok(())
            }
            async fn subscriptions(&self) -> Result<Vec<SubscriptionRecord>, StoreError> {
                let rows: Vec<SubscriptionColumns> = sqlx::query_as(
                    "SELECT id, secret_hash, token_hash, created_by, created_at, filters, revoked_at \
                     FROM calendar_subscriptions ORDER BY created_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(subscription_record).collect()
            }
            async fn subscription_by_secret(
                &self,
                secret_hash: &str,
            ) -> Result<Option<(SubscriptionRecord, TokenRecord)>, StoreError> {
                let row: Option<SubscriptionColumns> = sqlx::query_as(
                    "SELECT id, secret_hash, token_hash, created_by, created_at, filters, revoked_at \
                     FROM calendar_subscriptions WHERE secret_hash = $1",
                )
                .bind(secret_hash)
                .fetch_optional(&self.pool)
                .await?;
                let Some(subscription) = row.map(subscription_record).transpose()? else { return Ok(None) };
                let token = self.token(&subscription.token_hash).await?;
                Ok(token.map(|token| (subscription, token)))
            }
            async fn revoke_subscription(&self, id: &str, at: chrono::DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query("UPDATE calendar_subscriptions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(format_instant(at))
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            async fn touch_token(&self, token_hash: &str, at: chrono::DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE token_hash = $2")
                    .bind(format_instant(at))
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            async fn idempotency(&self, scope: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
                let row: Option<(String, Option<i32>, Option<String>)> = sqlx::query_as(
                    "SELECT request_hash, status, response FROM idempotency WHERE scope = $1 AND key = $2",
                )
                .bind(scope)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(request_hash, status, response)| IdempotencyRecord {
                    request_hash,
                    response: status.zip(response).and_then(|(s, r)| u16::try_from(s).ok().map(|s| (s, r))),
                }))
            }
            async fn complete_idempotency(
                &self,
                scope: &str,
                key: &str,
                status: u16,
                response: &str,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE idempotency SET status = $1, response = $2 WHERE scope = $3 AND key = $4")
                    .bind(i32::from(status))
                    .bind(response)
                    .bind(scope)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            async fn open_session(
                &self,
                session_hash: &str,
                token_hash: &str,
                at: chrono::DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO web_sessions (session_hash, token_hash, created_at, last_seen) VALUES ($1, $2, $3, $3)",
                )
                .bind(session_hash)
                .bind(token_hash)
                .bind(format_instant(at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }
            async fn session(&self, session_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
                type SessionColumns = (
                    String,
                    String,
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    String,
                );
                let row: Option<SessionColumns> =
                    sqlx::query_as(SESSION_BY_HASH).bind(session_hash).fetch_optional(&self.pool).await?;
                row.map(|(hash, role, name, provider, created, expires, revoked, used, last_seen)| {
                    Ok(SessionRecord {
                        token: token_record((hash, role, name, provider, created, expires, revoked, used))?,
                        last_seen: parse_instant(&last_seen).ok_or_else(|| corrupt("a session's last use"))?,
                    })
                })
                .transpose()
            }
            async fn touch_session(&self, session_hash: &str, at: chrono::DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query("UPDATE web_sessions SET last_seen = $1 WHERE session_hash = $2")
                    .bind(format_instant(at))
                    .bind(session_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            async fn end_session(&self, session_hash: &str, idle_since: chrono::DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1 OR last_seen < $2")
                    .bind(session_hash)
                    .bind(format_instant(idle_since))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use access_sql;
