// The phone channel end to end: an official's call through the whole pipeline to the published
// national page; `elections phone` scripted and at the keyboard; and `elections replay --channel
// both`, every station by phone and by upload, published exactly once.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../infra/config.js'
import { silentLogger } from '../../infra/logging.js'
import { issueCredentials } from '../../bin/credentials.js'
import { publishDefinition } from '../../bin/load-election.js'
import { playScript } from '../../bin/phone-caller.js'
import { DOUBLE_ENTRY_POLICY, replayInProcess } from '../../bin/replay.js'
import { replayItems } from '../../bin/replay-client.js'
import { openRuntime } from '../../bin/runtime.js'
import { readResultsFile } from '../../bin/import/results-file.js'
import { ingestTestElection, startIngest } from '../fixtures/ingest-harness.js'
import { startPhone } from '../fixtures/phone-harness.js'
import { assertTotals, readJson, type PublishedArea, type PublishedContest } from '../helpers/published-totals.js'
import { REPO_ROOT, runElections } from '../helpers/run-elections.js'
import { readWideLines, wideTotals } from '../helpers/wide-results.js'

t.test('two officials phone in; the national index.json shows their figures', async (t) => {
  const dir = t.testdir({})
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' })
  const runtime = await openRuntime(config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  const definition = ingestTestElection()
  await publishDefinition(runtime.bus, definition)
  await runtime.ingest.waitForElection(definition.election.id)
  const issued = await issueCredentials({ bus: runtime.bus, definition, outDir: join(dir, 'credentials') })
  await runtime.ingest.caughtUp()
  const login = (stationId: string) => {
    const s = issued.stations.find((x) => x.stationId === stationId)
    if (!s) throw new Error(`no credentials for ${stationId}`)
    return [`${s.code}#`, `${s.pin}#`]
  }
  const voiceUrl = `${runtime.ingestUrl}/v1/phone/voice`
  const keys = (...list: string[]) => list.map((k) => ({ kind: 'keys' as const, keys: k }))
  // S3: the presidential contest only. S1: presidential, then constituency 1.
  const s3 = await playScript({ voiceUrl }, keys(...login('S3'), '350#', '6#', '4#', '200#', '140#', '1'))
  const s1 = await playScript({ voiceUrl }, keys(...login('S1'), '700#', '10#', '5#', '400#', '285#', '698#', '9#', '3#', '686#', '1'))
  t.match(s3.said.join(' '), /Vos résultats sont enregistrés/)
  t.match(s1.said.join(' '), /Vos résultats sont enregistrés/)

  await runtime.consolidator.caughtUp()
  await runtime.publisher.caughtUp()
  await runtime.publisher.publishNow()
  const national = readJson<PublishedArea & { contests: (PublishedContest & { id: string })[] }>(join(dir, 'out', 'index.json'))
  t.same(national.stations, { reported: 2, total: 3 })
  const byId = new Map(national.contests.map((c) => [c.id, c]))
  t.match(byId.get('pres'), {
    registered: 1500,
    voters: 1050,
    blank: 16,
    invalid: 9,
    valid: 1025,
    candidates: [
      { id: 'ALICE', votes: 600 },
      { id: 'BOB', votes: 425 },
    ],
  })
  t.match(byId.get('leg1'), { registered: 1000, voters: 698, blank: 9, invalid: 3, valid: 686, candidates: [{ id: 'CAROL', votes: 686 }] })
})

t.test('elections phone --script plays a call on a running ingest and prints it', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S3')
  const dir = t.testdir({})
  const script = join(dir, 'call.txt')
  writeFileSync(script, `// S3, presidential\n${code}#\n${pin}#\n350# 6# 4#\ntimeout\n200# 140#\n2 3#  14#\n1\n`)
  const r = await runElections(['phone', '--script', script, '--url', h.voiceUrl], {})
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /voice: Tapez le code du bureau de vote/)
  t.match(r.stdout, /you: {3}\[silence until the timeout\]\nvoice: Je n’ai rien entendu\./)
  t.match(r.stdout, /voice: Ligne 3, bulletins nuls : 14\./)
  t.match(r.stdout, /voice: Vos résultats sont enregistrés/)
  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, 1)
  t.match(onBus[0]?.message, { channel: 'phone', counts: { voters: 350, blank: 6, invalid: 14, votes: { ALICE: 200, BOB: 140 } } })
})

t.test('elections phone at the keyboard: typed keys, Enter alone for silence, end of input hangs up', async (t) => {
  const h = await startPhone(t)
  const { code } = h.login('S3')
  const r = await runElections(['phone', '--url', h.voiceUrl, '--lang', 'en'], {}, `${code}\n\nabc\n`)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /voice: Enter the polling-station code/)
  t.match(r.stdout, /voice: Enter the PIN, 6 digits/)
  t.match(r.stdout, /voice: I did not hear anything\./)
  t.match(r.stdout, /a phone keypad has 0-9, \* and # only/)
  t.match(r.stdout, /you hung up: nothing you had not confirmed was sent/)
  t.same(await h.returnsOnBus(), [])
})

t.test('replay --channel both: every station by phone and by upload; the totals are the file\'s, counted once', async (t) => {
  const file = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')
  const { header, rows } = readWideLines(file)
  const expected = wideTotals(header, rows)
  const dir = t.testdir({})
  const r = await runElections(['replay', file, '--channel', 'both'], { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out') })
  t.equal(r.code, 0, r.stderr.slice(-2000))
  t.match(r.stdout, new RegExp(`returns:\\s+${2 * rows.length}\\n`), 'each station twice: once per channel')
  t.match(r.stdout, new RegExp(`accepted:\\s+${2 * rows.length}\\n`))
  t.match(r.stdout, /rejected:\s+0\n/)
  t.match(r.stdout, new RegExp(`stations published: ${rows.length}\\n`))
  // With both channels the station is validated only when phone and upload agree (double entry).
  assertTotals(t, readJson<PublishedArea>(join(dir, 'out', 'index.json')), expected, 'national')
})

t.test('replay --target --channel phone: calls a running ingest with the PINs of credentials.csv', async (t) => {
  const file = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')
  const imported = await readResultsFile(file)
  const h = await startIngest(t, { election: imported.definition })
  const dir = t.testdir({})
  // Half the stations have credentials: the others are reported, not silently skipped.
  const stations = imported.definition.stations.map((s) => s.id)
  const issued = await issueCredentials({ bus: h.bus, definition: imported.definition, outDir: join(dir, 'credentials'), stations: stations.slice(0, 15) })
  await h.ingest.caughtUp()
  const r = await runElections(['replay', file, '--target', h.url, '--channel', 'phone', '--credentials', issued.csvPath], {})
  t.equal(r.code, 1, 'rejections make the exit status 1')
  t.match(r.stdout, /accepted:\s+15\n/)
  t.match(r.stdout, /rejected:\s+15 \(no-credentials: 15\)/)
  const onBus = (await h.returnsOnBus()).map((x) => x.message)
  t.equal(onBus.length, 15)
  t.ok(onBus.every((m) => m.channel === 'phone'))
  const fromFile = new Map(imported.returns.map((x) => [x.stationId, x.counts]))
  t.same(
    onBus.map((m) => m.counts),
    onBus.map((m) => fromFile.get(m.stationId)),
    'each phoned-in return is the file\'s row, figure for figure',
  )
})

t.test('replay in process, both channels: 2 returns per station stored, every station validated by the two agreeing', async (t) => {
  const dir = t.testdir({})
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' })
  const runtime = await openRuntime(config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  const file = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')
  const imported = await readResultsFile(file, { policy: DOUBLE_ENTRY_POLICY })
  const items = replayItems(imported.definition, imported.returns)
  const { summary } = await replayInProcess(runtime, imported.definition, items, undefined, { quiet: true, channel: 'both' })
  t.match(summary, { returns: 2 * items.length, accepted: 2 * items.length, rejected: 0, stationsPublished: items.length })
  t.match(await runtime.consolidator.stats(), { returns: 2 * items.length, validated: items.length, needsReview: 0, conflict: 0, rejected: 0 })
})
