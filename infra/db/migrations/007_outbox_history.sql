-- A correction's message to [results] carries the versions it replaces (`history`), read from the
-- outbox's earlier messages for the same station: this index finds the latest one at once.
CREATE INDEX outbox_results_by_station ON outbox (election_id, contest_id, station_id, result_version)
  WHERE result_version IS NOT NULL;
