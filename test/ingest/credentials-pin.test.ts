// The station PIN verifier the phone and web-form channels share: credentials issued onto a real
// embedded bus, followed into memory, checked with lockout counters in the memory cache on a
// clock the test moves.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { LockoutSchema, type Lockout } from '../../core/credentials.js'
import { TOPICS } from '../../core/messages.js'
import type { Bus } from '../../infra/bus/bus.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { silentLogger } from '../../infra/logging.js'
import { createPinVerifier, followCredentials, StationCredentials, type VerifyStationPin } from '../../ingest/station-credentials.js'
import { issueCredentials } from '../../bin/credentials.js'
import { SMALL_ELECTION_ID, smallElection } from '../fixtures/small-election.js'

const MINUTE_MS = 60_000
const START_MS = Date.parse('2027-04-11T18:05:00.000Z')

interface Issued {
  code: string
  pin: string
  stationId: string
}

interface Setup {
  bus: Bus
  /** The verifier, as the phone channel calls it. */
  verify(code: string, pin: string, caller: string): ReturnType<VerifyStationPin>
  advance(ms: number): void
  /** Issues (or re-issues) and waits until the verifier has read the records. */
  issue(stations?: string[]): Promise<Issued[]>
  lockouts(): Promise<Lockout[]>
}

async function setup(t: Test): Promise<Setup> {
  const dir = t.testdir()
  const bus = await openEmbeddedBus(join(dir, 'bus'))
  let nowMs = START_MS
  const cache = createMemoryCache(() => nowMs)
  const credentials = new StationCredentials()
  const subscription = await followCredentials(bus, credentials, silentLogger())
  t.teardown(async () => {
    await subscription.stop()
    await bus.close()
    await cache.close()
  })
  const verify = createPinVerifier({ credentials, cache, bus, logger: silentLogger(), clock: () => new Date(nowMs) })
  let run = 0
  return {
    bus,
    verify: (code, pin, caller) => verify(code, pin, caller, 'phone'),
    advance: (ms) => void (nowMs += ms),
    async issue(stations) {
      const outDir = join(dir, `issue-${run++}`)
      const definition = smallElection()
      await issueCredentials({ bus, definition, outDir, ...(stations ? { stations } : {}) })
      await subscription.caughtUp()
      const csv = (await readFile(join(outDir, 'credentials.csv'), 'utf8')).replace(/^\uFEFF/, '')
      return csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => {
          const fields = line.split(';')
          return { stationId: fields[1] ?? '', code: fields.at(-2) ?? '', pin: fields.at(-1) ?? '' }
        })
    },
    async lockouts() {
      const out: Lockout[] = []
      const sub = await bus.subscribe({
        topic: TOPICS.security,
        handle: async (records) => void out.push(...records.map((r) => LockoutSchema.parse(JSON.parse(r.value)))),
      })
      await sub.caughtUp()
      await sub.stop()
      return out
    },
  }
}

const wrongPin = (pin: string) => (pin === '111111' ? '222222' : '111111')
const UNKNOWN = { ok: false, reason: 'unknown-or-wrong' }

t.test('the right PIN opens its station; a wrong PIN and an unknown code get the same answer', async (t) => {
  const s = await setup(t)
  const [a] = await s.issue()
  if (!a) throw new Error('nothing issued')
  t.same(await s.verify(a.code, a.pin, '+33600000001'), { ok: true, electionId: SMALL_ELECTION_ID, stationId: a.stationId })
  const wrong = await s.verify(a.code, wrongPin(a.pin), '+33600000001')
  const unknown = await s.verify('99999999', a.pin, '+33600000001')
  const garbage = await s.verify('12', '', '+33600000001')
  t.same(wrong, UNKNOWN)
  t.same(unknown, wrong, 'an unknown code is indistinguishable from a wrong PIN')
  t.same(garbage, wrong)
})

t.test('5 wrong PINs lock the station code for 15 minutes, whoever calls; the desk sees it', async (t) => {
  const s = await setup(t)
  const [a, b] = await s.issue()
  if (!a || !b) throw new Error('nothing issued')
  for (let i = 1; i <= 4; i++) t.same(await s.verify(a.code, wrongPin(a.pin), `+3360000000${i}`), UNKNOWN, `wrong PIN ${i}`)
  t.same(await s.verify(a.code, wrongPin(a.pin), '+33600000005'), { ok: false, reason: 'locked', retryAfterSeconds: 900 })
  s.advance(5 * MINUTE_MS)
  t.same(await s.verify(a.code, a.pin, '+33600000009'), { ok: false, reason: 'locked', retryAfterSeconds: 600 }, 'even the right PIN waits')
  t.same((await s.verify(b.code, b.pin, '+33600000009')).ok, true, 'other stations are not locked')

  t.same(await s.lockouts(), [
    {
      type: 'lockout',
      electionId: SMALL_ELECTION_ID,
      stationId: a.stationId,
      code: a.code,
      caller: '+33600000005',
      reason: 'station-code',
      channel: 'phone',
      attempts: 5,
      until: new Date(START_MS + 15 * MINUTE_MS).toISOString(),
      at: new Date(START_MS).toISOString(),
    },
  ])

  s.advance(10 * MINUTE_MS)
  t.same(await s.verify(a.code, a.pin, '+33600000009'), { ok: true, electionId: SMALL_ELECTION_ID, stationId: a.stationId }, 'open again after 15 minutes')
  for (let i = 1; i <= 4; i++) t.same(await s.verify(a.code, wrongPin(a.pin), '+33600000001'), UNKNOWN, 'the count started afresh')
})

t.test('an unknown code locks after 5 attempts too, so a lock does not reveal that a code exists', async (t) => {
  const s = await setup(t)
  await s.issue()
  for (let i = 1; i <= 4; i++) t.same(await s.verify('98765432', '123450', `10.0.0.${i}`), UNKNOWN)
  t.same(await s.verify('98765432', '123450', '10.0.0.5'), { ok: false, reason: 'locked', retryAfterSeconds: 900 })
  const [lockout] = await s.lockouts()
  t.same([lockout?.reason, lockout?.code, lockout?.stationId], ['station-code', '98765432', undefined])
})

t.test('a right PIN clears the station count; wrong PINs spread out in time never lock', async (t) => {
  const s = await setup(t)
  const [a] = await s.issue()
  if (!a) throw new Error('nothing issued')
  for (let i = 0; i < 4; i++) await s.verify(a.code, wrongPin(a.pin), '10.0.0.1')
  t.equal((await s.verify(a.code, a.pin, '10.0.0.1')).ok, true)
  for (let i = 0; i < 4; i++) t.same(await s.verify(a.code, wrongPin(a.pin), '10.0.0.1'), UNKNOWN)
  s.advance(15 * MINUTE_MS)
  for (let i = 0; i < 4; i++) t.same(await s.verify(a.code, wrongPin(a.pin), '10.0.0.1'), UNKNOWN, 'the 15-minute window has passed')
  t.same(await s.lockouts(), [])
})

t.test('20 wrong attempts from one caller lock the caller, and a right PIN does not clear its count', async (t) => {
  const s = await setup(t)
  const [a, b] = await s.issue()
  if (!a || !b) throw new Error('nothing issued')
  // One attempt per code: no station count reaches 5, only the caller's grows.
  for (let i = 0; i < 18; i++) t.same(await s.verify(String(90_000_000 + i), '123450', '+33611111111'), UNKNOWN)
  t.equal((await s.verify(a.code, a.pin, '+33611111111')).ok, true, 'a right PIN in the middle')
  t.same(await s.verify(String(91_000_000), '123450', '+33611111111'), UNKNOWN, 'attempt 19')
  t.same(await s.verify(String(91_000_001), '123450', '+33611111111'), { ok: false, reason: 'locked', retryAfterSeconds: 900 })
  t.same(await s.verify(b.code, b.pin, '+33611111111'), { ok: false, reason: 'locked', retryAfterSeconds: 900 }, 'the caller is locked out of every station')
  t.equal((await s.verify(b.code, b.pin, '+33622222222')).ok, true, 'another caller is not')
  const lockouts = await s.lockouts()
  t.same(lockouts.map((l) => [l.reason, l.caller, l.attempts]), [['caller', '+33611111111', 20]], 'the 20 wrong attempts, the right one not among them')
  s.advance(15 * MINUTE_MS)
  t.equal((await s.verify(b.code, b.pin, '+33611111111')).ok, true, 'the caller lock expires')
})

t.test('re-issuing a station invalidates its old PIN at once', async (t) => {
  const s = await setup(t)
  const first = await s.issue()
  const old = first.find((i) => i.stationId === '94080-0001')
  if (!old) throw new Error('station not issued')
  t.equal((await s.verify(old.code, old.pin, '10.0.0.1')).ok, true)
  const [renewed] = await s.issue(['94080-0001'])
  t.equal(renewed?.code, old.code, 'the code stays')
  t.same(await s.verify(renewed?.code ?? '', renewed?.pin ?? '', '10.0.0.1'), { ok: true, electionId: SMALL_ELECTION_ID, stationId: '94080-0001' })
  if (renewed?.pin !== old.pin) t.same(await s.verify(old.code, old.pin, '10.0.0.1'), UNKNOWN, 'the old PIN no longer works')
})
