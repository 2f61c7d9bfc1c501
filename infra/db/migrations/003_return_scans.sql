-- A return may refer to the scan of its signed tally sheet, stored by ingest before the return
-- was produced: {sha256, contentType, bytes}; the file's key follows from it (core/scans.ts).
-- NULL for returns without a scan, and for every return received before this migration.
ALTER TABLE returns ADD COLUMN scan jsonb;
