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
        })
        .await?;
    Ok(token)
}

/// The principal a presented token stands for, if it is one of ours.
pub async fn authenticate(store: &Store, token: &str) -> Result<Option<Principal>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
        return Ok(None);
    }
    let Some(record) = store.token(&token_hash(token)).await? else { return Ok(None) };
    Ok(principal_of(record))
}

/// The principal a stored token stands for.
pub fn principal_of(record: TokenRecord) -> Option<Principal> {
    let role = record.role.parse().ok()?;
    Some(Principal { role, name: record.name, provider: record.provider })
}

/// Principals of tokens seen before, by token hash. Tokens never change once created, so a hit is always right;
/// unknown tokens are not remembered, so a token created a moment ago is found in the store.
#[derive(Debug, Default)]
pub struct TokenCache {
    known: std::sync::Mutex<std::collections::HashMap<String, Principal>>,
}

/// The most tokens remembered at once.
const CACHED_TOKENS: usize = 10_000;

impl TokenCache {
    /// `authenticate`, answered from memory for a token seen before.
    pub async fn authenticate(&self, store: &Store, token: &str) -> Result<Option<Principal>, StoreError> {
        let hash = token_hash(token);
        if let Some(principal) = self.known.lock().expect("token cache lock").get(&hash) {
            return Ok(Some(principal.clone()));
        }
        let found = authenticate(store, token).await?;
        if let Some(principal) = &found {
            let mut known = self.known.lock().expect("token cache lock");
            if known.len() >= CACHED_TOKENS {
                known.clear();
            }
            known.insert(hash, principal.clone());
        }
        Ok(found)
    }
}
