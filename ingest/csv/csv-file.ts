// An uploaded file from bytes to rows: text (encoding), records (separator, quoting), layout
// (header), then each row on its own. Failures of the file as a whole are values with a message that
// says what to fix; a bad row is a rejected row, never a failed file.
import type { ApiError } from '../api-errors.js'
import { apiError } from '../api-errors.js'
import type { Parsed } from '../return-request.js'
import type { CsvBody } from './csv-body.js'
import { mapInSlices } from './cooperative.js'
import { detectCsvLayout, type CsvLayout } from './csv-layout.js'
import { describe, readCsvRecords, type Delimiter } from './csv-records.js'
import { readRow, type RowReading } from './csv-rows.js'
import { decodeCsvBytes } from './csv-text.js'

export interface CsvFile {
  layout: CsvLayout
  encoding: string
  delimiter: Delimiter
  notes: string[]
  rows: RowReading[]
}

export async function readCsvFile(body: CsvBody, maxBytes: number): Promise<Parsed<CsvFile>> {
  const decoded = await decodeCsvBytes(body.bytes, body.charset, maxBytes)
  if (!decoded.ok) return decoded
  const records = await readCsvRecords(decoded.text)
  if (!records.ok) return records
  const { header, rows, delimiter } = records
  const layout = detectCsvLayout(header.fields)
  if (!layout.ok) return { ok: false, error: unknownLayout(layout.message, header.line, header.fields.length, delimiter) }
  if (rows.length === 0) {
    return { ok: false, error: apiError(400, 'invalid-csv', 'The file has its header line but no rows below it: one row per polling station is expected.') }
  }
  return {
    ok: true,
    value: {
      layout: layout.layout,
      encoding: decoded.encoding,
      delimiter,
      notes: decoded.notes,
      rows: await mapInSlices(rows, (r) => readRow(layout.layout, r.line, r.fields)),
    },
  }
}

function unknownLayout(message: string, line: number, columns: number, delimiter: Delimiter): ApiError {
  // One column: most likely a separator this reader did not expect, rather than a layout.
  const hint = columns === 1 ? ` Only one column was found with ${describe(delimiter)} as the separator: separate the columns with ";" or ",".` : ''
  return apiError(422, 'unknown-layout', `Line ${line} (the header): ${message}${hint}`)
}
