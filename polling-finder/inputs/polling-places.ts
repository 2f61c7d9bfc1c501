// Where each station votes: place name, street address, coordinates. Two layouts, told apart by
// the header:
// - Paris open data's "bureaux-de-votes" export (';', "Identifiant du bureau de vote" = "15-40");
// - the simple layout: commune;bureau;lieu;adresse;code_postal;latitude;longitude[;accessible]
//   (accessible: oui / non / empty when unknown).
import { bureauCode, checkWidth, columnIndexes, fieldOf, isCommuneCode, parseLatLon, readTable, validLatLon, type ParsedInput, type Table, type TableLine } from './text-table.js'

export interface PlaceRow {
  commune: string
  bureau: string
  place: string
  address: string
  postcode?: string
  lat?: number
  lon?: number
  accessible?: boolean
}

const PARIS_COLUMNS = ['Libellé du bureau de vote', 'Adresse', 'Code Postal', 'Identifiant du bureau de vote', 'geo_point_2d'] as const
const SIMPLE_COLUMNS = ['commune', 'bureau', 'lieu', 'adresse', 'code_postal', 'latitude', 'longitude'] as const
const PARIS = '75056'

type Outcome = PlaceRow | string

export async function readPollingPlaces(file: string): Promise<ParsedInput<PlaceRow> & { layout: 'paris' | 'simple' }> {
  const table = await readTable(file)
  const paris = table.header.includes('Identifiant du bureau de vote')
  const parseLine = paris ? parisLine(table) : simpleLine(table)
  const rows: PlaceRow[] = []
  const problems = [...table.problems]
  const seen = new Map<string, number>()
  for (const line of table.lines) {
    const width = checkWidth(line, table)
    const outcome: Outcome = width ?? parseLine(line)
    if (typeof outcome === 'string') {
      problems.push(`line ${line.line}: ${outcome}`)
      continue
    }
    const key = `${outcome.commune}-${outcome.bureau}`
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push(`line ${line.line}: bureau ${key} already placed on line ${first}`)
      continue
    }
    seen.set(key, line.line)
    rows.push(outcome)
  }
  return { file, rows, problems, layout: paris ? 'paris' : 'simple' }
}

function parisLine(table: Table): (line: TableLine) => Outcome {
  const col = columnIndexes(table, PARIS_COLUMNS, 'Paris polling places')
  return (line) => {
    const id = fieldOf(line, col['Identifiant du bureau de vote'])
    const m = id.match(/^(\d{1,2})-(\d{1,2})$/)
    if (!m) return `bureau id "${id}" is not "arrondissement-number" (e.g. 15-40)`
    const point = parseLatLon(fieldOf(line, col.geo_point_2d))
    const place = fieldOf(line, col['Libellé du bureau de vote'])
    const address = fieldOf(line, col.Adresse)
    if (address === '') return 'no address'
    return {
      commune: PARIS,
      bureau: `${m[1]?.padStart(2, '0')}${m[2]?.padStart(2, '0')}`,
      place: place === '' ? address : place,
      address,
      postcode: fieldOf(line, col['Code Postal']),
      ...(point === undefined ? {} : { lat: point[0], lon: point[1] }),
    }
  }
}

function simpleLine(table: Table): (line: TableLine) => Outcome {
  const col = columnIndexes(table, SIMPLE_COLUMNS, 'simple polling places (commune;bureau;lieu;adresse;code_postal;latitude;longitude[;accessible])')
  const accessibleCol = table.header.indexOf('accessible')
  return (line) => {
    const commune = fieldOf(line, col.commune)
    if (!isCommuneCode(commune)) return `commune "${commune}" is not an INSEE code`
    const bureau = bureauCode(fieldOf(line, col.bureau))
    if (bureau === undefined) return `bureau "${fieldOf(line, col.bureau)}" is not a bureau number`
    const place = fieldOf(line, col.lieu)
    const address = fieldOf(line, col.adresse)
    if (place === '' && address === '') return 'neither a place name nor an address'
    const latText = fieldOf(line, col.latitude)
    const lonText = fieldOf(line, col.longitude)
    const lat = Number(latText.replace(',', '.'))
    const lon = Number(lonText.replace(',', '.'))
    const hasPoint = latText !== '' || lonText !== ''
    if (hasPoint && !validLatLon(lat, lon)) return `coordinates "${latText}", "${lonText}" are not a latitude and a longitude`
    const accessibleText = accessibleCol < 0 ? '' : fieldOf(line, accessibleCol).toLowerCase()
    if (!['', 'oui', 'non'].includes(accessibleText)) return `accessible is "${accessibleText}": oui, non or empty`
    return {
      commune,
      bureau,
      place: place === '' ? address : place,
      address,
      postcode: fieldOf(line, col.code_postal),
      ...(hasPoint ? { lat, lon } : {}),
      ...(accessibleText === '' ? {} : { accessible: accessibleText === 'oui' }),
    }
  }
}
