-- The consolidation store: election definitions as loaded, every return as received, the checks
-- run on it, each station's result state, and the transactional outbox to [results].
-- Plain PostgreSQL 15; PGlite runs it unchanged. Timestamps come from the application clock
-- (parameters), not now(), so a replay and its tests are reproducible.

-- Definition parts as they arrive on [elections]. Kept until a whole version is present, so a
-- restart between two parts never loses the ones whose offsets were already committed.
CREATE TABLE definition_parts (
  election_id        text NOT NULL,
  definition_version text NOT NULL,
  part               integer NOT NULL CHECK (part >= 0),
  parts              integer NOT NULL CHECK (parts > 0),
  body               jsonb NOT NULL,
  received_at        timestamptz NOT NULL,
  PRIMARY KEY (election_id, definition_version, part)
);

-- Every version ever assembled: loading the same version twice changes nothing.
CREATE TABLE definition_loads (
  election_id        text NOT NULL,
  definition_version text NOT NULL,
  status             text NOT NULL CHECK (status IN ('loaded', 'invalid')),
  reason             text,
  decided_at         timestamptz NOT NULL,
  PRIMARY KEY (election_id, definition_version)
);

-- The current definition of each election.
CREATE TABLE elections (
  election_id        text PRIMARY KEY,
  definition_version text NOT NULL,
  name               text NOT NULL,
  round              integer NOT NULL,
  polls_close_at     timestamptz NOT NULL,
  policy             jsonb NOT NULL,
  -- The Election object as loaded (contests and candidates included): what checks run against.
  election           jsonb NOT NULL,
  loaded_at          timestamptz NOT NULL
);

CREATE TABLE contests (
  election_id text NOT NULL REFERENCES elections (election_id),
  contest_id  text NOT NULL,
  name        text NOT NULL,
  seats       integer NOT NULL,
  candidates  jsonb NOT NULL,
  -- NULL: the contest covers every station of the election.
  station_ids text[],
  PRIMARY KEY (election_id, contest_id)
);

CREATE TABLE areas (
  election_id text NOT NULL REFERENCES elections (election_id),
  level       text NOT NULL CHECK (level IN ('country', 'region', 'departement', 'commune', 'station')),
  code        text NOT NULL,
  name        text NOT NULL,
  parent      text,
  PRIMARY KEY (election_id, level, code)
);

CREATE TABLE stations (
  election_id text NOT NULL REFERENCES elections (election_id),
  station_id  text NOT NULL,
  code        text NOT NULL,
  name        text NOT NULL,
  commune     text NOT NULL,
  -- The commune's parent: the fallback peer group of the turnout check (W204).
  departement text,
  -- The reference electoral roll (W201 compares returns with it).
  registered  integer NOT NULL CHECK (registered >= 0),
  address     text,
  PRIMARY KEY (election_id, station_id)
);

-- Every return as received, insert-only: corrections are new returns, never updates. No foreign
-- key to elections: a return may arrive before its election's definition (it waits as pending).
CREATE TABLE returns (
  seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  return_id        text NOT NULL UNIQUE,
  receipt          text NOT NULL,
  election_id      text NOT NULL,
  contest_id       text NOT NULL,
  station_id       text NOT NULL,
  channel          text NOT NULL,
  submitted_by     text NOT NULL,
  submitted_at     timestamptz NOT NULL,
  counts           jsonb NOT NULL,
  -- Hash of what the return says: a redelivery matches it, a reused id with other figures does not.
  content_hash     text NOT NULL,
  source_topic     text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    text NOT NULL,
  received_at      timestamptz NOT NULL
);
CREATE INDEX returns_by_station ON returns (election_id, contest_id, station_id, seq);

-- What became of each return. 'pending' waits for its election's definition.
CREATE TABLE return_outcomes (
  return_id   text PRIMARY KEY REFERENCES returns (return_id),
  status      text NOT NULL CHECK (status IN ('pending', 'checked', 'rejected')),
  reason      text,
  -- The station's state right after this return was applied.
  state_after text,
  decided_at  timestamptz NOT NULL
);
CREATE INDEX return_outcomes_pending ON return_outcomes (return_id) WHERE status = 'pending';

CREATE TABLE return_findings (
  return_id text NOT NULL REFERENCES returns (return_id),
  ordinal   integer NOT NULL,
  code      text NOT NULL,
  severity  text NOT NULL CHECK (severity IN ('error', 'warning')),
  fields    text[] NOT NULL,
  detail    text,
  PRIMARY KEY (return_id, ordinal)
);

-- One row per contest and station, created 'awaiting' when the definition is loaded.
CREATE TABLE station_results (
  election_id         text NOT NULL,
  contest_id          text NOT NULL,
  station_id          text NOT NULL,
  commune             text NOT NULL,
  departement         text,
  state               text NOT NULL
    CHECK (state IN ('awaiting', 'received', 'validated', 'needs-review', 'conflict', 'published')),
  -- The latest return applied to this station. The two return ids carry no foreign key: they are
  -- written in the transaction that inserted those returns, and the checks cost 40 % of a batch.
  current_return_id   text,
  -- Version of the validated result; 0 until the first validation, +1 on every validated change.
  version             integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  -- The validated counts (what [results] carries), and their turnout for the peers check.
  counts              jsonb,
  turnout             double precision,
  validated_return_id text,
  validated_at        timestamptz,
  -- Highest version relayed to [results].
  published_version   integer NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL,
  PRIMARY KEY (election_id, contest_id, station_id),
  FOREIGN KEY (election_id, station_id) REFERENCES stations (election_id, station_id)
);
-- The peer groups of the turnout check. The area leads, so that each lookup has exactly one
-- usable index whatever the planner's statistics say (PGlite never analyzes on its own).
CREATE INDEX station_results_commune_peers ON station_results (commune, election_id, contest_id)
  WHERE turnout IS NOT NULL;
CREATE INDEX station_results_departement_peers ON station_results (departement, election_id, contest_id)
  WHERE turnout IS NOT NULL;

-- Bus records that could not be taken in as they are: unparseable, or a return id reused with
-- other figures. Kept whole with the reason; one row per record position, so a redelivered batch
-- does not record them twice.
CREATE TABLE rejected_messages (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic            text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    text NOT NULL,
  key              text NOT NULL,
  value            text NOT NULL,
  reason           text NOT NULL,
  received_at      timestamptz NOT NULL,
  UNIQUE (topic, source_partition, source_offset)
);

-- The transactional outbox: written in the same transaction as the state it announces, relayed
-- to the bus afterwards in id order.
CREATE TABLE outbox (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic          text NOT NULL,
  key            text NOT NULL,
  value          text NOT NULL,
  -- Set for station results, so the relay can mark the station published.
  election_id    text,
  contest_id     text,
  station_id     text,
  result_version integer,
  created_at     timestamptz NOT NULL,
  relayed_at     timestamptz
);
CREATE INDEX outbox_unrelayed ON outbox (id) WHERE relayed_at IS NULL;
