-- Sessions of the web interface: only the SHA-256 of the session id is kept, with the token the user logged in
-- with (by its hash) and when the session was last used; the idle timeout is measured from that.
CREATE TABLE web_sessions
(
    session_hash TEXT NOT NULL PRIMARY KEY,
    token_hash   TEXT NOT NULL REFERENCES tokens (token_hash),
    created_at   TEXT NOT NULL,
    last_seen    TEXT NOT NULL
);
