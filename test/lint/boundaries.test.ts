// The architecture rules of DESIGN.md (Folders) are enforced by eslint.config.js; this proves the
// rules fire, by linting probe sources placed (virtually) in each folder.
import t from 'tap'
import { ESLint } from 'eslint'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
// Probe sources are not files of the TypeScript project, so type-aware parsing and the rules that
// need it are switched off; the import rules under test need no types.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
    },
  },
})

async function restrictedImportErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

t.test('a service importing another service fails lint', async (t) => {
  const cases: [string, string][] = [
    ['ingest/probe.ts', "import { x } from '../consolidate/consolidator.js'\nexport const y = x\n"],
    ['consolidate/probe.ts', "import { x } from '../publish/publisher.js'\nexport const y = x\n"],
    ['publish/probe.ts', "import { x } from '../ingest/app.js'\nexport const y = x\n"],
    ['publish/sub/probe.ts', "import { x } from '../../consolidate/x.js'\nexport const y = x\n"],
    ['polling-finder/probe.ts', "import { x } from '../publish/x.js'\nexport const y = x\n"],
  ]
  for (const [file, source] of cases) {
    const errors = await restrictedImportErrors(file, source)
    t.equal(errors.length, 1, `${file} importing another service is refused`)
    t.match(errors[0] ?? '', /never imports another service/)
  }
})

t.test('publish may not reach the consolidation database', async (t) => {
  t.equal((await restrictedImportErrors('publish/probe.ts', "import pg from 'pg'\nexport const y = pg\n")).length, 1)
  t.equal((await restrictedImportErrors('publish/probe.ts', "import { openPgliteDb } from '../infra/db/pglite-db.js'\nexport const y = openPgliteDb\n")).length, 1)
})

t.test('core may not import anything with I/O', async (t) => {
  t.equal((await restrictedImportErrors('core/probe.ts', "import { readFileSync } from 'node:fs'\nexport const y = readFileSync\n")).length, 1)
  t.equal((await restrictedImportErrors('core/probe.ts', "import express from 'express'\nexport const y = express\n")).length, 1)
  t.equal((await restrictedImportErrors('core/probe.ts', "import { createFsStorage } from '../infra/storage/fs-storage.js'\nexport const y = createFsStorage\n")).length, 1)
})

t.test('allowed imports pass', async (t) => {
  t.same(await restrictedImportErrors('ingest/probe.ts', "import { checkReturn } from '../core/checks.js'\nimport { createApp } from '../infra/http/http.js'\nexport const y = [checkReturn, createApp]\n"), [])
  t.same(await restrictedImportErrors('core/probe.ts', "import { createHash } from 'node:crypto'\nexport const y = createHash\n"), [])
  t.same(await restrictedImportErrors('infra/probe.ts', "import type { Counts } from '../core/schemas.js'\nexport type Y = Counts\n"), [])
  t.equal((await restrictedImportErrors('infra/probe.ts', "import { checkReturn } from '../core/checks.js'\nexport const y = checkReturn\n")).length, 1, 'infra may import core types only')
})
