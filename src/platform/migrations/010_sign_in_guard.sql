-- Sign-in protection (issue 12, ADR 0028): failed password attempts counted per account and per
-- address, so guessing is slowed down and then stopped on every server of the installation.
-- `key` is the lower-cased email (whether or not such an account exists, so the answer tells no
-- one which emails are registered) or the client address.
CREATE TABLE sign_in_throttle (
  scope text NOT NULL CHECK (scope IN ('account', 'address')),
  key text NOT NULL,
  failures integer NOT NULL,
  first_failure_at timestamptz NOT NULL,
  last_failure_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (scope, key)
);
-- Counts past their window are deleted on the next failure.
CREATE INDEX sign_in_throttle_last_idx ON sign_in_throttle (last_failure_at);

-- Tokens derived from a grant are revoked with it: find them without a scan.
CREATE INDEX api_token_grant_idx ON api_token (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Optional second factor for staff (RFC 6238 TOTP). The secret must be readable to compute codes,
-- so it is stored as is, like the password hash never leaving the server; `totp_enabled_at` is null
-- while an enrolment waits for its first code. `totp_last_step` makes each code work once.
ALTER TABLE app_user ADD COLUMN totp_secret text;
ALTER TABLE app_user ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE app_user ADD COLUMN totp_last_step bigint;
