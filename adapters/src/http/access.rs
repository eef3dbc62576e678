//! Who sees what, in one place: legal staff and auditors see everything; a provider sees every term that counts
//! for it (other providers' unnamed, R7), and only its own tariff decisions, appeals and objections. What a
//! provider may not see is "not found", so that its existence is not shown either.

use termijn_domain::register::Appellant;
use termijn_domain::values::AgbCode;
use termijn_projections::views::Audience;

use super::auth::Caller;
use super::error::ApiError;

impl Caller {
    /// The provider own to a provider token.
    fn own_provider(&self) -> Option<&AgbCode> {
        self.is_provider().then_some(self.0.provider.as_ref()).flatten()
    }

    /// The provider whose terms are shown: a provider's own (asking for another's is 403), or the one legal staff
    /// or an auditor asked for.
    pub fn viewer(&self, asked: Option<AgbCode>) -> Result<Option<AgbCode>, ApiError> {
        if !self.is_provider() {
            return Ok(asked);
        }
        let own = self.own_provider().cloned();
        if asked.is_some() && asked != own {
            return Err(ApiError::Forbidden("a provider sees the terms that count for itself only".to_owned()));
        }
        Ok(own)
    }

    /// Who looks at a contracting space when no provider is asked for: a provider as itself.
    pub fn own_audience(&self) -> Audience {
        let own = self.own_provider().cloned();
        Audience { seen_by: own.clone(), appeals_of: own }
    }

    /// Who looks at a contracting space: a provider sees its own appeals only.
    pub fn audience(&self, asked: Option<AgbCode>) -> Result<Audience, ApiError> {
        let seen_by = self.viewer(asked)?;
        let appeals_of = self.own_provider().cloned();
        Ok(Audience { seen_by, appeals_of })
    }

    /// Whether the caller may see a tariff decision for `provider`.
    pub fn may_see_tariff_decision(&self, provider: Option<&AgbCode>) -> bool {
        !self.is_provider() || (provider.is_some() && provider == self.own_provider())
    }

    /// Whether the caller may see an appeal lodged by `appellant`.
    pub fn may_see_appeal(&self, appellant: &Appellant) -> bool {
        !self.is_provider() || matches!(appellant, Appellant::Provider(p) if Some(p) == self.own_provider())
    }
}
