-- Web console sessions (design §9, §10): the web tier stays stateless because sessions live here.
-- Only a hash of the cookie value is stored, so a copy of this table cannot be used to sign in.

CREATE TABLE web_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES app_user(id),
  -- Synchroniser token for cookie-authenticated writes; useless without the session cookie.
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX web_session_user_idx ON web_session (user_id);
