// `replay --channel both --typo-rate R --policy double`: the phone mistypes one figure of a seeded
// share of the stations; each of those ends in conflict and unpublished, every other station
// publishes, and the summary names them. In process, on the 30-station fixture file.
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../infra/config.js'
import { silentLogger } from '../../infra/logging.js'
import { readResultsFile } from '../../bin/import/results-file.js'
import { replayItems } from '../../bin/replay-client.js'
import { DOUBLE_ENTRY_POLICY, replayInProcess } from '../../bin/replay.js'
import { mistypePhoneReturns } from '../../bin/replay-typos.js'
import { openRuntime } from '../../bin/runtime.js'
import { REPO_ROOT, runElections } from '../helpers/run-elections.js'
import { readJson, type PublishedArea } from '../helpers/published-totals.js'

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')

t.test('the typos: a seeded share of the stations, one figure each, the same every time', async (t) => {
  const imported = await readResultsFile(FIXTURE, { policy: DOUBLE_ENTRY_POLICY })
  const items = replayItems(imported.definition, imported.returns)
  const stations = new Set(items.map((i) => i.stationId)).size
  const a = mistypePhoneReturns(items, 0.1, 7)
  t.equal(a.stationIds.length, Math.round(0.1 * stations))
  t.same(mistypePhoneReturns(items, 0.1, 7), a, 'same file, rate and seed: same typos')
  t.not(mistypePhoneReturns(items, 0.1, 8).stationIds.join(), a.stationIds.join(), 'another seed, other stations')
  const changed = a.phoneItems.filter((item, i) => item !== items[i])
  t.same(changed.map((c) => c.stationId).sort(), a.stationIds, 'exactly the chosen stations differ')
  for (const c of changed) {
    const original = items.find((i) => i.stationId === c.stationId && i.contestId === c.contestId)
    const slipped = Object.keys(c.counts.votes).filter((k) => c.counts.votes[k] !== original?.counts.votes[k])
    t.equal(slipped.length, 1, `${c.stationId}: one candidate's figure changed`)
    const delta = Math.abs((c.counts.votes[slipped[0] ?? ''] ?? 0) - (original?.counts.votes[slipped[0] ?? ''] ?? 0))
    t.ok(delta >= 1 && delta <= 9, `${c.stationId}: it slipped by ${delta}`)
    t.same({ ...c.counts, votes: {} }, { ...original?.counts, votes: {} }, `${c.stationId}: no other figure changed`)
  }
  t.same(mistypePhoneReturns(items, 0).stationIds, [], 'rate 0: none')
  t.throws(() => mistypePhoneReturns(items, 1.5), /between 0 and 1/)
})

t.test('double entry with typos: the mistyped stations end in conflict, unpublished; all others publish', async (t) => {
  const dir = t.testdir({})
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' })
  const runtime = await openRuntime(config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  const imported = await readResultsFile(FIXTURE, { policy: DOUBLE_ENTRY_POLICY })
  const items = replayItems(imported.definition, imported.returns)
  // 30 stations: 10 % is 3 of them (2 % would round to one).
  const typos = mistypePhoneReturns(items, 0.1)
  t.equal(typos.stationIds.length, 3)

  const { summary } = await replayInProcess(runtime, imported.definition, items, undefined, { quiet: true, channel: 'both', typos })
  t.same(summary.mistyped, typos.stationIds)
  t.same(summary.leftInConflict, typos.stationIds, 'every mistyped station, and no other, is left in conflict')
  t.equal(summary.stationsPublished, items.length - typos.stationIds.length, 'every other station is published')
  t.match(await runtime.consolidator.stats(), { conflict: typos.stationIds.length, validated: items.length - typos.stationIds.length, needsReview: 0 })
  const national = readJson<PublishedArea>(join(dir, 'out', 'index.json'))
  t.same(national.stations, { reported: items.length - typos.stationIds.length, total: items.length }, 'the national page counts them out')
})

t.test('the command line: --typo-rate with --policy double prints the typos and the conflicts, and exits', async (t) => {
  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out') }
  const r = await runElections(['replay', FIXTURE, '--channel', 'both', '--typo-rate', '0.02', '--policy', 'double'], env)
  t.equal(r.code, 0, `replay exits 0\n${r.stderr.slice(-2000)}`)
  const mistyped = /mistyped by phone: 1 \(([^)]+)\)/.exec(r.stdout)?.[1]
  t.ok(mistyped, `the summary names the mistyped station\n${r.stdout}`)
  t.match(r.stdout, `left in conflict:   1 (${mistyped ?? '?'}) (not published until the desk resolves them)`)
  t.match(r.stdout, 'stations published: 29')

  const upload = await runElections(['replay', FIXTURE, '--typo-rate', '0.02'], env)
  t.equal(upload.code, 64, "a usage error")
  t.match(upload.stderr, /--typo-rate mistypes phone returns: use it with --channel phone or both/)
  const bad = await runElections(['replay', FIXTURE, '--channel', 'both', '--typo-rate', '2 %'], env)
  t.equal(bad.code, 64)
  t.match(bad.stderr, /--typo-rate is a share of stations between 0 and 1/)
  const policy = await runElections(['replay', FIXTURE, '--policy', 'twice'], env)
  t.equal(policy.code, 64)
  t.match(policy.stderr, /--policy must be auto, double or manual, not "twice"/)
})
