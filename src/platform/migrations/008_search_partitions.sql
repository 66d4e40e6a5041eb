-- The search index in two partitions (issue 4, ADR 0019). A search's cost follows the index
-- rows of its hits that it reads; with the rows split by a hash of the dataset id, a server
-- searches both halves at once on two connections and adds the counts up, so a search with tens
-- of thousands of hits takes about half as long on a machine with cores to spare. The embedded
-- database has one connection and reads both partitions in one statement, as before. Nothing
-- else changes: writers, triggers and readers name `dataset_search` as they did.

ALTER TABLE dataset_search RENAME TO dataset_search_unpartitioned;
ALTER TABLE dataset_search_unpartitioned RENAME CONSTRAINT dataset_search_dataset_id_fkey TO dataset_search_unpartitioned_dataset_id_fkey;
ALTER INDEX dataset_search_pkey RENAME TO dataset_search_unpartitioned_pkey;
ALTER INDEX dataset_search_document_idx RENAME TO dataset_search_unpartitioned_document_idx;
ALTER INDEX dataset_search_fields_idx RENAME TO dataset_search_unpartitioned_fields_idx;
ALTER INDEX dataset_search_org_idx RENAME TO dataset_search_unpartitioned_org_idx;

CREATE TABLE dataset_search (
  dataset_id uuid NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  -- codes and bit sets of search_code (migration 006)
  status smallint NOT NULL,
  themes bigint NOT NULL,
  open_tier smallint NOT NULL,
  share_tier smallint NOT NULL,
  update_frequency smallint NOT NULL,
  slug text NOT NULL,
  title_key text NOT NULL,
  tags_key text NOT NULL,
  issued timestamptz,
  modified timestamptz NOT NULL,
  formats bigint NOT NULL DEFAULT 0,
  document tsvector NOT NULL DEFAULT '',
  field_terms tsvector NOT NULL DEFAULT '',
  views bigint NOT NULL DEFAULT 0,
  downloads bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (dataset_id)
) PARTITION BY HASH (dataset_id);
-- As in migration 003: what every hit needs stays in the row, what only the indexes need moves out.
ALTER TABLE dataset_search ALTER COLUMN slug SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN title_key SET STORAGE MAIN;
ALTER TABLE dataset_search ALTER COLUMN tags_key SET STORAGE MAIN;

-- Storage settings belong to the partitions: room for HOT updates of the counters (migration 007),
-- the tsvectors out of line (migration 003).
CREATE TABLE dataset_search_0 PARTITION OF dataset_search FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  WITH (toast_tuple_target = 256, fillfactor = 90);
CREATE TABLE dataset_search_1 PARTITION OF dataset_search FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  WITH (toast_tuple_target = 256, fillfactor = 90);

INSERT INTO dataset_search
SELECT dataset_id, org_id, status, themes, open_tier, share_tier, update_frequency, slug, title_key, tags_key,
       issued, modified, formats, document, field_terms, views, downloads
  FROM dataset_search_unpartitioned;
DROP TABLE dataset_search_unpartitioned;

CREATE INDEX dataset_search_document_idx ON dataset_search USING gin (document);
CREATE INDEX dataset_search_fields_idx ON dataset_search USING gin (field_terms);
CREATE INDEX dataset_search_org_idx ON dataset_search (org_id);
