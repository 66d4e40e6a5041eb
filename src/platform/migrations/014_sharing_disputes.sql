-- Sharing disputes (seed 001 协调机制): the two departments negotiate (协商) first; what the data
-- authority then rules binds the providing department.

-- A grant issued by the authority's ruling on an escalated sharing request. Grants issued before
-- this migration are marked from their request: an approved request decided by the authority.
ALTER TABLE access_grant ADD COLUMN ordered_by_authority boolean NOT NULL DEFAULT false;
UPDATE access_grant g SET ordered_by_authority = true
  FROM access_request r
  WHERE r.id = g.request_id AND r.kind = 'sharing' AND r.final;

-- The providing department asks the authority to suspend or revoke a grant the authority ordered.
CREATE TABLE grant_ruling_request (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  grant_id uuid NOT NULL REFERENCES access_grant(id),
  action text NOT NULL CHECK (action IN ('suspend', 'revoke')),
  reason text NOT NULL,
  requested_by uuid NOT NULL REFERENCES app_user(id),
  requested_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  decision_reason text
);
CREATE INDEX grant_ruling_request_grant_idx ON grant_ruling_request (grant_id);
CREATE INDEX grant_ruling_request_status_idx ON grant_ruling_request (status, requested_at);
