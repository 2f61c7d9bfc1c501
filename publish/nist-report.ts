// data/results-nist.json: the results in the NIST SP 1500-100 version 2 common data format
// (Election Results Reporting, JSON binding), precinct level: every station is a ReportingUnit of
// Type "precinct" and carries its own VoteCounts, so a consumer can add them up to any area.
// Field names and enumerations follow NIST_V2_election_results_reporting.json (usnistgov/
// ElectionResultsReporting): ElectionReport requires Format, GeneratedDate, Issuer,
// IssuerAbbreviation, SequenceStart/End, Status and VendorApplicationId; a CandidateContest
// requires @id, Name, ElectoralDistrictId and VotesAllowed; VoteCounts requires Count and Type.
//
// Status: "pre-election" under embargo (names only, no count at all), "unofficial-partial" while
// stations are missing, "unofficial-complete" once every station of every contest is counted.
// Blank ballots (votes blancs) are a contest's Undervotes and invalid ones (nuls) its
// BallotsRejected, per station in SummaryCounts. GeneratedDate is the latest validation time (or
// the polls' closing time before any result), never the clock, so the same results give the same
// bytes.
import { randomUUID } from 'node:crypto'
import type { AreaNode } from '../core/area-tree.js'
import type { AreaLevel, Contest, ElectionDefinition, StationResult } from '../core/schemas.js'
import { ReleasableText } from './releasable-text.js'
import { communesInOrder } from './stations-csv.js'
import { contestTallyOf, type TallyTree } from './tally-tree.js'

export const NIST_ISSUER = 'Publication des résultats électoraux'
export const NIST_ISSUER_ABBREVIATION = 'FR'
export const NIST_VENDOR_APPLICATION_ID = 'elections (static results publisher)'

type Json = Record<string, unknown>

const UNIT_TYPES: Record<AreaLevel, { Type: string; OtherType?: string }> = {
  country: { Type: 'country' },
  region: { Type: 'other', OtherType: 'region' },
  departement: { Type: 'other', OtherType: 'departement' },
  commune: { Type: 'municipality' },
  station: { Type: 'precinct' },
}

export function gpUnitId(level: AreaLevel, code: string): string {
  return `gp-${level}-${code}`
}

/**
 * The report as UTF-8 JSON. For France it is about 75 MB, most of it 760,000 small VoteCounts: as
 * objects, then one string, then a Buffer, that took over 400 MB at once. Here the rest of the
 * report is an ordinary object in which each large array is a stand-in; the large arrays are
 * written element by element, in order, straight into the bytes (short-lived strings only), which
 * grow in place (ReleasableText): never held twice, nor as chunks left to the garbage collector.
 *
 * Tried and measured worse: streaming the report to a spool file linked into place, never held
 * whole. A France rebuild peaked at 815–818 MB against 701–708 MB this way: allocating this
 * Buffer (external memory) makes V8 run a full collection, which frees the garbage the pages left
 * on the heap; without it the heap grew by the rendering's garbage as well (about 130 MB).
 */
export function renderNistReport(tallies: TallyTree, embargoed: boolean): Buffer {
  const raw = new RawArrays()
  const skeleton = JSON.stringify(buildNistReport(tallies, embargoed, raw))
  const out = new ReleasableText()
  let last = 0
  for (const m of skeleton.matchAll(raw.pattern)) {
    const items = raw.arrays[Number(m[1])]
    if (!items) throw new Error(`NIST report: stand-in ${m[1]} has no array`)
    out.write(skeleton.slice(last, m.index))
    out.write('[')
    let first = true
    for (const item of items()) {
      out.write(first ? item : `,${item}`)
      first = false
    }
    out.write(']')
    last = m.index + m[0].length
  }
  out.write(`${skeleton.slice(last)}\n`)
  return out.finish()
}

/** A large array of the report: its elements as JSON text, in order, made as they are written. */
type RawArray = () => Iterable<string>

/**
 * The large arrays; the report holds a stand-in string for each until it is spliced. A stand-in
 * carries a nonce of this render, so no name in the report can pass for one; the nonce never
 * reaches the output.
 */
class RawArrays {
  readonly arrays: RawArray[] = []
  private readonly nonce = randomUUID()
  /** A stand-in as JSON.stringify writes it: "\u0000NONCE:N\u0000" (NUL is escaped in JSON). */
  readonly pattern = new RegExp(`"\\\\u0000${this.nonce}:(\\d+)\\\\u0000"`, 'g')

  ref(array: RawArray): string {
    return `\u0000${this.nonce}:${this.arrays.push(array) - 1}\u0000`
  }
}

function buildNistReport(tallies: TallyTree, embargoed: boolean, raw: RawArrays): Json {
  const { definition } = tallies
  const election = definition.election
  const root = tallies.root
  const complete = root.stationsTotal > 0 && root.stationsReported === root.stationsTotal
  const generated = embargoed || root.updatedAtMs === undefined ? election.pollsCloseAt : new Date(root.updatedAtMs).toISOString()
  const day = electionDay(definition)
  const contestUnits: Json[] = []
  const contests = election.contests.map((contest, i) => {
    const district = districtOf(tallies, contest, contestUnits)
    return embargoed ? contestSkeleton(contest, i, district) : contestWithCounts(tallies, contest, i, district, raw)
  })
  return {
    '@type': 'ElectionResults.ElectionReport',
    Format: 'precinct-level',
    GeneratedDate: new Date(generated).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Issuer: NIST_ISSUER,
    IssuerAbbreviation: NIST_ISSUER_ABBREVIATION,
    VendorApplicationId: NIST_VENDOR_APPLICATION_ID,
    SequenceStart: 1,
    SequenceEnd: 1,
    Status: embargoed ? 'pre-election' : complete ? 'unofficial-complete' : 'unofficial-partial',
    Election: [
      {
        '@type': 'ElectionResults.Election',
        ElectionScopeId: gpUnitId('country', tallies.tree.root.area.code),
        Name: text(election.name),
        StartDate: day,
        EndDate: day,
        Type: election.round > 1 ? 'runoff' : 'general',
        Candidate: election.contests.flatMap((contest) => ballotOrder(contest).map((c) => candidate(contest, c))),
        Contest: contests,
      },
    ],
    GpUnit: raw.ref(function* () {
      yield* gpUnits(tallies, embargoed)
      for (const unit of contestUnits) yield JSON.stringify(unit)
    }),
  }
}

/** The day the polls close, in Paris (a date, as the format wants). */
function electionDay(def: ElectionDefinition): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(def.election.pollsCloseAt))
}

function text(content: string): Json {
  return { '@type': 'ElectionResults.InternationalizedText', Text: [{ '@type': 'ElectionResults.LanguageString', Content: content, Language: 'fr' }] }
}

function candidateId(contest: Contest, id: string): string {
  return `cand-${contest.id}-${id}`
}

function candidate(contest: Contest, c: Contest['candidates'][number]): Json {
  return { '@type': 'ElectionResults.Candidate', '@id': candidateId(contest, c.id), BallotName: text(c.party ? `${c.name} (${c.party})` : c.name) }
}

function ballotOrder(contest: Contest): Contest['candidates'] {
  return [...contest.candidates].sort((a, b) => a.ballot - b.ballot)
}

/** A contest over every station is the country's; one over some stations gets a district of its own. */
function districtOf(tallies: TallyTree, contest: Contest, units: Json[]): string {
  if (contest.stationIds === undefined) return gpUnitId('country', tallies.tree.root.area.code)
  const id = `gp-contest-${contest.id}`
  units.push({
    '@type': 'ElectionResults.ReportingUnit',
    '@id': id,
    Type: 'other',
    OtherType: 'contest-district',
    Name: contest.name,
    ComposingGpUnitIds: [...new Set(contest.stationIds)].filter((s) => tallies.tree.stations.has(s)).map((s) => gpUnitId('station', s)),
  })
  return id
}

function contestSkeleton(contest: Contest, i: number, district: string): Json {
  return {
    '@type': 'ElectionResults.CandidateContest',
    '@id': `contest-${contest.id}`,
    Name: contest.name,
    ElectoralDistrictId: district,
    VotesAllowed: 1,
    NumberElected: contest.seats,
    SequenceOrder: i + 1,
    BallotSelection: ballotOrder(contest).map((c) => ({
      '@type': 'ElectionResults.CandidateSelection',
      '@id': `sel-${contest.id}-${c.id}`,
      CandidateIds: [candidateId(contest, c.id)],
      SequenceOrder: c.ballot,
    })),
  }
}

function contestWithCounts(tallies: TallyTree, contest: Contest, i: number, district: string, raw: RawArrays): Json {
  const ct = contestTallyOf(tallies.root, contest.id)
  const reported = ct?.stationsReported ?? 0
  const total = ct?.stationsTotal ?? 0
  // The validated results of the contest in station order, read once for every array below.
  const counted: { gp: string; counts: StationResult['counts'] }[] = []
  for (const commune of communesInOrder(tallies.tree.root)) {
    for (const station of tallies.stationsOf(commune)) {
      const r = tallies.resultOf(contest.id, station.id)
      if (r?.status !== 'validated') continue
      counted.push({ gp: JSON.stringify(gpUnitId('station', station.id)), counts: r.counts })
    }
  }
  // An element is {"GpUnitId":…,"Type":"total"} and the named numbers of its station.
  const perStation = (names: string[], numbers: (counts: StationResult['counts']) => number[]): RawArray => {
    const fields = names.map((name) => `,${JSON.stringify(name)}:`)
    return function* () {
      for (const { gp, counts } of counted) {
        let item = `{"GpUnitId":${gp},"Type":"total"`
        numbers(counts).forEach((x, f) => (item += `${fields[f]}${x}`))
        yield `${item}}`
      }
    }
  }
  const summary = perStation(['BallotsCast', 'Undervotes', 'BallotsRejected'], (counts) => [counts.voters, counts.blank, counts.invalid])
  const votesOf = (candidate: string) => perStation(['Count'], (counts) => [counts.votes[candidate] ?? 0])
  const skeleton = contestSkeleton(contest, i, district)
  const selections = skeleton.BallotSelection as Json[]
  const ordered = ballotOrder(contest)
  return {
    ...skeleton,
    SubUnitsReported: reported,
    TotalSubUnits: total,
    CountStatus: [{ '@type': 'ElectionResults.CountStatus', Type: 'total', Status: total > 0 && reported === total ? 'completed' : 'in-process' }],
    SummaryCounts: raw.ref(summary),
    BallotSelection: selections.map((sel, k) => ({ ...sel, VoteCounts: raw.ref(votesOf(ordered[k]?.id ?? '')) })),
  }
}

/** Every area and station, parents first; counts of stations reported only once the embargo has lifted. */
function* gpUnits(tallies: TallyTree, embargoed: boolean): Generator<string> {
  const visit = function* (node: AreaNode): Generator<string> {
    const tally = tallies.tallyOf(node)
    const areas = node.children.filter((c) => c.area.level !== 'station')
    const children = node.area.level === 'commune' ? tallies.stationsOf(node).map((s) => gpUnitId('station', s.id)) : areas.map((c) => gpUnitId(c.area.level, c.area.code))
    yield JSON.stringify({
      '@type': 'ElectionResults.ReportingUnit',
      '@id': gpUnitId(node.area.level, node.area.code),
      ...UNIT_TYPES[node.area.level],
      Name: node.area.name,
      ComposingGpUnitIds: children,
      ...(embargoed ? {} : { SubUnitsReported: tally.stationsReported, TotalSubUnits: tally.stationsTotal }),
    })
    if (node.area.level === 'commune') {
      for (const s of tallies.stationsOf(node)) {
        yield JSON.stringify({
          '@type': 'ElectionResults.ReportingUnit',
          '@id': gpUnitId('station', s.id),
          ...UNIT_TYPES.station,
          Name: `${s.code} — ${s.name}`,
          Number: s.code,
          ...(embargoed ? {} : { VotersRegistered: s.registered }),
        })
      }
      return
    }
    for (const area of areas) yield* visit(area)
  }
  yield* visit(tallies.tree.root)
}
