// Reads a French Ministry of the Interior per-bureau results file — the official layout or the
// wide one — into an election definition and one return per station. Used by `elections replay`,
// `elections election load` and `elections start --replay`.
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parse } from 'fast-csv'
import { z } from 'zod'
import {
  CodeSchema,
  ElectionDefinitionSchema,
  ValidationPolicySchema,
  type Counts,
  type ElectionDefinition,
  type ValidationPolicy,
} from '../../core/schemas.js'
import { detectLayout } from '../../core/results-layout.js'
import { electionNamingFromFile } from './election-naming.js'
import {
  NotUtf8Error,
  createTextGuard,
  isGzipFile,
  openByteStream,
  readPrefix,
  sniffEncoding,
  stripBom,
  type TextEncoding,
} from './file-bytes.js'
import { createStationCollector, type Collected } from './station-collector.js'

export interface ImportedReturn {
  stationId: string
  contestId: string
  counts: Counts
  /** Line of the file the return comes from (the header is line 1). */
  line: number
}

export interface ImportedElection {
  definition: ElectionDefinition
  returns: ImportedReturn[]
  layout: 'wide' | 'official'
  /** Every row that was skipped, and why, with its line number. */
  warnings: string[]
}

export const ReadResultsFileOptionsSchema = z.object({
  electionId: CodeSchema.optional(),
  name: z.string().min(1).max(200).optional(),
  round: z.number().int().positive().optional(),
  pollsCloseAt: z.iso.datetime({ offset: true }).optional(),
  policy: ValidationPolicySchema.optional(),
})
export type ReadResultsFileOptions = z.input<typeof ReadResultsFileOptionsSchema>

/** A file that cannot be imported at all (unknown header, empty, no usable row). */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError'
}

/** A presidential-style file is one contest over every station. */
export const RESULTS_FILE_CONTEST_ID = 'pres'

/** A results file holds certified, proclaimed figures: their warnings need no desk. */
const RESULTS_FILE_POLICY: ValidationPolicy = { mode: 'auto', autoAcknowledgeWarnings: true }

export async function readResultsFile(path: string, options: ReadResultsFileOptions = {}): Promise<ImportedElection> {
  const opts = ReadResultsFileOptionsSchema.parse(options)
  const gzip = await isGzipFile(path)
  const prefix = stripBom(await readPrefix(path, gzip))
  const sniffed = sniffEncoding(prefix)
  const headerLine = prefix.toString(sniffed).split(/\r?\n/, 1)[0] ?? ''
  if (headerLine.trim() === '') throw new ResultsFileError(`${path}: the file is empty or its first line is blank`)
  const delimiter = occurrences(headerLine, ';') > occurrences(headerLine, ',') ? ';' : ','

  let read: { layout: 'wide' | 'official'; collected: Collected }
  const notes: string[] = []
  try {
    read = await readRows(path, gzip, sniffed, delimiter)
  } catch (err) {
    // Only a file that looked like UTF-8 in its first kilobytes can fail this way.
    if (!(err instanceof NotUtf8Error)) throw err
    notes.push(`the file is not valid UTF-8 (${err.message}); it was read as Latin-1`)
    read = await readRows(path, gzip, 'latin1', delimiter)
  }
  const { layout, collected } = read
  if (collected.stations.length === 0) {
    const first = collected.warnings.slice(0, 3).join(' | ')
    throw new ResultsFileError(`${path}: no usable row (${collected.warnings.length} skipped${first ? `: ${first}` : ''})`)
  }

  const naming = electionNamingFromFile(path, new Date())
  const name = opts.name ?? naming.name
  const definition = ElectionDefinitionSchema.parse({
    election: {
      id: opts.electionId ?? naming.id,
      name,
      round: opts.round ?? naming.round,
      pollsCloseAt: opts.pollsCloseAt ?? naming.pollsCloseAt,
      policy: opts.policy ?? RESULTS_FILE_POLICY,
      contests: [{ id: RESULTS_FILE_CONTEST_ID, name, seats: 1, candidates: collected.candidates }],
    },
    areas: collected.areas,
    stations: collected.stations,
  } satisfies ElectionDefinition)
  const returns = collected.returns.map(({ stationId, counts, line }) => ({
    stationId,
    contestId: RESULTS_FILE_CONTEST_ID,
    counts,
    line,
  }))
  return { definition, returns, layout, warnings: [...notes, ...collected.warnings] }
}

/** Streams the file through fast-csv; the first record is the header and decides the layout. */
async function readRows(
  path: string,
  gzip: boolean,
  encoding: TextEncoding,
  delimiter: string,
): Promise<{ layout: 'wide' | 'official'; collected: Collected }> {
  let collector: ReturnType<typeof createStationCollector> | undefined
  let layoutKind: 'wide' | 'official' = 'wide'
  let line = 0
  const sink = new Writable({
    objectMode: true,
    write(fields: string[], _encoding, done) {
      line += 1
      if (collector !== undefined) {
        collector.addRow(fields, line)
        return done()
      }
      const detected = detectLayout(fields)
      if (!detected.ok) return done(new ResultsFileError(`${path}: ${detected.message}`))
      layoutKind = detected.layout.kind
      collector = createStationCollector(detected.layout)
      done()
    },
  })
  await pipeline(
    openByteStream(path, gzip),
    createTextGuard(encoding),
    // Ministry files have no quoting, but re-publishers' CSV writers quote names with separators.
    parse({ delimiter, encoding, headers: false, quote: '"' }),
    sink,
  )
  if (collector === undefined) throw new ResultsFileError(`${path}: the file has no header row`)
  return { layout: layoutKind, collected: collector.finish() }
}

function occurrences(text: string, char: string): number {
  return text.split(char).length - 1
}
