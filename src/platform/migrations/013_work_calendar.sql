-- The holiday calendar as the installation's own data (issue 14, ADR 0031): the State Council's
-- yearly notice (法定节假日 and 调休上班), seeded from `chinese-days` and kept by the data
-- authority, and what each open deadline was computed with, so an imported year can recompute it.

-- One row per notice year the calendar knows; a year without a row counts Monday–Friday.
CREATE TABLE work_calendar_year (
  year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  -- 'package': copied from chinese-days; 'import': entered by the data authority.
  source text NOT NULL CHECK (source IN ('package', 'import')),
  title text NOT NULL,
  reference text,
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES app_user(id)
);

-- The days a notice sets; a 元旦 break may begin in the December before its year.
CREATE TABLE work_calendar_day (
  year integer NOT NULL REFERENCES work_calendar_year(year) ON DELETE CASCADE,
  date text NOT NULL CHECK (date ~ '^\d{4}-\d{2}-\d{2}$'),
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL,
  PRIMARY KEY (year, date)
);

-- Bumped by every change, so each server process knows when to reload its copy of the table.
CREATE TABLE work_calendar_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  revision integer NOT NULL
);
INSERT INTO work_calendar_state (id, revision) VALUES (true, 0);

-- The running clock of a request: when it started (submission, escalation or the answer to a
-- return), how many days of which unit it was given, and whether its due day lies in a year the
-- calendar does not know yet.
ALTER TABLE access_request
  ADD COLUMN deadline_unit text NOT NULL DEFAULT 'working' CHECK (deadline_unit IN ('working', 'calendar')),
  ADD COLUMN clock_started_at timestamptz,
  ADD COLUMN clock_days integer CHECK (clock_days > 0),
  ADD COLUMN due_provisional boolean NOT NULL DEFAULT false;

-- Open clocks started by a submission or an escalation are known exactly; one that restarted
-- after a return is not, and stays as it is (NULL: not recomputed).
UPDATE access_request
   SET clock_started_at = CASE WHEN status = 'escalated' THEN escalated_at ELSE submitted_at END,
       clock_days = deadline_days
 WHERE due_at IS NOT NULL
   AND (status = 'escalated' OR info_response IS NULL);

-- Reasons with substance (issue 14): 不予开放 and 不予共享 state their legal basis (法律法规依据);
-- 不予共享 its reason too. Older rows keep NULL until their next edit, which then asks for them.
ALTER TABLE dataset
  ADD COLUMN not_open_legal_basis text,
  ADD COLUMN not_shared_reason text,
  ADD COLUMN not_shared_legal_basis text;
