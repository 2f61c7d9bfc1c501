-- Officials' PIN lockouts, as ingest announced them on [security]: a station code locked after too
-- many wrong PINs, or a caller (phone number, web-form client address) after too many wrong
-- attempts. The results desk lists them, so whoever answers a president's call knows why the
-- phone or the form refuses them and until when.
--
-- The desk reads this table like every consolidation table: the default privileges roles.ts sets
-- for the consolidate role give it SELECT on each table created here. It writes nothing to it.
CREATE TABLE pin_lockouts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reason      text NOT NULL CHECK (reason IN ('station-code', 'caller')),
  -- What is locked: the station code (reason 'station-code') or the caller (reason 'caller').
  subject     text NOT NULL,
  -- The code tried (for a caller's lock, the last one), and the caller whose attempt locked.
  code        text,
  caller      text NOT NULL,
  -- The station the code belongs to; NULL for a code that was never issued.
  election_id text,
  station_id  text,
  -- NULL when the record did not say (produced before ingest recorded it).
  channel     text CHECK (channel IN ('phone', 'form')),
  attempts    integer CHECK (attempts > 0),
  locked_at   timestamptz NOT NULL,
  until_at    timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  -- A lock is set once per subject until it ends: the same record delivered again (a redelivered
  -- batch, a produce retried) is the same lock and is stored once.
  UNIQUE (reason, subject, until_at)
);
CREATE INDEX pin_lockouts_by_end ON pin_lockouts (until_at);
