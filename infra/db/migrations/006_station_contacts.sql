-- The station's contact (its president, usually), from the election definition when it has one:
-- the desk's chase list shows whom to call about a station that has not reported yet.
-- Both optional: definitions without contacts load as before.
ALTER TABLE stations ADD COLUMN contact_name text;
ALTER TABLE stations ADD COLUMN contact_phone text;

-- The review queue reads the held results: a few among 69,000, found without a scan. Partial, so
-- the consolidator's writes of results in other states do not maintain it.
CREATE INDEX station_results_held ON station_results (election_id, state)
  WHERE state IN ('needs-review', 'conflict');
