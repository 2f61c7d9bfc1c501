-- The results desk: its users, and the audit log of every login and decision.
-- Plain PostgreSQL 15; PGlite runs it unchanged. Timestamps come from the application clock.

-- Written only by the consolidate role (`elections user add|disable`, as DATABASE_URL); the desk
-- reads it to check a password and, on every request, that the user is still enabled.
CREATE TABLE desk_users (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9._-]{1,31}$'),
  display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role          text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
  -- scrypt$N$r$p$salt$hash, salt and hash in base64 (consolidate/desk/passwords.ts).
  password_hash text NOT NULL
    CHECK (password_hash ~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$'),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  disabled_at   timestamptz,
  CHECK (disabled = (disabled_at IS NOT NULL))
);

-- Append-only and hash-chained: hash = SHA-256 of the canonical form of (seq, at, actor, event,
-- detail, prev_hash), prev_hash = the previous entry's hash (64 zeros for the first). Writers
-- take seq from the sequence under an advisory lock (consolidate/desk/audit-log.ts), so seq
-- order is chain order. The unique prev_hash refuses a fork: two entries after the same one.
CREATE TABLE audit_log (
  seq       bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME audit_log_seq) PRIMARY KEY,
  at        timestamptz NOT NULL,
  actor     text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  -- Enumerated in code (AUDIT_EVENTS); here only their shape, so a new event needs no migration.
  event     text NOT NULL CHECK (event ~ '^[a-z]+(\.[a-z]+(-[a-z]+)*)+$'),
  detail    jsonb NOT NULL CHECK (jsonb_typeof(detail) = 'object'),
  prev_hash text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash      text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);

-- The database itself refuses edits, whoever asks (the owner included): only a superuser who
-- disables the trigger can change a row, and `elections audit verify` then names it.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING HINT = 'Entries are never changed or removed; record a new entry instead.';
END
$$;
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- What the desk role may write, beyond the SELECT its default privileges give it on every table:
-- audit entries, and the sequence their seq comes from. Never UPDATE or DELETE anywhere.
-- Run here for the role infra/db/roles.ts recorded on the database (elections.desk_role; unset
-- on PGlite, which has no roles), and again by setupRoles when it runs after the migrations.
-- A later migration that gives the desk another table replaces this function.
CREATE FUNCTION grant_desk_writes(desk_role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF desk_role IS NULL OR desk_role = '' THEN
    RETURN;
  END IF;
  EXECUTE format('GRANT INSERT ON audit_log TO %I', desk_role);
  EXECUTE format('GRANT USAGE ON SEQUENCE audit_log_seq TO %I', desk_role);
END
$$;
REVOKE ALL ON FUNCTION grant_desk_writes(text) FROM PUBLIC;
SELECT grant_desk_writes(current_setting('elections.desk_role', true));
