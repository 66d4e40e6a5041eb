-- Search (issue 4). `dataset_search` is a derived row per dataset, kept in step inside the
-- transaction that changes the catalogue, so it cannot drift (ADR 0009):
--   * the text columns are written by the catalogue (jieba runs in the application) right after
--     it writes the dataset, in the same transaction;
--   * copies of the columns that lists filter, count and sort on are written by the triggers
--     below, whoever changes `dataset` or `distribution`.
-- Lists and searches then read one narrow table instead of joining wide dataset rows.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE dataset_search (
  dataset_id uuid PRIMARY KEY REFERENCES dataset(id) ON DELETE CASCADE,
  -- copies of dataset columns (trigger dataset_search_copy)
  org_id uuid NOT NULL,
  status text NOT NULL,
  themes text[] NOT NULL,
  open_tier text NOT NULL,
  share_tier text NOT NULL,
  update_frequency text NOT NULL,
  slug text NOT NULL,
  title_key text NOT NULL,          -- title, NFKC and lower case, for ranking title matches first
  tags_key text NOT NULL,           -- tags likewise
  issued timestamptz,
  modified timestamptz NOT NULL,
  -- formats of the dataset's distributions (trigger distribution_search_formats)
  formats text[] NOT NULL DEFAULT '{}',
  -- title (A); tags, theme labels, field names and titles (B); description and field
  -- descriptions (C): jieba search-mode words plus Han bigram chains, and the title's pinyin (A).
  -- Matched through its GIN index only, never read row by row, so it is stored out of line.
  document tsvector NOT NULL DEFAULT '',
  -- field names and titles, for `field:身份证号` and `fields=`
  field_terms tsvector NOT NULL DEFAULT '',
  -- usage counters for the "most viewed / most downloaded" sorts; usage statistics feed them
  views bigint NOT NULL DEFAULT 0,
  downloads bigint NOT NULL DEFAULT 0
) WITH (toast_tuple_target = 256);
-- What every hit needs stays in the row (a narrow row: fewer pages per search); what only the
-- indexes need moves out of it.
ALTER TABLE dataset_search ALTER COLUMN slug SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN title_key SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN tags_key SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN themes SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN formats SET STORAGE MAIN;

CREATE INDEX dataset_search_document_idx ON dataset_search USING gin (document);
CREATE INDEX dataset_search_fields_idx ON dataset_search USING gin (field_terms);
CREATE INDEX dataset_search_org_idx ON dataset_search (org_id);
-- The words of titles with their pinyin: what a mistyped query (gongjjin, 公鸡金) is corrected
-- towards, by trigram similarity. Words are only ever added: a correction is offered only when
-- it finds datasets the asker may see, so a word left behind by an edited title is harmless.
CREATE TABLE search_term (
  word text PRIMARY KEY,
  pinyin text NOT NULL
);
CREATE INDEX search_term_pinyin_idx ON search_term USING gin (pinyin gin_trgm_ops);

-- Related datasets are found through shared tags and shared 数据项 (fields).
CREATE INDEX dataset_tags_idx ON dataset USING gin (tags);
CREATE INDEX dataset_fields_idx ON dataset USING gin (fields jsonb_path_ops);

CREATE FUNCTION dataset_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dataset_search AS s (dataset_id, org_id, status, themes, open_tier, share_tier, update_frequency, slug, title_key, tags_key, issued, modified)
  SELECT id, org_id, status, themes, open_tier, share_tier, update_frequency, slug,
         lower(normalize(title, NFKC)), lower(normalize(array_to_string(tags, ' '), NFKC)), issued, modified
    FROM changed
  ON CONFLICT (dataset_id) DO UPDATE
     SET org_id = excluded.org_id, status = excluded.status, themes = excluded.themes, open_tier = excluded.open_tier,
         share_tier = excluded.share_tier, update_frequency = excluded.update_frequency, slug = excluded.slug,
         title_key = excluded.title_key, tags_key = excluded.tags_key, issued = excluded.issued, modified = excluded.modified;
  RETURN NULL;
END $$;
CREATE TRIGGER dataset_search_copy_insert AFTER INSERT ON dataset
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION dataset_search_copy();
CREATE TRIGGER dataset_search_copy_update AFTER UPDATE ON dataset
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION dataset_search_copy();

CREATE FUNCTION distribution_search_formats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE dataset_search s SET formats = ARRAY(SELECT DISTINCT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id ORDER BY 1)
     WHERE s.dataset_id IN (SELECT dataset_id FROM gone);
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE dataset_search s SET formats = ARRAY(SELECT DISTINCT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id ORDER BY 1)
     WHERE s.dataset_id IN (SELECT dataset_id FROM gone UNION SELECT dataset_id FROM changed);
  ELSE
    UPDATE dataset_search s SET formats = ARRAY(SELECT DISTINCT d.format FROM distribution d WHERE d.dataset_id = s.dataset_id ORDER BY 1)
     WHERE s.dataset_id IN (SELECT dataset_id FROM changed);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER distribution_search_formats_insert AFTER INSERT ON distribution
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION distribution_search_formats();
CREATE TRIGGER distribution_search_formats_update AFTER UPDATE ON distribution
  REFERENCING OLD TABLE AS gone NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION distribution_search_formats();
CREATE TRIGGER distribution_search_formats_delete AFTER DELETE ON distribution
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION distribution_search_formats();

-- Datasets catalogued before search existed get their copies now and their text on `kaifang reindex`.
INSERT INTO dataset_search (dataset_id, org_id, status, themes, open_tier, share_tier, update_frequency, slug, title_key, tags_key, issued, modified, formats)
SELECT id, org_id, status, themes, open_tier, share_tier, update_frequency, slug,
       lower(normalize(title, NFKC)), lower(normalize(array_to_string(tags, ' '), NFKC)), issued, modified,
       ARRAY(SELECT DISTINCT format FROM distribution WHERE distribution.dataset_id = dataset.id ORDER BY 1)
  FROM dataset;
