-- Narrower search rows (issue 4, ADR 0015). A search reads the row of every hit to apply the
-- visibility rule, count the facets and rank; text arrays and words in those rows made that read
-- and the grouping over it the bulk of a search. Each value of a faceted or filtered column is
-- now a small code given by `search_code`: the scalar columns hold the code, `themes` and
-- `formats` a bit set of codes. The triggers keep the codes in step in the same transaction, as
-- before (ADR 0009); a search maps codes back to values only for the few facet rows it returns.

CREATE TABLE search_code (
  facet text NOT NULL,              -- status, open_tier, share_tier, update_frequency, theme, format
  value text NOT NULL,
  -- A bit of a bigint for the set columns; vocabularies are far smaller than 63 terms.
  code smallint NOT NULL CHECK (code BETWEEN 0 AND 62),
  PRIMARY KEY (facet, value),
  UNIQUE (facet, code)
);

-- Gives each value not coded yet the next code of its facet. A new value is rare (a vocabulary
-- term used for the first time), so numbering is serialised by a lock taken only then; readers
-- are never blocked.
CREATE FUNCTION search_code_add(kind text, vals text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(vals) v WHERE NOT EXISTS (SELECT 1 FROM search_code c WHERE c.facet = kind AND c.value = v)) THEN
    LOCK TABLE search_code IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO search_code (facet, value, code)
    SELECT kind, m.v, (SELECT coalesce(max(code), -1) FROM search_code WHERE facet = kind) + row_number() OVER (ORDER BY m.v)
      FROM (SELECT DISTINCT v FROM unnest(vals) v
             WHERE v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM search_code c WHERE c.facet = kind AND c.value = v)) m;
  END IF;
END $$;

CREATE FUNCTION search_code_of(kind text, val text) RETURNS smallint LANGUAGE sql STABLE AS $$
  SELECT code FROM search_code WHERE facet = kind AND value = val
$$;

CREATE FUNCTION search_bits(kind text, vals text[]) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(bit_or(1::bigint << code), 0) FROM search_code WHERE facet = kind AND value = ANY(vals)
$$;

-- Codes for what is catalogued already, then the columns rewritten once.
SELECT search_code_add('status', ARRAY(SELECT status FROM dataset_search));
SELECT search_code_add('open_tier', ARRAY(SELECT open_tier FROM dataset_search));
SELECT search_code_add('share_tier', ARRAY(SELECT share_tier FROM dataset_search));
SELECT search_code_add('update_frequency', ARRAY(SELECT update_frequency FROM dataset_search));
SELECT search_code_add('theme', ARRAY(SELECT unnest(themes) FROM dataset_search));
SELECT search_code_add('format', ARRAY(SELECT unnest(formats) FROM dataset_search));

ALTER TABLE dataset_search
  ALTER COLUMN formats DROP DEFAULT,
  ALTER COLUMN status TYPE smallint USING search_code_of('status', status),
  ALTER COLUMN open_tier TYPE smallint USING search_code_of('open_tier', open_tier),
  ALTER COLUMN share_tier TYPE smallint USING search_code_of('share_tier', share_tier),
  ALTER COLUMN update_frequency TYPE smallint USING search_code_of('update_frequency', update_frequency),
  ALTER COLUMN themes TYPE bigint USING search_bits('theme', themes),
  ALTER COLUMN formats TYPE bigint USING search_bits('format', formats),
  ALTER COLUMN formats SET DEFAULT 0;

CREATE OR REPLACE FUNCTION dataset_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_code_add('status', ARRAY(SELECT status FROM changed));
  PERFORM search_code_add('open_tier', ARRAY(SELECT open_tier FROM changed));
  PERFORM search_code_add('share_tier', ARRAY(SELECT share_tier FROM changed));
  PERFORM search_code_add('update_frequency', ARRAY(SELECT update_frequency FROM changed));
  PERFORM search_code_add('theme', ARRAY(SELECT unnest(themes) FROM changed));
  INSERT INTO dataset_search AS s (dataset_id, org_id, status, themes, open_tier, share_tier, update_frequency, slug, title_key, tags_key, issued, modified)
  SELECT id, org_id, search_code_of('status', status), search_bits('theme', themes), search_code_of('open_tier', open_tier),
         search_code_of('share_tier', share_tier), search_code_of('update_frequency', update_frequency), slug,
         lower(normalize(title, NFKC)), lower(normalize(array_to_string(tags, ' '), NFKC)), issued, modified
    FROM changed
  ON CONFLICT (dataset_id) DO UPDATE
     SET org_id = excluded.org_id, status = excluded.status, themes = excluded.themes, open_tier = excluded.open_tier,
         share_tier = excluded.share_tier, update_frequency = excluded.update_frequency, slug = excluded.slug,
         title_key = excluded.title_key, tags_key = excluded.tags_key, issued = excluded.issued, modified = excluded.modified;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION distribution_search_formats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE dataset_search s SET formats = search_bits('format', ARRAY(SELECT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id))
     WHERE s.dataset_id IN (SELECT dataset_id FROM gone);
    RETURN NULL;
  END IF;
  PERFORM search_code_add('format', ARRAY(SELECT format FROM changed));
  IF TG_OP = 'UPDATE' THEN
    UPDATE dataset_search s SET formats = search_bits('format', ARRAY(SELECT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id))
     WHERE s.dataset_id IN (SELECT dataset_id FROM gone UNION SELECT dataset_id FROM changed);
  ELSE
    UPDATE dataset_search s SET formats = search_bits('format', ARRAY(SELECT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id))
     WHERE s.dataset_id IN (SELECT dataset_id FROM changed);
  END IF;
  RETURN NULL;
END $$;
