//! Bearer tokens and roles. A token is shown once when it is created; only its SHA-256 is stored, and a
//! presented token is looked up by its hash, so no stored secret is ever compared byte by byte.

use std::fmt;
use std::str::FromStr;

use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use termijn_domain::values::AgbCode;

use crate::store::{Store, StoreError, TokenRecord};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// NZa legal staff: records and reads everything.
    Legal,
    /// Reads everything, history included.
    Auditor,
    /// A care provider: reads contracting spaces and deadlines, and only its own tariff decisions and appeals.
    Provider,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legal => "legal",
            Self::Auditor => "auditor",
            Self::Provider => "provider",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "legal" => Ok(Self::Legal),
            "auditor" => Ok(Self::Auditor),
            "provider" => Ok(Self::Provider),
            _ => Err(()),
        }
    }
}

/// Who is making a request, once their token has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    /// Who the token stands for; what `recorded_by` shows.
    pub name: String,
    /// The provider a `provider` token belongs to.
    pub provider: Option<AgbCode>,
    /// The hash of the token presented: what a calendar subscription is made by.
    pub token_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a provider token needs --provider with the provider's AGB code")]
    ProviderMissing,
    #[error("only a provider token belongs to a provider")]
    ProviderNotAllowed,
    #[error("the name must be 1 to 100 characters without control characters")]
    Name,
    #[error(transparent)]
    Store(#[from] StoreError),
}

const TOKEN_PREFIX: &str = "tmj_";

/// The SHA-256 of a token, hex encoded: the only form in which tokens are stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a token with 256 random bits, stores its hash and returns the token itself (shown once).
pub async fn create_token(
    store: &Store,
    role: Role,
    name: &str,
    provider: Option<AgbCode>,
) -> Result<String, TokenError> {
    create_token_until(store, role, name, provider, None).await
}

/// Creates a token that is refused from `expires_at` on (never, when `None`).
pub async fn create_token_until(
    store: &Store,
    role: Role,
    name: &str,
    provider: Option<AgbCode>,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<String, TokenError> {
    match (role, &provider) {
        (Role::Provider, None) => return Err(TokenError::ProviderMissing),
        (Role::Legal | Role::Auditor, Some(_)) => return Err(TokenError::ProviderNotAllowed),
        _ => {}
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(TokenError::Name);
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    store
        .insert_token(&TokenRecord {
            token_hash: token_hash(&token),
            role: role.as_str().to_owned(),
            name: name.to_owned(),
            provider,
            created_at: Utc::now(),
            expires_at,
            revoked_at: None,
            last_used_at: None,
        })
        .await?;
    Ok(token)
}

/// The stored token a presented token is, if it is one of ours (revoked and expired ones included).
async fn stored_token(store: &Store, token: &str) -> Result<Option<TokenRecord>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
        return Ok(None);
    }
    store.token(&token_hash(token)).await
}

/// The principal a presented token stands for, if it is one of ours and may be used now.
pub async fn authenticate(store: &Store, token: &str) -> Result<Option<Principal>, StoreError> {
    Ok(stored_token(store, token).await?.and_then(|record| principal_of(record, Utc::now())))
}

/// The principal a stored token stands for, unless it is revoked or expired at `now`.
pub fn principal_of(record: TokenRecord, now: chrono::DateTime<Utc>) -> Option<Principal> {
    if !record.usable_at(now) {
        return None;
    }
    let role = record.role.parse().ok()?;
    Some(Principal { role, name: record.name, provider: record.provider, token_hash: record.token_hash })
}

/// How long a server answers a token from memory before it reads the token again: a token revoked on any server
/// sharing the database is refused everywhere within this time. An expiry is checked on every request.
pub const TOKEN_RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// Tokens seen in the last [`TOKEN_RECHECK`], by hash, with their principal and expiry. Unknown tokens are not
/// remembered, so a token created a moment ago is found in the store.
#[derive(Debug, Default)]
pub struct TokenCache {
    known: std::sync::Mutex<std::collections::HashMap<String, Remembered>>,
}

#[derive(Debug, Clone)]
struct Remembered {
    principal: Principal,
    expires_at: Option<chrono::DateTime<Utc>>,
    read_at: std::time::Instant,
}

/// The most tokens remembered at once.
const CACHED_TOKENS: usize = 10_000;

impl TokenCache {
    /// `authenticate`, answered from memory for a token read in the last few seconds. Reading a token again
    /// records that it was used.
    pub async fn authenticate(&self, store: &Store, token: &str) -> Result<Option<Principal>, StoreError> {
        let hash = token_hash(token);
        let now = Utc::now();
        if let Some(remembered) = self.known.lock().expect("token cache lock").get(&hash)
            && remembered.read_at.elapsed() < TOKEN_RECHECK
            && remembered.expires_at.is_none_or(|expires| now < expires)
        {
            return Ok(Some(remembered.principal.clone()));
        }
        let Some(record) = stored_token(store, token).await? else {
            self.known.lock().expect("token cache lock").remove(&hash);
            return Ok(None);
        };
        let expires_at = record.expires_at;
        let Some(principal) = principal_of(record, now) else {
            self.known.lock().expect("token cache lock").remove(&hash);
            return Ok(None);
        };
        // When it was last used is for the token list; a request does not fail for it.
        if let Err(error) = store.touch_token(&hash, now).await {
            tracing::warn!(%error, "the token's last use could not be recorded");
        }
        let mut known = self.known.lock().expect("token cache lock");
        if known.len() >= CACHED_TOKENS {
            known.retain(|_, r| r.read_at.elapsed() < TOKEN_RECHECK);
        }
        let remembered = Remembered { principal: principal.clone(), expires_at, read_at: std::time::Instant::now() };
        known.insert(hash, remembered);
        Ok(Some(principal))
    }
}

/// Failed token attempts per client address. A few are allowed (ten at once by default, one more every six
/// seconds, by governor's cell rate algorithm); past that, every token presented from that address is refused with 429 until
/// the allowance has grown back, whether the token is good or not, so that guessing gains nothing by speed.
pub struct FailedAttempts {
    limiter: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
    blocked: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, std::time::Instant>>,
}

impl FailedAttempts {
    /// `at_once` failed attempts allowed from an address at once, one more every six seconds.
    pub fn new(at_once: u32) -> Self {
        let quota = governor::Quota::with_period(std::time::Duration::from_secs(6))
            .expect("a period")
            .allow_burst(std::num::NonZeroU32::new(at_once.max(1)).expect("at least one"));
        Self { limiter: governor::RateLimiter::keyed(quota), blocked: std::sync::Mutex::default() }
    }
}

/// The most addresses remembered as blocked before the expired ones are let go.
const BLOCKED_ADDRESSES: usize = 10_000;

impl FailedAttempts {
    /// How long token attempts from `address` are still refused, if they are.
    pub fn refused(&self, address: std::net::IpAddr) -> Option<std::time::Duration> {
        let blocked = self.blocked.lock().expect("blocked addresses lock");
        let until = *blocked.get(&address)?;
        until.checked_duration_since(std::time::Instant::now()).filter(|left| !left.is_zero())
    }

    /// Counts a failed attempt from `address`; past the allowance, how long its attempts are refused.
    pub fn failed(&self, address: std::net::IpAddr) -> Option<std::time::Duration> {
        use governor::clock::Clock;
        let Err(not_until) = self.limiter.check_key(&address) else { return None };
        let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
        let mut blocked = self.blocked.lock().expect("blocked addresses lock");
        if blocked.len() >= BLOCKED_ADDRESSES {
            let now = std::time::Instant::now();
            blocked.retain(|_, until| *until > now);
            self.limiter.retain_recent();
        }
        blocked.insert(address, std::time::Instant::now() + wait);
        Some(wait)
    }
}
