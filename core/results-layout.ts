// Which of the Ministry's per-bureau layouts a file uses, and where each figure sits, read from
// its header. Column names vary a little between elections and re-publishers ("Code du b.vote",
// "Code B.Vote", "Exprimés", "exprimes"), so names are compared after normalisation.

/** The station columns both layouts share; `undefined` when a layout may lack the column. */
export interface StationColumns {
  departement: number
  commune: number
  bureau: number
  communeName: number | undefined
  registered: number
  voters: number
  blank: number
  valid: number
}

/** One column per candidate (the aktiur/resultats-electoraux conversion): nuls derived. */
export interface WideLayout extends StationColumns {
  kind: 'wide'
  /** Present in some conversions; otherwise nuls = votants − blancs − exprimés. */
  invalid: number | undefined
  candidates: { column: number; header: string }[]
  fieldCount: number
}

/** The Ministry's own file: fixed columns, then one block per candidate, named once in the header. */
export interface OfficialLayout extends StationColumns {
  kind: 'official'
  invalid: number
  blockStart: number
  blockSize: number
  /** Offsets inside a candidate block. */
  block: { ballot: number; surname: number; firstName: number | undefined; party: number | undefined; votes: number }
}

export type ResultsLayout = WideLayout | OfficialLayout

export type LayoutDetection = { ok: true; layout: ResultsLayout } | { ok: false; message: string }

// Words that some headers carry and others drop ("Code du département" vs "Code département").
const FILLER_WORDS = new Set(['du', 'de', 'la', 'le', 'des', 'l', 'd'])

/** "Code du b.vote" and "Code B.Vote" → "code b vote"; "N°Panneau" → "n panneau"; "Exprimés" → "exprimes". */
export function normalizeColumnName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !FILLER_WORDS.has(word))
    .join(' ')
}

const SYNONYMS = {
  departement: ['departement', 'code departement', 'code dpt', 'code dep', 'dep'],
  commune: ['commune', 'code commune'],
  bureau: ['bureau', 'code b vote', 'code bureau vote', 'code bureau', 'code bv', 'bv'],
  communeName: ['commune libelle', 'libelle commune', 'nom commune'],
  circonscription: ['circonscription', 'code circonscription'],
  registered: ['inscrits'],
  voters: ['votants'],
  blank: ['blancs'],
  invalid: ['nuls'],
  valid: ['exprimes'],
  ballot: ['n panneau', 'numero panneau', 'panneau', 'n liste'],
  sex: ['sexe'],
  surname: ['nom'],
  firstName: ['prenom'],
  party: ['nuance'],
  votes: ['voix'],
} as const satisfies Record<string, readonly string[]>

type ColumnRole = keyof typeof SYNONYMS

const ROLE_OF_NAME = new Map<string, ColumnRole>(
  Object.entries(SYNONYMS).flatMap(([role, names]) => names.map((n) => [n, role as ColumnRole] as const)),
)

const REQUIRED_STATION_ROLES = ['departement', 'commune', 'bureau', 'registered', 'voters', 'blank', 'valid'] as const

const EXPECTED_LAYOUTS =
  'Expected either the wide layout (departement, commune, bureau, circonscription, commune_libelle, inscrits, votants, ' +
  'blancs, exprimes, then one column per candidate) or the official Ministry layout (Code du département; …; ' +
  'Code du b.vote; Inscrits; …; Votants; …; Blancs; …; Nuls; …; Exprimés; …, then one block per candidate: ' +
  'N°Panneau; Sexe; Nom; Prénom; Voix; % Voix/Ins; % Voix/Exp).'

export function detectLayout(header: readonly string[]): LayoutDetection {
  const roles = header.map((name) => ROLE_OF_NAME.get(normalizeColumnName(name)))
  const blockStart = roles.indexOf('ballot')
  return blockStart >= 0 ? detectOfficial(header, roles, blockStart) : detectWide(header, roles)
}

function detectWide(header: readonly string[], roles: readonly (ColumnRole | undefined)[]): LayoutDetection {
  const find = (role: ColumnRole): number | undefined => indexOf(roles, role, 0, roles.length)
  const missing = REQUIRED_STATION_ROLES.filter((role) => find(role) === undefined)
  const valid = find('valid')
  if (missing.length > 0 || valid === undefined) return unknownHeader(header, missing.map(columnLabel))
  // Candidates follow the figures; any column there that is not a known station column is one.
  const candidates = header
    .map((name, column) => ({ column, header: name.trim() }))
    .filter(({ column }) => column > valid && roles[column] === undefined && normalizeColumnName(header[column] ?? '') !== '')
  if (candidates.length === 0) {
    return { ok: false, message: `The header has no candidate column after "exprimes". ${describe(header)} ${EXPECTED_LAYOUTS}` }
  }
  return {
    ok: true,
    layout: { kind: 'wide', ...stationColumns(find), invalid: find('invalid'), candidates, fieldCount: header.length },
  }
}

function detectOfficial(
  header: readonly string[],
  roles: readonly (ColumnRole | undefined)[],
  blockStart: number,
): LayoutDetection {
  const find = (role: ColumnRole): number | undefined => indexOf(roles, role, 0, blockStart)
  const inBlock = (role: ColumnRole): number | undefined => {
    const column = indexOf(roles, role, blockStart, roles.length)
    return column === undefined ? undefined : column - blockStart
  }
  const missing: string[] = [...REQUIRED_STATION_ROLES, 'invalid' as const]
    .filter((role) => find(role) === undefined)
    .map(columnLabel)
  const surname = inBlock('surname')
  const votes = inBlock('votes')
  if (surname === undefined) missing.push('Nom (in the candidate block)')
  if (votes === undefined) missing.push('Voix (in the candidate block)')
  const invalid = find('invalid')
  if (missing.length > 0 || surname === undefined || votes === undefined || invalid === undefined) {
    return unknownHeader(header, missing)
  }
  return {
    ok: true,
    layout: {
      kind: 'official',
      ...stationColumns(find),
      invalid,
      blockStart,
      blockSize: header.length - blockStart,
      block: { ballot: 0, surname, firstName: inBlock('firstName'), party: inBlock('party'), votes },
    },
  }
}

function stationColumns(find: (role: ColumnRole) => number | undefined): StationColumns {
  const required = (role: (typeof REQUIRED_STATION_ROLES)[number]): number => {
    const column = find(role)
    // detectWide / detectOfficial return early when a required column is missing.
    if (column === undefined) throw new Error(`bug: column ${role} vanished after detection`)
    return column
  }
  return {
    departement: required('departement'),
    commune: required('commune'),
    bureau: required('bureau'),
    communeName: find('communeName'),
    registered: required('registered'),
    voters: required('voters'),
    blank: required('blank'),
    valid: required('valid'),
  }
}

function columnLabel(role: ColumnRole): string {
  return SYNONYMS[role][0]
}

function indexOf(roles: readonly (ColumnRole | undefined)[], role: ColumnRole, from: number, to: number): number | undefined {
  for (let i = from; i < to; i++) if (roles[i] === role) return i
  return undefined
}

function unknownHeader(header: readonly string[], missing: readonly string[]): LayoutDetection {
  const lacking = missing.length > 0 ? ` Missing: ${missing.join(', ')}.` : ''
  return { ok: false, message: `Unrecognised results file header. ${describe(header)}${lacking} ${EXPECTED_LAYOUTS}` }
}

const LISTED_COLUMNS_MAX = 40

function describe(header: readonly string[]): string {
  const shown = header.slice(0, LISTED_COLUMNS_MAX).map((name) => JSON.stringify(name))
  const more = header.length > LISTED_COLUMNS_MAX ? `, … (${header.length} in all)` : ''
  return `Columns found: ${shown.join(', ')}${more}.`
}
