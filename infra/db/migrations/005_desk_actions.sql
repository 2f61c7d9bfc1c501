-- The results desk's actions on a station: validating or rejecting a return, entering a
-- correction that a second supervisor approves (four eyes), withdrawing a validated result.
-- Each is one transaction that locks the station's row, changes it, writes [results] through the
-- outbox when a result is emitted, and appends the audit entry (consolidate/desk/station-actions.ts).

-- Figures a desk user entered for a station, waiting for a different supervisor's approval.
-- Rows are never deleted: an approved or discarded correction stays, with who decided and when.
CREATE TABLE desk_corrections (
  id              bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME desk_corrections_id_seq) PRIMARY KEY,
  election_id     text NOT NULL,
  contest_id      text NOT NULL,
  station_id      text NOT NULL,
  counts          jsonb NOT NULL,
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  entered_by      text NOT NULL,
  entered_at      timestamptz NOT NULL,
  -- The station's validated version when the figures were entered: approving them over a newer
  -- version would silently undo it, so approval requires the station still to hold this one.
  base_version    integer NOT NULL CHECK (base_version >= 0),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'discarded')),
  decided_by      text,
  decided_at      timestamptz,
  -- The version the approval emitted.
  emitted_version integer,
  CHECK ((status = 'pending') = (decided_by IS NULL)),
  CHECK ((status = 'approved') = (emitted_version IS NOT NULL)),
  -- Four eyes, held by the database too: nobody approves their own figures.
  CHECK (status <> 'approved' OR decided_by <> entered_by),
  FOREIGN KEY (election_id, contest_id, station_id) REFERENCES station_results (election_id, contest_id, station_id)
);
CREATE INDEX desk_corrections_by_station ON desk_corrections (election_id, contest_id, station_id, id);

-- The desk's writes, replacing 002's list: audit entries as before; the station's row (state,
-- figures, version; never published_version, which the relay alone moves); a return's outcome when
-- the desk rejects it (so that it no longer counts as an independent return); the outbox; its
-- corrections. Column lists where a table has columns the desk must not touch. Still no DELETE.
CREATE OR REPLACE FUNCTION grant_desk_writes(desk_role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF desk_role IS NULL OR desk_role = '' THEN
    RETURN;
  END IF;
  EXECUTE format('GRANT INSERT ON audit_log TO %I', desk_role);
  EXECUTE format('GRANT USAGE ON SEQUENCE audit_log_seq TO %I', desk_role);
  EXECUTE format('GRANT UPDATE (state, current_return_id, version, counts, turnout, validated_return_id, validated_at, updated_at) ON station_results TO %I', desk_role);
  EXECUTE format('GRANT UPDATE (status, reason, decided_at) ON return_outcomes TO %I', desk_role);
  EXECUTE format('GRANT INSERT ON outbox TO %I', desk_role);
  EXECUTE format('GRANT USAGE ON SEQUENCE outbox_id_seq TO %I', desk_role);
  EXECUTE format('GRANT INSERT ON desk_corrections TO %I', desk_role);
  EXECUTE format('GRANT UPDATE (status, decided_by, decided_at, emitted_version) ON desk_corrections TO %I', desk_role);
  EXECUTE format('GRANT USAGE ON SEQUENCE desk_corrections_id_seq TO %I', desk_role);
END
$$;
REVOKE ALL ON FUNCTION grant_desk_writes(text) FROM PUBLIC;
SELECT grant_desk_writes(current_setting('elections.desk_role', true));

-- The station view lists the audit entries that name its station.
CREATE INDEX audit_log_by_station ON audit_log ((detail->>'stationId'), (detail->>'electionId')) WHERE detail ? 'stationId';
