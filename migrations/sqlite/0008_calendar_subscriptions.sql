-- Calendar subscription links: only the SHA-256 of each link's secret is kept, with the token that made it (whose
-- role and provider the feed shows) and the filters it was made with, as a JSON document.
CREATE TABLE calendar_subscriptions
(
    id          TEXT NOT NULL PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    token_hash  TEXT NOT NULL REFERENCES tokens (token_hash),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    filters     TEXT NOT NULL,
    revoked_at  TEXT
);
