// Address → station tables. Two layouts, told apart by the header:
// - the Val-de-Marne one (electoral-list extracts geocoded by the BAN: code_insee, bureau_code,
//   adresse, cp, result_type, result_score, result_housenumber, result_name, result_postcode, …);
// - the simple layout: commune;bureau;numero;voie;code_postal (numero empty for a whole street).
// Street names come from the BAN's answer when it found the street (the raw lines are municipal
// text, "R DE L EGLISE ESC 7"); lines the BAN placed no better than the town are not indexed and
// are counted as such, since no voter could find them by street.
import { houseNumber } from '../browser/finder-lookup.js'
import { bureauCode, checkWidth, columnIndexes, fieldOf, isCommuneCode, readTable, type ParsedInput, type Table, type TableLine } from './text-table.js'

export interface AddressRow {
  commune: string
  bureau: string
  street: string
  number?: number
  postcode?: string
  /** Line in the input file, so a test or an operator can go back to it. */
  line: number
}

export interface AddressInput extends ParsedInput<AddressRow> {
  layout: 'val-de-marne' | 'simple'
  /** Lines with a valid station but no street the BAN could place: not indexed, counted by reason. */
  unlocated: Record<string, number>
}

/** Below this BAN score, the street found is as likely another one (measured on the 94 table: 98 % are ≥ 0.7). */
export const MIN_BAN_SCORE = 0.5

const VDM_COLUMNS = ['code_insee', 'bureau_code', 'adresse', 'cp', 'result_score', 'result_type', 'result_housenumber', 'result_name', 'result_postcode'] as const
const SIMPLE_COLUMNS = ['commune', 'bureau', 'numero', 'voie', 'code_postal'] as const

type Outcome = AddressRow | { problem: string } | { unlocated: string }

export async function readAddressTable(file: string): Promise<AddressInput> {
  const table = await readTable(file)
  const vdm = table.header.includes('bureau_code')
  const parseLine = vdm ? valDeMarneLine(table) : simpleLine(table)
  const rows: AddressRow[] = []
  const problems = [...table.problems]
  const unlocated: Record<string, number> = {}
  for (const line of table.lines) {
    const width = checkWidth(line, table)
    const outcome = width === undefined ? parseLine(line) : { problem: width }
    if ('problem' in outcome) problems.push(`line ${line.line}: ${outcome.problem}`)
    else if ('unlocated' in outcome) unlocated[outcome.unlocated] = (unlocated[outcome.unlocated] ?? 0) + 1
    else rows.push(outcome)
  }
  return { file, rows, problems, unlocated, layout: vdm ? 'val-de-marne' : 'simple' }
}

function stationOf(line: TableLine, communeCol: number, bureauCol: number): { commune: string; bureau: string } | { problem: string } {
  const commune = fieldOf(line, communeCol)
  if (!isCommuneCode(commune)) return { problem: `commune "${commune}" is not an INSEE code` }
  const bureau = bureauCode(fieldOf(line, bureauCol))
  if (bureau === undefined) return { problem: `bureau "${fieldOf(line, bureauCol)}" is not a bureau number` }
  return { commune, bureau }
}

function valDeMarneLine(table: Table): (line: TableLine) => Outcome {
  const col = columnIndexes(table, VDM_COLUMNS, 'Val-de-Marne address')
  return (line) => {
    const station = stationOf(line, col.code_insee, col.bureau_code)
    if ('problem' in station) return station
    const type = fieldOf(line, col.result_type)
    const score = Number(fieldOf(line, col.result_score))
    if (type === '') return { unlocated: 'not geocoded' }
    if (type !== 'housenumber' && type !== 'street') return { unlocated: `geocoded to a ${type} only` }
    if (!(score >= MIN_BAN_SCORE)) return { unlocated: `geocoding score below ${MIN_BAN_SCORE}` }
    const street = fieldOf(line, col.result_name)
    if (street === '') return { problem: `result_type ${type} without result_name` }
    // A street-level answer still has the voter's number in the raw line ("238 RUE ALBERT").
    const number = houseNumber(type === 'housenumber' ? fieldOf(line, col.result_housenumber) : fieldOf(line, col.adresse))
    // The list's own postcode is what the voter types; the BAN's may be a neighbour's (3 lines fall in another commune).
    const listed = fieldOf(line, col.cp)
    const postcode = /^\d{5}$/.test(listed) ? listed : fieldOf(line, col.result_postcode)
    return { ...station, street, ...(number === undefined ? {} : { number }), ...(postcode === '' ? {} : { postcode }), line: line.line }
  }
}

function simpleLine(table: Table): (line: TableLine) => Outcome {
  const col = columnIndexes(table, SIMPLE_COLUMNS, 'simple address (commune;bureau;numero;voie;code_postal)')
  return (line) => {
    const station = stationOf(line, col.commune, col.bureau)
    if ('problem' in station) return station
    const street = fieldOf(line, col.voie)
    if (street === '') return { problem: 'no street (voie)' }
    const numberText = fieldOf(line, col.numero)
    const number = houseNumber(numberText)
    if (numberText !== '' && number === undefined) return { problem: `numero "${numberText}" is not a house number` }
    const postcode = fieldOf(line, col.code_postal)
    return { ...station, street, ...(number === undefined ? {} : { number }), ...(postcode === '' ? {} : { postcode }), line: line.line }
  }
}
