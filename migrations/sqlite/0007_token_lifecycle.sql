-- Tokens can be taken back: an expiry chosen when the token is made, the instant it was revoked, and when it was
-- last used (to within the few seconds a server remembers a token).
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
