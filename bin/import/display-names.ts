// Names as results files spell them ("MÉLENCHON", "LE PEN") turned into safe codes for URLs and
// file names, and into names a results page can print.

const CODE_MAX_LENGTH = 40

/** "LE PEN" → "LE-PEN", "MÉLENCHON" → "MELENCHON": upper case, no accents, letters, digits and "-". */
export function candidateCode(name: string): string {
  return stripAccents(name)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, CODE_MAX_LENGTH)
    .replace(/-+$/, '')
}

/** A file name as an election id: "2017-presidentielle-1_par_bureau_large". */
export function fileNameSlug(name: string): string {
  return stripAccents(name)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, CODE_MAX_LENGTH)
    .replace(/[-_]+$/, '')
}

/** "LE PEN" → "Le Pen", "DUPONT-AIGNAN" → "Dupont-Aignan", "D'ORNANO" → "D'Ornano". */
export function titleCase(name: string): string {
  return name
    .trim()
    .toLocaleLowerCase('fr')
    .replace(/(^|[\s'’-])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toLocaleUpperCase('fr'))
}

/** Gives every code a distinct value by suffixing repeats with their ballot number. */
export function uniqueCode(code: string, ballot: number, taken: ReadonlySet<string>): string {
  const base = code === '' ? `C${ballot}` : code
  return taken.has(base) ? `${base.slice(0, CODE_MAX_LENGTH - 4)}-${ballot}` : base
}

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '')
}
