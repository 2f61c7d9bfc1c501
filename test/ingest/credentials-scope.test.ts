// Client tokens issued on `[credentials]`, over HTTP through the real ingest app (embedded bus in a
// temp folder, memory cache, port 0): a token submits for the stations of its scope only.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { TokenScope } from '../../core/credentials.js'
import { TOPICS } from '../../core/messages.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import type { Bus } from '../../infra/bus/bus.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { listen } from '../../infra/http/http.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { buildIngest, type Ingest } from '../../ingest/ingest-app.js'
import { issueClientToken, issueCredentials } from '../../bin/credentials.js'
import { ingestTestElection, NOW, publishElection, TOKEN, validReturn } from '../fixtures/ingest-harness.js'

interface Started {
  ingest: Ingest
  post(path: string, token: string, body: unknown): Promise<{ status: number; json: any }> // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
}

/** Puts the election and whatever `prepare` issues on the bus, then starts ingest over it. */
async function startWith(t: Test, prepare: (bus: Bus, dir: string) => Promise<void>): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-credentials-'))
  const bus = await openEmbeddedBus(join(dir, 'bus'))
  await publishElection(bus, ingestTestElection())
  await prepare(bus, dir)
  const cache = createMemoryCache()
  const ingest = buildIngest({
    bus,
    cache,
    logger: silentLogger(),
    metrics: createMetricsRegistry(false),
    apiTokens: [{ client: 'replay', token: TOKEN }],
    maxBodyBytes: 64 * 1024,
    clock: () => NOW,
    scans: createFsStorage(join(dir, 'scans')),
  })
  await ingest.start()
  const server = await listen(ingest.app, 0, '127.0.0.1')
  t.teardown(async () => {
    await server.close()
    await ingest.stop()
    await bus.close()
    await cache.close()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    ingest,
    async post(path, token, body) {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      })
      return { status: res.status, json: await res.json() }
    },
  }
}

const quiet = () => undefined

async function tokenFor(bus: Bus, client: string, scope: TokenScope): Promise<string> {
  return (await issueClientToken({ bus, client, scope, print: quiet })).token
}

t.test('a token scoped to a commune submits for its stations and gets 403 out-of-scope elsewhere', async (t) => {
  let token = ''
  const h = await startWith(t, async (bus) => void (token = await tokenFor(bus, 'mairie-c1', { electionId: 'e2024', communes: ['C1'] })))
  const inScope = await h.post('/v1/returns', token, validReturn({ stationId: 'S2', returnId: 'c1-s2' }))
  t.equal(inScope.status, 202)
  t.equal(inScope.json.returnId, 'mairie-c1:c1-s2', 'the return is attributed to the client')
  const outside = await h.post('/v1/returns', token, validReturn({ stationId: 'S3' }))
  t.equal(outside.status, 403)
  t.equal(outside.json.error.code, 'out-of-scope')
  t.match(outside.json.error.message, /"S3"/, 'the refusal names the station')

  const batch = await h.post('/v1/returns/batch', token, {
    returns: [validReturn({ stationId: 'S1', returnId: 'b1' }), validReturn({ stationId: 'S3', returnId: 'b2' })],
  })
  t.equal(batch.status, 200)
  t.same([batch.json.accepted, batch.json.rejected], [1, 1])
  t.equal(batch.json.results[1].error.code, 'out-of-scope')
})

t.test('scopes by station, by département and by election', async (t) => {
  const tokens: Record<string, string> = {}
  const h = await startWith(t, async (bus) => {
    tokens.station = await tokenFor(bus, 'pen-vendor', { electionId: 'e2024', stations: ['S3'] })
    tokens.departement = await tokenFor(bus, 'prefecture-d1', { electionId: 'e2024', departements: ['D1'] })
    tokens.otherElection = await tokenFor(bus, 'old-vendor', { electionId: 'e2019' })
    tokens.wholeElection = await tokenFor(bus, 'ministry', { electionId: 'e2024' })
  })
  const status = async (token: string | undefined, stationId: string) =>
    (await h.post('/v1/returns', token ?? '', validReturn({ stationId }))).status
  t.same([await status(tokens.station, 'S3'), await status(tokens.station, 'S1')], [202, 403])
  t.same([await status(tokens.departement, 'S1'), await status(tokens.departement, 'S3')], [202, 202])
  t.equal(await status(tokens.otherElection, 'S1'), 403, 'a token for another election')
  t.equal(await status(tokens.wholeElection, 'S2'), 202, 'no list: the whole election')
  t.equal(await status(TOKEN, 'S3'), 202, 'a configured token keeps its full scope')
})

t.test('re-issuing a client token retires the previous one; a revoked token is refused', async (t) => {
  const tokens: string[] = []
  const h = await startWith(t, async (bus) => {
    tokens.push(await tokenFor(bus, 'vendor', { electionId: 'e2024' }))
    tokens.push(await tokenFor(bus, 'vendor', { electionId: 'e2024' }))
    const revoked = await issueClientToken({ bus, client: 'gone', scope: { electionId: 'e2024' }, print: quiet })
    await bus.produce(TOPICS.credentials, [{ key: 'client:gone', value: JSON.stringify({ ...revoked.record, revoked: true }) }])
    tokens.push(revoked.token)
  })
  const [old, current, revoked] = tokens
  t.equal((await h.post('/v1/returns', old ?? '', validReturn())).status, 401)
  t.equal((await h.post('/v1/returns', current ?? '', validReturn())).status, 202)
  t.equal((await h.post('/v1/returns', revoked ?? '', validReturn())).status, 401)
})

t.test('buildIngest exposes the station PIN verifier over the credentials it follows', async (t) => {
  let csv = ''
  const h = await startWith(t, async (bus, dir) => {
    const out = join(dir, 'issued')
    await issueCredentials({ bus, definition: ingestTestElection(), outDir: out })
    csv = await readFile(join(out, 'credentials.csv'), 'utf8')
  })
  const s3 = csv.split('\r\n').find((line) => line.startsWith('C2;S3;'))?.split(';')
  t.same(await h.ingest.verifyStationPin(s3?.[3] ?? '', s3?.[4] ?? '', '+33600000000', 'phone'), { ok: true, electionId: 'e2024', stationId: 'S3' })
  t.same(await h.ingest.verifyStationPin(s3?.[3] ?? '', '000000', '+33600000000', 'phone'), { ok: false, reason: 'unknown-or-wrong' })
})
