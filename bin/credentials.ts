// Issues officials' station credentials and integrators' API tokens at election set-up. Each
// station gets an 8-digit code and a 6-digit PIN; only the PIN's scrypt hash goes to
// `[credentials]`; the PINs themselves are written once, to a CSV and to printable sheets (one
// per commune) that the prefecture hands out, and never again. Re-issuing a station keeps its
// code and gives a new PIN with a higher version: the old PIN stops working as soon as ingest
// reads the record.
import { randomBytes, randomInt, createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Mustache from 'mustache'
import {
  ClientTokenSchema,
  clientTokenKey,
  CredentialRecordSchema,
  StationCredentialSchema,
  stationCredentialKey,
  TokenScopeSchema,
  type ClientToken,
  type StationCredential,
  type TokenScope,
} from '../core/credentials.js'
import { TOPICS } from '../core/messages.js'
import type { ElectionDefinition, Station } from '../core/schemas.js'
import type { Bus, BusRecord } from '../infra/bus/bus.js'
import { hashPin, PIN_SCRYPT_PARAMS, type ScryptParams } from '../ingest/pin-hash.js'

/** Records per produce: a few hundred kilobytes, well under Kafka's 1 MB message limit. */
const PRODUCE_CHUNK = 1000

const SHEET_TEMPLATE = new URL('../ingest/templates/credential-sheet.mustache', import.meta.url)

export interface IssueProgress {
  hashed: number
  total: number
}

export interface IssueCredentialsOptions {
  bus: Bus
  definition: ElectionDefinition
  /** Receives `credentials.csv` and `sheets/{commune}.html`; holds PINs in clear: keep it private. */
  outDir: string
  /** Station ids to issue (or re-issue); default every station of the election. */
  stations?: readonly string[]
  /** The IVR number printed on the sheets; without it they say to ask the prefecture. */
  phoneNumber?: string | undefined
  /** The web form's public address (ingest's `/saisie/`) printed on the sheets; likewise. */
  formUrl?: string | undefined
  clock?: () => Date
  onProgress?: (progress: IssueProgress) => void
  /** Hashes in flight at once; default twice libuv's thread pool (UV_THREADPOOL_SIZE, 4). */
  concurrency?: number
  scryptParams?: ScryptParams
}

export interface IssuedCredentials {
  issued: number
  csvPath: string
  sheetPaths: string[]
  /** The codes and PINs in clear, for a tool that calls in with them (the phone replay); never stored. */
  stations: { stationId: string; code: string; pin: string }[]
}

interface Issued {
  station: Station
  record: StationCredential
  pin: string
}

export async function issueCredentials(options: IssueCredentialsOptions): Promise<IssuedCredentials> {
  const { bus, definition, outDir } = options
  const electionId = definition.election.id
  const stations = selectStations(definition, options.stations)
  const current = await readCredentials(bus)
  const codesInUse = new Set([...current.stations.values()].map((c) => c.code))
  const issuedAt = (options.clock ?? (() => new Date()))().toISOString()

  const drafts = stations.map((station) => {
    const previous = current.stations.get(stationCredentialKey(electionId, station.id))
    const code = previous?.code ?? newStationCode(codesInUse)
    codesInUse.add(code)
    return { station, code, version: (previous?.version ?? 0) + 1, pin: newPin() }
  })

  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
  const pinHashes = await mapConcurrently(
    drafts,
    options.concurrency ?? 2 * threads,
    (d) => hashPin(d.pin, options.scryptParams ?? PIN_SCRYPT_PARAMS),
    (hashed) => options.onProgress?.({ hashed, total: drafts.length }),
  )
  const issued: Issued[] = drafts.map((d, i) => ({
    station: d.station,
    pin: d.pin,
    record: StationCredentialSchema.parse({
      type: 'station-credential',
      electionId,
      stationId: d.station.id,
      code: d.code,
      pinHash: pinHashes[i],
      issuedAt,
      version: d.version,
    }),
  }))

  const records: BusRecord[] = issued.map((i) => ({
    key: stationCredentialKey(electionId, i.station.id),
    value: JSON.stringify(i.record),
  }))
  for (let start = 0; start < records.length; start += PRODUCE_CHUNK) {
    await bus.produce(TOPICS.credentials, records.slice(start, start + PRODUCE_CHUNK))
  }

  await mkdir(join(outDir, 'sheets'), { recursive: true, mode: 0o700 })
  const csvPath = join(outDir, 'credentials.csv')
  await writeFile(csvPath, credentialsCsv(issued), { mode: 0o600 })
  const sheetPaths = await writeSheets(definition, issued, join(outDir, 'sheets'), { phoneNumber: options.phoneNumber, formUrl: options.formUrl })
  const inClear = issued.map((i) => ({ stationId: i.station.id, code: i.record.code, pin: i.pin }))
  return { issued: issued.length, csvPath, sheetPaths, stations: inClear }
}

export interface IssueClientTokenOptions {
  bus: Bus
  client: string
  scope: TokenScope
  clock?: () => Date
  /** Where the token is shown, once; it is stored nowhere. */
  print?: (line: string) => void
}

/** A new token for `client` (replacing its previous one); returns the token in clear. */
export async function issueClientToken(options: IssueClientTokenOptions): Promise<{ token: string; record: ClientToken }> {
  const token = randomBytes(32).toString('base64url')
  const record = ClientTokenSchema.parse({
    type: 'client-token',
    client: options.client,
    tokenHash: createHash('sha256').update(token, 'utf8').digest('hex'),
    scope: TokenScopeSchema.parse(options.scope),
    issuedAt: (options.clock ?? (() => new Date()))().toISOString(),
  })
  await options.bus.produce(TOPICS.credentials, [{ key: clientTokenKey(record.client), value: JSON.stringify(record) }])
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`))
  print(`API token for ${record.client} (shown once; store it now, it cannot be shown again):`)
  print(token)
  return { token, record }
}

function selectStations(definition: ElectionDefinition, ids: readonly string[] | undefined): Station[] {
  if (ids === undefined) return definition.stations
  const byId = new Map(definition.stations.map((s) => [s.id, s]))
  const unknown = ids.filter((id) => !byId.has(id))
  if (unknown.length > 0) {
    throw new Error(`election ${definition.election.id} has no polling station ${unknown.map((id) => `"${id}"`).join(', ')}; nothing was issued`)
  }
  return [...new Set(ids)].map((id) => byId.get(id) as Station)
}

/** The credentials in force on `[credentials]`: the latest per key, read from the start. */
async function readCredentials(bus: Bus): Promise<{ stations: Map<string, StationCredential> }> {
  const stations = new Map<string, StationCredential>()
  const sub = await bus.subscribe({
    topic: TOPICS.credentials,
    handle: async (records) => {
      for (const r of records) {
        const parsed = CredentialRecordSchema.safeParse(parseJson(r.value))
        if (parsed.success && parsed.data.type === 'station-credential') {
          stations.set(stationCredentialKey(parsed.data.electionId, parsed.data.stationId), parsed.data)
        }
      }
    },
  })
  await sub.caughtUp()
  await sub.stop()
  return { stations }
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

/** 8 digits, the first not 0 (a spreadsheet would drop it), unique among every code issued. */
function newStationCode(inUse: ReadonlySet<string>): string {
  for (;;) {
    const code = String(randomInt(10_000_000, 100_000_000))
    if (!inUse.has(code)) return code
  }
}

/** 6 digits, the first not 0 (for spreadsheets), never one digit repeated or a run like 123456. */
function newPin(): string {
  for (;;) {
    const pin = String(randomInt(100_000, 1_000_000))
    if (!isGuessablePin(pin)) return pin
  }
}

function isGuessablePin(pin: string): boolean {
  const steps = new Set([...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10))
  return steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  onDone: (done: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
      onDone(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return results
}

/** UTF-8 with a BOM and `;` separators, the way Excel opens a CSV in a French locale. */
function credentialsCsv(issued: readonly Issued[]): string {
  const field = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
  const rows = [
    ['commune', 'station_id', 'station_name', 'code', 'pin'],
    ...issued.map((i) => [i.station.commune, i.station.id, i.station.name, i.record.code, i.pin]),
  ]
  return `\uFEFF${rows.map((r) => r.map(field).join(';')).join('\r\n')}\r\n`
}

async function writeSheets(
  definition: ElectionDefinition,
  issued: readonly Issued[],
  dir: string,
  channels: { phoneNumber: string | undefined; formUrl: string | undefined },
): Promise<string[]> {
  const template = await readFile(SHEET_TEMPLATE, 'utf8')
  const communeNames = new Map(definition.areas.filter((a) => a.level === 'commune').map((a) => [a.code, a.name]))
  const byCommune = new Map<string, Issued[]>()
  for (const i of issued) {
    const list = byCommune.get(i.station.commune) ?? []
    list.push(i)
    byCommune.set(i.station.commune, list)
  }
  const paths: string[] = []
  for (const [commune, list] of [...byCommune].sort(([a], [b]) => a.localeCompare(b))) {
    const communeName = communeNames.get(commune) ?? commune
    const html = Mustache.render(template, {
      commune,
      communeName,
      stations: list.map((i) => ({
        electionName: definition.election.name,
        stationId: i.station.id,
        stationCode: i.station.code,
        stationName: i.station.name,
        address: i.station.address,
        commune,
        communeName,
        code: i.record.code,
        pin: i.pin,
        phoneNumber: channels.phoneNumber,
        formUrl: channels.formUrl,
        version: i.record.version,
        issuedAt: i.record.issuedAt,
      })),
    })
    const path = join(dir, `${commune}.html`)
    await writeFile(path, html, { mode: 0o600 })
    paths.push(path)
  }
  return paths
}
