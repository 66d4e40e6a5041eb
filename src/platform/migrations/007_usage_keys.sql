-- Usage feeds discovery (issue 4): dataset page views per day, the running totals that the
-- "most viewed / most downloaded" sorts read, and which pseudonymous keys used which dataset, for
-- "people who used this also used" (ADR 0016).

-- Views of each dataset's page (portal and API) per day (Asia/Shanghai), like distribution_usage.
CREATE TABLE dataset_usage (
  dataset_id uuid NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
  day text NOT NULL,
  views integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dataset_id, day)
);

-- The last day (YYYY-MM-DD) each key used each dataset. A key is `u:<user id>` for a signed-in
-- caller, `a:<HMAC of the address under that day's salt>` for an anonymous one; never an address.
-- Rows past the also-used window are deleted when the day's salt is made.
CREATE TABLE dataset_use_key (
  user_key text NOT NULL,
  dataset_id uuid NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
  last_day text NOT NULL,
  -- with the day in the index, a key's datasets within the window are read from the index alone
  PRIMARY KEY (user_key, dataset_id) INCLUDE (last_day)
);
-- Who used a dataset lately: the first step of every also-used lookup, answered from the index.
CREATE INDEX dataset_use_key_dataset_idx ON dataset_use_key (dataset_id, last_day DESC, user_key);

-- One random salt per day for anonymous keys. Yesterday's is deleted when today's is made, so a
-- past day's keys cannot be recomputed from an address, nor linked to the next day's.
CREATE TABLE usage_salt (
  day text PRIMARY KEY,
  salt text NOT NULL                -- 32 random bytes, hex
);

-- Every view and download adds one to `views` or `downloads`. Neither column is indexed, so with
-- room left on each page the new row version stays on the same page (a HOT update) and the
-- GIN indexes on the document are not touched.
ALTER TABLE dataset_search SET (fillfactor = 90);

-- Downloads counted before this migration start the running totals.
UPDATE dataset_search s
   SET downloads = t.downloads
  FROM (SELECT d.dataset_id, sum(u.downloads) AS downloads
          FROM distribution_usage u JOIN distribution d ON d.id = u.distribution_id
         GROUP BY d.dataset_id) t
 WHERE s.dataset_id = t.dataset_id AND t.downloads > 0;
