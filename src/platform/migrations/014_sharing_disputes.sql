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

-- 协商: the thread between the requesting and the providing department of a refused or overdue
-- sharing request, with its own deadline (working days); ended_* when a side gives up.
CREATE TABLE sharing_negotiation (
  request_id uuid PRIMARY KEY REFERENCES access_request(id),
  opened_at timestamptz NOT NULL,
  opened_by uuid REFERENCES app_user(id),
  deadline_days integer NOT NULL,
  due_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_by uuid REFERENCES app_user(id),
  ended_org_id uuid REFERENCES organisation(id),
  end_reason text
);

CREATE TABLE sharing_negotiation_message (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES sharing_negotiation(request_id),
  -- Order of writing within a thread.
  seq bigserial NOT NULL,
  author_id uuid NOT NULL REFERENCES app_user(id),
  author_org_id uuid REFERENCES organisation(id),
  body text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX sharing_negotiation_message_idx ON sharing_negotiation_message (request_id, seq);
