//! The caller behind a request: a bearer token checked against the stored hashes, and the roles it holds.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;
use crate::auth::{Principal, Role};
use crate::store::Provenance;

/// The authenticated caller; a missing or unknown token is 401.
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The scheme name is case-insensitive (RFC 9110, section 11.1).
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(ApiError::Unauthorized)?;
        let address = client_address(parts);
        if let Some(wait) = address.and_then(|a| state.failures.refused(a)) {
            return Err(ApiError::TooManyAttempts(wait.as_secs().max(1)));
        }
        match state.tokens.authenticate(state.service.store(), token).await? {
            Some(principal) => Ok(Self(principal)),
            None => match address.and_then(|a| state.failures.failed(a)) {
                Some(wait) => Err(ApiError::TooManyAttempts(wait.as_secs().max(1))),
                None => Err(ApiError::Unauthorized),
            },
        }
    }
}

/// The address the request came from, as the connection says (a proxy in front is not looked behind).
pub fn client_address(parts: &Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip())
}

impl Caller {
    /// 403 unless the caller holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "a {} token may not do this; it needs the role {}",
                self.0.role,
                roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or ")
            )))
        }
    }

    pub fn is_provider(&self) -> bool {
        self.0.role == Role::Provider
    }

    pub fn provenance(&self) -> Provenance {
        Provenance { recorded_by: self.0.name.clone(), ..Provenance::default() }
    }
}

/// A caller allowed to write: the `legal` role. Checked before the body is read, so any other caller gets
/// 403 whatever it sent.
pub struct Legal(pub Caller);

impl FromRequestParts<AppState> for Legal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(&[Role::Legal])?;
        Ok(Self(caller))
    }
}
