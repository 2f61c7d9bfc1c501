// Issuing officials' credentials and client tokens: what goes on `[credentials]` (hashes only),
// the CSV and the printable sheets the prefecture hands out, and re-issuing some stations.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseString } from 'fast-csv'
import t, { type Test } from 'tap'
import { ClientTokenSchema, CredentialRecordSchema, StationCredentialSchema, type StationCredential } from '../../core/credentials.js'
import { TOPICS } from '../../core/messages.js'
import type { Bus } from '../../infra/bus/bus.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import { verifyPinHash } from '../../ingest/pin-hash.js'
import { issueClientToken, issueCredentials } from '../../bin/credentials.js'
import { decodeEntities } from '../helpers/form-client.js'
import { smallElection } from '../fixtures/small-election.js'

const ISSUED_AT = new Date('2027-03-01T09:00:00.000Z')

async function openBus(t: Test): Promise<{ bus: Bus; dir: string }> {
  const dir = t.testdir()
  const bus = await openEmbeddedBus(join(dir, 'bus'))
  t.teardown(() => bus.close())
  return { bus, dir }
}

async function credentialsOnBus(bus: Bus): Promise<{ key: string; value: unknown }[]> {
  const out: { key: string; value: unknown }[] = []
  const sub = await bus.subscribe({
    topic: TOPICS.credentials,
    handle: async (records) => void out.push(...records.map((r) => ({ key: r.key, value: JSON.parse(r.value) }))),
  })
  await sub.caughtUp()
  await sub.stop()
  return out
}

async function readCsv(path: string): Promise<{ bom: boolean; rows: Record<string, string>[] }> {
  const text = await readFile(path, 'utf8')
  const rows: Record<string, string>[] = []
  await new Promise<void>((resolve, reject) => {
    parseString(text.replace(/^\uFEFF/, ''), { headers: true, delimiter: ';' })
      .on('data', (row: Record<string, string>) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve())
  })
  return { bom: text.startsWith('\uFEFF'), rows }
}

t.test('issuing gives every station a unique code and a PIN, hashed on the bus and in clear in the CSV', async (t) => {
  const { bus, dir } = await openBus(t)
  const definition = smallElection()
  const progress: number[] = []
  const result = await issueCredentials({
    bus,
    definition,
    outDir: join(dir, 'out'),
    clock: () => ISSUED_AT,
    onProgress: (p) => {
      t.equal(p.total, definition.stations.length)
      progress.push(p.hashed)
    },
  })
  t.equal(result.issued, definition.stations.length)
  t.same(progress, definition.stations.map((_, i) => i + 1), 'progress reports every hash, up to the total')

  const csv = await readCsv(result.csvPath)
  t.ok(csv.bom, 'UTF-8 with a BOM, for Excel')
  t.same(
    csv.rows.map((r) => [r.commune, r.station_id, r.station_name]),
    definition.stations.map((s) => [s.commune, s.id, s.name]),
    'every station, names with quotes and commas intact',
  )
  const codes = csv.rows.map((r) => r.code ?? '')
  t.equal(new Set(codes).size, codes.length, 'codes are unique')
  for (const r of csv.rows) {
    t.match(r.code, /^[1-9]\d{7}$/)
    t.match(r.pin, /^[1-9]\d{5}$/)
  }

  const onBus = await credentialsOnBus(bus)
  t.equal(onBus.length, definition.stations.length)
  for (const row of csv.rows) {
    const record = onBus.find((r) => r.key === `${definition.election.id}:${row.station_id}`)
    const credential = StationCredentialSchema.parse(record?.value)
    t.same({ code: credential.code, version: credential.version, issuedAt: credential.issuedAt }, { code: row.code, version: 1, issuedAt: ISSUED_AT.toISOString() })
    t.match(credential.pinHash, /^scrypt\$2048\$8\$1\$/)
    t.notMatch(JSON.stringify(record?.value), row.pin ?? '', 'the PIN itself never goes on the bus')
    t.ok(await verifyPinHash(row.pin ?? '', credential.pinHash), `the hash of ${row.station_id} matches its PIN`)
  }
})

t.test('one printable sheet per commune, every station on it, names HTML-escaped', async (t) => {
  const { bus, dir } = await openBus(t)
  const definition = smallElection()
  const out = join(dir, 'out')
  const formUrl = 'https://resultats.example.org/saisie/'
  const result = await issueCredentials({ bus, definition, outDir: out, phoneNumber: '01 23 45 67 89', formUrl })
  const communes = [...new Set(definition.stations.map((s) => s.commune))].sort()
  t.same((await readdir(join(out, 'sheets'))).sort(), communes.map((c) => `${c}.html`))
  t.equal(result.sheetPaths.length, communes.length)
  const { rows } = await readCsv(result.csvPath)

  for (const commune of communes) {
    const html = await readFile(join(out, 'sheets', `${commune}.html`), 'utf8')
    const stations = definition.stations.filter((s) => s.commune === commune)
    t.equal(html.match(/<section class="station"/g)?.length, stations.length, `${commune}: one block per station`)
    for (const s of stations) {
      const row = rows.find((r) => r.station_id === s.id)
      t.match(html, `data-station="${s.id}"`)
      t.match(html, `<td class="secret">${row?.code}</td>`)
      t.match(html, `<td class="secret">${row?.pin}</td>`)
    }
    t.equal(html.split('Appelez le <strong>01 23 45 67 89</strong>').length - 1, stations.length, 'each station’s page gives the number to call')
    t.equal(
      decodeEntities(html).split(`ouvrez <strong class="address">${formUrl}</strong>`).length - 1,
      stations.length,
      'and the web form’s address',
    )
    t.notMatch(html, 'Demandez à la préfecture', 'nothing left to ask for')
    t.match(html, 'page-break-after: always', 'print CSS: one station per page')
  }
  const paris = await readFile(join(out, 'sheets', '75056.html'), 'utf8')
  t.match(paris, 'Gymnase &quot;Jean Dame&quot;')
  t.notMatch(paris, 'Gymnase "Jean Dame"', 'no raw quote from a name reaches the HTML')
})

t.test('without the number or the address, the sheet says to ask the prefecture for them', async (t) => {
  const { bus, dir } = await openBus(t)
  const definition = smallElection()
  const out = join(dir, 'out')
  await issueCredentials({ bus, definition, outDir: out, stations: ['94080-0001'] })
  const html = await readFile(join(out, 'sheets', '94080.html'), 'utf8')
  const firstStep = (list: string) => new RegExp(`<ol class="${list}">\\s*<li>([^<]*)</li>`).exec(html)?.[1]
  t.equal(firstStep('form-steps'), 'Demandez à la préfecture l’adresse du formulaire de saisie, puis ouvrez-la sur un téléphone ou un ordinateur.')
  t.equal(firstStep('phone-steps'), 'Demandez à la préfecture le numéro à appeler, puis appelez-le.')
  t.notMatch(html, 'Appelez le <strong>', 'no made-up number')
  t.notMatch(html, 'class="address"', 'no made-up address')
})

t.test('re-issuing some stations keeps their codes, gives new PINs and a higher version', async (t) => {
  const { bus, dir } = await openBus(t)
  const definition = smallElection()
  const first = await readCsv((await issueCredentials({ bus, definition, outDir: join(dir, 'first') })).csvPath)
  const reissued = ['75056-0201', '69266-0001']
  const second = await issueCredentials({ bus, definition, outDir: join(dir, 'second'), stations: reissued })
  t.equal(second.issued, 2)
  const rows = (await readCsv(second.csvPath)).rows
  t.same(rows.map((r) => r.station_id), reissued, 'the CSV holds only the re-issued stations')
  t.same(second.sheetPaths.map((p) => p.split('/').pop()), ['69266.html', '75056.html'])

  const latest = new Map<string, StationCredential>()
  for (const r of await credentialsOnBus(bus)) {
    const c = StationCredentialSchema.parse(r.value)
    latest.set(c.stationId, c)
  }
  for (const row of rows) {
    const before = first.rows.find((r) => r.station_id === row.station_id)
    const now = latest.get(row.station_id ?? '')
    t.equal(row.code, before?.code, 'same code')
    t.equal(now?.version, 2)
    t.ok(await verifyPinHash(row.pin ?? '', now?.pinHash ?? ''), 'the new PIN matches')
    // A 1-in-900,000 chance the new PIN equals the old one; then the old one rightly still works.
    if (before?.pin !== row.pin) t.notOk(await verifyPinHash(before?.pin ?? '', now?.pinHash ?? ''), 'the old PIN does not')
  }
  t.equal(latest.get('75056-0101')?.version, 1, 'other stations are untouched')
})

t.test('an unknown station id issues nothing', async (t) => {
  const { bus, dir } = await openBus(t)
  await t.rejects(
    issueCredentials({ bus, definition: smallElection(), outDir: join(dir, 'out'), stations: ['75056-0101', 'NOPE'] }),
    /no polling station "NOPE"; nothing was issued/,
  )
  t.same(await credentialsOnBus(bus), [])
})

t.test('a client token is printed once and only its SHA-256 goes on the bus', async (t) => {
  const { bus } = await openBus(t)
  const printed: string[] = []
  const { token } = await issueClientToken({
    bus,
    client: 'mairie-creteil',
    scope: { electionId: 'pres-2027-t1', communes: ['94028'] },
    print: (line) => printed.push(line),
  })
  t.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url')
  t.equal(printed.filter((l) => l === token).length, 1, 'printed once')
  const [only, ...rest] = await credentialsOnBus(bus)
  t.same(rest, [])
  t.equal(only?.key, 'client:mairie-creteil')
  const record = ClientTokenSchema.parse(CredentialRecordSchema.parse(only?.value))
  t.equal(record.tokenHash, createHash('sha256').update(token).digest('hex'))
  t.same(record.scope, { electionId: 'pres-2027-t1', communes: ['94028'] })
  t.notMatch(JSON.stringify(only?.value), token)
})
