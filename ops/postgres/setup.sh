#!/usr/bin/env bash
# Creates (or repairs) the database roles of the separation and the elections database, then
# prints DATABASE_URL=… and DESK_DATABASE_URL=… for the services. Idempotent; run as a superuser.
# The SQL lives in infra/db/roles.ts, this script only calls it; see README.md beside it.
#
#   ops/postgres/setup.sh [ADMIN_URL] [DATABASE]
#
# ADMIN_URL defaults to postgres://postgres@127.0.0.1:5432/postgres and DATABASE to elections.
# Give the admin password through PGPASSWORD rather than in the URL (argv is public).
# ELECTIONS_CONSOLIDATE_PASSWORD and ELECTIONS_DESK_PASSWORD, when set, become the roles' passwords.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
admin_url="${1:-postgres://postgres@127.0.0.1:5432/postgres}"
database="${2:-elections}"

cd "$root"
exec node --import tsx --input-type=module -e '
import { dbSetup } from "./bin/db.ts"
try {
  process.exitCode = await dbSetup(process.argv[1], process.argv[2])
} catch (err) {
  process.stderr.write(`ops/postgres/setup.sh: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
}
' "$admin_url" "$database"
