// An election's id, name, round and embargo instant when the operator gave none: read from the
// results file's name, which for Ministry files and their re-publications says what was voted
// ("2017-presidentielle-1_par_bureau_large.csv.gz", "PR17_BVot_T1_FE.txt").
import { basename } from 'node:path'
import { fileNameSlug } from './display-names.js'

export interface ElectionNaming {
  id: string
  name: string
  round: number
  pollsCloseAt: string
}

/**
 * Polling days of the presidential elections the Ministry publishes per bureau. The last polls in
 * metropolitan France close at 20:00 Paris time, 18:00 UTC in April and May (summer time).
 */
const PRESIDENTIAL_POLLING_DAYS: Readonly<Record<number, readonly [string, string]>> = {
  2002: ['2002-04-21', '2002-05-05'],
  2007: ['2007-04-22', '2007-05-06'],
  2012: ['2012-04-22', '2012-05-06'],
  2017: ['2017-04-23', '2017-05-07'],
  2022: ['2022-04-10', '2022-04-24'],
}
const POLLS_CLOSE_UTC = 'T18:00:00Z'

export function electionNamingFromFile(path: string, now: Date): ElectionNaming {
  const stem = basename(path).replace(/\.gz$/i, '').replace(/\.(csv|txt|tsv)$/i, '')
  const id = fileNameSlug(stem) || 'election'
  const presidential = recognisePresidential(stem)
  if (presidential === undefined) {
    return { id, name: stem || id, round: roundFromName(stem) ?? 1, pollsCloseAt: now.toISOString() }
  }
  const { year, round } = presidential
  const day = PRESIDENTIAL_POLLING_DAYS[year]?.[round - 1]
  return {
    id,
    name: `Élection présidentielle ${year} — ${round === 1 ? '1er' : '2nd'} tour`,
    round,
    pollsCloseAt: day === undefined ? now.toISOString() : `${day}${POLLS_CLOSE_UTC}`,
  }
}

function recognisePresidential(stem: string): { year: number; round: number } | undefined {
  // "2017-presidentielle-1…", "presidentielle_2017_t2…"
  const spelled = /(?<year>(?:19|20)\d\d)[-_ ]?pr[ée]sidentielles?[-_ ]?(?:t|tour)?[-_ ]?(?<round>[12])(?!\d)/i.exec(stem)
    ?? /pr[ée]sidentielles?[-_ ]?(?<year>(?:19|20)\d\d)[-_ ]?(?:t|tour)?[-_ ]?(?<round>[12])(?!\d)/i.exec(stem)
  if (spelled?.groups?.year !== undefined && spelled.groups.round !== undefined) {
    return { year: Number(spelled.groups.year), round: Number(spelled.groups.round) }
  }
  // The Ministry's own names: "PR17_BVot_T1_FE".
  const ministry = /^PR(?<yy>\d\d)_.*?T(?<round>[12])(?!\d)/i.exec(stem)
  if (ministry?.groups?.yy !== undefined && ministry.groups.round !== undefined) {
    return { year: 2000 + Number(ministry.groups.yy), round: Number(ministry.groups.round) }
  }
  return undefined
}

function roundFromName(stem: string): number | undefined {
  const match = /(?:^|[^a-z0-9])(?:t|tour)[-_ ]?([12])(?!\d)/i.exec(stem)
  return match?.[1] === undefined ? undefined : Number(match[1])
}
