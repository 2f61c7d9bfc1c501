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
import type { AreaNode } from '../core/area-tree.js'
import type { AreaLevel, Contest, ElectionDefinition } from '../core/schemas.js'
import { communesInOrder } from './stations-csv.js'
import type { TallyTree } from './tally-tree.js'

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

export function buildNistReport(tallies: TallyTree, embargoed: boolean): Json {
  const { definition } = tallies
  const election = definition.election
  const root = tallies.root
  const complete = root.stationsTotal > 0 && root.stationsReported === root.stationsTotal
  const generated = embargoed || root.updatedAtMs === undefined ? election.pollsCloseAt : new Date(root.updatedAtMs).toISOString()
  const day = electionDay(definition)
  const contestUnits: Json[] = []
  const contests = election.contests.map((contest, i) => {
    const district = districtOf(tallies, contest, contestUnits)
    return embargoed ? contestSkeleton(contest, i, district) : contestWithCounts(tallies, contest, i, district)
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
    GpUnit: [...gpUnits(tallies, embargoed), ...contestUnits],
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

function contestWithCounts(tallies: TallyTree, contest: Contest, i: number, district: string): Json {
  const ct = tallies.root.contestById.get(contest.id)
  const reported = ct?.stationsReported ?? 0
  const total = ct?.stationsTotal ?? 0
  const summary: Json[] = []
  const votes = new Map<string, Json[]>(contest.candidates.map((c) => [c.id, []]))
  for (const commune of communesInOrder(tallies.tree.root)) {
    for (const station of tallies.stationsOf(commune)) {
      const r = tallies.resultOf(contest.id, station.id)
      if (r?.status !== 'validated') continue
      const gp = gpUnitId('station', station.id)
      summary.push({ GpUnitId: gp, Type: 'total', BallotsCast: r.counts.voters, Undervotes: r.counts.blank, BallotsRejected: r.counts.invalid })
      for (const c of contest.candidates) votes.get(c.id)?.push({ GpUnitId: gp, Type: 'total', Count: r.counts.votes[c.id] ?? 0 })
    }
  }
  const skeleton = contestSkeleton(contest, i, district)
  const selections = skeleton.BallotSelection as Json[]
  const ordered = ballotOrder(contest)
  return {
    ...skeleton,
    SubUnitsReported: reported,
    TotalSubUnits: total,
    CountStatus: [{ '@type': 'ElectionResults.CountStatus', Type: 'total', Status: total > 0 && reported === total ? 'completed' : 'in-process' }],
    SummaryCounts: summary,
    BallotSelection: selections.map((sel, k) => ({ ...sel, VoteCounts: votes.get(ordered[k]?.id ?? '') ?? [] })),
  }
}

/** Every area and station, parents first; counts of stations reported only once the embargo has lifted. */
function gpUnits(tallies: TallyTree, embargoed: boolean): Json[] {
  const units: Json[] = []
  const visit = (node: AreaNode) => {
    const tally = tallies.tallyOf(node)
    const areas = node.children.filter((c) => c.area.level !== 'station')
    const children = node.area.level === 'commune' ? tallies.stationsOf(node).map((s) => gpUnitId('station', s.id)) : areas.map((c) => gpUnitId(c.area.level, c.area.code))
    units.push({
      '@type': 'ElectionResults.ReportingUnit',
      '@id': gpUnitId(node.area.level, node.area.code),
      ...UNIT_TYPES[node.area.level],
      Name: node.area.name,
      ComposingGpUnitIds: children,
      ...(embargoed ? {} : { SubUnitsReported: tally.stationsReported, TotalSubUnits: tally.stationsTotal }),
    })
    if (node.area.level === 'commune') {
      for (const s of tallies.stationsOf(node)) {
        units.push({
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
    areas.forEach(visit)
  }
  visit(tallies.tree.root)
  return units
}
